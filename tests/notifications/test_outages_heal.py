"""Outages that heal by themselves: a relay down for hours, the database connection lost
between the mail server's "accepted" and the row's "sent", a hung broker. And the
secretariat's view of the outbox, with one button to send every failed row again."""

import datetime
import socket
import threading

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification, Status
from notifications.services import (
    notification_deliver,
    notification_queue,
    notifications_publish_wait,
    notifications_retry_failed,
    retry_span,
)
from tests.factories import make_draft
from workflow.errors import WorkflowError
from workflow.lifecycle import State

from .conftest import broker_at, wait_until
from .test_delivery_survives_failures import (
    all_sent,
    assert_each_delivered_exactly_once,
    queue_to_addresses,
)
from .test_outbox import smtp_settings  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def attempts() -> list[int]:
    return list(Notification.objects.values_list("attempts", flat=True))


# --- a relay down for hours ---------------------------------------------------------------


def test_the_default_schedule_outlasts_a_relay_down_for_six_hours(settings):
    shortest, longest = retry_span()
    assert shortest >= 6 * 3600, shortest
    assert longest <= 24 * 3600, longest


def test_a_wait_longer_than_the_flush_period_is_left_to_the_flush_not_held_by_a_worker(
    world,
    settings,
    smtp_settings,  # noqa: F811
):
    settings.NOTIFICATIONS_RETRY_BACKOFF = 600
    smtp_settings.stop()
    (row,) = queue_to_addresses(world, 1)
    result = notification_deliver(notification_id=row.pk)
    # No countdown: no worker keeps a message for ten minutes; the row is due later.
    assert (result.outcome, result.retry_in) == ("retry", None)
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.due_at >= timezone.now() + datetime.timedelta(seconds=250)
    assert row.last_error.startswith("Máy chủ thư không nhận kết nối")


@pytest.mark.long
def test_a_relay_down_for_many_attempts_loses_nothing_and_needs_no_one(world, smtp, worker_factory):
    smtp.stop()
    # The hours of the default schedule, shortened: waits of 0.5 s doubling to 3 s, the
    # ones past a second left to the flush (beat every second), 60 attempts.
    worker_factory(
        beat=True,
        NOTIFICATIONS_FLUSH_EVERY="1",
        NOTIFICATIONS_RETRY_BACKOFF="0.5",
        NOTIFICATIONS_RETRY_BACKOFF_MAX="3",
        NOTIFICATIONS_MAX_ATTEMPTS="60",
    )
    rows = queue_to_addresses(world, 5)
    # More attempts than the six after which every row used to be failed.
    wait_until(lambda: min(attempts()) >= 8, timeout=120, message="eight attempts at every row")
    assert not Notification.objects.filter(status=Status.FAILED).exists()
    smtp.start()
    wait_until(all_sent, timeout=60, message="every row sent once the relay is back")
    assert_each_delivered_exactly_once(smtp, rows)


def test_after_the_whole_schedule_rows_fail_with_a_sentence_and_one_press_sends_them_all(
    world, smtp, worker_factory, client
):
    smtp.stop()
    worker_factory(
        NOTIFICATIONS_MAX_ATTEMPTS="3",
        NOTIFICATIONS_RETRY_BACKOFF="0.2",
        NOTIFICATIONS_RETRY_BACKOFF_MAX="0.4",
    )
    rows = queue_to_addresses(world, 4)
    wait_until(
        lambda: set(Notification.objects.values_list("status", flat=True)) == {Status.FAILED},
        message="every row failed after three attempts",
    )
    row = Notification.objects.first()
    assert row.attempts == 3
    assert row.last_error.startswith("Đã thử gửi 3 lần trong ")
    assert "lần cuối: Máy chủ thư không nhận kết nối: có thể đang tắt (" in row.last_error
    assert smtp.messages() == []

    smtp.start()
    client.force_login(world.secretariat)
    page = client.get("/thong-bao/gui-loi/").content.decode()
    assert "Gửi lại tất cả (4)" in page
    assert "Máy chủ thư không nhận kết nối" in page
    response = client.post("/thong-bao/gui-loi/gui-lai-tat-ca/", follow=True)
    assert "Đã đưa 4 thông báo vào hàng đợi gửi lại." in response.content.decode()
    wait_until(all_sent, message="every row sent after the secretariat's one press")
    assert_each_delivered_exactly_once(smtp, rows)
    assert "Gửi lại tất cả" not in client.get("/thong-bao/gui-loi/").content.decode()


# --- the database lost between "accepted" and "sent" ----------------------------------------


@pytest.fixture
def pg_admin():
    """A connection of our own to the server's maintenance database, for the faults."""
    settings_dict = connection.settings_dict
    admin = psycopg.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or "postgres",
        password=settings_dict.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    yield admin
    admin.execute(f'ALTER DATABASE "{settings_dict["NAME"]}" ALLOW_CONNECTIONS true')
    admin.close()


@pytest.mark.long
@pytest.mark.parametrize("refuse_seconds", [0, 3])
def test_the_sent_mark_survives_the_database_lost_right_after_the_server_accepted(
    world, smtp, worker_factory, pg_admin, refuse_seconds
):
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (ours,) = cursor.fetchone()
    killed = []

    def lose_the_database(message) -> None:
        # The worker has sent the message and waits for "250": every connection to the
        # test database but this test's own is terminated, and, in the second case, new
        # ones are refused for a while (a database restarting).
        if refuse_seconds and not killed:
            pg_admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            threading.Timer(
                refuse_seconds,
                lambda: pg_admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'),
            ).start()
        rows = pg_admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s",
            [name, ours],
        ).fetchall()
        killed.append(len(rows))

    smtp.on_accept = lose_the_database
    lease = 12
    worker_factory(beat=True, NOTIFICATIONS_FLUSH_EVERY="1", NOTIFICATIONS_LEASE_SECONDS=str(lease))
    rows = queue_to_addresses(world, 3)
    wait_until(all_sent, timeout=60, message="every row marked sent")
    assert sum(killed) >= 3, killed
    # Had a mark been lost, the flush would take its row back once the lease is over and
    # send it again: give it that time, then count what the server received.
    threading.Event().wait(lease + 4)
    assert all_sent()
    assert_each_delivered_exactly_once(smtp, rows)
    assert set(attempts()) == {1}


# --- a hung broker ------------------------------------------------------------------------


def test_a_hung_broker_costs_no_request_anything(world, late_submission_allowed, client, redis_url):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(10)
    drafts = [make_draft(world, name=f"Mô hình vận động số {i}") for i in range(3)]
    client.force_login(world.officer_a)
    try:
        with broker_at(f"redis://127.0.0.1:{server.getsockname()[1]}/0"):
            for draft in drafts:
                response = client.post(
                    f"/ho-so/{draft.pk}/chuyen-trang-thai/",
                    {"transition": "submit", "expected_state": State.DRAFT, "reason": ""},
                )
                assert response.status_code == 302
            # Every request has returned, and the publisher is still connected to the
            # silent broker, waiting for an answer: no request waited for it. (Had the
            # first request published itself, it would have given up, and closed this
            # connection, before returning.)
            peer, _ = server.accept()
            peer.settimeout(1)
            still_waiting = False
            try:
                while peer.recv(4096):
                    pass
            except TimeoutError:
                still_waiting = True
            assert still_waiting, "the publisher had already given up: a request waited"
            assert notifications_publish_wait(timeout=30)
            peer.close()
    finally:
        server.close()
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert {d.state for d in type(drafts[0]).objects.filter(pk__in=[d.pk for d in drafts])} == {
        State.REGISTERED
    }


# --- the secretariat's view of the outbox -------------------------------------------------


def make_outbox(world, failed: int) -> None:
    with transaction.atomic():
        rows = notification_queue(
            kind="registration_reminder",
            recipients=[f"donvi{i}@example.test" for i in range(failed + 4)],
            dedupe_key="overview",
            context={"campaign": world.campaign, "unit": world.ward_a, "days_left": 1},
        )
    now = timezone.now()
    ids = [row.pk for row in rows]
    Notification.objects.filter(pk__in=ids[:2]).update(
        created_at=now - datetime.timedelta(hours=2, minutes=5)
    )
    Notification.objects.filter(pk=ids[2]).update(
        status=Status.SENDING, claimed_at=now - datetime.timedelta(minutes=10)
    )
    Notification.objects.filter(pk=ids[3]).update(status=Status.SENDING, claimed_at=now)
    Notification.objects.filter(pk__in=ids[4:]).update(
        status=Status.FAILED,
        attempts=36,
        last_error="Máy chủ thư từ chối địa chỉ người nhận: kiểm tra lại địa chỉ email "
        "rồi bấm “Gửi lại” (donvi@example.test: 550 5.1.1 Mailbox unavailable).",
    )


@pytest.mark.parametrize("failed", [5, 50])
def test_the_outbox_page_counts_pending_stuck_failed_and_the_oldest_wait(
    world, client, django_assert_num_queries, failed
):
    make_outbox(world, failed)
    client.force_login(world.secretariat)
    # session, user, memberships (menu), the overview (one aggregate), the header's
    # unread count, the failed rows: the same for 5 rows and 50
    with django_assert_num_queries(6):
        response = client.get("/thong-bao/gui-loi/")
    assert response.status_code == 200
    overview = response.context["overview"]
    assert {k: overview[k] for k in ("pending", "sending", "stuck", "failed")} == {
        "pending": 2,
        "sending": 2,
        "stuck": 1,
        "failed": failed,
    }
    page = response.content.decode()
    assert '<span class="figure">2 giờ 5 phút</span>' in page
    assert f"Gửi lại tất cả ({failed})" in page
    assert "kiểm tra lại địa chỉ email" in page


def test_only_the_secretariat_and_the_administrator_see_the_outbox_and_retry_all(
    world, client, django_user_model
):
    make_outbox(world, 3)
    for user in (world.officer_a, world.viewer, world.inspector, world.chair):
        client.force_login(user)
        assert client.get("/thong-bao/gui-loi/").status_code == 403, user
        assert client.post("/thong-bao/gui-loi/gui-lai-tat-ca/").status_code == 403, user
        with pytest.raises(WorkflowError):
            notifications_retry_failed(actor=user)
    assert Notification.objects.filter(status=Status.FAILED).count() == 3
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.test", "x")
    client.force_login(admin)
    assert client.get("/thong-bao/gui-loi/").status_code == 200
    assert client.post("/thong-bao/gui-loi/gui-lai-tat-ca/").status_code == 302
    assert not Notification.objects.filter(status=Status.FAILED).exists()
    assert client.get("/thong-bao/gui-loi/gui-lai-tat-ca/").status_code == 405
