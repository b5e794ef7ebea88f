"""Fixtures with real parts: Redis as the broker, a Celery worker process, an aiosmtpd
server on loopback. A missing service fails the test (tests/conftest.py refuses to start
without PostgreSQL and REDIS_URL)."""

import datetime
import os
import time
from contextlib import contextmanager

import kombu.pools
import pytest
from django.db import connection

from config.celery import app as celery_app
from models_registry.services.initiatives import deadline_extension_grant
from notifications.services import notifications_publish_wait, publish_pause_reset

from .harness import WORKER_SETTINGS, WorkerProcess, database_url, worker_env


@pytest.fixture
def redis_url():
    """The broker of these tests: ``REDIS_URL``, emptied first (stale task messages from
    an earlier run would name rows of a database that no longer exists)."""
    url = os.environ["REDIS_URL"]
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is unreachable: {exc}")
    client.flushdb()
    with broker_at(url):
        yield url
    client.flushdb()


@contextmanager
def broker_at(url: str):
    """Point this process's Celery app (the web app's publisher) at ``url``."""
    previous = celery_app.conf.broker_url

    def switch(to: str) -> None:
        # What this process's publisher thread still holds goes to the broker it was
        # meant for (a hung one included), before the switch and the pause's reset.
        notifications_publish_wait(timeout=30)
        celery_app.conf.broker_url = to
        # Drop every cached connection and producer (kombu keys them by URL).
        kombu.pools.reset()
        publish_pause_reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch(url)
    try:
        yield
    finally:
        switch(previous)


@pytest.fixture
def smtp(_smtp_server):
    """The module's SMTP server, as new for each test: nothing received, accepting."""
    _smtp_server.reset()
    yield _smtp_server
    _smtp_server.release()


@pytest.fixture
def worker_factory(transactional_db, redis_url, smtp, tmp_path, _module_worker):
    """Start Celery workers on the test database; every one is stopped at the end. The
    module's shared worker is stopped first: these tests must know which worker runs."""
    _module_worker.stop()
    workers = []

    def start(**extra) -> WorkerProcess:
        settings = {**WORKER_SETTINGS, **extra}
        beat = bool(settings.pop("beat", False))
        env = worker_env(
            database=database_url(connection.settings_dict),
            broker=redis_url,
            smtp=smtp,
            var_dir=tmp_path,
            **settings,
        )
        worker = WorkerProcess(env=env, log_dir=tmp_path, beat=beat)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def worker(transactional_db, redis_url, smtp, _module_worker):
    """The module's worker, on this test's (flushed) broker and SMTP server."""
    if _module_worker.process is not None and _module_worker.process.poll() is not None:
        _module_worker.stop()  # it died in an earlier test: start a new one
    if _module_worker.process is None:
        _module_worker.start()
    return _module_worker


@pytest.fixture
def late_submission_allowed(world):
    """Pages act on today's date, long after the 2023 deadline: the secretariat lets
    ward A submit late (the way it would in production)."""
    return deadline_extension_grant(
        actor=world.secretariat,
        campaign=world.campaign,
        unit=world.ward_a,
        until=datetime.date.today() + datetime.timedelta(days=30),
        reason="Đơn vị được nộp bổ sung.",
    )


def wait_until(predicate, timeout: float = 60, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")
