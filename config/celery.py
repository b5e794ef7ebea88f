"""The Celery app. Broker: ``CELERY_BROKER_URL`` (Redis in production and CI); unset,
kombu's filesystem transport under ``var/broker`` so the embedded default needs no
server. See ``config/settings.py`` for time limits, retries and the beat schedule."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("dvk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
