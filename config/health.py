"""Health: what /healthz, the ``healthcheck`` command and compose's healthchecks report.

Five checks, each a small dict with ``ok`` and figures, never an error text (the
endpoint needs no sign-in, so it says what is wrong, not why):

- ``database``: one ``SELECT 1``;
- ``broker``: Redis answers PING (on kombu's filesystem transport: its folder exists);
- ``outbox``: the age of the oldest pending e-mail, and how many are overdue (due for
  longer than ``DVK_HEALTH_OUTBOX_MAX_AGE``: nothing publishes them, the flush or the
  worker is stuck) or ``sending`` past their lease (a dead worker the flush has not
  taken back yet); red on an overdue row only — a relay that is down keeps rows
  pending but not overdue, and the retries take care of it;
- ``worker``: the last heartbeat a worker wrote (when it became ready, then on each
  ``dvk.heartbeat`` task the beat queues every ``DVK_HEARTBEAT_EVERY`` seconds);
- ``beat``: the last tick of the beat that holds the lock (config/beat.py).

Heartbeats live where the broker lives: Redis keys, or files under
``$DVK_VAR_DIR/health`` on the embedded default.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from django.conf import settings

KEY_PREFIX = "dvk:health:"
WORKER = "worker"
BEAT = "beat"
CHECKS = ("database", "broker", "outbox", "worker", "beat")


def broker_is_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://"))


def redis_client():
    """A Redis client on the broker's URL, with short timeouts (health must not hang)."""
    import redis

    timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )


def _health_dir() -> Path:
    return Path(settings.VAR_DIR) / "health"


def stamp(name: str, when: float | None = None) -> None:
    """Record that ``name`` (worker, beat) was alive at ``when`` (now by default)."""
    value = repr(time.time() if when is None else when)
    if broker_is_redis():
        with redis_client() as client:
            client.set(KEY_PREFIX + name, value, ex=7 * 24 * 3600)
    else:
        folder = _health_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(value)


def last_stamp(name: str) -> float | None:
    if broker_is_redis():
        with redis_client() as client:
            value = client.get(KEY_PREFIX + name)
        return float(value) if value is not None else None
    with contextlib.suppress(FileNotFoundError, ValueError):
        return float((_health_dir() / name).read_text())
    return None


def _age(since: float | None) -> float | None:
    return None if since is None else round(max(0.0, time.time() - since), 1)


def check_database() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_broker() -> dict:
    if broker_is_redis():
        with redis_client() as client:
            return {"ok": bool(client.ping())}
    return {"ok": Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_dir()}


def check_outbox() -> dict:
    from datetime import timedelta

    from notifications.selectors import outbox_overview

    figures = outbox_overview(overdue_after=timedelta(seconds=settings.DVK_HEALTH_OUTBOX_MAX_AGE))
    oldest = figures["oldest_pending_age"]
    return {
        "ok": figures["overdue"] == 0,
        "oldest_pending_age_seconds": None if oldest is None else round(oldest.total_seconds(), 1),
        "overdue": figures["overdue"],
        "sending_past_lease": figures["stuck"],
    }


def _check_stamp(name: str) -> dict:
    age = _age(last_stamp(name))
    return {
        "ok": age is not None and age <= settings.DVK_HEALTH_STALE_AFTER,
        "last_seen_age_seconds": age,
    }


def check_worker() -> dict:
    return _check_stamp(WORKER)


def check_beat() -> dict:
    return _check_stamp(BEAT)


_CHECKERS = {
    "database": check_database,
    "broker": check_broker,
    "outbox": check_outbox,
    "worker": check_worker,
    "beat": check_beat,
}


def health_report(*, only: list[str] | None = None) -> dict:
    """Run the checks named in ``only`` (all by default); a check that raises is red.

    Returns ``{"status": "ok" | "fail", "checks": {name: {"ok": bool, ...}}}``."""
    names = [name for name in CHECKS if not only or name in only]
    checks = {}
    for name in names:
        try:
            checks[name] = _CHECKERS[name]()
        except Exception:  # any failure is the answer itself; its text may be sensitive
            checks[name] = {"ok": False, "error": "unavailable"}
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "fail", "checks": checks}
