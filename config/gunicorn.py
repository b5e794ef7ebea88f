"""gunicorn's settings (``gunicorn -c config/gunicorn.py config.wsgi:application``).

The worker model: processes. ``WEB_CONCURRENCY`` processes (default 2, one per core),
gunicorn's ``sync`` worker; ``GUNICORN_THREADS`` above 1 switches to its ``gthread``
worker with that many threads per process. Measured, not assumed: a page here spends
most of its time in Python (templates, forms), not waiting on PostgreSQL (on 100,000
cases the SQL of a list or dashboard page takes 1–13 ms of its 30–100 ms), so threads
only queue behind the GIL. ``bench/load.py`` on this 2-core machine, 20 users without
pause, 100,000 cases: 2 sync processes served 43.1 requests/s with server-side p95 of
49–98 ms; 2 processes × 4 threads served 37.5 requests/s with p95 of 267–444 ms
(bench/README.md#loadpy). See docs/operations.md#capacity.

The bind address is gunicorn's own business: ``--bind`` on the command line, or
``GUNICORN_CMD_ARGS`` (gunicorn reads it itself). Every access log line carries the
time, the request, the status, the size, the duration in milliseconds and the request
id the app returned (config/observability.py).
"""

import os

from config.env import env

bind = "0.0.0.0:8000"
workers = env.int("WEB_CONCURRENCY", 2)
threads = env.int("GUNICORN_THREADS", 1)
worker_class = "sync" if threads == 1 else "gthread"
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
