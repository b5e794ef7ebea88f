"""One beat, whatever the number started: a scheduler that schedules only while it holds
a lock.

``CELERY_BEAT_SCHEDULER`` names :class:`LockedScheduler`, so ``celery beat`` and the
embedded ``celery worker -B`` both use it. On Redis the lock is a key set with NX and an
expiry (``DVK_BEAT_LOCK_TTL`` seconds) holding this process's token; each tick renews
it only if the token is still ours (a Lua compare-and-expire). A beat that does not hold
it sends nothing and tries again at its next tick: a second beat is a standby that takes
over within one TTL when the first dies, at once when it stops cleanly (it deletes its
key). When Redis cannot be reached the holder stops scheduling too (it could not send
anything anyway) until it gets the lock back.

On kombu's filesystem transport (the embedded default, one machine) the lock is an
exclusive ``flock`` on ``$DVK_VAR_DIR/beat.lock``, held for the process's life.

The holder stamps ``beat`` in the health store (config/health.py) on every tick.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler
from django.conf import settings

from . import health

logger = logging.getLogger("dvk.beat")

LOCK_KEY = "dvk:beat:lock"

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_TAKE_OVER = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLock:
    def __init__(self, ttl: float) -> None:
        self.ttl_ms = int(ttl * 1000)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._client = None

    def _redis(self):
        if self._client is None:
            self._client = health.redis_client()
        return self._client

    def acquire_or_renew(self) -> bool:
        client = self._redis()
        if client.eval(_RENEW, 1, LOCK_KEY, self.token, self.ttl_ms):
            return True
        if client.set(LOCK_KEY, self.token, nx=True, px=self.ttl_ms):
            return True
        holder = client.get(LOCK_KEY)
        if holder is not None and self._is_dead_local(holder.decode()):
            # A beat of this machine killed without its clean stop (SIGKILL, a container
            # restarted): no need to wait for its key to expire.
            return bool(client.eval(_TAKE_OVER, 1, LOCK_KEY, holder, self.token, self.ttl_ms))
        return False

    def _is_dead_local(self, holder: str) -> bool:
        host, _, rest = holder.partition(":")
        pid_text = rest.partition(":")[0]
        if host != socket.gethostname() or not pid_text.isdigit():
            return False
        pid = int(pid_text)
        if pid == os.getpid():  # our own pid, another token: a previous life (pid 1)
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self._redis().eval(_RELEASE, 1, LOCK_KEY, self.token)


class FileLock:
    def __init__(self) -> None:
        self.token = f"{socket.gethostname()}:{os.getpid()}"
        self._file = None

    def acquire_or_renew(self) -> bool:
        if self._file is not None:
            return True
        path = settings.VAR_DIR / "beat.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")  # noqa: SIM115  (held open for the process's life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class LockedScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, sending only while this process holds the lock."""

    def __init__(self, *args, **kwargs) -> None:
        ttl = settings.DVK_BEAT_LOCK_TTL
        self.lock = RedisLock(ttl) if health.broker_is_redis() else FileLock()
        self.holding: bool | None = None  # unknown until the first tick: logged then
        super().__init__(*args, **kwargs)
        # Renew well within the TTL, however far away the next due task is.
        self.max_interval = min(self.max_interval, ttl / 3)

    def _hold(self) -> bool:
        try:
            holding = self.lock.acquire_or_renew()
        except Exception as exc:  # Redis down: do not schedule blind
            logger.warning("Beat lock unreachable, not scheduling: %s", exc)
            holding = False
        if holding is not self.holding:
            if holding:
                logger.info("Beat lock taken (%s): this beat schedules", self.lock.token)
            else:
                logger.warning(
                    "Beat lock held by another beat: this one (%s) stands by", self.lock.token
                )
            self.holding = holding
        return holding

    def tick(self, *args, **kwargs) -> float:
        if not self._hold():
            return self.max_interval
        with contextlib.suppress(Exception):  # health is a report, never a reason to stop
            health.stamp(health.BEAT)
        return min(super().tick(*args, **kwargs), self.max_interval)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.holding:
                self.lock.release()
                self.holding = False
