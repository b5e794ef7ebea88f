"""The Celery app.

Broker: ``CELERY_BROKER_URL`` (or ``REDIS_URL``): Redis in production and CI; unset,
kombu's filesystem transport under ``var/broker`` so the embedded default needs no
server (``make run`` starts one worker with beat embedded). Everything else lives in
``config/settings.py`` under ``CELERY_*``: a short broker connection timeout and no
publish retry (a request never hangs on a dead broker: the outbox row waits for the
flush), task time limits, the retry backoff kept below Redis's visibility timeout, and
the beat schedule (the daily sweep at 07:00 Asia/Ho_Chi_Minh, the outbox flush every
minute, the sweep of stuck biểu mẫu imports every minute). Tasks are found in each
app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("dvk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
