"""The import job: upload → (background) check and preview → confirm → (background) →
result. The upload request only stores the file after the cheap checks; a Celery worker
checks, reads and plans it for the preview, and runs large confirmed imports
(``models_registry.tasks``)."""

import datetime
import logging
from pathlib import Path

from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from workflow.errors import WorkflowError

from ...models import Campaign, ImportJob, ImportStatus
from .apply import registration_import_apply
from .limits import IMPORT_TIME_LIMIT, background_rows, requeue_after
from .plan import NOT_ALLOWED, import_allowed, registration_import_plan
from .results import Action, ImportFileError, Problem
from .safety import registration_file_check

logger = logging.getLogger(__name__)

JOB_NOT_YOURS = "Không tìm thấy lượt nhập."
JOB_NOT_CONFIRMABLE = "Lượt nhập này đã được xác nhận hoặc có lỗi, không thể nhập lại."
JOB_CRASHED = "Lỗi hệ thống khi nhập; không có hồ sơ nào được tạo. Vui lòng thử lại sau."
CHECK_CRASHED = "Lỗi hệ thống khi kiểm tra tệp; không có hồ sơ nào được tạo. Vui lòng thử lại sau."
CHECK_LOST = (
    "Không kiểm tra xong được tệp (hệ thống bị gián đoạn quá lâu); không có hồ sơ nào "
    "được tạo. Vui lòng tải tệp lên lại."
)
JOB_LOST = "Lượt nhập bị gián đoạn; không có hồ sơ nào được tạo. Vui lòng tải tệp lên lại."


# --- the import job: upload → preview → confirm → (background) → result ---


def import_job_get(*, actor, pk: int) -> ImportJob:
    """The job, if ``actor`` uploaded it (or is a superuser); 404 otherwise."""
    jobs = ImportJob.objects.select_related("campaign")
    if not actor.is_superuser:
        jobs = jobs.filter(created_by=actor)
    try:
        return jobs.get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(JOB_NOT_YOURS) from None


def import_job_create(
    *,
    actor,
    campaign: Campaign,
    upload: File,
    as_drafts: bool,
) -> ImportJob:
    """Keep an uploaded form and hand it to a worker to check and preview.

    Only the cheap checks run here, in the request: the size, and that the file is a
    workbook of an accepted kind (``registration_file_check(scan=False)``: the zip's
    directory, nothing inflated). A file refused by them raises ``ImportFileError`` and
    leaves nothing behind (no job, no stored file). Otherwise the job stores the file in
    the ``CHECKING`` state and, once this transaction commits, a worker scans, reads and
    plans it under the task's time limit (``import_job_check``). A job whose message is
    lost is queued again by the beat (``import_jobs_requeue``)."""
    if not import_allowed(actor):
        raise WorkflowError(NOT_ALLOWED)
    name = Path(upload.name or "bieu-mau.xlsx").name
    registration_file_check(upload, name=name, scan=False)
    upload.seek(0)
    job = ImportJob(
        created_by=actor,
        campaign=campaign,
        original_name=name[:255],
        as_drafts=as_drafts,
        status=ImportStatus.CHECKING,
        queued_at=timezone.now(),
    )
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix in (".xlsx", ".xls", ".ods") else ".xlsx"
    job.file.save(f"bieu-mau-{timezone.now():%Y%m%d-%H%M%S}{suffix}", upload, save=False)
    job.save()
    from ...tasks import registration_check_task

    # robust: a broker that is down must not turn the upload into an error page; the
    # job stays checking and the beat queues it again (import_jobs_requeue).
    transaction.on_commit(lambda: registration_check_task.delay(job.pk), robust=True)
    return job


def import_job_check(*, job_id: int, today: datetime.date | None = None) -> ImportJob:
    """Check, read and plan an uploaded job's file (in a worker): the job becomes
    ``PENDING`` with its preview (every row, every problem), or ``FAILED`` at once when
    the preview has problems (it can never be confirmed) or the file is refused
    (``ImportFileError``: its messages become the job's problems and the stored file is
    deleted). Safe to call twice: only a job still ``CHECKING`` is written."""
    job = ImportJob.objects.select_related("campaign", "created_by").get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return job
    fields: dict = {"queued_at": None}
    try:
        plan = registration_import_plan(
            actor=job.created_by,
            campaign=job.campaign,
            source=job.file,
            name=job.original_name,
            submit=not job.as_drafts,
            today=today,
        )
    except WorkflowError as error:  # ImportFileError, or an actor who lost the right
        problems = [Problem(message).as_dict() for message in error.messages]
        fields.update(
            status=ImportStatus.FAILED,
            problems=problems,
            problems_count=len(problems),
            finished_at=timezone.now(),
        )
        refused = True
    except Exception:
        # A bug or the task's soft time limit: say so rather than leave the job checking
        # for the beat to run again on a file that may be what caused it.
        logger.exception("import job %s: the check crashed", job_id)
        problems = [Problem(CHECK_CRASHED).as_dict()]
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).update(
            status=ImportStatus.FAILED,
            queued_at=None,
            problems=problems,
            problems_count=len(problems),
            finished_at=timezone.now(),
        )
        raise
    else:
        refused = False
        fields.update(
            status=ImportStatus.PENDING if plan.ok else ImportStatus.FAILED,
            rows_total=len(plan.rows),
            sheet=plan.sheet[:255],
            planned_create=plan.count(Action.CREATE),
            planned_update=plan.count(Action.UPDATE),
            planned_keep=plan.count(Action.EXISTS) + plan.count(Action.UNCHANGED),
            problems_count=len(plan.problems),
            preview_rows=[row.as_dict(submit=plan.submit) for row in plan.rows],
            problems=[p.as_dict() for p in plan.problems],
        )
        if not plan.ok:
            fields["finished_at"] = timezone.now()
    finally:
        job.file.close()
    stored = job.file.name
    if refused:
        fields["file"] = ""
    # Only the first of two checks of the same job writes (a re-queued message).
    written = ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).update(**fields)
    if written and refused and stored:
        # A refused file is never read again: only its messages are kept.
        job.file.storage.delete(stored)
    job.refresh_from_db()
    return job


def import_job_runs_in_background(job: ImportJob) -> bool:
    return job.rows_total > background_rows()


def import_job_confirm(*, actor, job: ImportJob, today: datetime.date | None = None) -> ImportJob:
    """Confirm a previewed import. Small files are imported now; large ones are queued
    for a worker after this transaction commits. Safe against double submission: only
    one confirmation of a job ever takes effect."""
    if job.created_by_id != actor.pk and not actor.is_superuser:
        raise WorkflowError(JOB_NOT_YOURS)
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.PENDING, confirmed_at__isnull=True
    ).update(confirmed_at=now, queued_at=now)
    if claimed != 1:
        raise WorkflowError(JOB_NOT_CONFIRMABLE)
    job.refresh_from_db()
    if import_job_runs_in_background(job):
        from ...tasks import registration_import_task

        # robust: a broker that is down must not turn the confirmation into an error
        # page; the job stays confirmed and the beat queues it again
        # (import_jobs_requeue).
        transaction.on_commit(lambda: registration_import_task.delay(job.pk), robust=True)
        return job
    return import_job_run(job_id=job.pk, today=today)


class _ProgressWriter:
    """Writes ``rows_done`` while the import's own transaction is still open.

    The import runs in one transaction, so its connection cannot publish progress;
    this writes through a second, autocommit connection. SQLite allows one writer at a
    time, so there the progress jumps to the end instead."""

    EVERY = 100

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.table = ImportJob._meta.db_table
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        if self.connection is None or done % self.EVERY:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET rows_done = %s WHERE id = %s", [done, self.job_id]
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def import_job_run(*, job_id: int, today: datetime.date | None = None) -> ImportJob:
    """Run a confirmed job (inline or in a worker). Safe to call twice: the job is
    claimed with a conditional update and only the claimer imports."""
    job = ImportJob.objects.select_related("campaign", "created_by").get(pk=job_id)
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportStatus.PENDING, confirmed_at__isnull=False
    ).update(status=ImportStatus.RUNNING, rows_done=0, started_at=timezone.now())
    job.refresh_from_db()
    if claimed != 1:
        return job
    progress = _ProgressWriter(job.pk)
    try:
        outcome = registration_import_apply(
            actor=job.created_by,
            campaign=job.campaign,
            source=job.file,
            name=job.original_name,
            submit=not job.as_drafts,
            today=today,
            progress=progress,
        )
    except ImportFileError as error:
        problems = [Problem(message).as_dict() for message in error.messages]
        _finish(job, ImportStatus.FAILED, {"ok": False, "problems": problems})
        return job
    except Exception:
        logger.exception("import job %s crashed", job_id)
        _finish(
            job, ImportStatus.FAILED, {"ok": False, "problems": [Problem(JOB_CRASHED).as_dict()]}
        )
        raise
    finally:
        progress.close()
        job.file.close()
    status = ImportStatus.DONE if outcome.ok else ImportStatus.FAILED
    _finish(job, status, outcome.as_dict())
    return job


# The lists of cases an outcome names (ImportOutcome.as_dict), kept for the result page.
OUTCOME_CASES = ("created", "updated", "submitted", "unchanged", "existing")


def _finish(job: ImportJob, status: str, outcome: dict) -> None:
    job.status = status
    job.rows_done = job.rows_total if status == ImportStatus.DONE else job.rows_done
    job.problems = outcome.get("problems", [])
    job.problems_count = len(job.problems)
    job.outcome = {key: outcome.get(key, []) for key in OUTCOME_CASES}
    job.created_count = len(job.outcome["created"])
    job.updated_count = len(job.outcome["updated"])
    job.submitted_count = len(job.outcome["submitted"])
    job.kept_count = len(job.outcome["unchanged"]) + len(job.outcome["existing"])
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "rows_done",
            "problems",
            "problems_count",
            "outcome",
            "created_count",
            "updated_count",
            "submitted_count",
            "kept_count",
            "finished_at",
        ]
    )


# At most this many jobs are queued again per sweep; the next sweep takes the rest.
REQUEUE_BATCH = 100
# A job running this long belongs to a worker that died (the task's hard limit, and a
# minute for the worker to record its end).
LOST_AFTER_SECONDS = IMPORT_TIME_LIMIT + 60
# An upload still unchecked this long after it arrived was queued again, and lost again,
# for three times the check's hard limit: it is failed rather than tried for ever.
CHECK_LOST_AFTER_SECONDS = 3 * LOST_AFTER_SECONDS


def import_jobs_requeue(
    *, stale_after: float | None = None, now: datetime.datetime | None = None
) -> list[int]:
    """Look after the jobs nobody seems to be running; the beat calls it every
    ``DVK_IMPORT_REQUEUE_EVERY`` seconds.

    An upload still ``CHECKING`` ``stale_after`` seconds after it was last queued (its
    message was lost, or the worker checking it died) is queued again, the same way;
    one still unchecked ``CHECK_LOST_AFTER_SECONDS`` after its upload is failed.

    A confirmed job still pending ``stale_after`` seconds (by default
    ``DVK_IMPORT_REQUEUE_EVERY``, the beat's period) after it was last queued lost
    its message (the broker was down, or flushed): it is queued again, once per
    ``stale_after``; if it was merely waiting, ``import_job_run`` claims it once anyway.
    A job still running past the task's hard time limit belongs to a worker that died:
    its transaction was rolled back, so it is marked failed (nothing was imported)
    rather than run again on a file that may be what killed it. Both are found by an
    indexed query and claimed with a conditional update, so two sweeps at once queue a
    job once. Returns the ids queued again."""
    now = now or timezone.now()
    if stale_after is None:
        stale_after = requeue_after()
    lost = [Problem(JOB_LOST).as_dict()]
    ImportJob.objects.filter(
        status=ImportStatus.RUNNING,
        started_at__lt=now - datetime.timedelta(seconds=LOST_AFTER_SECONDS),
    ).update(
        status=ImportStatus.FAILED,
        finished_at=now,
        problems=lost,
        problems_count=len(lost),
        outcome={},
    )
    never_checked = [Problem(CHECK_LOST).as_dict()]
    ImportJob.objects.filter(
        status=ImportStatus.CHECKING,
        created_at__lt=now - datetime.timedelta(seconds=CHECK_LOST_AFTER_SECONDS),
    ).update(
        status=ImportStatus.FAILED,
        queued_at=None,
        finished_at=now,
        problems=never_checked,
        problems_count=len(never_checked),
    )
    cutoff = now - datetime.timedelta(seconds=stale_after)
    from ...tasks import registration_check_task, registration_import_task

    queued = []
    for status, task in (
        (ImportStatus.CHECKING, registration_check_task),
        (ImportStatus.PENDING, registration_import_task),
    ):
        stale = ImportJob.objects.filter(
            status=status, queued_at__isnull=False, queued_at__lte=cutoff
        )
        for pk in stale.values_list("pk", flat=True).order_by("queued_at")[:REQUEUE_BATCH]:
            claimed = ImportJob.objects.filter(pk=pk, status=status, queued_at__lte=cutoff).update(
                queued_at=now
            )
            if claimed != 1:
                continue
            try:
                task.delay(pk)
            except Exception:  # the broker is still down; the next sweep tries again
                logger.warning("could not queue import job %s", pk, exc_info=True)
                continue
            queued.append(pk)
    return queued


def import_job_list(*, actor, limit: int = 10) -> list[ImportJob]:
    """The actor's most recent import jobs (the upload page lists them), without the
    rows and problems they keep for their own pages."""
    jobs = ImportJob.objects.filter(created_by=actor).select_related("campaign")
    return list(jobs.defer("preview_rows", "problems", "outcome")[:limit])
