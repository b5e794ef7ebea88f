import os

import pytest
from django.conf import settings

from .browser import browser, page, phone_page  # noqa: F401  (fixtures for every folder)
from .factories import build_world, make_draft
from .shared_services import _module_worker, _smtp_server  # noqa: F401  (every folder)


def pytest_configure(config):
    # Every test runs on the real services. `make test` starts private ones when
    # DATABASE_URL / REDIS_URL are unset (scripts/test-services.sh); the embedded SQLite
    # default has smoke tests of its own, run in child processes (tests/test_embedded_sqlite.py).
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            f"The suite runs on PostgreSQL, but DATABASE_URL does not name one (engine: "
            f"{engine}). Run `make test`, or scripts/test-services.sh .venv/bin/pytest …"
        )
    if not os.environ.get("REDIS_URL"):
        raise pytest.UsageError(
            "The suite needs Redis, but REDIS_URL is not set. Run `make test`, or "
            "scripts/test-services.sh .venv/bin/pytest …"
        )


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def draft(world):
    return make_draft(world)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Dozens of users per test: the production hasher would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
