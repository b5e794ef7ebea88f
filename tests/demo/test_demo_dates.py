"""The demo's past stands on its own dates (demo/backdate.py): the 2023 sơ kết and
tổng kết, counted as of the plan's dates from the transition log, find the cases the
demo registered and recognised, and every case's log reads in the order it happened."""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from committees.models import VoteRound
from dashboards.management.commands.dashboard_report import SystemReader
from dashboards.reports import SO_KET, TONG_KET, report_as_of, report_build
from dashboards.scope import scope_from_request
from models_registry.models import Campaign, Initiative
from tests.demo_data import DEMO_TODAY, demo_load
from workflow.lifecycle import State
from workflow.models import TransitionLog

ZONE = ZoneInfo(settings.TIME_ZONE)


def _report(campaign, kind):
    actor = SystemReader()
    scope = scope_from_request(
        actor=actor, params={"campaign": str(campaign.pk)}, as_of=report_as_of(campaign, kind)
    )
    return report_build(scope, actor=actor, kind=kind)


def _by_state(report) -> dict[str, int]:
    return {n.key.removeprefix("state:"): n.value for n in report.overview.by_state}


def test_the_2023_so_ket_counts_the_cases_the_demo_registered_by_mid_year(db):
    demo_load()
    campaign = Campaign.objects.get(year=2023)
    cases = Initiative.objects.filter(campaign=campaign)
    # The demo sends every 2023 case it sends in February and March; those it returns
    # for revision, the same day, are drafts again and stay so.
    returned = cases.filter(transition_logs__transition="return_for_revision")
    sent = cases.filter(transition_logs__transition="submit").exclude(pk__in=returned)
    running = cases.filter(transition_logs__transition="start").distinct()

    report = _report(campaign, SO_KET)

    assert report.as_of == datetime.date(2023, 6, 30)
    assert report.overview.total.value == cases.count() > 0
    assert report.overview.submitted.value == sent.count() > 100
    states = _by_state(report)
    # Started in spring, none inspected before October.
    assert states[State.IN_PROGRESS] == running.count() > 50
    assert states[State.INSPECTED] == states[State.RECOGNIZED] == 0
    assert returned.exists()
    assert states[State.DRAFT] == cases.count() - sent.count()


def test_the_2023_tong_ket_counts_the_cases_the_demo_recognised_by_year_end(db):
    demo_load()
    campaign = Campaign.objects.get(year=2023)
    year_end = campaign.year_end_report_due
    recognised = (
        VoteRound.objects.filter(
            case__campaign=campaign, decision__isnull=False, decision__date__lte=year_end
        )
        .values("case")
        .distinct()
        .count()
    )

    report = _report(campaign, TONG_KET)

    assert report.as_of == year_end == datetime.date(2023, 11, 30)
    states = _by_state(report)
    assert states[State.RECOGNIZED] == recognised == 2
    assert states[State.NOT_RECOGNIZED] == 1
    assert (
        states[State.INSPECTED]
        == Initiative.objects.filter(campaign=campaign, state=State.INSPECTED).count()
    )
    assert len(report.tables["recognized"].rows) == recognised
    # The medians read the milestones, on the days of the visits and the decisions.
    durations = report.overview.durations
    assert durations.to_inspection_cases == 9
    assert durations.to_decision_cases == 3


def test_the_milestones_are_the_days_the_demo_acted_on_in_office_hours(db):
    demo_load()
    visits = Initiative.objects.filter(campaign__year=2023, inspected_at__isnull=False)
    assert {c.inspected_at.astimezone(ZONE).date() for c in visits} == {datetime.date(2023, 10, 20)}
    decided = Initiative.objects.filter(campaign__year=2023, decided_at__isnull=False)
    assert {c.decided_at.astimezone(ZONE).date() for c in decided} == {datetime.date(2023, 10, 30)}
    for case in Initiative.objects.filter(campaign__year=2022):
        assert case.created_at.astimezone(ZONE).date() == datetime.date(2022, 2, 21)
        assert case.registered_at.astimezone(ZONE).date() == datetime.date(2022, 3, 1)
    for at in TransitionLog.objects.filter(case__campaign__year__lte=2023).values_list(
        "at", flat=True
    ):
        assert 8 <= at.astimezone(ZONE).hour < 18


def test_every_case_was_created_before_its_log_and_its_log_reads_in_order(db):
    demo_load()
    created = dict(Initiative.objects.values_list("pk", "created_at"))
    logs = defaultdict(list)
    for case_id, at in TransitionLog.objects.order_by("pk").values_list("case_id", "at"):
        logs[case_id].append(at)
    assert len(logs) > 100
    for case_id, times in logs.items():
        assert created[case_id] < times[0], case_id
        assert times == sorted(times) and len(set(times)) == len(times), case_id


def test_the_live_year_before_today_is_on_its_days_too(db):
    demo_load()  # seeded as of DEMO_TODAY, a day before the real today
    assert timezone.localdate() > DEMO_TODAY
    campaign = Campaign.objects.get(year=DEMO_TODAY.year)
    cases = Initiative.objects.filter(campaign=campaign)
    assert {c.created_at.astimezone(ZONE).date() < DEMO_TODAY for c in cases} == {True}
    decided = cases.filter(decided_at__isnull=False)
    assert decided.exists()
    assert {c.decided_at.astimezone(ZONE).date() for c in decided} == {
        DEMO_TODAY - datetime.timedelta(days=2)
    }
