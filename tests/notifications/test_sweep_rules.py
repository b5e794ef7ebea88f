"""The daily sweep's rules on the shared test world: who is reminded of what and when,
and that a second run for the same day writes nothing."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from models_registry.services.progress import progress_report_create
from notifications.models import Notification
from tests.factories import BEFORE_DEADLINE, make_draft
from workflow import deadlines
from workflow.deadlines import SweepFailed, deadlines_run, sweep_rule
from workflow.lifecycle import State
from workflow.models import TransitionLog
from workflow.services import transition_apply

D = datetime.date
UNIT_A = "dangUy.dongngan@example.test"


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).select_related("user").order_by("pk"))


def who(kind: str) -> set[str]:
    return {r.user.username if r.user else r.email for r in rows(kind)}


@pytest.fixture
def running(world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    transition_apply(case=draft, name="start", actor=world.officer_a, today=draft.start_date)
    Notification.objects.all().delete()
    return draft


def test_units_with_nothing_submitted_are_reminded_7_3_and_1_days_before_the_deadline(world):
    make_draft(world, unit=world.ward_a_sub)  # a draft is not a submission
    for day, left in ((D(2023, 2, 27), 7), (D(2023, 3, 3), 3), (D(2023, 3, 5), 1)):
        results = deadlines_run(today=day)
        assert results["registration-reminder"] == 3  # officer A + ward A's address, officer B
        assert deadlines_run(today=day)["registration-reminder"] == 0
        subjects = {r.subject for r in rows("registration_reminder") if str(day) in r.dedupe_key}
        assert subjects == {f"Còn {left} ngày hết hạn đăng ký mô hình “Dân vận khéo” năm 2023"}
    assert deadlines_run(today=D(2023, 3, 1))["registration-reminder"] == 0  # D-5: no rule


def test_a_submission_anywhere_in_the_units_subtree_stops_its_reminders(world):
    case = make_draft(world, unit=world.ward_a_sub)
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    Notification.objects.all().delete()
    deadlines_run(today=D(2023, 2, 27))
    assert who("registration_reminder") == {"canbo.b"}


def test_after_the_deadline_the_secretariat_gets_the_missing_units_once(world):
    case = make_draft(world)
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    assert deadlines_run(today=D(2023, 3, 6))["registration-missing-units"] == 0  # deadline day
    assert deadlines_run(today=D(2023, 3, 7))["registration-missing-units"] == 1
    (listing,) = rows("registration_missing_units")
    assert listing.user == world.secretariat
    assert listing.subject == "1 đơn vị chưa đăng ký mô hình “Dân vận khéo” năm 2023"
    assert "1. Đảng ủy phường Tam Sơn" in listing.body_text
    assert "Đông Ngàn" not in listing.body_text
    assert deadlines_run(today=D(2023, 3, 8))["registration-missing-units"] == 0


def test_registered_cases_start_on_their_start_date_through_the_workflow(world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    assert (
        deadlines_run(today=draft.start_date - datetime.timedelta(days=1))["start-registered"] == 0
    )
    assert deadlines_run(today=draft.start_date)["start-registered"] == 1
    draft.refresh_from_db()
    assert draft.state == State.IN_PROGRESS
    log = TransitionLog.objects.get(case=draft, transition="start")
    assert log.actor is None
    assert who("case_started") == {"canbo.a", UNIT_A}
    assert deadlines_run(today=draft.start_date)["start-registered"] == 0


def test_progress_reports_due_are_reminded_unless_already_filed(world, running):
    mid_year = world.campaign.mid_year_report_due  # 30/06/2023
    assert deadlines_run(today=mid_year - datetime.timedelta(days=7))["progress-report-due"] == 2
    (row, _) = rows("progress_report_due")
    assert row.subject == f"Còn 7 ngày đến hạn báo cáo sơ kết mô hình “{running.name}”"
    progress_report_create(
        actor=world.officer_a,
        initiative=running,
        kind="mid_year",
        report_date=mid_year - datetime.timedelta(days=2),
        achievements="Đã vận động 80% hộ dân.",
        percent_complete=80,
    )
    assert deadlines_run(today=mid_year - datetime.timedelta(days=1))["progress-report-due"] == 0
    year_end = world.campaign.year_end_report_due
    assert deadlines_run(today=year_end - datetime.timedelta(days=1))["progress-report-due"] == 2


def test_a_running_case_past_its_end_date_is_reported_to_the_secretariat_once(world, running):
    assert deadlines_run(today=running.end_date)["past-end-uninspected"] == 0
    after = running.end_date + datetime.timedelta(days=1)
    assert deadlines_run(today=after)["past-end-uninspected"] == 1
    assert who("case_past_end_uninspected") == {"bandanvan"}
    assert deadlines_run(today=after + datetime.timedelta(days=1))["past-end-uninspected"] == 0


def test_a_failing_rule_does_not_stop_the_others_and_the_command_reports_it(world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)

    @sweep_rule("test-broken")
    def broken(today):
        raise RuntimeError("hỏng")

    try:
        with pytest.raises(SweepFailed) as excinfo:
            deadlines_run(today=draft.start_date)
        assert excinfo.value.results["start-registered"] == 1
        assert "test-broken" in excinfo.value.failed
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError):
            call_command("run_deadlines", "--today", "2023-03-02", stdout=out, stderr=err)
        assert "test-broken: LỖI RuntimeError: hỏng" in err.getvalue()
    finally:
        deadlines._rules.pop("test-broken")
    draft.refresh_from_db()
    assert draft.state == State.IN_PROGRESS


def test_run_deadlines_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("run_deadlines", "--today", "06/03/2023")


def test_beat_runs_the_sweep_daily_at_seven_local_time_and_the_flush_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE
    daily = schedule["deadlines-daily"]
    assert daily["task"] == "workflow.deadlines_sweep"
    assert daily["schedule"].hour == {7} and daily["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
    assert schedule["notifications-flush"]["task"] == "notifications.flush"
