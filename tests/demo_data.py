"""The demo (seed_demo), built once per test session and then copied in wherever a test
needs it, instead of seeding it again (seeding takes seconds; copying it in, a fraction).

The first test that asks for it runs seed_demo in a transaction that is rolled back,
after keeping every table's rows (PostgreSQL's COPY). ``demo_load()`` puts exactly those
rows back: inside a test's own transaction (rolled back with it) or committed, for
tests that share the database with other processes. Whether seed_demo itself is
idempotent and prints the logins is tested on a real seed (tests/demo/
test_seed_demo.py)."""

import datetime
from contextlib import ExitStack

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The day the session's demo is seeded as of (seed_demo --today): its live year is the
# same whatever the real date, so tests that read it are reproducible.
DEMO_TODAY = datetime.date(2026, 4, 15)

_snapshot: dict[str, bytes] | None = None


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _copy_out(table: str) -> bytes:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy,
    ):
        return b"".join(bytes(chunk) for chunk in copy)


def demo_snapshot() -> dict[str, bytes]:
    """Every table's rows right after seed_demo on the freshly migrated database, taken
    once per session (the seed itself is rolled back)."""
    global _snapshot
    if _snapshot is None:
        from demo.registry import seed_demo

        tables = _tables()
        with ExitStack() as stack:
            stack.enter_context(override_settings(PASSWORD_HASHERS=FAST_HASHERS))
            stack.enter_context(transaction.atomic())
            # Start from the migrated state whatever an earlier test left committed.
            _empty([t for t in tables if t not in _KEPT_BY_MIGRATE])
            seed_demo(today=DEMO_TODAY)
            snapshot = {table: _copy_out(table) for table in tables}
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()
        _snapshot = snapshot
    return _snapshot


# Rows that migrate writes (post_migrate): kept when the snapshot is taken.
_KEPT_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission"}


def _empty(tables: list[str]) -> None:
    # DELETE, not TRUNCATE: TRUNCATE refuses a table with deferred checks pending from
    # the test's own writes. As replica, neither triggers nor foreign keys fire.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            for table in tables:
                cursor.execute(f'DELETE FROM "{table}"')
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def demo_load() -> None:
    """Replace every table's rows by the demo's, on the default connection. Inside a
    test's transaction it goes away with the rollback; outside one it is committed."""
    snapshot = demo_snapshot()
    with transaction.atomic(), connection.cursor() as cursor:
        tables = [t for t in _tables() if t != "django_migrations"]
        _empty(tables)
        # The rows are copied as they were: no trigger (the tally's, the foreign keys'
        # checks) runs again on them.
        cursor.execute("SET session_replication_role = replica")
        try:
            for table in tables:
                with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(snapshot[table])
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        models = apps.get_models(include_auto_created=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    ContentType.objects.clear_cache()
