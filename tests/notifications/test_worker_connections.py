"""Workers keep their database connection across tasks (issue 17): 40 messages delivered
by one worker process open a handful of PostgreSQL sessions, not one per message — and
with Celery's default (``CELERY_DB_REUSE_MAX=0``) they open one per task, which is what
this test would see if the reuse were lost."""

import pytest
from django.db import connection, transaction

from notifications.models import Notification, Status
from notifications.services import notification_queue

from .conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

COUNT = 40


def sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def deliver(world, worker_factory, key: str, **settings) -> int:
    """Sessions opened on the test database while one worker delivers COUNT messages."""
    worker = worker_factory(**settings)
    before = sessions()
    with transaction.atomic():
        notification_queue(
            kind="registration_reminder",
            recipients=[f"donvi{i}@example.test" for i in range(COUNT)],
            dedupe_key=key,
            context={"campaign": world.campaign, "unit": world.ward_a, "days_left": 1},
        )
    wait_until(
        lambda: (
            not Notification.objects.filter(dedupe_key__startswith=f"{key}:")
            .exclude(status=Status.SENT)
            .exists()
        ),
        timeout=120,
        message="every message sent",
    )
    opened = sessions() - before
    worker.stop()
    return opened


def test_a_worker_keeps_its_database_connection_across_tasks(world, worker_factory, smtp):
    kept = deliver(world, worker_factory, "reuse")
    closed = deliver(world, worker_factory, "no-reuse", CELERY_DB_REUSE_MAX="0")

    print(f"sessions opened for {COUNT} messages: {kept} kept, {closed} with reuse off")
    assert kept < 10, kept
    assert closed >= COUNT, closed  # the test can tell the difference
