"""What each pytest-xdist worker gets of its own when the suite runs in parallel
(`make test`: ``pytest -n $TEST_WORKERS --dist loadfile --no-loadscope-reorder``).

pytest-django already gives each worker its own test database (``test_<name>_gw<N>``).
This module gives it the rest of what the tests share through the environment: its own
Redis database (the broker of its Celery workers and beats, the beat lock, the health
stamps, the flushes of the delivery tests) and its own ``DVK_VAR_DIR`` (uploads, the
beat's file lock, e-mail files). SMTP sinks, live servers and gunicorn already bind
free ports (port 0), and every test that starts a process gives it a ``tmp_path``.

Worker ``gwN`` uses Redis database base + N, the base being ``REDIS_URL``'s (0 when the
URL names none): with ``-n 4`` and ``redis://…/7``, databases 7 to 10. A serial run (no
xdist) keeps ``REDIS_URL`` and ``DVK_VAR_DIR`` as they are."""

import atexit
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REDIS_DATABASES = 16  # Redis's default `databases`


def worker_index() -> int | None:
    """0 for gw0, 1 for gw1…; None outside an xdist worker."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    match = re.fullmatch(r"gw(\d+)", name)
    return int(match.group(1)) if match else None


def redis_url_for(url: str, index: int) -> str:
    """``url`` with its database number moved up by ``index``."""
    match = re.fullmatch(r"(?P<head>rediss?://[^/?#]*)(?:/(?P<db>\d*))?(?P<tail>[?#].*)?", url)
    if not match:
        raise pytest.UsageError(f"REDIS_URL {url!r} is not a redis:// URL with a database.")
    number = int(match.group("db") or 0) + index
    if number >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker {index} would need Redis database {number} (REDIS_URL {url!r}): "
            f"Redis has {REDIS_DATABASES}. Run fewer workers (-n) or a lower base database."
        )
    return f"{match.group('head')}/{number}{match.group('tail') or ''}"


def isolate_worker() -> None:
    """Called from pytest_configure, after Django's settings are loaded (pytest-django
    loads them first): move this worker's broker and var folder, in the settings for
    this process and in the environment for the processes it starts."""
    index = worker_index()
    if index is None:
        return
    from django.conf import settings

    from config.celery import app as celery_app

    base = os.environ["REDIS_URL"]
    url = redis_url_for(base, index)
    os.environ["REDIS_URL"] = url
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        broker = url if broker == base else redis_url_for(broker, index)
        settings.CELERY_BROKER_URL = broker
        celery_app.conf.broker_url = broker
        if "CELERY_BROKER_URL" in os.environ:
            os.environ["CELERY_BROKER_URL"] = broker

    var_dir = Path(tempfile.mkdtemp(prefix=f"dvk-test-gw{index}-"))
    atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    os.environ["DVK_VAR_DIR"] = str(var_dir)
    for name in ("DJANGO_MEDIA_ROOT", "EMAIL_FILE_PATH"):
        os.environ.pop(name, None)  # children derive them from DVK_VAR_DIR
    settings.VAR_DIR = var_dir
    settings.MEDIA_ROOT = var_dir / "media"
    settings.EMAIL_FILE_PATH = var_dir / "emails"
    settings.CELERY_BEAT_SCHEDULE_FILENAME = str(var_dir / "celerybeat-schedule")


# --- the long files first ---------------------------------------------------------------
# `--dist loadfile` gives a worker a whole file at a time, in the order the workers
# collected them (--no-loadscope-reorder; xdist's own reorder puts the files with the
# most tests first, which leaves the long ones with few tests for the end). A file that
# holds a test marked `long` (tens of seconds: a seed, a subprocess migrating SQLite, a
# walk of thousands of requests, waits of a retry schedule) goes first, so that the
# run does not end with one worker on it and the other idle. The order within a file,
# and between the other files, stays pytest-django's.


def long_files_first(items: list) -> list:
    long_files = {
        item.nodeid.split("::", 1)[0] for item in items if item.get_closest_marker("long")
    }
    return sorted(items, key=lambda item: item.nodeid.split("::", 1)[0] not in long_files)


# --- one migrated database, cloned for each worker -------------------------------------
# Each worker would otherwise migrate its own test database, all at once: the same DDL
# N times over on the same two cores. Instead the first worker migrates a template once
# (under a file lock the others wait on) and every worker copies it (CREATE DATABASE …
# TEMPLATE, a file copy); pytest-django then finds its database made (keepdb) and
# migrate has nothing left to do. The controller drops the template at the end.


def _admin_connection():
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def template_name() -> str:
    """The template's name: the serial run's test database name, plus ``_template``."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"test_{db['NAME']}_template"


def _migrate_template(name: str) -> None:
    from django.conf import settings

    from tests.notifications.harness import BASE_DIR, database_url

    url = database_url({**settings.DATABASES["default"], "NAME": name})
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--run-syncdb", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
    )


def clone_worker_database(test_name: str) -> None:
    """Make this worker's test database ``test_name`` a copy of the migrated template,
    migrating the template first if no worker of this run has yet."""
    template = template_name()
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "run")
    lock_path = Path(tempfile.gettempdir()) / f"dvk-{template}.lock"
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker at a time: a template copied has no session
        try:
            lock.seek(0)
            if lock.read().strip() != run:
                with _admin_connection() as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                    admin.execute(f'CREATE DATABASE "{template}"')
                _migrate_template(template)
                lock.seek(0)
                lock.truncate()
                lock.write(run)
                lock.flush()
            with _admin_connection() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def drop_database(name: str) -> None:
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
