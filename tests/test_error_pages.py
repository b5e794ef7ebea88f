"""Every error a person can meet is a Vietnamese page in the site's look: 400, 403 (a
refused action and a stale form), 404 and 500 — the 500 page without the database."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from notifications.views import ONLY_SECRETARIAT_RETRIES


def assert_vietnamese_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert f"<h1>{heading}</h1>" in page
    assert "dvk/app.css" in page and "Về trang chủ" in page
    return page


def test_an_unknown_address_is_a_vietnamese_404(client, world):
    client.force_login(world.officer_a)
    response = client.get("/khong-co-trang-nay/")
    assert_vietnamese_page(response, 404, "Không tìm thấy trang")


def test_a_refused_action_is_a_vietnamese_403_with_its_reason(client, world):
    client.force_login(world.officer_a)
    response = client.get(reverse("notifications:failed"))
    page = assert_vietnamese_page(response, 403, "Không có quyền truy cập")
    assert ONLY_SECRETARIAT_RETRIES in page


def test_a_stale_form_is_a_vietnamese_403_that_says_what_to_do(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "canbo.a", "password": "x"})
    page = assert_vietnamese_page(response, 403, "Phiên làm việc đã hết hạn")
    assert "tải lại trang" in page


def test_a_request_for_a_foreign_host_is_a_vietnamese_400(client, db):
    response = client.get("/", HTTP_HOST="khong-phai-cua-ta.example")
    assert_vietnamese_page(response, 400, "Yêu cầu không hợp lệ")


def test_the_500_page_is_vietnamese_and_reads_no_database():
    # No db fixture: pytest-django refuses any database access here, as a database that
    # is down would.
    response = server_error(RequestFactory().get("/ho-so/"))
    page = assert_vietnamese_page(response, 500, "Hệ thống đang gặp sự cố")
    assert "Dữ liệu đã lưu trước đó không bị ảnh hưởng" in page


@pytest.mark.django_db
def test_a_crash_in_a_view_answers_with_the_500_page(client, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("models_registry.views.initiatives.initiative_list", broken)
    client.raise_request_exception = False
    client.force_login(world.officer_a)
    response = client.get(reverse("models_registry:initiative_list"))
    assert_vietnamese_page(response, 500, "Hệ thống đang gặp sự cố")
