import os

import pytest
from django.conf import settings

from .browser import browser, page, phone_page  # noqa: F401  (fixtures for every folder)
from .factories import build_world, make_draft


def pytest_configure(config):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(
                "REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL "
                f"(engine: {engine}); refusing to run the suite on a stand-in."
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
