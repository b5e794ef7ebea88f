"""Production settings, each loaded in a child process with its own environment: no start
without a real secret key, the proxy's headers only when configured, Sentry only with a
DSN, gunicorn's worker model from the environment."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_SETTINGS = """
import json, sys
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "proxy": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "forwarded_host": settings.USE_X_FORWARDED_HOST,
    "sentry_imported": "sentry_sdk" in sys.modules,
    "scheduler": settings.CELERY_BEAT_SCHEDULER,
}))
"""


def load_settings(**variables: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SENTRY_")) or key == "DJANGO_SETTINGS_MODULE"
    }
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def loaded(**variables: str) -> dict:
    result = load_settings(**variables)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "key",
    [None, "", "short-but-set", "change-me-compose-only-not-for-production-at-all-ever"],
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    variables = {"DJANGO_PRODUCTION": "1"}
    if key is not None:
        variables["DJANGO_SECRET_KEY"] = key
    result = load_settings(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_PRODUCTION=1 needs DJANGO_SECRET_KEY" in result.stderr


def test_production_trusts_the_proxys_scheme_header_and_only_that_one():
    key = secrets.token_urlsafe(50)
    default = loaded(DJANGO_PRODUCTION="1", DJANGO_SECRET_KEY=key)
    assert default["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert default["forwarded_host"] is False
    assert default["sentry_imported"] is False
    assert default["scheduler"] == "config.beat:LockedScheduler"

    other = loaded(
        DJANGO_PRODUCTION="1",
        DJANGO_SECRET_KEY=key,
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme",
        DJANGO_USE_X_FORWARDED_HOST="1",
    )
    assert other["proxy"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert other["forwarded_host"] is True
    # Reached directly (no proxy): no header is trusted.
    direct = loaded(DJANGO_PRODUCTION="1", DJANGO_SECRET_KEY=key, DJANGO_SECURE_PROXY_SSL_HEADER="")
    assert direct["proxy"] is None
    # Outside production nothing is trusted unless asked.
    assert loaded()["proxy"] is None


def test_sentry_is_set_up_only_when_a_dsn_is_given():
    assert loaded()["sentry_imported"] is False
    # A DSN on a closed loopback port: set up, nothing ever reaches anyone.
    assert loaded(SENTRY_DSN="http://public@127.0.0.1:9/1")["sentry_imported"] is True


def test_gunicorn_runs_threads_in_processes_both_from_the_environment():
    script = (
        "import json, runpy; c = runpy.run_path('config/gunicorn.py'); "
        "print(json.dumps({k: c[k] for k in ('worker_class', 'workers', 'threads', 'timeout')}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"WEB_CONCURRENCY", "GUNICORN_THREADS"}}

    def config(**variables):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=settings.BASE_DIR,
            env={**env, **variables},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert config() == {"worker_class": "sync", "workers": 2, "threads": 1, "timeout": 60}
    threaded = config(WEB_CONCURRENCY="3", GUNICORN_THREADS="8")
    assert (threaded["worker_class"], threaded["workers"], threaded["threads"]) == ("gthread", 3, 8)
