"""The engine's periodic task: the daily deadline sweep (scheduled in settings)."""

from celery import shared_task
from django.utils import timezone

from .deadlines import deadlines_run


@shared_task(name="workflow.deadlines_sweep")
def deadlines_sweep_task() -> dict[str, int]:
    # The date is the local date (Asia/Ho_Chi_Minh) when the task runs, not when beat
    # queued it: a sweep delayed past midnight still runs for the day it is run on.
    return deadlines_run(today=timezone.localdate())
