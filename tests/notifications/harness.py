"""Real parts for the delivery tests and the benchmark: an SMTP server on loopback
(aiosmtpd) and Celery worker processes started, killed and restarted like the real ones."""

import asyncio
import contextlib
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]

# aiosmtpd logs every SMTP command at INFO: too loud for test output.
logging.getLogger("mail.log").setLevel(logging.WARNING)

# Small numbers so that retries, leases and flushes happen within a test.
WORKER_SETTINGS = {
    "NOTIFICATIONS_RETRY_BACKOFF": "0.4",
    "NOTIFICATIONS_RETRY_BACKOFF_MAX": "1.5",
    "NOTIFICATIONS_MAX_ATTEMPTS": "30",
    "NOTIFICATIONS_LEASE_SECONDS": "2",
    "NOTIFICATIONS_FLUSH_GRACE_SECONDS": "0",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # Django folds a long encoded subject right after "Subject:"; unfolded, that
        # leaves a leading space, which mail clients drop too.
        return str(self.message["Subject"]).strip()

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def kind(self) -> str:
        return str(self.message["X-DVK-Notification"])

    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


class SmtpSink:
    """An SMTP server that records what it accepts.

    ``mode``: "accept"; "reject" (550 for every recipient: a permanent refusal); "hold"
    (a client that reaches MAIL FROM waits there until ``release()``, then gets 451, so
    nothing it sent counts as accepted). ``stop()`` and ``start()`` take the server down
    and bring it back on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.mode = "accept"
        self.received: list[Received] = []
        self.held = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        # Called with each accepted message before the server answers 250 (the client
        # has sent it and waits): a test's fault happens between "sent" and its record.
        self.on_accept = None

    # aiosmtpd handler hooks
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mode == "hold":
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait, 120)
            return "451 4.3.0 Held, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject":
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.on_accept is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_accept, message)
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        """Back to a fresh server's state, on the same port, for the next test."""
        self.release()  # a handler still holding gets its 451 and lets go
        with self._lock:
            self.received = []
        self.mode = "accept"
        self.on_accept = None
        self.held = threading.Event()
        self._release = threading.Event()
        if self._controller is None:
            self.start()

    def start(self) -> "SmtpSink":
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def release(self) -> None:
        self._release.set()

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.messages()
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), got {len(self.received)}")


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


class WorkerProcess:
    """``celery -A config worker`` as its own process group (so SIGKILL takes its pool
    children too), with the environment a real deployment would give it."""

    def __init__(self, *, env: dict, log_dir: Path, concurrency: int = 2, beat: bool = False):
        self.env = env
        self.log_dir = log_dir
        self.concurrency = concurrency
        self.beat = beat
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60) -> "WorkerProcess":
        self.starts += 1
        log = self.log_dir / f"worker-{self.starts}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "-c",
            str(self.concurrency),
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if self.beat:
            command += ["-B", "-s", str(self.log_dir / f"beat-{self.starts}")]
        self._log = open(log, "wb")  # noqa: SIM115  (kept open while the process runs)
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b" ready." in log.read_bytes():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        output = log.read_bytes().decode(errors="replace")[-4000:]
        self.stop()
        raise RuntimeError(f"Celery worker did not start:\n{output}")

    def kill(self) -> None:
        """SIGKILL the whole group: the main process and its pool children."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None
        self._log.close()

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        self.process = None
        self._log.close()


def worker_env(*, database: str, broker: str, smtp: SmtpSink, var_dir: Path, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": broker,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": smtp.host,
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "10",
            "DVK_VAR_DIR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env
