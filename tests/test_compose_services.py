"""docker-compose.yml, run without Docker: each service's own command and environment,
read from the file itself (and the Dockerfile's ENV), started as a process against the
suite's PostgreSQL (a database of its own) and Redis and an aiosmtpd sink, in production
mode.

What Docker would do differently is done here by rewriting, and only this: compose's
service names become loopback addresses (db → the suite's PostgreSQL, redis → the
suite's Redis database, mailpit → the sink), the container's paths under /app become a
temporary folder (each named volume one folder, shared by the services that mount it,
as Docker shares it), the programs are this virtualenv's, gunicorn binds a free port
(GUNICORN_CMD_ARGS, which gunicorn reads itself) and HOSTNAME is set as Docker sets it.
Requests carry ``X-Forwarded-Proto: https`` as the TLS proxy in front of web would."""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
import redis
from django.conf import settings

from tests.compose import ROOT, ComposeFile, MissingVariable, dockerfile_env
from tests.notifications.harness import SmtpSink, free_port

VENV_BIN = Path(sys.executable).parent
APP_SERVICES = ("migrate", "web", "worker", "beat")


def compose_variables(**extra) -> dict[str, str]:
    """What an operator would put in .env: a secret, the public name, the database."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        **extra,
    }


def test_compose_refuses_to_start_without_a_secret_key():
    compose = ComposeFile({})
    for name in APP_SERVICES:
        with pytest.raises(MissingVariable, match="DJANGO_SECRET_KEY"):
            compose.service(name).environment  # noqa: B018


def test_every_service_has_a_healthcheck_and_beat_no_replica_count():
    compose = ComposeFile(compose_variables())
    for name in compose.names:
        service = compose.service(name)
        if name == "migrate":  # a one-shot: it exits, compose waits for its exit code
            assert service.spec["restart"] == "no" and service.healthcheck is None
        else:
            assert service.healthcheck, f"{name} has no healthcheck"
    assert "deploy" not in compose.data["services"]["beat"]


def test_production_mode_is_on_and_the_static_volume_is_the_static_root():
    compose = ComposeFile(compose_variables())
    for name in ("migrate", "web"):
        service = compose.service(name)
        assert service.environment["DJANGO_PRODUCTION"] == "1"
        assert service.volumes["static"] == service.environment["DJANGO_STATIC_ROOT"]
        assert service.volumes["media"] == service.environment["DJANGO_MEDIA_ROOT"]
    assert dockerfile_env()["DJANGO_STATIC_ROOT"] == "/app/staticfiles"


class Stack:
    """The services as processes; their logs under ``root``."""

    def __init__(
        self,
        root: Path,
        compose: ComposeFile,
        addresses: dict[str, str],
        hosts: dict[str, tuple[str, str]],
    ):
        self.root = root
        self.compose = compose
        # Parts of URLs naming a compose service → the real address.
        self.addresses = addresses
        # Variables naming a compose service: name → (the compose value, the real one).
        self.hosts = hosts
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.volumes: dict[str, Path] = {}

    def _paths(self, service) -> dict[str, str]:
        """Container path → host path: each named volume, then the rest of /app."""
        mapping = {}
        for volume, target in service.volumes.items():
            folder = self.volumes.setdefault(volume, self.root / "volumes" / volume)
            folder.mkdir(parents=True, exist_ok=True)
            mapping[target] = str(folder)
        own = self.root / "containers" / service.name
        # The folders the image makes (Dockerfile: mkdir -p /app/var/media ...).
        (own / "var" / "media").mkdir(parents=True, exist_ok=True)
        mapping["/app"] = str(own)
        return dict(sorted(mapping.items(), key=lambda item: -len(item[0])))

    def _rewrite(self, text: str, paths: dict[str, str]) -> str:
        for container, host in paths.items():
            text = re.sub(rf"{re.escape(container)}(?=/|$|\s|')", host, text)
        for compose_address, real in self.addresses.items():
            text = text.replace(compose_address, real)
        return text

    def env_and_command(self, name: str) -> tuple[dict[str, str], list[str]]:
        service = self.compose.service(name)
        paths = self._paths(service)
        env = {key: self._rewrite(value, paths) for key, value in service.environment.items()}
        for key, (compose_value, real) in self.hosts.items():
            if key in env:
                assert env[key] == compose_value, (key, env[key])
                env[key] = real
        env.update(
            {
                "PATH": f"{VENV_BIN}:/usr/bin:/bin",
                "HOME": str(self.root),
                "LANG": "C.UTF-8",
                "HOSTNAME": socket.gethostname(),
                "GUNICORN_CMD_ARGS": f"--bind=127.0.0.1:{self.port}",
            }
        )
        command = [self._rewrite(part, paths) for part in service.command]
        return env, command

    def run(self, name: str, timeout: float = 120) -> subprocess.CompletedProcess:
        env, command = self.env_and_command(name)
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )

    def start(self, name: str) -> None:
        env, command = self.env_and_command(name)
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115  (closed by the process)
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")

    def healthcheck(self, name: str) -> subprocess.Popen:
        service = self.compose.service(name)
        env, _ = self.env_and_command(name)
        command = [
            self._rewrite(part, self._paths(service)).replace(
                "127.0.0.1:8000", f"127.0.0.1:{self.port}"
            )
            for part in service.healthcheck
        ]
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def wait_for(self, what: str, predicate, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(f"{name} exited:\n{self.log(name)[-3000:]}")
            time.sleep(0.2)
        logs = "\n".join(f"--- {n}\n{self.log(n)[-2000:]}" for n in self.processes)
        raise AssertionError(f"{what}: not within {timeout} s\n{logs}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


class Browser:
    """Plain HTTP to gunicorn as the TLS proxy forwards it, keeping cookies by hand (a
    cookie jar would keep the Secure ones to itself over http)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        connection.close()
        return response, content


@pytest.fixture
def compose_database(django_db_blocker):
    """A database of its own on the suite's PostgreSQL, which migrate fills."""
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_compose"
    admin = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield {**admin, "dbname": name}
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The page's script: a world of named people (tests/factories.py) and one case, made with
# the web service's own environment, as an operator's `docker compose run web python
# manage.py shell` would.
SETUP_SCRIPT = """
import json
from django.test import override_settings
from django.urls import reverse
from notifications.models import Notification
from tests.factories import BEFORE_DEADLINE, PASSWORD, build_world, make_draft
from workflow.services import transition_apply
with override_settings(PASSWORD_HASHERS=["tests.compose.CheapPBKDF2PasswordHasher"]):
    world = build_world()
    draft = make_draft(world)
    # Registered (only what was registered is withdrawn), its notices already out of the way.
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    Notification.objects.all().delete()
print(json.dumps({
    "username": world.officer_a.username, "password": PASSWORD,
    "case": draft.get_absolute_url(),
    "transition": reverse("models_registry:initiative_transition", args=[draft.pk]),
    "secretariat": world.secretariat.email,
}))
"""


@pytest.mark.long
def test_the_compose_services_serve_pages_deliver_mail_and_report_healthy(
    tmp_path, compose_database
):
    redis_url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(redis_url)
    # Nothing from an earlier run may answer for this one: no heartbeat, no lock, no
    # message naming rows of another database (the suite's Redis database is ours).
    client.flushdb()
    sink = SmtpSink().start()
    db = compose_database
    compose = ComposeFile(
        compose_variables(
            POSTGRES_DB=db["dbname"], POSTGRES_USER=db["user"], POSTGRES_PASSWORD="unused"
        )
    )
    web_env = compose.service("web").environment
    assert f"@db:5432/{db['dbname']}" in web_env["DATABASE_URL"]
    assert web_env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert (web_env["EMAIL_HOST"], web_env["EMAIL_PORT"]) == ("mailpit", "1025")
    stack = Stack(
        tmp_path,
        compose,
        {
            "@db:5432/": f"@{db['host']}:{db['port']}/",
            "redis://redis:6379/0": redis_url,
        },
        # The sink stands where mailpit would.
        {"EMAIL_HOST": ("mailpit", sink.host), "EMAIL_PORT": ("1025", str(sink.port))},
    )
    try:
        # migrate first, as compose orders it; then the three long-running services.
        migrated = stack.run("migrate")
        assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]
        assert "static files copied" in migrated.stdout

        stack.start("web")
        # Meanwhile, the people and the case (an operator's `manage.py shell`).
        env, _ = stack.env_and_command("web")
        setup = subprocess.Popen(
            ["python", "manage.py", "shell", "-c", SETUP_SCRIPT],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        browser = Browser(stack.port)

        def web_answers() -> bool:
            try:
                return browser.request("GET", "/healthz?only=database")[0].status == 200
            except OSError:
                return False

        stack.wait_for("web answering", web_answers)
        # No worker and no beat yet: /healthz is red, and says which part.
        response, body = browser.request("GET", "/healthz")
        report = json.loads(body)
        assert response.status == 503 and report["status"] == "fail"
        assert report["checks"]["database"]["ok"] and report["checks"]["broker"]["ok"]
        assert not report["checks"]["worker"]["ok"] and not report["checks"]["beat"]["ok"]

        stack.start("worker")
        stack.start("beat")

        # A page and its static file, as production serves them (hashed, from the volume).
        response, body = browser.request("GET", "/dang-nhap/")
        assert response.status == 200, body[:500]
        page = body.decode()
        (css,) = re.findall(r'href="(/static/dvk/app\.[0-9a-f]{12}\.css)"', page)
        response, body = browser.request("GET", css)
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert b"{" in body and len(body) > 500
        assert response.headers["X-Request-ID"]

        # A transition through the web, its e-mail through the worker to the sink.
        out, err = setup.communicate(timeout=120)
        assert setup.returncode == 0, err[-3000:]
        world = json.loads(out.strip().splitlines()[-1])
        browser.request("GET", "/dang-nhap/")
        response, _ = browser.request(
            "POST",
            "/dang-nhap/",
            {"username": world["username"], "password": world["password"]},
        )
        assert response.status == 302, "signed in"
        response, body = browser.request("GET", world["case"])
        assert response.status == 200
        response, body = browser.request(
            "POST",
            world["transition"],
            {
                "transition": "withdraw",
                "expected_state": "registered",
                "reason": "Đơn vị rút mô hình",
            },
        )
        assert response.status == 302, body[:1000]
        (message,) = sink.wait_for(1, timeout=45)
        assert message.rcpt_tos == [world["secretariat"]]
        assert message.kind == "case_withdrawn"

        # Healthy: the worker said it is ready, the beat holds the lock and ticks.
        def healthy() -> bool:
            return browser.request("GET", "/healthz")[0].status == 200

        stack.wait_for("/healthz green", healthy)
        report = json.loads(browser.request("GET", "/healthz")[1])
        assert set(report["checks"]) == {"database", "broker", "outbox", "worker", "beat"}
        assert report["checks"]["outbox"]["overdue"] == 0
        assert "Beat lock taken" in stack.log("beat")
        # And each service's own compose healthcheck passes (run side by side).
        checks = {name: stack.healthcheck(name) for name in ("web", "worker", "beat")}
        for name, check in checks.items():
            out, err = check.communicate(timeout=60)
            assert check.returncode == 0, f"{name}: {out}{err}"
        # Logs: time, level, request id and duration (the app's and gunicorn's).
        web_log = stack.log("web")
        assert re.search(
            r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO \[[0-9a-f]{32}\] dvk\.request: "
            r"GET /dang-nhap/ 200 \d+\.\dms$",
            web_log,
            re.MULTILINE,
        ), web_log[-2000:]
        assert re.search(r'"GET /dang-nhap/ HTTP/1\.1" 200 \d+ \d+ms rid=[0-9a-f]{32}', web_log)
    finally:
        stack.stop()
        sink.stop()
        client.flushdb()
