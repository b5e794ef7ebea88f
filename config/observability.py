"""Request ids, request timing, /healthz and optional error reporting.

- :class:`RequestLogMiddleware` (first in MIDDLEWARE) gives each request an id — the
  proxy's ``X-Request-ID`` when it is a plain token, else a new one — returns it in the
  response's ``X-Request-ID`` (so gunicorn's access log and nginx can print it) and logs
  one line per request with its method, path, status and duration in milliseconds.
  :class:`RequestIdFilter` puts the id on every log record written while the request
  runs (``-`` outside one), for the format in settings.LOGGING.
- :class:`HealthzMiddleware` (second) answers ``/healthz`` before the host check and
  the HTTPS redirect: compose and monitors ask it on loopback over plain HTTP.
- :func:`sentry_init` turns on sentry-sdk when ``SENTRY_DSN`` is set; sentry_sdk is not
  even imported otherwise.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.http import JsonResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("dvk.request")

_TOKEN = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
HEALTHZ_PATHS = frozenset({"/healthz", "/healthz/"})


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            # Health probes every few seconds would drown the log: DEBUG for them.
            level = logging.DEBUG if request.path in HEALTHZ_PATHS else logging.INFO
            logger.log(
                level,
                "%s %s %s %.1fms",
                request.method,
                request.path[:300],
                status,
                duration_ms,
                extra={
                    "request_id": request_id,
                    "duration_ms": round(duration_ms, 1),
                    "status_code": status,
                },
            )
            request_id_var.reset(token)


class HealthzMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in HEALTHZ_PATHS:
            return self.get_response(request)
        from .health import CHECKS, health_report

        only = [name for name in request.GET.get("only", "").split(",") if name in CHECKS]
        report = health_report(only=only or None)
        response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
        response["Cache-Control"] = "no-store"
        return response


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Report unhandled errors (web requests, Celery tasks, error logs) to Sentry."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        # Civil servants' names and addresses stay here.
        send_default_pii=False,
    )
