"""Publishing off the request path: one background thread per process hands outbox rows
to the broker, so no request (or transaction) ever waits on a dead or hung broker.

The thread is started on first use in each process (a process forked by gunicorn or by
Celery's prefork pool starts its own). Anything it has not published when the process
exits, or that the broker refused, is still a pending row: the periodic flush publishes
it. This module knows nothing of the outbox; ``services`` gives it the function to call.
"""

import atexit
import logging
import os
import threading
from collections import deque
from collections.abc import Callable

logger = logging.getLogger(__name__)


class BackgroundPublisher:
    """A queue of id batches and the one thread that publishes them, in order."""

    def __init__(self, publish: Callable[[list[int]], object], name: str) -> None:
        self._publish = publish
        self._name = name
        self._batches: deque[list[int]] = deque()
        self._cond = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None
        # A forked child (gunicorn, Celery's prefork pool) inherits this object but
        # neither the thread nor a usable lock: it starts afresh.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._batches = deque()
        self._busy = False
        self._cond = threading.Condition()
        self._thread = None

    def submit(self, ids: list[int]) -> None:
        """Queue ``ids`` for publishing and return at once."""
        if not ids:
            return
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._batches.append(list(ids))
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait until everything submitted so far was handed over (or given up on);
        returns whether it was within ``timeout``."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._batches and not self._busy, timeout)

    def _run(self) -> None:
        cond = self._cond
        while True:
            with cond:
                cond.wait_for(lambda: bool(self._batches))
                batch = self._batches.popleft()
                self._busy = True
            try:
                self._publish(batch)
            except Exception:  # never let the thread die: the flush covers the rows
                logger.exception("Publishing %d notification(s) failed", len(batch))
            finally:
                with cond:
                    self._busy = False
                    cond.notify_all()

    def at_exit(self, timeout: float) -> None:
        if self._thread is not None and not self.wait(timeout):
            logger.warning("Exiting with notifications unpublished: the flush will send them")

    def register_at_exit(self, timeout: float) -> None:
        atexit.register(self.at_exit, timeout)
