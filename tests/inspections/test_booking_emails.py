"""Booking many models at once sends ONE e-mail per recipient for the booking, listing
the models, through the real outbox, worker and SMTP server; delivering again, flushing
and queueing the same booking again send nothing twice."""

import pytest

from inspections.models import Inspection
from inspections.notify import notify_scheduled_batch
from notifications.models import Notification, Status
from notifications.services import notification_deliver, notifications_flush
from tests.notifications.conftest import (  # noqa: F401  (the real worker and broker)
    redis_url,
    smtp,
    wait_until,
    worker,
)

from .helpers import book, make_running

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["Dân vận khéo xây dựng nông thôn mới", "Chợ văn minh", "Khu phố sáng - xanh - sạch"]


def test_booking_three_models_of_one_unit_sends_one_message_per_recipient_listing_the_three(
    world,
    smtp,  # noqa: F811
    worker,  # noqa: F811
    settings,
):
    cases = [make_running(world, name=name, unit=world.ward_a_sub) for name in NAMES]
    # The registrations' own messages are not ours: let them go first.
    wait_until(lambda: not Notification.objects.exclude(status=Status.SENT).exists())
    smtp.reset()

    inspections = book(world, cases, place="Nhà văn hóa khu phố 3")

    rows = list(Notification.objects.filter(kind__startswith="inspection").select_related("user"))
    who = sorted(row.user.username if row.user_id else row.email for row in rows)
    # The unit's officer, the unit's address (ward A's own, sub-unit has none) and the
    # inspector: one row each, not three.
    assert len(who) == len(set(who)) and "kiemtra" in who and "canbo.a" in who
    assert {row.kind for row in rows} == {"inspections_scheduled"}
    messages = smtp.wait_for(len([r for r in rows if r.email]))
    wait_until(lambda: not Notification.objects.exclude(status=Status.SENT).exists())
    assert sorted(m.rcpt_tos[0] for m in messages) == sorted(r.email for r in rows if r.email)
    for message in messages:
        assert message.kind == "inspections_scheduled"
        assert message.subject == "Lịch kiểm tra thực tế 3 mô hình ngày 10/10/2023"
        text = message.text()
        for name in NAMES:
            assert text.count(name) == 1 and name in message.html()
        assert "Nhà văn hóa khu phố 3" in text and "Trưởng đoàn: Cán bộ kiểm tra" in text

    # Delivering again (a redelivered task), the flush and the same booking queued again
    # send nothing more.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    assert {notification_deliver(notification_id=r.pk).outcome for r in rows} == {"skipped"}
    assert notifications_flush() == 0
    again = list(Inspection.objects.filter(pk__in=[i.pk for i in inspections]).order_by("pk"))
    assert notify_scheduled_batch(again, team=[world.inspector]) == 0
    assert Notification.objects.filter(kind__startswith="inspection").count() == len(rows)
    assert len(smtp.messages()) == len(messages)


def test_a_booking_across_units_tells_each_unit_of_its_own_models_and_the_team_of_all(world):
    ours = make_running(world, name="Mô hình phường A", unit=world.ward_a)
    theirs = make_running(world, name="Mô hình phường B", unit=world.ward_b)
    Notification.objects.all().delete()

    book(world, [ours, theirs])

    bodies = {
        row.user.username: row.body_text
        for row in Notification.objects.filter(user__isnull=False).select_related("user")
    }
    assert "Mô hình phường A" in bodies["canbo.a"] and "Mô hình phường B" not in bodies["canbo.a"]
    assert "Mô hình phường B" in bodies["canbo.b"] and "Mô hình phường A" not in bodies["canbo.b"]
    assert "Mô hình phường A" in bodies["kiemtra"] and "Mô hình phường B" in bodies["kiemtra"]
