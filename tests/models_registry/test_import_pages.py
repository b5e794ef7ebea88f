"""The import pages: upload → preview → confirm → result, their refusals and access,
and their query counts (the same for 5 rows and 50)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from models_registry.models import ImportJob, ImportStatus, Initiative
from models_registry.services.bieu_mau import import_job_confirm, import_job_create
from models_registry.tasks import registration_check_task, registration_import_task

from .bieu_mau import CO_LOI, DONG_NGAN, Row, form_xlsx, seeded_demo

UPLOAD = reverse("models_registry:import_upload")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    yield from seeded_demo(django_db_blocker)


@pytest.fixture
def d(demo_data, db):
    return demo_data


def upload(client, data: bytes, *, name="bieu-mau.xlsx", mode="draft", campaign=None):
    return client.post(
        UPLOAD,
        {
            "campaign": campaign.pk,
            "file": SimpleUploadedFile(name, data),
            "mode": mode,
        },
    )


def job_of(response) -> ImportJob:
    """The uploaded job, once checked: the worker's task, run here in-process (the test's
    transaction never commits, so the upload queued nothing)."""
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == ImportStatus.CHECKING  # nothing was read in the request
    registration_check_task(job.pk)
    job.refresh_from_db()
    return job


def created(**kwargs) -> ImportJob:
    """``import_job_create`` and the worker's check that follows it."""
    job = import_job_create(**kwargs)
    registration_check_task(job.pk)
    job.refresh_from_db()
    return job


def test_an_officer_uploads_the_dong_ngan_form_previews_it_and_confirms(d, client):
    client.force_login(d.officer)
    before = Initiative.objects.count()

    job = job_of(upload(client, DONG_NGAN.read_bytes(), campaign=d.campaign))
    preview = client.get(reverse("models_registry:import_preview", args=[job.pk]))

    assert job.status == ImportStatus.PENDING and job.rows_total == 6
    assert job.file.name and job.file.size == DONG_NGAN.stat().st_size
    assert Initiative.objects.count() == before  # nothing saved by the preview
    page = preview.content.decode()
    assert page.count('class="preview-row"') == 6
    assert "Camera an ninh - Mắt thần khu phố" in page and "Tạo bản nháp" in page
    assert 'id="confirm"' in page and 'id="problems"' not in page

    done = client.post(reverse("models_registry:import_confirm", args=[job.pk]))

    assert done["Location"] == reverse("models_registry:import_result", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.rows_done) == (ImportStatus.DONE, 6)
    assert Initiative.objects.count() == before + 6
    result = client.get(done["Location"]).content.decode()
    assert 'id="created-count">6<' in result
    assert "Ngày thứ Bảy tình nguyện vì đô thị văn minh" in result


def test_a_job_is_confirmed_once_however_often_the_button_is_pressed(d, client):
    client.force_login(d.officer)
    job = job_of(upload(client, DONG_NGAN.read_bytes(), campaign=d.campaign))
    client.post(reverse("models_registry:import_confirm", args=[job.pk]))
    count = Initiative.objects.count()

    again = client.post(reverse("models_registry:import_confirm", args=[job.pk]), follow=True)

    assert "đã được xác nhận" in again.content.decode()
    assert Initiative.objects.count() == count
    assert registration_import_task(job.pk) == ImportStatus.DONE  # a redelivered task
    assert Initiative.objects.count() == count


def test_the_form_with_errors_shows_its_six_problems_and_cannot_be_confirmed(d, client):
    client.force_login(d.officer)
    before = Initiative.objects.count()

    job = job_of(upload(client, CO_LOI.read_bytes(), campaign=d.campaign))
    page = client.get(reverse("models_registry:import_preview", args=[job.pk])).content.decode()

    assert job.status == ImportStatus.FAILED
    assert 'id="confirm"' not in page and "6 lỗi" in page
    # Worded for what happens: nothing is saved; the table shows the rows that were read.
    assert "Sẽ tạo mới" not in page and "Các dòng sẽ được lưu" not in page
    assert "Không dòng nào, vì tệp còn lỗi" in page
    assert "Các dòng đã đọc từ tệp (chưa lưu dòng nào)" in page
    assert "Tạo bản nháp" not in page
    for row, column in [
        (1, "Tên mô hình công tác “DVK”"),
        (2, "Thời gian kết thúc"),
        (3, "Tên đơn vị đăng ký"),
        (4, "Lĩnh vực"),
        (5, "Đăng ký đạt"),
        (6, "Thời gian bắt đầu"),
    ]:
        assert f'data-row="{row}" data-column="{column}"' in page
        assert f"(dòng {row + 8} trên trang tính)" in page
    refused = client.post(reverse("models_registry:import_confirm", args=[job.pk]), follow=True)
    assert "không thể nhập lại" in refused.content.decode()
    assert Initiative.objects.count() == before


def test_a_file_that_is_not_an_xlsx_is_refused_on_the_upload_page(d, client):
    client.force_login(d.officer)

    response = upload(client, b"%PDF-1.4 not a workbook", name="ke-hoach.pdf", campaign=d.campaign)

    assert response.status_code == 200
    assert (
        "Tệp “ke-hoach.pdf” không phải là bảng tính Excel (.xlsx, .xls)"
        in response.content.decode()
    )
    assert not ImportJob.objects.exists()


def test_an_oversized_upload_is_cut_short_and_refused(d, client, settings):
    settings.DVK_IMPORT_MAX_UPLOAD_BYTES = 8 * 1024
    client.force_login(d.officer)
    data = DONG_NGAN.read_bytes() + b"\0" * 20_000

    response = upload(client, data, campaign=d.campaign)

    page = response.content.decode()
    assert response.status_code == 200
    assert "quá lớn" in page and "chỉ nhận tệp đến 8 KB" in page
    assert not ImportJob.objects.exists()


def test_someone_else_cannot_see_or_confirm_an_import(d, client):
    job = created(
        actor=d.officer,
        campaign=d.campaign,
        upload=SimpleUploadedFile("bieu-mau.xlsx", DONG_NGAN.read_bytes()),
        as_drafts=True,
    )
    client.force_login(d.other_officer)

    for name in ("import_preview", "import_progress", "import_result"):
        assert client.get(reverse(f"models_registry:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("models_registry:import_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.confirmed_at is None


def test_people_who_register_nothing_cannot_import(d, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lanhdao"))

    response = client.get(UPLOAD, follow=True)

    assert "Chỉ cán bộ đơn vị và Ban Dân vận mới nhập được biểu mẫu." in response.content.decode()


def test_the_list_page_offers_import_to_officers_and_export_with_the_current_filters(d, client):
    client.force_login(d.officer)

    page = client.get(
        reverse("models_registry:initiative_list"), {"campaign": d.campaign.pk}
    ).content.decode()

    assert f'href="{UPLOAD}"' in page
    assert f'href="{reverse("models_registry:export")}?campaign={d.campaign.pk}"' in page


def test_the_secretariats_case_list_offers_import_too(d, client):
    client.force_login(d.secretariat)

    page = client.get(reverse("models_registry:initiative_list")).content.decode()

    assert f'href="{UPLOAD}"' in page and 'id="import-link"' in page
    assert client.get(UPLOAD).status_code == 200


def form_with(rows: int, *, tag: object = "") -> bytes:
    return form_xlsx(
        [
            Row(unit="UBND phường Đông Ngàn", name=f"Mô hình {tag}-{i}", goals="Mục tiêu " * 5)
            for i in range(rows)
        ]
    )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


PAGE_QUERIES = 9


def test_the_upload_preview_and_result_pages_take_the_same_few_queries_for_5_rows_and_50(
    d, client, django_assert_max_num_queries
):
    client.force_login(d.officer)
    seen = {}
    for rows in (5, 50):
        job = created(
            actor=d.officer,
            campaign=d.campaign,
            upload=SimpleUploadedFile(f"bieu-mau-{rows}.xlsx", form_with(rows, tag=rows)),
            as_drafts=True,
        )
        counts = {}
        with django_assert_max_num_queries(PAGE_QUERIES):
            counts["upload"] = queries(client, UPLOAD)
        with django_assert_max_num_queries(PAGE_QUERIES):
            counts["preview"] = queries(
                client, reverse("models_registry:import_preview", args=[job.pk])
            )
        import_job_confirm(actor=d.officer, job=job)
        with django_assert_max_num_queries(PAGE_QUERIES):
            counts["result"] = queries(
                client, reverse("models_registry:import_result", args=[job.pk])
            )
        assert Initiative.objects.filter(name__startswith=f"Mô hình {rows}-").count() == rows
        seen[rows] = counts
    assert seen[5] == seen[50], seen


def test_a_large_preview_is_paged(d, client, settings):
    client.force_login(d.officer)
    job = created(
        actor=d.officer,
        campaign=d.campaign,
        upload=SimpleUploadedFile("bieu-mau.xlsx", form_with(130)),
        as_drafts=True,
    )
    url = reverse("models_registry:import_preview", args=[job.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert first.count('class="preview-row"') == 100
    assert second.count('class="preview-row"') == 30
    assert "Trang 1/2" in first


def test_the_upload_form_lists_the_officers_recent_imports(d, client):
    client.force_login(d.officer)
    created(
        actor=d.officer,
        campaign=d.campaign,
        upload=SimpleUploadedFile("don-vi-gui.xlsx", io.BytesIO(form_with(2)).getvalue()),
        as_drafts=True,
    )

    page = client.get(UPLOAD).content.decode()

    assert "don-vi-gui.xlsx" in page and "Đang chờ xử lý" in page


def test_the_progress_page_of_a_queued_import_takes_a_few_queries(
    d, client, settings, django_assert_max_num_queries
):
    settings.DVK_IMPORT_BACKGROUND_ROWS = 3
    client.force_login(d.officer)
    job = created(
        actor=d.officer,
        campaign=d.campaign,
        upload=SimpleUploadedFile("bieu-mau.xlsx", form_with(5, tag="p")),
        as_drafts=True,
    )
    import_job_confirm(actor=d.officer, job=job)  # queued after commit, which never comes

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("models_registry:import_progress", args=[job.pk]))

    assert response.status_code == 200 and response["Refresh"] == "2"
    assert 'id="rows-done">0<' in response.content.decode()


def test_an_upload_without_the_csrf_token_is_refused(d):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(d.officer)

    response = upload(client, DONG_NGAN.read_bytes(), campaign=d.campaign)

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_until_the_worker_has_checked_the_upload_its_page_says_so_and_reloads_itself(
    d, client, django_assert_max_num_queries
):
    client.force_login(d.officer)
    response = upload(client, DONG_NGAN.read_bytes(), campaign=d.campaign)
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == ImportStatus.CHECKING and job.rows_total == 0

    with django_assert_max_num_queries(PAGE_QUERIES):
        waiting = client.get(response["Location"])
    page = waiting.content.decode()
    assert waiting.status_code == 200 and waiting["Refresh"] == "2"
    assert "Đang kiểm tra tệp…" in page and 'id="confirm"' not in page
    assert '<meta http-equiv="refresh" content="2">' in page
    # Not confirmable while it is checked, and the progress page leads back here.
    refused = client.post(reverse("models_registry:import_confirm", args=[job.pk]), follow=True)
    assert "không thể nhập lại" in refused.content.decode()
    progress = client.get(reverse("models_registry:import_progress", args=[job.pk]))
    assert progress["Location"] == response["Location"]
    assert "Đang kiểm tra tệp" in client.get(UPLOAD).content.decode()  # the recent list

    registration_check_task(job.pk)

    ready = client.get(response["Location"]).content.decode()
    assert "Refresh" not in client.get(response["Location"]).headers
    assert 'id="confirm"' in ready and ready.count('class="preview-row"') == 6


def test_a_file_the_worker_refuses_shows_its_reason_on_the_preview_page(d, client):
    client.force_login(d.officer)
    data = form_xlsx([])  # a workbook, but no row of the form

    job = job_of(upload(client, data, name="trong.xlsx", campaign=d.campaign))

    assert job.status == ImportStatus.FAILED and not job.file
    page = client.get(reverse("models_registry:import_preview", args=[job.pk])).content.decode()
    assert 'id="refused"' in page and 'id="preview-rows"' not in page
    assert 'id="confirm"' not in page and "1 lỗi" in page
    assert job.problems[0]["message"] in page
