"""Benchmark: what the outbox loses or doubles through faults, on a stack of its own.

    .venv/bin/python bench/outbox_faults.py [--only redis] [--scale 60] [--rate 10]

Starts everything it uses on free loopback ports and removes it at the end: a PRIVATE
PostgreSQL cluster (initdb and pg_ctl from /usr/lib/postgresql/*/bin, in a directory
under /tmp, run as the ``postgres`` user when started as root — the system's server is
never touched), a redis-server, an aiosmtpd sink, one Celery worker (2 processes) with
the beat embedded. This process plays the web application: a writer thread queues one
e-mail every 1/``--rate`` s through ``notification_queue`` in its own transaction (a
write that fails because the database is down is a request that failed: not counted as
written), and its publisher thread hands them to the broker as the web processes do.

Each scenario writes for 5 s, applies its fault, heals it, writes 5 s more, then waits
for every row written to be sent or failed, and prints: written (rows committed),
delivered (distinct Message-IDs the SMTP sink accepted), duplicated (extra copies),
lost (written, never delivered), failed (rows that would need a person).

Scenarios: the worker SIGKILLed (restarted at once, as a supervisor would); Redis down
60 s (stopped, then started again on its port); Redis hung 30 s (SIGSTOP, SIGCONT);
PostgreSQL down 20 s (``pg_ctl stop -m fast``, then start); the SMTP relay down 60
minutes. The last is shortened by ``--scale`` (60): the relay is down 60/scale minutes
and the retry schedule is divided by the same factor (backoff 10 s → 10/scale, cap
30 min → 30/scale min, 36 attempts kept), so the outage keeps its place inside the
schedule (60 min of the 7.1 to 14.2 hours). The worker runs with a 30 s lease and the
flush every second (production: 5 min and 1 min), so a killed worker's rows come back
within the run; the mark of ``sent`` is then retried for up to 28 s. Not a test.
"""

import argparse
import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


class PrivatePostgres:
    """A throwaway cluster on its own port and directory; never the system's server."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "data"
        self.port = port
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, stdout=subprocess.DEVNULL)

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.root / "log"), "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/dvk_faults"


class Redis:
    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port, self.process = root, port, None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        for _ in range(200):
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                return
            time.sleep(0.05)
        sys.exit("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Writer:
    """The web application's part: one row per tick, each in its own transaction."""

    def __init__(self, prefix: str, rate: float) -> None:
        self.prefix, self.rate = prefix, rate
        self.stopped = threading.Event()
        self.failed_writes = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection, transaction

        from models_registry.models import Campaign
        from notifications.services import notification_queue
        from units.models import Unit

        campaign = Campaign.objects.first()
        unit = Unit.objects.first()
        n = 0
        while not self.stopped.is_set():
            try:
                with transaction.atomic():
                    notification_queue(
                        kind="registration_reminder",
                        recipients=[f"donvi{n}@faults.example"],
                        dedupe_key=f"{self.prefix}:{n}",
                        context={"campaign": campaign, "unit": unit, "days_left": 3},
                    )
                n += 1
            except Exception:  # the database is down: this "request" failed
                self.failed_writes += 1
                with contextlib.suppress(Exception):
                    connection.close()
            time.sleep(1 / self.rate)
        connection.close()

    def start(self) -> "Writer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)


def settle(prefix: str, timeout: float) -> bool:
    """Wait until every row of the scenario is sent or failed."""
    from django.db import connection

    from notifications.models import Notification, Status

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            open_rows = (
                Notification.objects.filter(dedupe_key__startswith=f"{prefix}:")
                .exclude(status__in=[Status.SENT, Status.FAILED])
                .count()
            )
            if open_rows == 0:
                return True
        except Exception:
            connection.close()
        time.sleep(0.5)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the scenarios whose name has this")
    parser.add_argument("--scale", type=float, default=60, help="SMTP outage and schedule ÷")
    parser.add_argument("--rate", type=float, default=10, help="e-mails written per second")
    parser.add_argument("--redis-down", type=float, default=60)
    parser.add_argument("--redis-hung", type=float, default=30)
    parser.add_argument("--postgres-down", type=float, default=20)
    parser.add_argument("--settle", type=float, default=300, help="max wait after a scenario")
    args = parser.parse_args()

    from tests.notifications.harness import SmtpSink, WorkerProcess, free_port, worker_env

    root = Path(tempfile.mkdtemp(prefix="dvk-faults-"))
    root.chmod(0o755)  # the cluster's user must reach its directory inside
    pg = PrivatePostgres(root / "pg", free_port())
    redis_server = Redis(root, free_port())
    smtp = SmtpSink()
    worker_settings = {
        "NOTIFICATIONS_LEASE_SECONDS": "30",
        "NOTIFICATIONS_FLUSH_EVERY": "1",
        "NOTIFICATIONS_FLUSH_GRACE_SECONDS": "5",
        "NOTIFICATIONS_RETRY_BACKOFF": str(10 / args.scale),
        "NOTIFICATIONS_RETRY_BACKOFF_MAX": str(1800 / args.scale),
        "NOTIFICATIONS_MAX_ATTEMPTS": "36",
        "CELERY_BROKER_CONNECTION_TIMEOUT": "2",
        "CELERY_BROKER_SOCKET_TIMEOUT": "5",
    }
    workers: list[WorkerProcess] = []
    started_pg = False
    try:
        pg.init()
        pg.start()
        started_pg = True
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=pg.port, user="postgres", dbname="postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE DATABASE dvk_faults")
        redis_server.start()
        smtp.start()
        os.environ.update(
            {"DATABASE_URL": pg.url, "CELERY_BROKER_URL": redis_server.url, **worker_settings}
        )
        import logging

        import django

        django.setup()
        # The writer's publisher logs each broker failure: the table is what matters here.
        logging.getLogger("notifications").setLevel(logging.ERROR)
        from django.core.management import call_command

        from demo.registry import build_campaigns, build_directory
        from notifications.models import Notification, Status
        from notifications.services import message_id_for, retry_span

        call_command("migrate", verbosity=0)
        build_directory()
        build_campaigns()

        def new_worker() -> WorkerProcess:
            env = worker_env(
                database=pg.url, broker=redis_server.url, smtp=smtp, var_dir=root,
                **worker_settings,
            )  # fmt: skip
            worker = WorkerProcess(env=env, log_dir=root, concurrency=2, beat=True)
            workers.append(worker)
            return worker.start(timeout=120)

        state = {"worker": new_worker()}
        shortest, longest = retry_span()

        def kill_worker():
            state["worker"].kill()
            state["worker"] = new_worker()

        scenarios = [
            ("worker SIGKILL", kill_worker, None, 0),
            ("Redis down", redis_server.stop, redis_server.start, args.redis_down),
            ("Redis hung (SIGSTOP)",
             lambda: os.kill(redis_server.process.pid, signal.SIGSTOP),
             lambda: os.kill(redis_server.process.pid, signal.SIGCONT), args.redis_hung),
            ("PostgreSQL down", pg.stop, pg.start, args.postgres_down),
            (f"SMTP down 60 min ÷ {args.scale:g}", smtp.stop, smtp.start, 3600 / args.scale),
        ]  # fmt: skip
        print(
            f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start; "
            f"{args.rate:g} e-mails written per second; worker: 2 processes, beat embedded, "
            f"lease 30 s, flush every 1 s; retry schedule ÷ {args.scale:g}: "
            f"{shortest / 60:.1f}–{longest / 60:.1f} min before a row fails.",
            flush=True,
        )
        header = (
            f"{'fault':28} {'outage':>7} {'written':>8} {'delivered':>9} {'duplicated':>10} "
            f"{'lost':>5} {'failed':>6} {'writes refused':>14} {'settled in':>10}"
        )
        print(header)
        print("-" * len(header))
        for name, fault, heal, seconds in scenarios:
            if args.only and args.only.lower() not in name.lower():
                continue
            prefix = "f-" + "".join(c for c in name.lower() if c.isalnum())[:20]
            before = len(smtp.messages())
            writer = Writer(prefix, args.rate).start()
            time.sleep(5)
            fault()
            time.sleep(seconds)
            if heal is not None:
                heal()
            time.sleep(5)
            writer.stop()
            began = time.monotonic()
            settled = settle(prefix, args.settle)
            took = time.monotonic() - began
            rows = list(
                Notification.objects.filter(dedupe_key__startswith=f"{prefix}:").values_list(
                    "dedupe_key", "status"
                )
            )
            expected = {message_id_for(key) for key, _ in rows}
            counts = Counter(
                m.message_id for m in smtp.messages()[before:] if m.message_id in expected
            )
            delivered = len(counts)
            duplicated = sum(n - 1 for n in counts.values())
            failed = sum(1 for _, status in rows if status == Status.FAILED)
            print(
                f"{name:28} {seconds:6.0f}s {len(rows):8d} {delivered:9d} {duplicated:10d} "
                f"{len(rows) - delivered:5d} {failed:6d} {writer.failed_writes:14d} "
                f"{took:9.0f}s{'' if settled else ' (NOT SETTLED)'}",
                flush=True,
            )
        print(f"Load average {os.getloadavg()[0]:.1f} at the end.")
    finally:
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.stop()
        with contextlib.suppress(Exception):
            smtp.stop()
        redis_server.stop()
        if started_pg:
            from django.db import connections

            connections.close_all()
            with contextlib.suppress(Exception):
                pg.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
