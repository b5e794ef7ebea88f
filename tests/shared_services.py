"""Module-scoped real parts, registered in tests/conftest.py so that every folder's
tests (and the fixtures they import from tests/notifications/conftest.py) find them:
one SMTP server and one Celery worker process per module, instead of one per test."""

import os

import pytest
from django.db import connection

from tests.notifications.harness import (
    WORKER_SETTINGS,
    SmtpSink,
    WorkerProcess,
    database_url,
    worker_env,
)


@pytest.fixture(scope="module")
def _smtp_server():
    """One SMTP server per module, on one port: the module's worker sends to it."""
    sink = SmtpSink().start()
    yield sink
    sink.release()
    sink.stop()


@pytest.fixture(scope="module")
def _module_worker(django_db_setup, _smtp_server, tmp_path_factory):
    """One Celery worker process for a module's tests that neither kill it nor change its
    settings (those start their own with ``worker_factory``); started on first use."""
    var_dir = tmp_path_factory.mktemp("worker")
    env = worker_env(
        database=database_url(connection.settings_dict),
        broker=os.environ["REDIS_URL"],
        smtp=_smtp_server,
        var_dir=var_dir,
        **WORKER_SETTINGS,
    )
    worker = WorkerProcess(env=env, log_dir=var_dir)
    yield worker
    worker.stop()
