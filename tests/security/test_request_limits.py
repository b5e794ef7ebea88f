"""Finding 4: a body over its limit is refused by its Content-Length before a byte of it
is read, on every URL; a body without a length (chunked) is cut at the limit; nothing of
a refused upload reaches the temporary directory. Finding 5: a NUL byte in the query
string is a 400, never a database error."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .wsgi import CountingBody, wsgi_call

MB = 1024 * 1024


@pytest.fixture
def temp_dir(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # any real upload would land in tmp_path
    return tmp_path


def _session(user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: "a" * 32,
    }


def test_an_anonymous_300_mb_post_to_an_edit_url_is_refused_unread(db, temp_dir):
    body = CountingBody(300 * MB)
    answer = wsgi_call(
        reverse("models_registry:initiative_edit", args=[1]),
        body=body,
        content_length=body.total,
        content_type="multipart/form-data; boundary=xyz",
        cookies={settings.CSRF_COOKIE_NAME: "a" * 32},
    )
    assert answer.status == 413
    assert "Dữ liệu gửi lên quá lớn" in answer.text
    assert body.read_bytes == 0
    assert list(temp_dir.iterdir()) == []


def test_an_anonymous_post_to_the_visit_form_is_refused_unread(db, temp_dir):
    body = CountingBody(2 * MB)
    answer = wsgi_call(
        reverse("inspections:visit", args=[1]),
        body=body,
        content_length=body.total,
        content_type="multipart/form-data; boundary=xyz",
        cookies={settings.CSRF_COOKIE_NAME: "a" * 32},
    )
    assert answer.status == 413
    assert body.read_bytes == 0
    assert list(temp_dir.iterdir()) == []


def test_a_signed_in_upload_over_the_upload_limit_is_refused_unread(world, temp_dir, settings):
    settings.DVK_UPLOAD_REQUEST_MAX_BYTES = 5 * MB
    body = CountingBody(6 * MB)
    answer = wsgi_call(
        reverse("inspections:visit", args=[1]),
        body=body,
        content_length=body.total,
        content_type="multipart/form-data; boundary=xyz",
        cookies=_session(world.inspector),
    )
    assert answer.status == 413
    assert "5 MB" in answer.text
    assert body.read_bytes == 0
    assert list(temp_dir.iterdir()) == []


def test_a_form_without_files_is_held_to_the_smaller_limit(world, temp_dir, settings):
    settings.DVK_REQUEST_MAX_BYTES = 100 * 1024
    body = CountingBody(200 * 1024)
    answer = wsgi_call(
        reverse("models_registry:initiative_create"),
        body=body,
        content_length=body.total,
        cookies=_session(world.officer_a),
    )
    assert answer.status == 413
    assert body.read_bytes == 0


def test_a_chunked_body_without_a_length_is_cut_at_the_limit(db, temp_dir, settings):
    limit = settings.DVK_ANONYMOUS_REQUEST_MAX_BYTES
    body = CountingBody(50 * MB)
    answer = wsgi_call(
        reverse("login"),
        body=body,
        cookies={settings.CSRF_COOKIE_NAME: "a" * 32},
        extra={"HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert answer.status == 413
    assert body.read_bytes <= limit + 1
    assert list(temp_dir.iterdir()) == []


def test_a_chunked_multipart_upload_is_cut_at_the_limit_and_leaves_no_file(
    world, temp_dir, settings
):
    settings.DVK_UPLOAD_REQUEST_MAX_BYTES = 1 * MB
    head = (
        b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    )

    class Multipart(CountingBody):
        def _take(self, size):
            start = self.read_bytes
            data = super()._take(size)
            if start < len(head):
                data = (head[start:] + data)[: len(data)]
            return data

    body = Multipart(20 * MB)
    answer = wsgi_call(
        reverse("inspections:visit", args=[1]),
        body=body,
        content_type="multipart/form-data; boundary=xyz",
        cookies=_session(world.inspector),
        extra={"HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert answer.status == 413
    assert body.read_bytes <= 1 * MB + 1
    assert list(temp_dir.iterdir()) == []


def test_a_small_sign_in_still_works(world):
    from tests.factories import PASSWORD

    body = f"username=canbo.a&password={PASSWORD}".encode()
    client = Client()
    response = client.post(reverse("login"), {"username": "canbo.a", "password": PASSWORD})
    assert response.status_code == 302
    assert len(body) < settings.DVK_ANONYMOUS_REQUEST_MAX_BYTES


@pytest.mark.parametrize(
    "url_name,query",
    [
        ("inspections:export", {"campaign": "1", "round": "Đợt\x001"}),
        ("inspections:calendar", {"round": "a\x00b"}),
        ("models_registry:initiative_list", {"q": "\x00"}),
        ("dashboards:dashboard", {"unit": "1\x00"}),
    ],
)
def test_a_nul_byte_in_the_query_string_is_a_400(client, world, url_name, query):
    client.force_login(world.secretariat)
    response = client.get(reverse(url_name), query)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
