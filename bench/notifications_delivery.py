"""Benchmark: 1,000 notifications through a real Celery worker to an SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk .venv/bin/python \
        bench/notifications_delivery.py [--count 1000] [--kills 5] [--concurrency 4]

Creates its own database (<name>_bench, dropped at the end), starts its own redis-server
on a free port (or uses --redis-url), an aiosmtpd sink on loopback and worker processes.
Run 1 delivers ``count`` messages undisturbed; run 2 delivers ``count`` more while the
worker is killed with SIGKILL ``kills`` times (restarted at once, beat embedded so that
the flush takes back what each dead worker held). Prints messages per second and the
counts delivered, duplicated (the mail server got the same Message-ID twice) and lost,
and how many database sessions the worker opened during run 1 (PostgreSQL's
``pg_stat_database.sessions``: one per task when connections are not kept). First, the
floor: the same rows built as Django e-mails (``EmailMultiAlternatives``) and sent over
ONE SMTP connection to the same sink, with nothing else (no Celery, no claim, no row
update). Not a test: nothing is asserted.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Bench-sized lease and flush: a dead worker's rows come back within seconds (production
# uses a 5-minute lease and a 30-second grace; the mechanism is the same).
WORKER_SETTINGS = {
    "NOTIFICATIONS_LEASE_SECONDS": "5",
    "NOTIFICATIONS_FLUSH_GRACE_SECONDS": "10",
    "NOTIFICATIONS_FLUSH_EVERY": "1",
    "NOTIFICATIONS_RETRY_BACKOFF": "0.5",
    "NOTIFICATIONS_RETRY_BACKOFF_MAX": "2",
    "NOTIFICATIONS_MAX_ATTEMPTS": "50",
    "CELERY_WORKER_PREFETCH_MULTIPLIER": "4",
}


def start_redis(tmp: Path):
    from tests.notifications.harness import free_port

    if not shutil.which("redis-server"):
        sys.exit("redis-server is not installed: pass --redis-url")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return process, f"redis://127.0.0.1:{port}/0"
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    sys.exit("redis-server did not start")


def queue_batch(prefix: str, count: int, *, keep: bool = True) -> list:
    from django.db import transaction

    from models_registry.models import Campaign
    from notifications.services import notification_queue
    from units.models import Unit

    campaign = Campaign.objects.first()
    unit = Unit.objects.first()
    with transaction.atomic():
        rows = notification_queue(
            kind="registration_reminder",
            recipients=[f"donvi{i}@bench.example" for i in range(count)],
            dedupe_key=prefix,
            context={"campaign": campaign, "unit": unit, "days_left": 3},
        )
        # keep=False: the rendered rows only (for the floor), never published.
        transaction.set_rollback(not keep)
    return rows


def wait_all_sent(prefix: str, timeout: float, on_progress=None) -> bool:
    from notifications.models import Notification, Status

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = Notification.objects.filter(dedupe_key__startswith=f"{prefix}:")
        left = rows.exclude(status=Status.SENT).count()
        if on_progress:
            on_progress()
        if left == 0:
            return True
        time.sleep(0.1)
    return False


def sessions() -> int:
    """Connections ever opened to this database (PostgreSQL 14+)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def floor(rows, smtp) -> float:
    """Seconds to build and send ``rows`` as Django e-mails over one SMTP connection."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives, get_connection

    from notifications.services import message_id_for

    started = time.monotonic()
    with get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host=smtp.host, port=smtp.port
    ) as mail:
        for row in rows:
            message = EmailMultiAlternatives(
                row.subject,
                row.body_text,
                settings.DEFAULT_FROM_EMAIL,
                [row.email],
                headers={"Message-ID": message_id_for(row.dedupe_key)},
                connection=mail,
            )
            message.attach_alternative(row.body_html, "text/html")
            message.send()
    return time.monotonic() - started


def figures(label: str, rows, received, started: float, finished: float, extra: str = ""):
    from notifications.services import message_id_for

    expected = {message_id_for(row.dedupe_key) for row in rows}
    counts = Counter(m.message_id for m in received if m.message_id in expected)
    delivered = len(counts)
    duplicated = sum(n - 1 for n in counts.values())
    lost = len(expected) - delivered
    seconds = finished - started
    print(
        f"{label}: {len(rows)} queued, {delivered} delivered, {duplicated} duplicated, "
        f"{lost} lost; {seconds:.1f} s, {delivered / seconds:.0f} msg/s{extra}"
    )
    return delivered, duplicated, lost


def explain_duplicates(received, killed_at: list[int]) -> None:
    """For each Message-ID the sink got twice: how many messages before a kill the first
    copy was accepted. A first copy within the last few messages before a kill is the
    window SMTP leaves open: accepted by the relay, its worker killed before the row
    was marked sent."""
    first: dict[str, int] = {}
    for index, message in enumerate(received, start=1):
        mid = message.message_id
        if mid not in first:
            first[mid] = index
            continue
        before_kill = [k for k in killed_at if k >= first[mid]]
        where = (
            f"{before_kill[0] - first[mid]} message(s) before kill #{killed_at.index(before_kill[0]) + 1}"
            if before_kill
            else "after the last kill"
        )
        print(f"  duplicate {mid}: first copy accepted {where}, again as message {index}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates <name>_bench).")

    import kombu.pools

    from config.celery import app as celery_app
    from demo.registry import build_campaigns, build_directory
    from notifications.services import publish_pause_reset
    from tests.notifications.harness import SmtpSink, WorkerProcess, database_url, worker_env

    tmp = Path(tempfile.mkdtemp(prefix="dvk-bench-"))
    redis_process = None
    if args.redis_url:
        broker = args.redis_url
    else:
        redis_process, broker = start_redis(tmp)
    celery_app.conf.broker_url = broker
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    publish_pause_reset()

    db_settings = settings.DATABASES["default"]
    db_settings.setdefault("TEST", {})["NAME"] = f"{db_settings['NAME']}_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    smtp = SmtpSink().start()
    workers: list[WorkerProcess] = []
    try:
        build_directory()
        build_campaigns()
        print(
            f"$ {' '.join(sys.argv)}\n"
            f"{args.count} notifications per run, worker concurrency {args.concurrency}, "
            f"broker {broker}, SMTP sink {smtp.host}:{smtp.port}, {os.cpu_count()} CPU(s), "
            f"load average {os.getloadavg()[0]:.1f} at start"
        )

        def new_worker(**extra) -> WorkerProcess:
            env = worker_env(
                database=database_url(connection.settings_dict),
                broker=broker,
                smtp=smtp,
                var_dir=tmp,
                **{**WORKER_SETTINGS, **extra},
            )
            worker = WorkerProcess(env=env, log_dir=tmp, concurrency=args.concurrency, beat=True)
            workers.append(worker)
            return worker.start()

        # Rounds, alternating: the floor (Django-built messages over one SMTP
        # connection, nothing else), then run 1 (the same number through the worker,
        # undisturbed), so both sides meet the same machine load.
        worker = new_worker()
        floor_rates, worker_rates, worker_lost, worker_dups = [], [], 0, 0
        for round_ in range(1, args.rounds + 1):
            floor_rows = queue_batch(f"bench-floor-{round_}", args.count, keep=False)
            seconds = floor(floor_rows, smtp)
            floor_rates.append(len(floor_rows) / seconds)
            print(
                f"Round {round_}: floor (Django e-mails over one SMTP connection) "
                f"{len(floor_rows)} in {seconds:.1f} s, {floor_rates[-1]:.0f} msg/s"
            )
            before = len(smtp.messages())
            sessions_before = sessions()
            started = time.monotonic()
            rows = queue_batch(f"bench-calm-{round_}", args.count)
            queued = time.monotonic()
            done = wait_all_sent(f"bench-calm-{round_}", args.timeout)
            finished = time.monotonic()
            delivered, duplicated, lost = figures(
                f"Round {round_}: run 1 (no failures)",
                rows,
                smtp.messages()[before:],
                started,
                finished,
                f" (queueing took {queued - started:.1f} s){'' if done else ' — TIMED OUT'}; "
                f"{sessions() - sessions_before} database session(s) opened",
            )
            worker_rates.append(delivered / (finished - started))
            worker_lost += lost
            worker_dups += duplicated
        worker.stop()
        load_run1 = os.getloadavg()[0]

        # Run 2: the worker is SIGKILLed `kills` times while delivering.
        state = {"worker": new_worker(), "kills": 0}
        before = len(smtp.messages())
        marks = [int(args.count * (k + 1) / (args.kills + 1)) for k in range(args.kills)]
        killed_at: list[int] = []  # messages the sink had accepted when each kill landed

        def maybe_kill() -> None:
            if (
                state["kills"] < len(marks)
                and len(smtp.messages()) - before >= marks[state["kills"]]
            ):
                state["worker"].kill()
                killed_at.append(len(smtp.messages()))
                state["kills"] += 1
                state["worker"] = new_worker()

        started = time.monotonic()
        rows = queue_batch("bench-kill", args.count)
        done = wait_all_sent("bench-kill", args.timeout, on_progress=maybe_kill)
        finished = time.monotonic()
        received = smtp.messages()
        _, kill_dups, kill_lost = figures(
            f"Run 2 (worker SIGKILLed {state['kills']} times)",
            rows,
            received[before:],
            started,
            finished,
            "" if done else " — TIMED OUT",
        )
        explain_duplicates(received, killed_at)
        floor_median = statistics.median(floor_rates)
        kill_label = f"outbox + worker, {state['kills']} SIGKILLs"
        worker_median = statistics.median(worker_rates)
        print(
            f"\n{'':<34}{'msg/s (median of ' + str(args.rounds) + ')':>22}{'% of floor':>12}"
            f"{'duplicated':>12}{'lost':>6}\n"
            f"{'floor: Django, one SMTP connection':<34}{floor_median:>22.0f}{100:>11}%"
            f"{'—':>12}{'—':>6}\n"
            f"{'outbox + worker, undisturbed':<34}{worker_median:>22.0f}"
            f"{100 * worker_median / floor_median:>11.0f}%{worker_dups:>12}{worker_lost:>6}\n"
            f"{kill_label:<34}{'':>22}{'':>12}"
            f"{kill_dups:>12}{kill_lost:>6}\n"
            f"Load average {load_run1:.1f} after the rounds, {os.getloadavg()[0]:.1f} at the end."
        )
    finally:
        for worker in workers:
            worker.stop()
        smtp.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
