"""One command for the embedded default: the web app, a Celery worker and beat, started
together and stopped together (Ctrl-C, SIGTERM, or any one of them exiting)."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = (
        "Chạy ứng dụng web, tiến trình Celery (worker) và bộ hẹn giờ (beat) cùng lúc; "
        "dừng tất cả khi nhấn Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--concurrency", type=int, default=2, help="Số tiến trình gửi thư (mặc định 2)."
        )

    def handle(self, *args, addrport, concurrency, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [python, manage, "runserver", addrport],
            # One worker with beat embedded (-B): exactly one beat, as the schedule needs.
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-B",
                "-s",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
                "-l",
                "info",
                "-c",
                str(concurrency),
                # The filesystem transport has no broadcast: no gossip, mingle, heartbeat.
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        }
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for name, command in commands.items():
                # Own process group each, so that stopping one stops its children too
                # (runserver's autoreloader, the worker's pool and beat).
                children[name] = subprocess.Popen(command, start_new_session=True)
                self.stdout.write(f"Đã chạy {name} (pid {children[name].pid}).")
            self.stdout.write(
                f"Ứng dụng: http://{addrport}/ — thư gửi đi được ghi vào "
                f"{settings.EMAIL_FILE_PATH}. Nhấn Ctrl-C để dừng tất cả."
            )
            exited = None
            while not stopping and exited is None:
                exited = next((n for n, p in children.items() if p.poll() is not None), None)
                time.sleep(0.3)
            if exited:
                self.stderr.write(f"{exited} đã dừng (mã {children[exited].returncode}).")
        finally:
            self._stop_all(children)
        return None

    def _stop_all(self, children: dict[str, subprocess.Popen]) -> None:
        for name, process in children.items():
            if process.poll() is None:
                # The worker's main process shuts its pool and beat down warmly (finishing
                # the sends in flight); runserver's reloader needs its whole group told.
                if name == "worker":
                    process.send_signal(signal.SIGTERM)
                else:
                    self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left in the group (a stuck child, an orphan) goes now.
            self._signal(process, signal.SIGKILL)
            process.wait()
        self.stdout.write("Đã dừng web, worker và beat.")

    @staticmethod
    def _signal(process: subprocess.Popen, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)
