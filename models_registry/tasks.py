"""Background work of the registration registry: the check and preview of every uploaded
biểu mẫu, large imports, and the sweep that queues again a job whose message was lost.

The import task passes the job's id and calls the service, which claims the job with a
conditional update, so a task delivered twice imports once; the sweep claims each job it
queues again the same way."""

from celery import shared_task

from .services.bieu_mau import (
    IMPORT_SOFT_TIME_LIMIT,
    IMPORT_TIME_LIMIT,
    import_job_check,
    import_job_run,
    import_jobs_requeue,
)


@shared_task(
    name="models_registry.import_registrations",
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    time_limit=IMPORT_TIME_LIMIT,
)
def registration_import_task(job_id: int) -> str:
    return import_job_run(job_id=job_id).status


@shared_task(
    name="models_registry.import_check",
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    time_limit=IMPORT_TIME_LIMIT,
)
def registration_check_task(job_id: int) -> str:
    # The upload's safety scan, parse and plan: never in the web request (issue 15).
    return import_job_check(job_id=job_id).status


@shared_task(name="models_registry.import_jobs_requeue")
def import_jobs_requeue_task() -> int:
    # Every DVK_IMPORT_REQUEUE_EVERY seconds (settings.CELERY_BEAT_SCHEDULE): a confirmed
    # job whose message was lost is queued again, a job whose worker died is failed.
    # Safe to run twice.
    return len(import_jobs_requeue())
