"""Exactly one beat schedules, however many are started: the others stand by and take
over when it stops (at once) or when its lock expires (a beat on another machine that
died). Real `celery beat` processes on the suite's Redis."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.beat import LOCK_KEY, FileLock, LockedScheduler
from config.celery import app as celery_app
from tests.notifications.harness import BASE_DIR, database_url, free_port

SENT = "Sending due task heartbeat"
CELERY_BEAT = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"]


class Beat:
    def __init__(self, name: str, folder: Path, env: dict):
        self.log_path = folder / f"{name}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115  (closed once the child has it)
        self.process = subprocess.Popen(
            [*CELERY_BEAT, "-s", str(folder / f"{name}-schedule")],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            assert self.process.poll() is None, self.log()[-3000:]
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not logged:\n{self.log()[-3000:]}")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)


@pytest.fixture
def beats(db, tmp_path):
    url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(url)
    client.delete(LOCK_KEY)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": url,
        "DVK_BEAT_LOCK_TTL": "3",
        "DVK_HEARTBEAT_EVERY": "0.5",
        "DVK_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    started = []

    def start(name: str) -> Beat:
        beat = Beat(name, tmp_path, env)
        started.append(beat)
        return beat

    yield start, client
    for beat in started:
        beat.stop()
    client.delete(LOCK_KEY)
    client.delete("celery")  # the heartbeats no worker took


def test_a_second_beat_stands_by_and_takes_over_when_the_first_stops(beats):
    start, client = beats
    first = start("first")
    first.wait_for("Beat lock taken")
    first.wait_for(SENT)
    second = start("second")
    second.wait_for("stands by")
    # Several of the first's ticks later, the second still has sent nothing.
    sent_before = first.log().count(SENT)
    time.sleep(3)
    assert first.log().count(SENT) > sent_before
    assert SENT not in second.log()
    assert f":{first.process.pid}:" in client.get(LOCK_KEY).decode()

    first.stop()  # a clean stop gives the lock back
    second.wait_for("Beat lock taken", timeout=10)
    second.wait_for(SENT, timeout=10)


def test_a_beat_waits_out_the_lock_of_a_beat_that_died_on_another_machine(beats):
    start, client = beats
    # What a beat on another host leaves when it is killed: its token, until it expires.
    client.set(LOCK_KEY, "other-host:1:deadbeef", px=60_000)
    beat = start("here")
    beat.wait_for("stands by")
    time.sleep(1.5)
    assert SENT not in beat.log()
    client.pexpire(LOCK_KEY, 1500)  # the dead beat's key runs out
    beat.wait_for("Beat lock taken", timeout=20)
    beat.wait_for(SENT, timeout=10)
    assert client.get(LOCK_KEY).decode().startswith(os.uname().nodename)


def test_a_beat_killed_on_this_machine_is_replaced_without_waiting_for_its_lock(beats):
    start, client = beats
    first = start("first")
    first.wait_for("Beat lock taken")
    first.stop(signal.SIGKILL)  # no clean stop: its token stays in Redis
    assert f":{first.process.pid}:" in client.get(LOCK_KEY).decode()
    second = start("second")
    # Taken at its first tick, never standing by for the dead one's TTL: the token
    # names a process of this machine that is gone.
    second.wait_for("Beat lock taken", timeout=20)
    assert "stands by" not in second.log()
    assert f":{second.process.pid}:" in client.get(LOCK_KEY).decode()
    assert settings.CELERY_BEAT_SCHEDULER == "config.beat:LockedScheduler"


def test_on_the_filesystem_broker_the_lock_is_a_file_lock(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    first, second = FileLock(), FileLock()
    assert first.acquire_or_renew() and first.acquire_or_renew()
    assert not second.acquire_or_renew()
    first.release()
    assert second.acquire_or_renew()
    second.release()


def test_a_beat_that_cannot_reach_redis_sends_nothing_and_keeps_running(tmp_path, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens
    scheduler = LockedScheduler(app=celery_app, schedule_filename=str(tmp_path / "schedule"))
    sent = []
    scheduler.apply_entry = lambda entry, producer=None: sent.append(entry)
    try:
        assert scheduler.tick() == scheduler.max_interval <= settings.DVK_BEAT_LOCK_TTL / 3
        assert scheduler.holding is False and sent == []
    finally:
        scheduler.close()
