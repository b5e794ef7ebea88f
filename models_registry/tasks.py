"""Background work of the registration registry: large imports of the biểu mẫu.

The import task passes the job's id and calls the service, which claims the job with a
conditional update, so a task delivered twice imports once."""

from celery import shared_task

from .services.excel_import import IMPORT_SOFT_TIME_LIMIT, IMPORT_TIME_LIMIT, import_job_run


@shared_task(
    name="models_registry.import_registrations",
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT,
    time_limit=IMPORT_TIME_LIMIT,
)
def registration_import_task(job_id: int) -> str:
    return import_job_run(job_id=job_id).status
