"""Nothing is lost and nothing is sent twice when the broker is unreachable, when the
worker is killed mid-delivery, when the mail server is down or refuses a message."""

import socket

import pytest
from django.db import transaction

from models_registry.models import Initiative
from notifications.models import Notification, Status
from notifications.services import message_id_for, notification_queue
from notifications.tasks import notifications_flush_task
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_draft
from workflow.lifecycle import State

from .conftest import broker_at, wait_until
from .harness import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def queue_to_addresses(world, count: int, key: str = "survive") -> list[Notification]:
    with transaction.atomic():
        return notification_queue(
            kind="registration_reminder",
            recipients=[f"donvi{i}@example.test" for i in range(count)],
            dedupe_key=key,
            context={"campaign": world.campaign, "unit": world.ward_a, "days_left": 1},
        )


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Notification.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def all_sent() -> bool:
    return not Notification.objects.exclude(status=Status.SENT).exists()


def assert_each_delivered_exactly_once(smtp, rows) -> None:
    received = smtp.messages()
    ids = [message.message_id for message in received]
    assert sorted(ids) == sorted(message_id_for(row.dedupe_key) for row in rows), (
        f"{len(received)} received for {len(rows)} rows"
    )


def test_with_the_broker_unreachable_transitions_commit_and_the_flush_delivers_every_message(
    world, late_submission_allowed, client, smtp, worker
):
    drafts = [make_draft(world, name=f"Mô hình vận động số {i}") for i in range(3)]
    client.force_login(world.officer_a)
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        for draft in drafts:
            response = client.post(
                f"/ho-so/{draft.pk}/chuyen-trang-thai/",
                {"transition": "submit", "expected_state": State.DRAFT, "reason": ""},
            )
            assert response.status_code == 302
    assert set(Initiative.objects.values_list("state", flat=True)) == {State.REGISTERED}
    # Three notices per submission (secretariat, officer, the unit's address): none was
    # handed to the broker, so none was sent.
    assert statuses() == {Status.PENDING: 9}
    assert smtp.messages() == []

    # The broker is back: the periodic flush (a beat task, run by the worker) sends all.
    notifications_flush_task.delay()
    wait_until(all_sent, message="every notification sent after the flush")
    assert_each_delivered_exactly_once(smtp, list(Notification.objects.all()))


def test_a_worker_killed_while_delivering_loses_nothing_and_sends_nothing_twice(
    world, smtp, worker_factory
):
    smtp.mode = "hold"  # each send stops at MAIL FROM until released
    first = worker_factory()
    rows = queue_to_addresses(world, 12)
    assert smtp.held.wait(60), "the worker never reached the mail server"
    wait_until(lambda: Notification.objects.filter(status=Status.SENDING).exists())
    first.kill()  # SIGKILL, main process and pool children, in the middle of sending
    left = statuses()
    assert left.get(Status.SENDING, 0) >= 1 and left.get(Status.SENT, 0) == 0

    smtp.mode = "accept"
    smtp.release()
    # A new worker with beat embedded: its flush takes back the dead worker's rows once
    # their lease is over, and re-publishes what the dead worker had taken off the queue.
    worker_factory(beat=True, NOTIFICATIONS_FLUSH_EVERY="1")
    wait_until(all_sent, timeout=120, message="every notification sent after the restart")
    assert_each_delivered_exactly_once(smtp, rows)
    assert max(Notification.objects.values_list("attempts", flat=True)) >= 2


def test_the_mail_server_down_then_back_gets_every_message_after_retries(world, smtp, worker):
    smtp.stop()
    rows = queue_to_addresses(world, 3)
    wait_until(
        lambda: all(a >= 2 for a in Notification.objects.values_list("attempts", flat=True)),
        message="a retry of every message while the server is down",
    )
    assert not Notification.objects.filter(status__in=[Status.SENT, Status.FAILED]).exists()
    smtp.start()
    wait_until(all_sent, message="every notification sent once the server is back")
    assert_each_delivered_exactly_once(smtp, rows)
    assert "Connection" in Notification.objects.first().last_error or all_sent()


@pytest.mark.browser
def test_a_5xx_refusal_fails_at_once_shows_to_the_secretariat_and_its_retry_button_delivers(
    world, draft, smtp, worker, page, live_server
):
    smtp.mode = "reject"
    with transaction.atomic():
        (row,) = notification_queue(
            kind="case_submitted_receipt",
            recipients=["hopthu.sai@example.test"],
            dedupe_key="refused",
            context={},
            case=draft,
        )
    wait_until(lambda: Notification.objects.get(pk=row.pk).status == Status.FAILED)
    row.refresh_from_db()
    assert row.attempts == 1 and "550" in row.last_error
    assert smtp.messages() == []

    smtp.mode = "accept"  # the address was fixed on the mail server's side
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/thong-bao/gui-loi/")
    failed_row = page.locator(f"#failed-{row.pk}")
    assert "hopthu.sai@example.test" in failed_row.inner_text()
    assert "550" in failed_row.inner_text()
    page.click(f"button[data-retry='{row.pk}']")
    assert "Đã đưa thông báo gửi tới hopthu.sai@example.test" in page.inner_text(".msg.success")

    wait_until(lambda: Notification.objects.get(pk=row.pk).status == Status.SENT)
    (message,) = smtp.wait_for(1)
    assert message.rcpt_tos == ["hopthu.sai@example.test"]
    assert message.subject == f"Đã nhận đăng ký mô hình “{draft.name}”"
    page.goto(f"{live_server.url}/thong-bao/gui-loi/")
    assert page.locator(f"#failed-{row.pk}").count() == 0


@pytest.fixture
def silent_broker():
    """A port that accepts TCP connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


@pytest.mark.timeout(90)
def test_a_hung_broker_does_not_hang_the_request_and_its_rows_wait_for_the_flush(
    world, late_submission_allowed, client, redis_url, silent_broker
):
    # (redis_url: the Redis transport's timeouts are configured when Redis is the broker.)
    draft = make_draft(world)
    client.force_login(world.officer_a)
    with broker_at(silent_broker):
        response = client.post(
            f"/ho-so/{draft.pk}/chuyen-trang-thai/",
            {"transition": "submit", "expected_state": State.DRAFT, "reason": ""},
        )
    # Without the broker's connection and socket timeouts this request never returns
    # (the test's timeout fails it); with them it gives up and the change is kept.
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.REGISTERED
    assert statuses() == {Status.PENDING: 3}
