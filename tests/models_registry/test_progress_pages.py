"""The progress pages: the form and list on the case page, the attachment download."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from models_registry.models import ProgressAttachment, ProgressKind, ProgressReport
from models_registry.services.progress import PDF, PNG, progress_report_create
from tests.models_registry.uploads import (
    REPORT_DAY,
    image_bytes,
    make_running,
    media_files,
    pdf_bytes,
    upload,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def running(world):
    return make_running(world)


def post_data(**overrides):
    data = {
        "kind": ProgressKind.UPDATE,
        "report_date": REPORT_DAY.isoformat(),
        "achievements": "Đã vận động 40 hộ ký cam kết; tổ chức 2 buổi đối thoại.",
        "percent_complete": "35",
    }
    data.update(overrides)
    return data


def add_report(world, case, *, files=(), percent=50):
    return progress_report_create(
        actor=world.officer_a,
        initiative=case,
        kind=ProgressKind.UPDATE,
        report_date=REPORT_DAY,
        achievements=f"Hoàn thành {percent}% khối lượng.",
        percent_complete=percent,
        files=list(files),
    )


def test_the_case_page_offers_the_form_to_the_units_officer_while_running(client, world, running):
    client.force_login(world.officer_a)
    html = client.get(running.get_absolute_url()).content.decode()
    assert "Tiến độ thực hiện" in html
    assert "Chưa có báo cáo tiến độ." in html
    assert 'enctype="multipart/form-data"' in html
    assert "tối đa 5 tệp, mỗi tệp không quá 10 MB" in html


@pytest.mark.parametrize("who", ["officer_b", "secretariat", "viewer"])
def test_others_see_no_progress_form(client, world, running, who):
    client.force_login(getattr(world, who))
    response = client.get(running.get_absolute_url())
    if response.status_code == 404:  # outside their scope altogether
        return
    assert 'enctype="multipart/form-data"' not in response.content.decode()


def test_a_draft_offers_no_progress_form(client, world, draft):
    client.force_login(world.officer_a)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' not in html


def test_officer_posts_a_report_with_files_and_sees_it_on_the_case_page(
    client, world, running, media
):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:progress_report_create", args=[running.pk]),
        {
            **post_data(),
            "files": [
                upload("Biên bản.pdf", pdf_bytes(), "application/pdf"),
                upload("ảnh.png", image_bytes("PNG"), "image/png"),
            ],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{running.get_absolute_url()}#tien-do"
    saved = ProgressReport.objects.get()
    assert (saved.percent_complete, saved.created_by) == (35, world.officer_a)
    assert saved.attachments.count() == 2

    html = client.get(running.get_absolute_url()).content.decode()
    assert "Đã lưu báo cáo tiến độ." in html
    assert "Đã vận động 40 hộ ký cam kết" in html
    assert "Hoàn thành 35%" in html
    for attachment in saved.attachments.all():
        url = reverse(
            "models_registry:progress_attachment_download", args=[running.pk, attachment.pk]
        )
        assert url in html
        assert attachment.original_name in html
    assert "/media/" not in html


def test_a_disguised_file_is_refused_on_the_page_and_nothing_is_saved(
    client, world, running, media
):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:progress_report_create", args=[running.pk]),
        {
            **post_data(),
            "files": [upload("bao-cao.pdf", b"<html>not a pdf</html>", "application/pdf")],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp “bao-cao.pdf” có đuôi “.pdf” nhưng nội dung không phải PDF." in html
    assert "Báo cáo chưa được lưu." in html
    assert not ProgressReport.objects.exists()
    assert not media.exists() or media_files(media) == []


def test_an_oversized_upload_is_cut_off_while_streaming_and_refused(
    client, world, running, media, settings
):
    settings.PROGRESS_ATTACHMENT_MAX_BYTES = 100 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024  # a big file goes to a temporary file
    huge = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:progress_report_create", args=[running.pk]),
        {**post_data(), "files": [upload("scan.pdf", huge), upload("ok.pdf", pdf_bytes())]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp “scan.pdf” (3 MB) vượt quá dung lượng cho phép 100 KB mỗi tệp." in html
    assert not ProgressReport.objects.exists()
    assert not media.exists() or media_files(media) == []


def test_the_form_reports_its_own_field_errors_in_vietnamese(client, world, running):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:progress_report_create", args=[running.pk]),
        post_data(percent_complete="150", achievements=""),
    )
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"percent_complete", "achievements"}
    assert "Báo cáo chưa được lưu: vui lòng sửa các lỗi bên dưới." in response.content.decode()


def test_another_units_officer_cannot_post_a_report(client, world, running):
    client.force_login(world.officer_b)
    response = client.post(
        reverse("models_registry:progress_report_create", args=[running.pk]), post_data()
    )
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_the_secretariat_who_sees_the_case_still_cannot_post_a_report(client, world, running):
    client.force_login(world.secretariat)
    response = client.post(
        reverse("models_registry:progress_report_create", args=[running.pk]),
        post_data(),
        follow=True,
    )
    assert "Chỉ cán bộ của đơn vị đăng ký mới cập nhật được tiến độ" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_the_report_form_keeps_its_csrf_check(world, running):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.officer_a)
    response = strict.post(
        reverse("models_registry:progress_report_create", args=[running.pk]), post_data()
    )
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


# --- the download ---


def test_the_download_is_an_attachment_with_the_stored_type_and_nosniff(client, world, running):
    saved = add_report(world, running, files=[upload("Biên bản họp.pdf", pdf_bytes(), "text/html")])
    attachment = saved.attachments.get()
    client.force_login(world.officer_a)
    response = client.get(
        reverse("models_registry:progress_attachment_download", args=[running.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == PDF.content_type  # what it is, not what was sent
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf"
        in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == pdf_bytes()


@pytest.mark.parametrize("who", ["secretariat", "viewer"])
def test_those_who_see_the_case_can_download(client, world, running, who):
    attachment = add_report(world, running, files=[upload("a.png", image_bytes("PNG"))])
    client.force_login(getattr(world, who))
    response = client.get(
        reverse(
            "models_registry:progress_attachment_download",
            args=[running.pk, attachment.attachments.get().pk],
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == PNG.content_type


@pytest.mark.parametrize("who", ["officer_b", "outsider", "chair"])
def test_those_who_cannot_see_the_case_get_a_404_for_its_files(client, world, running, who):
    saved = add_report(world, running, files=[upload("a.pdf", pdf_bytes())])
    client.force_login(getattr(world, who))
    response = client.get(
        reverse(
            "models_registry:progress_attachment_download",
            args=[running.pk, saved.attachments.get().pk],
        )
    )
    assert response.status_code == 404


def test_a_file_cannot_be_fetched_through_another_cases_address(client, world, running):
    other = make_running(world, name="Mô hình khác của Đông Ngàn")
    secret = add_report(world, other, files=[upload("a.pdf", pdf_bytes())]).attachments.get()
    visible_case = make_running(world, unit=world.ward_a_sub, name="Mô hình của UBND phường")
    client.force_login(world.officer_a)
    response = client.get(
        reverse("models_registry:progress_attachment_download", args=[visible_case.pk, secret.pk])
    )
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client, world, running):
    attachment = add_report(world, running, files=[upload("a.pdf", pdf_bytes())])
    url = reverse(
        "models_registry:progress_attachment_download",
        args=[running.pk, attachment.attachments.get().pk],
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_media_files_are_not_served_at_their_storage_address(client, world, running, settings):
    settings.DEBUG = True
    attachment = add_report(world, running, files=[upload("a.pdf", pdf_bytes())])
    stored = attachment.attachments.get()
    client.force_login(world.officer_a)
    for prefix in ("/media/", f"/{settings.MEDIA_URL}"):
        assert client.get(f"{prefix}{stored.file.name}").status_code == 404


def test_a_file_gone_from_the_disk_is_a_404_not_a_500(client, world, running, media):
    stored = add_report(world, running, files=[upload("a.pdf", pdf_bytes())]).attachments.get()
    (media / stored.file.name).unlink()
    client.force_login(world.officer_a)
    response = client.get(
        reverse("models_registry:progress_attachment_download", args=[running.pk, stored.pk])
    )
    assert response.status_code == 404


# --- query counts ---


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_case_page_costs_the_same_queries_for_5_reports_and_50(
    client, world, running, django_assert_max_num_queries
):
    for i in range(5):
        add_report(world, running, percent=i, files=[upload(f"{i}.pdf", pdf_bytes())])
    client.force_login(world.officer_a)
    url = running.get_absolute_url()
    client.get(url)
    five = _queries(client, url)
    for i in range(5, 50):
        files = [upload(f"{i}.pdf", pdf_bytes()), upload(f"{i}.png", image_bytes("PNG"))]
        add_report(world, running, percent=i % 100, files=files)
    assert ProgressAttachment.objects.count() == 95
    with django_assert_max_num_queries(five):
        response = client.get(url)
    assert response.content.decode().count('class="progress-report"') == 50
    # 15: the page, the inspections panel, the committee's and the library's, and the
    # timeline's sources (issue 14); a new panel or source shows here first.
    assert five <= 15


def test_the_report_form_page_has_a_fixed_query_count(
    client, world, running, django_assert_max_num_queries
):
    client.force_login(world.officer_a)
    url = reverse("models_registry:progress_report_create", args=[running.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_upload_limit_drops_the_bytes_of_an_oversized_file_while_parsing(rf, tmp_path):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    from models_registry.views.progress import AttachmentLimitHandler, OversizedUpload

    request = rf.post(
        "/",
        {
            "files": [
                upload("big.pdf", b"%PDF-" + b"x" * 500_000),
                upload("small.pdf", pdf_bytes()),
            ]
        },
    )
    temporary = TemporaryFileUploadHandler(request)
    request.upload_handlers = [AttachmentLimitHandler(request, limit=64 * 1024), temporary]
    big, small = request.FILES.getlist("files")
    assert isinstance(big, OversizedUpload)
    assert (big.name, big.size) == ("big.pdf", 500_005)
    assert big.read() == b""  # the server kept none of it
    assert not isinstance(small, OversizedUpload)
    assert small.read() == pdf_bytes()


def test_the_admin_shows_reports_read_only_with_attachments_through_the_download_view(
    client, world, running, admin_user
):
    saved = add_report(world, running, files=[upload("Biên bản.pdf", pdf_bytes())])
    attachment = saved.attachments.get()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:models_registry_progressreport_changelist"))
    assert listing.status_code == 200
    assert running.name in listing.content.decode()
    page = client.get(reverse("admin:models_registry_progressreport_change", args=[saved.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    download = reverse(
        "models_registry:progress_attachment_download", args=[running.pk, attachment.pk]
    )
    assert download in html
    assert attachment.file.name not in html  # never a link to the stored file itself
    assert 'name="_save"' not in html
    assert client.get(download).status_code == 200
