import os

import pytest
from django.conf import settings

from units.models import Unit, UnitKind

from .browser import browser, page, phone_page  # noqa: F401  (fixtures for every folder)
from .factories import build_world, make_draft
from .parallel import (
    clone_worker_database,
    drop_database,
    isolate_worker,
    long_files_first,
    template_name,
    worker_index,
)
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
    # Under pytest-xdist (`make test`, -n): this worker's own Redis database and var folder.
    isolate_worker()


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(config, items):
    # Under xdist (make test: --dist loadfile --no-loadscope-reorder), the files that
    # hold a test marked `long` are handed out first, so that no worker starts one of
    # them when the other has nothing left (tests/parallel.py). Serial order unchanged.
    if worker_index() is not None:
        items[:] = long_files_first(items)


def pytest_sessionfinish(session):
    if worker_index() is None and getattr(session.config.option, "numprocesses", None):
        drop_database(template_name())  # the workers' template (tests/parallel.py)


@pytest.fixture(scope="session")
def _worker_database(request, django_db_modify_db_settings):
    """Under xdist, this worker's test database, copied from the run's migrated template
    instead of migrated again (tests/parallel.py); dropped at the end."""
    option = request.config.getvalue
    if worker_index() is None or option("reuse_db") or option("nomigrations"):
        yield False
        return
    name = settings.DATABASES["default"]["TEST"]["NAME"]
    clone_worker_database(name)
    yield True
    drop_database(name)


@pytest.fixture(scope="session")
def django_db_keepdb(request, _worker_database):
    # pytest-django's, except that a worker's copied database is kept as it is: migrate
    # then finds nothing to do (its teardown is _worker_database's).
    return _worker_database or request.config.getvalue("reuse_db")


@pytest.fixture(scope="session")
def django_db_createdb(request, _worker_database):
    return not _worker_database and request.config.getvalue("create_db")


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def draft(world):
    return make_draft(world)


@pytest.fixture
def ward_c(world):
    """A third ward of the city, beside the world's two (the reports' tests and the
    city's report from the units' answers)."""
    return Unit.objects.create(
        name="Đảng ủy phường Châu Khê", kind=UnitKind.WARD, parent=world.city
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Dozens of users per test: the production hasher would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
