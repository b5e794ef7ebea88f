"""The Celery app.

Broker: ``CELERY_BROKER_URL`` (or ``REDIS_URL``): Redis in production and CI; unset,
kombu's filesystem transport under ``var/broker`` so the embedded default needs no
server (``make run`` starts one worker with beat embedded). Everything else lives in
``config/settings.py`` under ``CELERY_*``: a short broker connection timeout and no
publish retry (a request never hangs on a dead broker: the outbox row waits for the
flush), task time limits, the retry backoff kept below Redis's visibility timeout, and
the beat schedule (the daily sweep at 07:00 Asia/Ho_Chi_Minh, the outbox flush every
minute, the sweep of stuck biểu mẫu imports every minute, the workers' heartbeat).
Tasks are found in each app's ``tasks.py``; the heartbeat is here. Exactly one beat
schedules, whatever the number started: see config/beat.py.
"""

import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("dvk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("dvk.health")


@app.task(name="dvk.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Queued by the beat every DVK_HEARTBEAT_EVERY seconds: a worker that runs it proves
    the whole chain (beat → broker → worker) alive to /healthz."""
    from . import health

    health.stamp(health.WORKER)


@worker_ready.connect
def _worker_ready(**kwargs) -> None:
    # A worker that just started counts as alive before its first heartbeat task.
    from . import health

    try:
        health.stamp(health.WORKER)
    except Exception:  # health is a report, never a reason not to start
        logger.warning("Could not record the worker's heartbeat", exc_info=True)


@task_prerun.connect(weak=False, dispatch_uid="dvk.db_connections.prerun")
@task_postrun.connect(weak=False, dispatch_uid="dvk.db_connections.postrun")
def _database_connections(task=None, **kwargs) -> None:
    """Around each task, what Django does around each request: close a connection only
    when it is older than ``CONN_MAX_AGE`` or unusable (settings.CELERY_DB_REUSE_MAX
    keeps Celery from closing it after every task). Not for eager tasks, which run
    inside their caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
