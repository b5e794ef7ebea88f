"""Large imports run in a real Celery worker process (Redis broker), with a progress page
that reloads itself and only reads, and a result page; small ones answer at once. A job
whose message was lost is queued again by the beat, never by a page load."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from models_registry.models import ImportJob, ImportStatus, Initiative
from models_registry.services.bieu_mau import import_jobs_requeue, safety
from models_registry.tasks import registration_check_task
from tests.notifications.conftest import (  # noqa: F401  (real Redis, worker, SMTP)
    redis_url,
    smtp,
    worker_factory,
)

from .bieu_mau import Row, form_xlsx
from .hostile import xlsx_comment_bomb

UPLOAD = reverse("models_registry:import_upload")


def wait_until(predicate, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def checked(job: ImportJob, broker_url: str | None = None) -> ImportJob:
    """The worker's check of an upload, run here in-process; with ``broker_url``, the
    check message the upload queued is dropped, so the broker holds only what follows."""
    assert job.status == ImportStatus.CHECKING
    registration_check_task(job.pk)
    if broker_url:
        import redis

        redis.Redis.from_url(broker_url).flushdb()
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING, job.problems
    return job


def form(rows: int) -> bytes:
    units = ["Đảng ủy phường Đông Ngàn", "UBND phường Đông Ngàn"]
    return form_xlsx(
        [
            Row(unit=units[i % 2], name=f"Mô hình nền {i}", goals=f"Mục tiêu {i}")
            for i in range(rows)
        ]
    )


@pytest.fixture
def media(settings, tmp_path):
    # The worker is another process: it must find the uploaded file where the web put it.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_large_import_runs_in_a_celery_worker_with_a_progress_page(
    world,
    client,
    settings,
    media,
    worker_factory,  # noqa: F811
):
    settings.DVK_IMPORT_BACKGROUND_ROWS = 20
    client.force_login(world.officer_a)
    response = client.post(
        UPLOAD,
        {
            "campaign": world.campaign.pk,
            "file": SimpleUploadedFile("lon.xlsx", form(45)),
            "mode": "draft",
        },
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("models_registry:import_preview", args=[job.pk])
    checked(job)

    confirmed = client.post(reverse("models_registry:import_confirm", args=[job.pk]))

    progress_url = reverse("models_registry:import_progress", args=[job.pk])
    assert confirmed["Location"] == progress_url
    waiting = client.get(progress_url)
    page = waiting.content.decode()
    assert waiting["Refresh"] == "2" and '<meta http-equiv="refresh" content="2">' in page
    assert 'id="rows-done">0<' in page and 'id="rows-total">45<' in page
    assert Initiative.objects.count() == 0  # queued, not run in the request

    worker_factory(DJANGO_MEDIA_ROOT=str(media))
    wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE)

    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (45, 45)
    assert Initiative.objects.filter(name__startswith="Mô hình nền").count() == 45
    finished = client.get(progress_url)
    assert finished["Location"] == reverse("models_registry:import_result", args=[job.pk])
    assert 'id="created-count">45<' in client.get(finished["Location"]).content.decode()


def confirmed_job_without_its_message(client, world, broker_url: str, rows: int) -> ImportJob:
    """A large import, confirmed, whose queued message the broker then lost."""
    import redis

    client.force_login(world.officer_a)
    client.post(
        UPLOAD,
        {
            "campaign": world.campaign.pk,
            "file": SimpleUploadedFile("b.xlsx", form(rows)),
            "mode": "draft",
        },
    )
    job = checked(ImportJob.objects.get(), broker_url)
    client.post(reverse("models_registry:import_confirm", args=[job.pk]))
    broker = redis.Redis.from_url(broker_url)
    assert broker.llen("celery") == 1  # the confirmation queued it
    broker.flushdb()  # the queued message is lost
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING and job.queued_at == job.confirmed_at
    return job


def test_a_confirmed_job_whose_message_was_lost_is_queued_again_by_the_beat(
    world,
    client,
    settings,
    media,
    redis_url,  # noqa: F811
    worker_factory,  # noqa: F811
):
    settings.DVK_IMPORT_BACKGROUND_ROWS = 2
    job = confirmed_job_without_its_message(client, world, redis_url, rows=6)

    # A worker with its beat: the periodic sweep finds the job stale, queues it again,
    # and the worker imports it. No page is opened.
    worker_factory(beat=True, DVK_IMPORT_REQUEUE_EVERY="1", DJANGO_MEDIA_ROOT=str(media))
    wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE)
    job.refresh_from_db()
    assert job.queued_at > job.confirmed_at  # queued again by the sweep
    assert Initiative.objects.filter(name__startswith="Mô hình nền").count() == 6


def test_opening_the_progress_page_of_a_stuck_job_queues_nothing(
    transactional_db,
    world,
    client,
    settings,
    media,
    redis_url,  # noqa: F811
):
    import datetime

    import redis

    settings.DVK_IMPORT_BACKGROUND_ROWS = 2
    job = confirmed_job_without_its_message(client, world, redis_url, rows=4)
    stuck_since = job.queued_at - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(queued_at=stuck_since)

    for _ in range(3):
        page = client.get(reverse("models_registry:import_progress", args=[job.pk]))
        assert page.status_code == 200 and 'id="rows-total">4<' in page.content.decode()

    assert redis.Redis.from_url(redis_url).dbsize() == 0  # no message, no queue
    job.refresh_from_db()
    assert (job.status, job.queued_at) == (ImportStatus.PENDING, stuck_since)
    # What the page left alone, the sweep takes: once, however often it runs.
    assert import_jobs_requeue() == [job.pk]
    assert import_jobs_requeue() == []
    assert redis.Redis.from_url(redis_url).llen("celery") == 1


def test_a_small_import_answers_at_once(world, client, db):
    client.force_login(world.officer_a)
    client.post(
        UPLOAD,
        {
            "campaign": world.campaign.pk,
            "file": SimpleUploadedFile("nho.xlsx", form(3)),
            "mode": "draft",
        },
    )
    job = checked(ImportJob.objects.get())

    response = client.post(reverse("models_registry:import_confirm", args=[job.pk]))

    assert response["Location"] == reverse("models_registry:import_result", args=[job.pk])
    assert Initiative.objects.count() == 3


def test_progress_is_published_while_the_import_transaction_is_still_open(transactional_db, world):
    from django.db import transaction

    from models_registry.services.bieu_mau.jobs import _ProgressWriter

    job = ImportJob.objects.create(
        created_by=world.officer_a,
        campaign=world.campaign,
        file="imports/x.xlsx",
        original_name="x.xlsx",
        rows_total=1000,
    )
    writer = _ProgressWriter(job.pk)
    try:
        with transaction.atomic():
            writer(100)
            writer(150)  # only every hundredth row is written
            # Committed at once by the second connection: visible while this one is open.
            assert ImportJob.objects.filter(pk=job.pk, rows_done=100).exists()
            transaction.set_rollback(True)
    finally:
        writer.close()

    job.refresh_from_db()
    assert job.rows_done == 100


def job_in(world, status, **moments) -> ImportJob:
    return ImportJob.objects.create(
        created_by=world.officer_a,
        campaign=world.campaign,
        file="imports/x.xlsx",
        original_name="x.xlsx",
        rows_total=500,
        status=status,
        **moments,
    )


def ago(**delta):
    import datetime

    from django.utils import timezone

    return timezone.now() - datetime.timedelta(**delta)


def test_a_job_left_running_by_a_dead_worker_is_marked_failed_not_run_again(world, client):
    job = job_in(
        world,
        ImportStatus.RUNNING,
        confirmed_at=ago(hours=2),
        queued_at=ago(hours=2),
        started_at=ago(hours=2),
    )

    assert import_jobs_requeue() == []

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at
    client.force_login(world.officer_a)
    page = client.get(reverse("models_registry:import_result", args=[job.pk])).content.decode()
    assert "Lượt nhập bị gián đoạn; không có hồ sơ nào được tạo." in page


def test_a_running_job_and_a_recently_queued_job_are_left_alone(world):
    running = job_in(
        world,
        ImportStatus.RUNNING,
        confirmed_at=ago(minutes=5),
        queued_at=ago(minutes=5),
        started_at=ago(minutes=5),
    )
    nudged = job_in(
        world, ImportStatus.PENDING, confirmed_at=ago(minutes=5), queued_at=ago(seconds=10)
    )

    assert import_jobs_requeue() == []

    running.refresh_from_db()
    stamp = nudged.queued_at
    nudged.refresh_from_db()
    assert running.status == ImportStatus.RUNNING
    assert nudged.queued_at == stamp  # not queued again yet


def test_confirming_a_large_import_while_the_broker_is_down_still_answers(
    transactional_db, world, client, settings, media
):
    from tests.notifications.conftest import broker_at
    from tests.notifications.harness import free_port

    settings.DVK_IMPORT_BACKGROUND_ROWS = 2
    client.force_login(world.officer_a)
    client.post(
        UPLOAD,
        {
            "campaign": world.campaign.pk,
            "file": SimpleUploadedFile("c.xlsx", form(4)),
            "mode": "draft",
        },
    )
    job = checked(ImportJob.objects.get())

    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        response = client.post(reverse("models_registry:import_confirm", args=[job.pk]))

    assert response["Location"] == reverse("models_registry:import_progress", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING and job.confirmed_at is not None
    assert Initiative.objects.count() == 0


# --- the upload's check runs in the worker, never in the request (issue 15, finding 1) ---


def test_the_issue_15_upload_is_stored_without_being_read_and_refused_by_the_worker(
    world,
    client,
    media,
    monkeypatch,
    worker_factory,  # noqa: F811
):
    from models_registry.services.bieu_mau import parse

    def never_here(*args, **kwargs):
        raise AssertionError("the request read the file")

    # In this (the web) process only: the worker is another process.
    monkeypatch.setattr(safety, "_scan_part", never_here)
    monkeypatch.setattr(parse, "workbook_read", never_here)
    client.force_login(world.officer_a)
    data = xlsx_comment_bomb(form(2))
    response = client.post(
        UPLOAD,
        {
            "campaign": world.campaign.pk,
            "file": SimpleUploadedFile("bom.xlsx", data),
            "mode": "draft",
        },
    )

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("models_registry:import_preview", args=[job.pk])
    assert job.status == ImportStatus.CHECKING and job.file.size == len(data)
    waiting = client.get(response["Location"])
    assert waiting["Refresh"] == "2" and "Đang kiểm tra tệp…" in waiting.content.decode()
    assert 'id="confirm"' not in waiting.content.decode()

    worker_factory(DJANGO_MEDIA_ROOT=str(media))
    wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED)

    job.refresh_from_db()
    stored = media / "imports"
    assert not any(path.is_file() for path in stored.rglob("*"))  # a refused file is gone
    assert not job.file and job.finished_at and job.queued_at is None
    refusal = safety.UNSAFE_MARKUP.format(name="bom.xlsx", member="xl/worksheets/sheet1.xml")
    assert [p["message"] for p in job.problems] == [refusal]
    page = client.get(response["Location"]).content.decode()
    assert 'id="refused"' in page and 'id="confirm"' not in page
    assert "chú thích, lệnh xử lý hoặc đoạn dữ liệu quá dài" in page
    assert Initiative.objects.count() == 0


def test_an_upload_whose_check_message_was_lost_is_checked_after_the_beat_queues_it_again(
    world,
    client,
    media,
    redis_url,  # noqa: F811
    worker_factory,  # noqa: F811
):
    import redis

    client.force_login(world.officer_a)
    client.post(
        UPLOAD,
        {
            "campaign": world.campaign.pk,
            "file": SimpleUploadedFile("mat.xlsx", form(3)),
            "mode": "draft",
        },
    )
    job = ImportJob.objects.get()
    broker = redis.Redis.from_url(redis_url)
    assert broker.llen("celery") == 1  # the upload queued its check
    broker.flushdb()  # and the broker lost it (or the worker checking it died)
    uploaded_at = job.queued_at

    worker_factory(beat=True, DVK_IMPORT_REQUEUE_EVERY="1", DJANGO_MEDIA_ROOT=str(media))
    wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.PENDING)

    job.refresh_from_db()
    assert job.rows_total == 3 and job.planned_create == 3 and job.queued_at is None
    assert job.confirmed_at is None  # checked only: confirming is still the officer's
    page = client.get(reverse("models_registry:import_preview", args=[job.pk])).content.decode()
    assert 'id="confirm"' in page and page.count('class="preview-row"') == 3
    assert uploaded_at is not None


def test_an_upload_never_checked_is_failed_after_a_while_not_tried_for_ever(world, client):
    from models_registry.services.bieu_mau.jobs import CHECK_LOST, CHECK_LOST_AFTER_SECONDS

    stuck = job_in(world, ImportStatus.CHECKING, queued_at=ago(minutes=2))
    ImportJob.objects.filter(pk=stuck.pk).update(
        created_at=ago(seconds=CHECK_LOST_AFTER_SECONDS + 5)
    )
    fresh = job_in(world, ImportStatus.CHECKING, queued_at=ago(seconds=1))

    assert import_jobs_requeue(stale_after=3600) == []

    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and stuck.finished_at
    assert fresh.status == ImportStatus.CHECKING
    client.force_login(world.officer_a)
    page = client.get(reverse("models_registry:import_preview", args=[stuck.pk])).content.decode()
    assert CHECK_LOST in page.replace("&quot;", '"')
