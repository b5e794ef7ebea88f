"""Every inspection message reaches its audience exactly once: counted as outbox rows by
kind and recipient, with services retried and the sweep run twice."""

import datetime
from collections import Counter

import pytest

from inspections.services.scheduling import inspection_cancel, inspection_move
from notifications.models import Notification
from workflow.deadlines import deadlines_run, sweep_rules

from .helpers import TODAY, VISIT_DAY, complete, full_visit

UNIT_EMAIL = "dangUy.dongngan@example.test"


def outbox(kind: str) -> Counter:
    rows = Notification.objects.filter(kind=kind).select_related("user")
    return Counter(row.user.username if row.user_id else row.email for row in rows)


def once(*recipients) -> Counter:
    return Counter(dict.fromkeys(recipients, 1))


@pytest.fixture
def unit_and_team(world, inspector2):
    return once("canbo.a", UNIT_EMAIL, "kiemtra", inspector2.username)


def sweep(day: datetime.date) -> dict:
    return deadlines_run(today=day)


class TestScheduling:
    def test_booking_tells_the_unit_and_the_team_once(self, world, booked, unit_and_team):
        assert outbox("inspection_scheduled") == unit_and_team
        row = Notification.objects.filter(kind="inspection_scheduled", user=world.inspector).get()
        assert "10/10/2023" in row.subject
        assert booked.case.name in row.body_text
        assert "Trưởng đoàn: Cán bộ kiểm tra" in row.body_text

    def test_each_move_tells_them_once_more(self, world, booked, unit_and_team):
        for days in (1, 2):
            inspection_move(
                actor=world.secretariat,
                inspection=booked,
                planned_date=VISIT_DAY + datetime.timedelta(days=days),
                reason="Đơn vị đề nghị lùi lịch",
                today=TODAY,
            )
        assert outbox("inspection_moved") == unit_and_team + unit_and_team
        subjects = set(
            Notification.objects.filter(kind="inspection_moved").values_list("subject", flat=True)
        )
        assert subjects == {
            f"Dời lịch kiểm tra mô hình “{booked.case.name}” sang ngày 11/10/2023",
            f"Dời lịch kiểm tra mô hình “{booked.case.name}” sang ngày 12/10/2023",
        }

    def test_cancelling_tells_them_once(self, world, booked, unit_and_team):
        inspection_cancel(actor=world.secretariat, inspection=booked, reason="Đoàn bận đột xuất")
        assert outbox("inspection_cancelled") == unit_and_team
        body = Notification.objects.filter(kind="inspection_cancelled").first().body_text
        assert "Lý do: Đoàn bận đột xuất" in body

    def test_nobody_else_is_told(self, world, booked):
        told = set(
            Notification.objects.filter(kind__startswith="inspection_").values_list(
                "user__username", flat=True
            )
        )
        assert {"bandanvan", "canbo.b", "chutich", "lanhdao", "nguoingoai"}.isdisjoint(told)


class TestTheSweep:
    def test_rules_are_registered_for_run_deadlines(self):
        assert {"inspection-tomorrow", "inspection-overdue"} <= set(sweep_rules())

    def test_the_day_before_the_team_and_the_unit_are_reminded_once(
        self, world, booked, unit_and_team
    ):
        sweep(VISIT_DAY - datetime.timedelta(days=2))
        assert outbox("inspection_tomorrow") == Counter()
        eve = VISIT_DAY - datetime.timedelta(days=1)
        first = sweep(eve)
        second = sweep(eve)
        assert first["inspection-tomorrow"] == 4
        assert second["inspection-tomorrow"] == 0
        assert outbox("inspection_tomorrow") == unit_and_team

    def test_a_moved_inspection_is_reminded_for_its_new_date(self, world, booked, unit_and_team):
        new_day = VISIT_DAY + datetime.timedelta(days=7)
        inspection_move(
            actor=world.secretariat,
            inspection=booked,
            planned_date=new_day,
            reason="Lùi một tuần",
            today=TODAY,
        )
        sweep(VISIT_DAY - datetime.timedelta(days=1))
        assert outbox("inspection_tomorrow") == Counter()
        sweep(new_day - datetime.timedelta(days=1))
        assert outbox("inspection_tomorrow") == unit_and_team

    def test_a_date_passed_without_a_record_tells_the_lead_and_the_secretariat_once(
        self, world, booked
    ):
        sweep(VISIT_DAY)
        assert outbox("inspection_overdue") == Counter()
        for days in (1, 1, 2, 5):
            sweep(VISIT_DAY + datetime.timedelta(days=days))
        assert outbox("inspection_overdue") == once("kiemtra", "bandanvan")
        row = Notification.objects.get(kind="inspection_overdue", user=world.inspector)
        assert "chưa có biên bản kiểm tra" in row.body_text.lower()

    def test_a_completed_record_is_not_overdue(self, world, booked, criteria):
        complete(world, booked, full_visit(criteria, level=world.level_base))
        sweep(VISIT_DAY + datetime.timedelta(days=1))
        assert outbox("inspection_overdue") == Counter()

    def test_a_cancelled_inspection_gets_no_reminder(self, world, booked):
        inspection_cancel(actor=world.secretariat, inspection=booked, reason="Hủy")
        sweep(VISIT_DAY - datetime.timedelta(days=1))
        sweep(VISIT_DAY + datetime.timedelta(days=1))
        assert outbox("inspection_tomorrow") == Counter()
        assert outbox("inspection_overdue") == Counter()


class TestTheResult:
    def test_a_recorded_result_tells_the_unit_and_the_secretariat_once(
        self, world, booked, criteria
    ):
        complete(world, booked, full_visit(criteria, level=world.level_base))
        # Sent by the notifications app's receiver for record_inspection, not twice by us.
        assert outbox("case_inspected") == once("canbo.a", UNIT_EMAIL, "bandanvan")
        others = Notification.objects.filter(kind__startswith="inspection_").exclude(
            kind="inspection_scheduled"
        )
        assert not others.exists()
