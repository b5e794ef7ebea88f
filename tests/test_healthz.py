"""/healthz and `manage.py healthcheck`: green when every part answered lately, 503 and
which part otherwise; no sign-in, no detail an outsider could use; answered on loopback
over plain HTTP whatever the allowed hosts and the HTTPS redirect. Request ids and
durations in the log."""

import json
import logging
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from config import health
from config.celery import app as celery_app
from notifications.models import Notification, Status
from tests.notifications.conftest import redis_url, smtp, worker  # noqa: F401  (fixtures)


@pytest.fixture
def stamps(db):
    """The health store (Redis, the suite's broker) without anything an earlier test or
    process wrote; ``stamps(worker=age, beat=age)`` records a heartbeat ``age`` s ago."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key in client.scan_iter(f"{health.KEY_PREFIX}*"):
        client.delete(key)

    def stamp(**ages: float) -> None:
        for name, age in ages.items():
            health.stamp(name, time.time() - age)

    yield stamp
    for key in client.scan_iter(f"{health.KEY_PREFIX}*"):
        client.delete(key)


def get_report(client, path="/healthz", **extra):
    response = client.get(path, **extra)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, json.loads(response.content)


def test_healthz_is_green_when_every_part_answered_lately(client, stamps):
    stamps(worker=5, beat=2)
    status, report = get_report(client)
    assert status == 200 and report["status"] == "ok"
    checks = report["checks"]
    assert list(checks) == ["database", "broker", "outbox", "worker", "beat"]
    assert all(check["ok"] for check in checks.values())
    assert 4 <= checks["worker"]["last_seen_age_seconds"] <= 30
    assert checks["outbox"] == {
        "ok": True,
        "oldest_pending_age_seconds": None,
        "overdue": 0,
        "sending_past_lease": 0,
    }


def test_healthz_is_red_when_no_worker_has_been_heard_from_lately(client, stamps):
    stamps(worker=settings.DVK_HEALTH_STALE_AFTER + 60, beat=2)
    status, report = get_report(client)
    assert status == 503 and report["status"] == "fail"
    assert report["checks"]["worker"]["ok"] is False
    assert report["checks"]["beat"]["ok"] and report["checks"]["database"]["ok"]


def test_healthz_is_red_when_an_email_waits_past_its_due_time(client, stamps):
    stamps(worker=1, beat=1)
    now = timezone.now()
    Notification.objects.create(
        dedupe_key="health:overdue",
        kind="case_withdrawn",
        email="a@example.test",
        subject="s",
        body_text="b",
        status=Status.PENDING,
        created_at=now - timedelta(hours=3),
        due_at=now - timedelta(seconds=settings.DVK_HEALTH_OUTBOX_MAX_AGE + 60),
    )
    # Pending but not yet due (a retry later on): reported, not red.
    Notification.objects.create(
        dedupe_key="health:later",
        kind="case_withdrawn",
        email="b@example.test",
        subject="s",
        body_text="b",
        status=Status.PENDING,
        due_at=now + timedelta(hours=1),
    )
    status, report = get_report(client)
    outbox = report["checks"]["outbox"]
    assert status == 503 and outbox["ok"] is False
    assert outbox["overdue"] == 1
    assert 3 * 3600 - 5 <= outbox["oldest_pending_age_seconds"] <= 3 * 3600 + 60


def test_a_part_that_fails_is_red_without_its_error_text(client, stamps, monkeypatch):
    stamps(worker=1, beat=1)

    def down():
        raise OSError("connection to 10.0.0.5:6379 refused, password=secret")

    monkeypatch.setitem(health._CHECKERS, "broker", down)
    status, report = get_report(client)
    assert status == 503
    assert report["checks"]["broker"] == {"ok": False, "error": "unavailable"}
    assert "10.0.0.5" not in json.dumps(report)


def test_healthz_answers_on_loopback_over_http_whatever_the_hosts_and_redirect(
    client, stamps, settings
):
    stamps(worker=1, beat=1)
    settings.ALLOWED_HOSTS = ["dvk.example.vn"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/dang-nhap/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    status, report = get_report(client, "/healthz", HTTP_HOST="127.0.0.1:8000")
    assert status == 200
    # ?only= asks for some parts (the web's healthcheck: its own database and broker).
    status, report = get_report(client, "/healthz?only=database,broker,nonsense")
    assert status == 200 and list(report["checks"]) == ["database", "broker"]


def test_the_healthcheck_command_fails_with_what_is_red(stamps, capsys):
    stamps(beat=1)
    call_command("healthcheck", "--only", "database,beat")
    assert json.loads(capsys.readouterr().out)["status"] == "ok"
    with pytest.raises(CommandError, match="chưa ổn"):
        call_command("healthcheck", "--only", "worker")
    assert json.loads(capsys.readouterr().out)["checks"]["worker"]["ok"] is False
    with pytest.raises(CommandError, match="Không có phần kiểm tra: disk"):
        call_command("healthcheck", "--only", "disk")


def test_every_request_has_an_id_and_a_log_line_with_its_duration(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="dvk.request"):
        response = client.get("/dang-nhap/")
        given = client.get("/dang-nhap/", HTTP_X_REQUEST_ID="proxy-id-42")
        forged = client.get("/dang-nhap/", HTTP_X_REQUEST_ID="a b\nINFO forged")
    assert len(response["X-Request-ID"]) == 32
    assert given["X-Request-ID"] == "proxy-id-42"
    assert forged["X-Request-ID"] != "a b\nINFO forged" and len(forged["X-Request-ID"]) == 32
    lines = [r for r in caplog.records if r.name == "dvk.request"]
    assert [r.request_id for r in lines] == [
        response["X-Request-ID"],
        "proxy-id-42",
        forged["X-Request-ID"],
    ]
    assert lines[0].getMessage().startswith("GET /dang-nhap/ 200 ")
    assert lines[0].getMessage().endswith("ms") and lines[0].duration_ms >= 0


@pytest.mark.usefixtures("worker")
def test_a_worker_records_its_heartbeat_when_it_runs_the_beats_task(stamps):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(f"{health.KEY_PREFIX}{health.WORKER}")  # the one it wrote when ready
    before = time.time()
    celery_app.send_task(settings.CELERY_BEAT_SCHEDULE["heartbeat"]["task"])
    deadline = time.monotonic() + 30
    while health.last_stamp(health.WORKER) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert before <= health.last_stamp(health.WORKER) <= time.time()
