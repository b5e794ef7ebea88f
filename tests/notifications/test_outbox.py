"""The outbox: rows written with the change, once per dedupe key and recipient, claimed
before sending, a stable Message-ID, 5xx fails at once, temporary errors back off."""

import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction

from notifications.models import Notification, Status
from notifications.recipients import secretariat_recipients, unit_recipients, users_recipients
from notifications.services import (
    ONLY_SECRETARIAT_RETRIES,
    message_id_for,
    notification_deliver,
    notification_queue,
    notification_retry,
    notifications_flush,
    retry_delay,
)
from tests.factories import BEFORE_DEADLINE
from workflow.errors import WorkflowError
from workflow.services import transition_apply


@pytest.fixture
def smtp_settings(settings, smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp.host
    settings.EMAIL_PORT = smtp.port
    return smtp


def queue(world, key="test-event", recipients=None, case=None):
    return notification_queue(
        kind="case_submitted_receipt" if case else "registration_reminder",
        recipients=recipients if recipients is not None else [world.officer_a],
        dedupe_key=key,
        context={"campaign": world.campaign, "unit": world.ward_a, "days_left": 3},
        case=case,
    )


def test_queueing_the_same_event_twice_writes_one_row_per_recipient(world):
    first = queue(world, recipients=[world.officer_a, world.secretariat])
    second = queue(world, recipients=[world.officer_a, world.secretariat])
    assert len(first) == 2
    assert second == []
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {
        f"test-event:user{world.officer_a.pk}",
        f"test-event:user{world.secretariat.pk}",
    }


def test_a_second_call_with_more_recipients_adds_only_the_new_ones(world):
    queue(world, recipients=[world.officer_a])
    added = queue(world, recipients=[world.officer_a, world.officer_b])
    assert [row.user for row in added] == [world.officer_b]


def test_duplicate_recipients_and_an_address_a_listed_user_has_collapse(world):
    rows = queue(
        world,
        recipients=[
            world.officer_a,
            world.officer_a,
            "CANBO.A@example.test",  # officer A's own address, written differently
            "donvi@example.test",
            "donvi@example.test",
            "",
            None,
        ],
    )
    assert [(row.user_id, row.email) for row in rows] == [
        (world.officer_a.pk, "canbo.a@example.test"),
        (None, "donvi@example.test"),
    ]


def test_an_address_gets_an_email_only_and_a_user_without_address_an_inbox_entry_only(world):
    world.viewer.email = ""
    world.viewer.save()
    rows = {
        row.email or "inbox": row for row in queue(world, recipients=[world.viewer, "x@y.test"])
    }
    assert rows["x@y.test"].user is None and rows["x@y.test"].status == Status.PENDING
    assert rows["inbox"].user == world.viewer and rows["inbox"].status == Status.SENT


def test_rows_roll_back_with_the_change_that_caused_them(world, draft):
    with pytest.raises(RuntimeError), transaction.atomic():
        transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
        assert Notification.objects.count() == 3
        raise RuntimeError("the request fails after the transition")
    assert Notification.objects.count() == 0


def test_delivery_is_scheduled_for_after_commit_never_inside_the_transaction(
    world, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    # One publishing callback per notice kind (secretariat, receipt), none run yet.
    assert len(callbacks) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_subject_and_bodies_are_rendered_in_vietnamese_with_a_link_to_the_case(world, draft):
    row = queue(world, case=draft, recipients=["donvi@example.test"])[0]
    assert row.subject == f"Đã nhận đăng ký mô hình “{draft.name}”"
    link = f"{django_settings.SITE_URL}/ho-so/{draft.pk}/"
    assert row.link == link
    assert f"Xem hồ sơ: {link}" in row.body_text
    assert f'href="{link}"' in row.body_html
    # The text part is not HTML-escaped; the HTML part is.
    assert "“Dân vận khéo”" in row.body_text and "&" not in row.body_text


def test_unit_recipients_are_the_officers_of_the_unit_or_above_and_its_contact_address(world):
    assert unit_recipients(world.ward_a_sub) == [world.officer_a]
    assert unit_recipients(world.ward_a) == [world.officer_a, "dangUy.dongngan@example.test"]
    assert secretariat_recipients() == [world.secretariat]
    world.officer_b.is_active = False
    world.officer_b.save()
    assert users_recipients([world.officer_b, world.inspector]) == [world.inspector]


def test_message_id_is_derived_from_the_dedupe_key():
    assert message_id_for("transition:5:case_submitted:user3") == message_id_for(
        "transition:5:case_submitted:user3"
    )
    assert message_id_for("a") != message_id_for("b")
    assert message_id_for("a").startswith("<") and message_id_for("a").endswith(">")


def test_retry_delays_grow_with_jitter_and_stay_below_the_visibility_timeout(settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF = 10
    settings.NOTIFICATIONS_RETRY_BACKOFF_MAX = 300
    first = [retry_delay(1) for _ in range(50)]
    assert all(5 <= d <= 10 for d in first) and len(set(first)) > 1
    assert all(40 <= retry_delay(4) <= 80 for _ in range(50))
    assert all(retry_delay(30) <= 300 for _ in range(50))
    assert django_settings.CELERY_VISIBILITY_TIMEOUT >= 2 * 300
    options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if django_settings.CELERY_BROKER_URL.startswith("redis"):
        assert options["visibility_timeout"] == django_settings.CELERY_VISIBILITY_TIMEOUT


@pytest.mark.django_db(transaction=True)
def test_delivering_sends_once_with_the_derived_message_id_and_a_second_delivery_sends_nothing(
    world, smtp_settings
):
    row = queue(world, recipients=["donvi@example.test"])[0]
    assert notification_deliver(notification_id=row.pk).outcome == "sent"
    assert notification_deliver(notification_id=row.pk).outcome == "skipped"
    (message,) = smtp_settings.messages()
    assert message.message_id == message_id_for(row.dedupe_key)
    assert message.rcpt_tos == ["donvi@example.test"]
    assert message.subject == "Còn 3 ngày hết hạn đăng ký mô hình “Dân vận khéo” năm 2023"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 1, "")
    assert row.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_row_at_once_send_it_once(world, smtp_settings):
    row = queue(world, recipients=["donvi@example.test"])[0]
    barrier = threading.Barrier(8)
    outcomes = []

    def deliver():
        barrier.wait()
        try:
            outcomes.append(notification_deliver(notification_id=row.pk).outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(smtp_settings.messages()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_5xx_refusal_fails_the_row_at_once(world, smtp_settings):
    smtp_settings.mode = "reject"
    row = queue(world, recipients=["khongco@example.test"])[0]
    assert notification_deliver(notification_id=row.pk).outcome == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert "550" in row.last_error


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_server_puts_the_row_back_with_a_backoff_until_attempts_run_out(
    world, settings, smtp_settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp_settings.stop()
    row = queue(world, recipients=["donvi@example.test"])[0]
    result = notification_deliver(notification_id=row.pk)
    assert result.outcome == "retry" and result.retry_in > 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.due_at > row.created_at
    assert "Connection" in row.last_error or "refused" in row.last_error
    assert notification_deliver(notification_id=row.pk).outcome == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 2)


@pytest.mark.django_db(transaction=True)
def test_the_flush_takes_back_rows_left_sending_past_the_lease_and_republishes_due_rows(
    world, settings, redis_url
):
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 0
    stuck, fresh, due = queue(
        world, recipients=["a@example.test", "b@example.test", "c@example.test"]
    )
    now = stuck.created_at + datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 5)
    Notification.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, claimed_at=stuck.created_at, attempts=1
    )
    Notification.objects.filter(pk=fresh.pk).update(
        status=Status.SENDING, claimed_at=now - datetime.timedelta(seconds=1), attempts=1
    )
    assert notifications_flush(now=now) == 2
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses == {stuck.pk: Status.PENDING, fresh.pk: Status.SENDING, due.pk: Status.PENDING}
    # Just published: the next flush within the grace period leaves them alone.
    settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS = 30
    assert notifications_flush(now=now) == 0


def test_only_the_secretariat_may_retry_a_failed_delivery(world):
    row = queue(world, recipients=["donvi@example.test"])[0]
    Notification.objects.filter(pk=row.pk).update(status=Status.FAILED)
    with pytest.raises(WorkflowError) as excinfo:
        notification_retry(notification=row, actor=world.officer_a)
    assert excinfo.value.messages == [ONLY_SECRETARIAT_RETRIES]
    notification_retry(notification=row, actor=world.secretariat)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    with pytest.raises(WorkflowError):  # already pending again: not retried twice
        notification_retry(notification=row, actor=world.secretariat)


def test_workflow_imports_no_app_above_it():
    root = Path(__file__).resolve().parents[2] / "workflow"
    for path in root.rglob("*.py"):
        text = path.read_text()
        for app in ("notifications", "models_registry", "inspections"):
            assert f"from {app}" not in text and f"import {app}" not in text, (path, app)


@pytest.mark.django_db(transaction=True)
def test_the_kept_smtp_connection_is_reopened_when_the_server_dropped_it(world, smtp_settings):
    first, second = queue(world, recipients=["a@example.test", "b@example.test"])
    assert notification_deliver(notification_id=first.pk).outcome == "sent"
    smtp_settings.stop()  # the server goes away, closing the connection we kept open
    smtp_settings.start()
    assert notification_deliver(notification_id=second.pk).outcome == "sent"
    second.refresh_from_db()
    assert (second.status, second.attempts) == (Status.SENT, 1)
    assert [m.rcpt_tos for m in smtp_settings.messages()] == [
        ["a@example.test"],
        ["b@example.test"],
    ]
