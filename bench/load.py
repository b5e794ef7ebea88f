"""Benchmark: signed-in users clicking without pause against gunicorn on loopback.

    # once: 100,000 cases (2,000 communes × 5 years × 10), by bench/dashboard.py's loader
    createdb -h 127.0.0.1 -U postgres dvk_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk_load .venv/bin/python \
        bench/dashboard.py --load --communes 2000 --years 5 --per-unit 10 --runs 3 --only floor
    # then, as often as wanted (the goal: 120 s, 20 users)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk_load .venv/bin/python \
        bench/load.py [--users 20] [--seconds 120] [--workers 2] [--threads 4]

Starts ``gunicorn config.wsgi`` on a free loopback port with ``--workers`` processes of
``--threads`` threads (``--threads 1``: the sync worker), its access log giving each
request's own duration (``%(D)s``, microseconds: the time the server spent, queueing in
the kernel's accept backlog excluded). ``--users`` threads, each with a session of its
own (made in the database, as a sign-in would), cycle without pause for ``--seconds``
over: a case page (a case the user may see), the dashboard, the case list (a random page
of the first ten) and a search (a commune's name or a word of the models' names, folded
or with diacritics). Sessions are spread over the benchmark's people: the Ban Dân vận,
a leader, a province officer and a commune officer. A 10-second warm-up is not counted.

Prints, per page: requests, server-side median and p95 (from the access log) and
client-side p95 (which includes the queueing); then requests per second and errors (any
answer but 200, or no answer). The goals of issue 18: server-side p95 under 200 ms on
every page, at least 56 requests/s, no error. Not a test: nothing is asserted.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PEOPLE = ["bench.bandanvan", "bench.lanhdao", "bench.tinh", "bench.xa"]
WORDS = ["Đông Ngàn", "dinh bang", "tam son", "chau khe", "camera", "rác thải", "lang nghe",
         "chuyen doi so", "hoa giai", "tiếp dân", "dan van kheo", "bảo vệ môi trường"]  # fmt: skip


def page_of(path: str) -> str:
    parsed = urllib.parse.urlsplit(path)
    if parsed.path == "/ho-so/tong-quan/":
        return "dashboard"
    if re.fullmatch(r"/ho-so/\d+/", parsed.path):
        return "case page"
    if parsed.path == "/ho-so/":
        return "search" if "q=" in parsed.query else "list"
    return "other"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def sessions_and_cases(users: int) -> list[tuple[str, list[int]]]:
    """``users`` session keys, each with cases its person may see."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from models_registry.selectors import initiative_list

    backend = "django.contrib.auth.backends.ModelBackend"
    assert backend in settings.AUTHENTICATION_BACKENDS
    people = {u.username: u for u in get_user_model().objects.filter(username__in=PEOPLE)}
    if len(people) != len(PEOPLE):
        sys.exit("The database has not been loaded by bench/dashboard.py --load.")
    cases = {
        name: list(initiative_list(actor=user).order_by("?").values_list("pk", flat=True)[:300])
        for name, user in people.items()
    }
    result = []
    for i in range(users):
        user = people[PEOPLE[i % len(PEOPLE)]]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        result.append((session.session_key, cases[user.username]))
    return result


class User(threading.Thread):
    def __init__(self, port, cookie, cases, stop, seed):
        super().__init__(daemon=True)
        self.port, self.cookie, self.cases, self.stop = port, cookie, cases, stop
        self.rng = random.Random(seed)
        self.results: list[tuple[float, str, str, int, float]] = []  # at, page, path, status, ms
        self.errors: list[str] = []

    def next_path(self, n: int) -> str:
        kind = n % 4
        if kind == 0:
            return f"/ho-so/{self.rng.choice(self.cases)}/"
        if kind == 1:
            return "/ho-so/tong-quan/"
        if kind == 2:
            page = self.rng.randint(1, 10)
            return f"/ho-so/?page={page}"
        return "/ho-so/?" + urllib.parse.urlencode({"q": self.rng.choice(WORDS)})

    def run(self) -> None:
        n = self.rng.randrange(4)
        connection = None
        while not self.stop.is_set():
            path = self.next_path(n)
            n += 1
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", path, headers={"Cookie": self.cookie})
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                self.errors.append(f"{path}: {exc}")
                connection = None
            ms = (time.perf_counter() - started) * 1000
            self.results.append((time.monotonic(), page_of(path), path, status, ms))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    from django.conf import settings

    from tests.notifications.harness import free_port

    sessions = sessions_and_cases(args.users)
    cookie_name = settings.SESSION_COOKIE_NAME
    from django.db import connections

    connections.close_all()

    tmp = Path(tempfile.mkdtemp(prefix="dvk-load-"))
    access_log = tmp / "access.log"
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--threads", str(args.threads),
        "--access-logfile", str(access_log),
        "--access-logformat", '%(s)s %(D)s "%(r)s"', "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, "DJANGO_DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stderr=open(tmp / "err.log", "wb"))  # noqa: SIM115
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        model = "sync" if args.threads == 1 else f"gthread × {args.threads} threads"
        print(
            f"gunicorn: {args.workers} workers ({model}) on 127.0.0.1:{port}; {args.users} "
            f"users for {args.seconds:g} s after a {args.warmup:g} s warm-up; "
            f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start",
            flush=True,
        )
        stop = threading.Event()
        users = [
            User(port, f"{cookie_name}={key}", cases or [1], stop, seed)
            for seed, (key, cases) in enumerate(sessions)
        ]
        for user in users:
            user.start()
        time.sleep(args.warmup)
        log_offset = access_log.stat().st_size if access_log.exists() else 0
        t0 = time.monotonic()
        time.sleep(args.seconds)
        t1 = time.monotonic()
        log_end = access_log.stat().st_size
        stop.set()
        for user in users:
            user.join(timeout=70)
        load_end = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)

    server_ms: dict[str, list[float]] = defaultdict(list)
    with open(access_log, "rb") as log:
        log.seek(log_offset)
        for line in log.read(log_end - log_offset).decode(errors="replace").splitlines():
            match = re.match(r'(\d+) (\d+) "GET (\S+) ', line)
            if match:
                server_ms[page_of(match[3])].append(int(match[2]) / 1000)
    client_ms: dict[str, list[float]] = defaultdict(list)
    errors = 0
    done = 0
    for user in users:
        for at, page, _path, status, ms in user.results:
            if t0 <= at <= t1:
                done += 1
                client_ms[page].append(ms)
                errors += status != 200
    header = (
        f"{'page':12} {'requests':>8} {'server median':>13} {'server p95':>10} {'client p95':>10}"
    )
    print(header)
    print("-" * len(header))
    for page in ("case page", "dashboard", "list", "search"):
        s, c = server_ms.get(page, []), client_ms.get(page, [])
        if s:
            print(
                f"{page:12} {len(s):8d} {statistics.median(s):13.1f} {p95(s):10.1f} "
                f"{p95(c) if c else 0:10.1f}"
            )
    print(
        f"{done / (t1 - t0):.1f} requests/s over {t1 - t0:.0f} s; {errors} errors; "
        f"load average {load_end:.1f} at the end (ms; server = gunicorn's %(D)s)"
    )
    samples = [e for user in users for e in user.errors][:5]
    for sample in samples:
        print("  error:", sample)


if __name__ == "__main__":
    main()
