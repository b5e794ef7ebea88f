"""Background work of the dashboards: the fold of the tally. Safe to run twice, or at the
same time as another (an advisory lock puts them in a row)."""

from celery import shared_task

from .tally import tally_fold


# The name predates the dashboards' own app: kept, so that the beat schedule
# (settings.CELERY_BEAT_SCHEDULE) and messages already queued still find the task.
@shared_task(name="models_registry.tally_fold")
def tally_fold_task() -> int:
    # Every minute (settings.CELERY_BEAT_SCHEDULE): the deltas stay few, so the
    # dashboard's own fold before it reads is a cheap EXISTS.
    return tally_fold()
