"""The daily sweep on the Từ Sơn 2023 demo: reminders 7, 3 and 1 days before the
06/03/2023 deadline to the units that have submitted nothing, the list of those units to
the secretariat after it, registered models started on their start date; a second run
for the same day sends nothing."""

import datetime
import io
import re
from collections import Counter

import pytest
import redis
from django.core.management import call_command
from django.utils import timezone

from models_registry.models import Campaign, Initiative
from notifications.models import Notification, Status
from tests.demo_data import demo_load
from units.models import Membership, Unit
from workflow.lifecycle import Role, State

from .conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

SECRETARIAT = "bandanvan@tuson.example"
UNIT_IN_REMINDER = re.compile(r"Đến nay (.+?) và các đơn vị trực thuộc chưa gửi")


def officers_and_address(unit: Unit, memberships: list[Membership]) -> set[str]:
    """Who hears about ``unit``: officers on it or above it, and its own address."""
    emails = {
        m.user.email
        for m in memberships
        if m.role == Role.UNIT_OFFICER and unit.path.startswith(m.unit.path)
    }
    return emails | ({unit.email} if unit.email else set())


def expected_missing_units(campaign: Campaign) -> list[Unit]:
    """Computed the long way: units right under the city whose whole subtree holds no
    case of the campaign beyond a draft."""
    cases = list(Initiative.objects.filter(campaign=campaign).select_related("unit"))
    city = Unit.objects.get(parent__isnull=True)
    return [
        unit
        for unit in Unit.objects.filter(parent=city).order_by("path")
        if not any(c.unit.path.startswith(unit.path) and c.state != State.DRAFT for c in cases)
    ]


def run(day: datetime.date) -> str:
    out = io.StringIO()
    call_command("run_deadlines", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def delivered_since(smtp, *, before: int, since: datetime.datetime):
    """What the mail server got once every row written since ``since`` is delivered."""
    wait_until(
        lambda: (
            not Notification.objects.filter(
                status__in=[Status.PENDING, Status.SENDING], created_at__gte=since
            ).exists()
        ),
        timeout=180,
        message="the sweep's messages delivered",
    )
    return smtp.messages()[before:]


def test_run_deadlines_on_the_demo_sends_the_right_reminders_once(redis_url, smtp, worker_factory):
    demo_load()
    # The demo's own notices (its submissions) stay queued out of this test's way.
    redis.Redis.from_url(redis_url).flushdb()
    worker_factory()
    campaign = Campaign.objects.get(year=2023)
    memberships = list(Membership.objects.select_related("user", "unit"))
    missing = expected_missing_units(campaign)
    assert missing, "the demo has units that submitted nothing"
    assert len(missing) < Unit.objects.filter(parent__parent__isnull=True).count() - 1

    expected_reminders = Counter(
        (address, unit.name)
        for unit in missing
        for address in officers_and_address(unit, memberships)
    )

    for day, days_left in (
        (datetime.date(2023, 2, 27), 7),
        (datetime.date(2023, 3, 3), 3),
        (datetime.date(2023, 3, 5), 1),
        (datetime.date(2023, 3, 7), None),
    ):
        to_start = [
            c
            for c in Initiative.objects.select_related("unit")
            if c.state == State.REGISTERED and c.start_date <= day
        ]
        before, since = len(smtp.messages()), timezone.now()
        rows_before = Notification.objects.count()
        run(day)
        received = delivered_since(smtp, before=before, since=since)
        by_kind = Counter(m.kind for m in received)

        reminders = [m for m in received if m.kind == "registration_reminder"]
        if days_left is None:
            assert reminders == []
            (listing,) = [m for m in received if m.kind == "registration_missing_units"]
            assert listing.rcpt_tos == [SECRETARIAT]
            assert listing.subject == (
                f"{len(missing)} đơn vị chưa đăng ký mô hình “Dân vận khéo” năm 2023"
            )
            listed = re.findall(r"^\s+\d+\. (.+)$", listing.text(), re.MULTILINE)
            assert listed == [unit.name for unit in missing]
        else:
            assert by_kind["registration_missing_units"] == 0
            assert {m.subject for m in reminders} == {
                f"Còn {days_left} ngày hết hạn đăng ký mô hình “Dân vận khéo” năm 2023"
            }
            got = Counter(
                (m.rcpt_tos[0], UNIT_IN_REMINDER.search(m.text()).group(1)) for m in reminders
            )
            assert got == expected_reminders

        started = [m for m in received if m.kind == "case_started"]
        assert Counter(m.rcpt_tos[0] for m in started) == Counter(
            address for c in to_start for address in officers_and_address(c.unit, memberships)
        )
        assert all(Initiative.objects.get(pk=c.pk).state == State.IN_PROGRESS for c in to_start)
        assert set(by_kind) <= {
            "registration_reminder",
            "registration_missing_units",
            "case_started",
            # The demo's cases inspected before that day and still awaiting their vote
            # (the demo dates its past on its own days, demo/backdate.py).
            "committee_vote_waiting",
        }
        assert len({m.message_id for m in received}) == len(received)

        # The same day again: nothing new at all.
        rows_after = Notification.objects.count()
        assert rows_after > rows_before
        counts = re.findall(r": (\d+)$", run(day), re.MULTILINE)
        assert counts and set(counts) == {"0"}
        assert Notification.objects.count() == rows_after
