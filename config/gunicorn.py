"""gunicorn's settings (``gunicorn -c config/gunicorn.py config.wsgi:application``).

The worker model: threads. ``WEB_CONCURRENCY`` processes (default 2) of
``GUNICORN_THREADS`` threads each (default 4), gunicorn's ``gthread`` worker. A request
here spends most of its time waiting on PostgreSQL (query counts are pinned, pages take
tens of milliseconds), during which a thread gives up the GIL: threads overlap those
waits at a fraction of a process's memory, a slow client or a long export (seconds for
100,000 cases) holds one thread instead of a whole process, and each process keeps its
database connections (``DB_CONN_MAX_AGE``) — at most processes × threads of them. One
process per core keeps the CPU-bound part (template rendering) parallel. See
docs/operations.md#capacity.

The bind address is gunicorn's own business: ``--bind`` on the command line, or
``GUNICORN_CMD_ARGS`` (gunicorn reads it itself). Every access log line carries the
time, the request, the status, the size, the duration in milliseconds and the request
id the app returned (config/observability.py).
"""

import os

from config.env import env

bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = env.int("WEB_CONCURRENCY", 2)
threads = env.int("GUNICORN_THREADS", 4)
# Above the longest export; the proxy's read timeout should be at least this.
timeout = env.int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# A process is replaced after this many requests (give or take the jitter), so a slow
# leak never grows for weeks.
max_requests = env.int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0

accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'

# Docker's /tmp may be an overlay on disk: the workers' heartbeat files belong in memory.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
