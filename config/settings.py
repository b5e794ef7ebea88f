"""Settings, read from the environment, with embedded defaults.

Unset, every variable falls back to the embedded default: SQLite in ``var/``, a
filesystem broker, e-mails written to files. Production sets ``DJANGO_PRODUCTION=1``
and supplies the secrets; ``manage.py check --deploy`` then reports nothing.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.path("DVK_VAR_DIR", BASE_DIR / "var")

PRODUCTION = env.bool("DJANGO_PRODUCTION", False)
DEBUG = env.bool("DJANGO_DEBUG", False)

_EMBEDDED_SECRET_KEY = "embedded-default-only-never-in-production-7f3c9a1e5b2d4f6a8c0e"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", "" if PRODUCTION else _EMBEDDED_SECRET_KEY)
# In production the key must be given, and not a placeholder: the settings refuse to load.
if PRODUCTION and (
    len(SECRET_KEY) < 40
    or SECRET_KEY == _EMBEDDED_SECRET_KEY
    or SECRET_KEY.lower().startswith(("change-me", "changeme", "django-insecure"))
):
    raise ImproperlyConfigured(
        "DJANGO_PRODUCTION=1 needs DJANGO_SECRET_KEY: a random value of at least 40 "
        "characters, not a placeholder. Make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "config.axes_app.AxesConfig",  # django-axes, named in Vietnamese in the admin
    "csp",
    # The layers are in pyproject.toml ([tool.importlinter]). This is the order of ready()
    # (guards, receivers and sweep rules register in it): the same as before the committee
    # had an app of its own (issue 12).
    "documents",
    "audit",
    "workflow",
    "units",
    "models_registry",
    "committees",
    "inspections",
    "notifications",
    "plans",
    "reports",
    "library",
    "dashboards",
    "accounts",
    "demo",
    # Not a domain app: the operators' commands (healthcheck, backup, restore), on top.
    "config",
]

MIDDLEWARE = [
    # First: every request gets its id and its log line with its duration; /healthz is
    # answered before the host check and the HTTPS redirect (config/observability.py).
    "config.observability.RequestLogMiddleware",
    "config.observability.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view (and CsrfViewMiddleware's process_view) reads the body: nothing
    # above reads it. It needs the user (anonymous bodies are kept small).
    "config.middleware.RequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the user why they were signed out.
    "config.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The site's shell (base.html, whose nav links every app) sits with config, on top.
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

# Lower case: not a setting, so the URL's password never shows on a debug page.
_database_url = env.url("DATABASE_URL", None)
if _database_url is None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _database_url = f"sqlite:///{VAR_DIR / 'dvk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(_database_url, conn_max_age=env.int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the embedded database: wait for a
    # lock instead of failing, and take the write lock at BEGIN so that a read never
    # has to be upgraded to a write mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Dashboards (issue 7) aggregate 100,000-case campaigns: JIT compiling such a query
    # costs more than running it, and the data lives in memory, where the default random
    # page cost (4, for spinning disks) makes the planner scan a table instead of
    # following an index (bench/dashboard.py: 370 ms → 40 ms for a province's list).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env.str(
        "DB_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Each role lands on its own first page (accounts.views.landing.landing_url).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# One-time links (accounts/tokens.py): a password reset link and an invitation link stop
# working once used, or after this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", 24 * 3600)
ACCOUNTS_INVITATION_TIMEOUT = env.int("ACCOUNTS_INVITATION_TIMEOUT", 7 * 24 * 3600)

# django-axes: five failures lock the username from that address for 30 minutes, and
# twenty over any accounts lock the address (config/signin.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5)
DVK_AXES_ADDRESS_FAILURE_LIMIT = env.int("DVK_AXES_ADDRESS_FAILURE_LIMIT", 20)
if DVK_AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ValueError("DVK_AXES_ADDRESS_FAILURE_LIMIT must not be below AXES_FAILURE_LIMIT.")
AXES_COOLOFF_TIME = 0.5
# The order matters to config.signin.AccountAndAddressHandler: account first, address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "config.signin.AccountAndAddressHandler"
# The client's address: REMOTE_ADDR, or the reverse proxy's header when configured
# (e.g. HTTP_X_FORWARDED_FOR); never a header a client could set on its own.
DVK_CLIENT_IP_HEADER = env.str("DVK_CLIENT_IP_HEADER", "")
DVK_TRUSTED_PROXIES = env.list("DVK_TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "config.signin.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# The project's formats (dd/mm/yyyy everywhere) and its own wording of Django's stock
# messages (config/locale; docs/configuration.md), both ahead of Django's "vi".
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", VAR_DIR / "static")
# Outside production WhiteNoise serves straight from the apps' static folders, so the
# embedded default and the browser tests need no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", VAR_DIR / "media")

# Which concrete model the workflow engine drives (see workflow/models.py).
WORKFLOW_CASE_MODEL = "models_registry.Initiative"

CASES_PER_PAGE = 25

# Progress report attachments (models_registry/services/progress.py): per file and per report.
PROGRESS_ATTACHMENT_MAX_BYTES = env.int("PROGRESS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
PROGRESS_ATTACHMENT_MAX_FILES = env.int("PROGRESS_ATTACHMENT_MAX_FILES", 5)

# Inspections (issue 5): the "to inspect" page proposes models ending within this many
# days; visit photos and PDFs are refused above this size.
INSPECTION_DUE_WITHIN_DAYS = env.int("INSPECTION_DUE_WITHIN_DAYS", 30)
INSPECTION_UPLOAD_MAX_BYTES = env.int("INSPECTION_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Report requests (reports/deadlines.py): each unit that has not sent its report is
# reminded this many days before the request's due date.
REPORTS_REMIND_DAYS_BEFORE = env.int("REPORTS_REMIND_DAYS_BEFORE", 3)
# Images (visit photos, progress attachments): pixels per image, read from the header
# before any decoding (a 50-Mpx phone photo fits; the 7,700 x 7,700 px bomb does not),
# and per request (a visit's save, a progress report).
DVK_IMAGE_MAX_PIXELS = env.int("DVK_IMAGE_MAX_PIXELS", 50_000_000)
DVK_UPLOAD_MAX_PIXELS_PER_REQUEST = env.int("DVK_UPLOAD_MAX_PIXELS_PER_REQUEST", 150_000_000)
# Word/Excel attachments: the largest part a zip may declare, and its largest
# declared compression ratio.
DVK_OOXML_MAX_PART_BYTES = env.int("DVK_OOXML_MAX_PART_BYTES", 50 * 1024 * 1024)
DVK_OOXML_MAX_RATIO = env.int("DVK_OOXML_MAX_RATIO", 100)

# Request bodies (config/middleware.py), refused by their Content-Length before a byte is
# read (413): an anonymous client's (the sign-in form), a signed-in user's, and one on
# the pages that take files. Chunked bodies without a length are cut at the same limits.
DVK_ANONYMOUS_REQUEST_MAX_BYTES = env.int("DVK_ANONYMOUS_REQUEST_MAX_BYTES", 64 * 1024)
DVK_REQUEST_MAX_BYTES = env.int("DVK_REQUEST_MAX_BYTES", 1024 * 1024)
DVK_UPLOAD_REQUEST_MAX_BYTES = env.int("DVK_UPLOAD_REQUEST_MAX_BYTES", 64 * 1024 * 1024)
# The URL names whose forms carry files (not a setting anyone should need to change).
DVK_UPLOAD_URL_NAMES = frozenset(
    {
        "models_registry:import_upload",
        "models_registry:progress_report_create",
        "reports:answer",
        "inspections:visit",
        "accounts:import",
        "units:import",
    }
)

# Sessions: signed out after this long without a request, and this long after sign-in
# whatever happens (config/middleware.py; the cookie lasts no longer either).
DVK_SESSION_IDLE_SECONDS = env.int("DVK_SESSION_IDLE_SECONDS", 2 * 3600)
DVK_SESSION_MAX_AGE_SECONDS = env.int("DVK_SESSION_MAX_AGE_SECONDS", 12 * 3600)
SESSION_COOKIE_AGE = DVK_SESSION_MAX_AGE_SECONDS

# Behind a TLS proxy (docs/operations.md): the header in which the proxy passes the
# scheme the client used ("X-Forwarded-Proto" or its WSGI name HTTP_X_FORWARDED_PROTO),
# trusted only when set; and whether to take the host from X-Forwarded-Host.
_proxy_ssl_header = env.str(
    "DJANGO_SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO" if PRODUCTION else ""
)
if _proxy_ssl_header:
    _proxy_ssl_header = _proxy_ssl_header.strip().upper().replace("-", "_")
    if not _proxy_ssl_header.startswith("HTTP_"):
        _proxy_ssl_header = f"HTTP_{_proxy_ssl_header}"
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https")
USE_X_FORWARDED_HOST = env.bool("DJANGO_USE_X_FORWARDED_HOST", False)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy on every page (django-csp): scripts and styles only from the
# site's own static files — no inline script or style attribute anywhere (the bars of
# the dashboard are SVG) — nothing framed, forms posted only here. User uploads carry
# their own, stricter header (models_registry/served.py), which this one never replaces.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# One line per record on the console: time, level, the request's id (config/
# observability.py; "-" outside a request), logger, message. Every request also logs
# its method, path, status and duration (logger dvk.request).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.observability.RequestIdFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Error reporting (optional): unset, sentry_sdk is not even imported.
SENTRY_DSN = env.str("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", "production" if PRODUCTION else "development"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# --- Celery, e-mail and notifications (issue 3) ---
# Redis in production and CI; unset, kombu's filesystem transport under var/broker so the
# embedded default needs no server. `make run` embeds the beat in the single worker (-B);
# docker-compose runs it as its own service; either way only the lock's holder schedules.
_BROKER_DIR = VAR_DIR / "broker"
# An empty value counts as unset here, as for EMAIL_BACKEND and EMAIL_HOST below.
CELERY_BROKER_URL = env.url("CELERY_BROKER_URL", "") or env.url("REDIS_URL", "") or "filesystem://"
# Redis hands an unacknowledged message to another worker after this many seconds;
# every countdown (retry backoff) and every task stays well below it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", 3600)
# Publishing from a web request must fail fast when the broker is down: the outbox row
# stays pending and the flush publishes it later.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        # Otherwise kombu keeps its exchange table in ./control, wherever the process runs.
        "control_folder": str(_BROKER_DIR / "control"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        # A Redis that accepts connections but does not answer costs a request at most
        # this long, once: notifications_publish then stops trying for a while.
        "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", 5),
        "max_retries": 0,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Early acknowledgement (the default): the outbox row, not the message, carries the
# work; a message lost with its worker is made good by the flush (notifications/tasks.py).
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", 4)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 180)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Workers keep their database connection across tasks (issue 17: every task, every
# delivered message, opened a new PostgreSQL connection). Celery's Django fixup would close
# it after every task unless told to reuse it; config/celery.py instead closes it only
# when Django would at the end of a request (older than CONN_MAX_AGE, or unusable after
# an error).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", 1_000_000)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Only the beat holding a lock schedules (config/beat.py): a second one stands by. The
# holder renews it every tick (at most every third of this), so a standby takes over
# within this many seconds of the holder's death, at once after a clean stop.
CELERY_BEAT_SCHEDULER = "config.beat:LockedScheduler"
DVK_BEAT_LOCK_TTL = env.float("DVK_BEAT_LOCK_TTL", 60)
# Health (config/health.py, /healthz): the beat queues a heartbeat task this often; a
# worker heartbeat or beat tick older than DVK_HEALTH_STALE_AFTER is red, and so is a
# pending e-mail due for longer than DVK_HEALTH_OUTBOX_MAX_AGE (nothing publishes it).
DVK_HEARTBEAT_EVERY = env.float("DVK_HEARTBEAT_EVERY", 30)
DVK_HEALTH_STALE_AFTER = env.float("DVK_HEALTH_STALE_AFTER", 120)
DVK_HEALTH_OUTBOX_MAX_AGE = env.float("DVK_HEALTH_OUTBOX_MAX_AGE", 900)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if env.str("EMAIL_HOST", "")
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", VAR_DIR / "emails")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
# A mail server that does not answer must not hold a worker past its time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", "Ban Chỉ đạo “Dân vận khéo” <khong-tra-loi@dvk.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

NOTIFICATIONS_MESSAGE_ID_DOMAIN = env.str("NOTIFICATIONS_MESSAGE_ID_DOMAIN", "")
# A temporary failure (relay down, timeout, 4xx) is retried with an exponential backoff:
# retry n waits a random time in [d/2, d], d = BACKOFF * 2**(n-1), capped at BACKOFF_MAX
# (10 s, 20 s, 40 s ... 30 min); the row is failed after MAX_ATTEMPTS attempts. With the
# defaults the 35 waits add up to 7.1 hours at the least and 14.2 at the most
# (notifications.services.retry_span): a relay down for six hours loses nothing.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", 36)
NOTIFICATIONS_RETRY_BACKOFF = env.float("NOTIFICATIONS_RETRY_BACKOFF", 10)
NOTIFICATIONS_RETRY_BACKOFF_MAX = env.float("NOTIFICATIONS_RETRY_BACKOFF_MAX", 1800)
# A row left in SENDING this long belongs to a dead worker: the flush takes it back.
# Longer than EMAIL_TIMEOUT and the task time limit, so a slow live send is never doubled.
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", 300)
NOTIFICATIONS_FLUSH_GRACE_SECONDS = env.int("NOTIFICATIONS_FLUSH_GRACE_SECONDS", 30)
NOTIFICATIONS_FLUSH_BATCH = env.int("NOTIFICATIONS_FLUSH_BATCH", 1000)
NOTIFICATIONS_FLUSH_EVERY = env.float("NOTIFICATIONS_FLUSH_EVERY", 60)
# After a failed publish, a process's publisher skips the broker for this long (rows
# wait for the flush). Publishing happens on a background thread, never in a request.
NOTIFICATIONS_PUBLISH_PAUSE_SECONDS = env.float("NOTIFICATIONS_PUBLISH_PAUSE_SECONDS", 30)
# After the mail server accepted a message, the worker keeps trying to record "sent" for
# up to this long if the database is unreachable (reconnecting between tries), and never
# past its row's lease or the task's soft time limit (the flush could then take the row
# back and send it again): see docs/architecture.md#the-outbox for the remaining window.
NOTIFICATIONS_MARK_SENT_RETRY_SECONDS = env.float("NOTIFICATIONS_MARK_SENT_RETRY_SECONDS", 90)

# A wait shorter than the flush's period is a countdown on the task (the worker holds the
# message); a longer one is left to the flush, which publishes the row once it is due, so
# no worker holds a message for half an hour and the visibility timeout stays far away.
_LONGEST_WAIT = max(
    min(NOTIFICATIONS_RETRY_BACKOFF_MAX, NOTIFICATIONS_FLUSH_EVERY),
    CELERY_TASK_TIME_LIMIT,
    NOTIFICATIONS_LEASE_SECONDS,
)
if CELERY_VISIBILITY_TIMEOUT < 2 * _LONGEST_WAIT:
    raise ValueError("CELERY_VISIBILITY_TIMEOUT must stay well above backoff, limits, lease.")

# Every this many seconds the beat looks for biểu mẫu imports nobody runs; a confirmed
# job still waiting this long after it was queued is queued again.
DVK_IMPORT_REQUEUE_EVERY = env.float("DVK_IMPORT_REQUEUE_EVERY", 60)

# The issuing unit whose letterhead and signature every generated document carries
# (documents.issuer): a Party body (Hướng dẫn 36-HD/VPTW) or a State one (Nghị định
# 30/2020/NĐ-CP). The defaults are the demo's Ban Chỉ đạo of plan 47-KH/BCĐ, Từ Sơn.
DVK_ISSUER = {
    "system": env.str("DVK_ISSUER_SYSTEM", "party"),
    "parent": env.str("DVK_ISSUER_PARENT", "Thành ủy Từ Sơn"),
    # A literal "\n" in the variable breaks the name's line on the letterhead.
    "name": env.str("DVK_ISSUER_NAME", "Ban Chỉ đạo phong trào\nthi đua “Dân vận khéo”").replace(
        "\\n", "\n"
    ),
    "short": env.str("DVK_ISSUER_SHORT", "BCĐ"),
    "authority": env.str("DVK_ISSUER_AUTHORITY", "Ban Chỉ đạo"),
    "signer_title": env.str("DVK_ISSUER_SIGNER_TITLE", "Trưởng ban"),
    "signer_name": env.str("DVK_ISSUER_SIGNER_NAME", ""),
    "place": env.str("DVK_ISSUER_PLACE", "Từ Sơn"),
}

from celery.schedules import crontab  # noqa: E402  (only the beat schedule needs it)

CELERY_BEAT_SCHEDULE = {
    "deadlines-daily": {
        "task": "workflow.deadlines_sweep",
        # CELERY_TIMEZONE is Asia/Ho_Chi_Minh: 07:00 local time.
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 3600},
    },
    "notifications-flush": {
        "task": "notifications.flush",
        "schedule": NOTIFICATIONS_FLUSH_EVERY,
        "options": {"expires": NOTIFICATIONS_FLUSH_EVERY},
    },
    # The dashboard's tally (dashboards/tally.py): fold the pending changes.
    "tally-fold": {
        "task": "models_registry.tally_fold",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # Visit photos whose thumbnail message was lost (inspections/services/thumbnails.py).
    "inspections-thumbnails": {
        "task": "inspections.thumbnails_missing",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    # Biểu mẫu imports (models_registry/services/bieu_mau/jobs.py): queue again a
    # confirmed job whose message was lost, fail one whose worker died. No page does it.
    "import-jobs-requeue": {
        "task": "models_registry.import_jobs_requeue",
        "schedule": DVK_IMPORT_REQUEUE_EVERY,
        "options": {"expires": DVK_IMPORT_REQUEUE_EVERY},
    },
    # /healthz's worker heartbeat (config/celery.py).
    "heartbeat": {
        "task": "dvk.heartbeat",
        "schedule": DVK_HEARTBEAT_EVERY,
        "options": {"expires": DVK_HEARTBEAT_EVERY},
    },
}
