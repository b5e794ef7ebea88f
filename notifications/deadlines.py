"""Reminder rules of the daily sweep (registered with ``workflow.deadlines``).

Each rule reads the campaigns' dates (a handful of rows), finds what is due with an
indexed query, and queues messages whose dedupe keys make a second run for the same day
send nothing.
"""

import datetime

from django.db.models import Exists, OuterRef, Q

from models_registry.models import Campaign, Initiative, ProgressKind, ProgressReport
from units.models import Unit
from workflow.deadlines import sweep_rule
from workflow.lifecycle import State

from .models import Notification
from .recipients import secretariat_recipients, unit_recipients
from .services import notification_queue

REMIND_DAYS_BEFORE = (7, 3, 1)
MISSING_LIST_WITHIN_DAYS = 7


def registrants(*, today: datetime.date):
    """The units expected to register: those directly under a root unit (the city's
    bodies, organisations and ward party committees), active on ``today``. A sub-unit
    registers through them, so it is counted in its parent's subtree."""
    return (
        Unit.objects.filter(parent__isnull=False, parent__parent__isnull=True)
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=today))
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
        .order_by("path")
    )


def units_without_submission(*, campaign: Campaign, today: datetime.date):
    """Registrants whose subtree holds no case of ``campaign`` beyond a draft."""
    submitted = Initiative.objects.filter(
        campaign=campaign, unit__path__startswith=OuterRef("path")
    ).exclude(state=State.DRAFT)
    return registrants(today=today).exclude(Exists(submitted))


@sweep_rule("registration-reminder")
def registration_reminder(today: datetime.date) -> int:
    """D-7, D-3, D-1: remind each unit that has submitted nothing yet."""
    sent = 0
    days = {today + datetime.timedelta(days=n): n for n in REMIND_DAYS_BEFORE}
    for campaign in Campaign.objects.filter(registration_deadline__in=list(days)):
        left = days[campaign.registration_deadline]
        for unit in units_without_submission(campaign=campaign, today=today):
            sent += len(
                notification_queue(
                    kind="registration_reminder",
                    recipients=unit_recipients(unit),
                    dedupe_key=f"registration-reminder:{campaign.pk}:{unit.pk}:{today}",
                    context={"campaign": campaign, "unit": unit, "days_left": left},
                )
            )
    return sent


@sweep_rule("registration-missing-units")
def registration_missing_units(today: datetime.date) -> int:
    """After the deadline: the list of units that submitted nothing, to the secretariat,
    once per campaign (the first sweep within a week of the deadline sends it)."""
    sent = 0
    campaigns = Campaign.objects.filter(
        registration_deadline__lt=today,
        registration_deadline__gte=today - datetime.timedelta(days=MISSING_LIST_WITHIN_DAYS),
    )
    for campaign in campaigns:
        missing = list(units_without_submission(campaign=campaign, today=today))
        if not missing:
            continue
        sent += len(
            notification_queue(
                kind="registration_missing_units",
                recipients=secretariat_recipients(),
                dedupe_key=f"registration-missing-units:{campaign.pk}",
                context={"campaign": campaign, "units": missing, "today": today},
            )
        )
    return sent


@sweep_rule("progress-report-due")
def progress_report_due(today: datetime.date) -> int:
    """D-7 and D-1 before the mid-year and year-end report dates: remind the unit of
    each running model that has no report of that kind yet."""
    sent = 0
    for days_left in (7, 1):
        due = today + datetime.timedelta(days=days_left)
        for kind, field in (
            (ProgressKind.MID_YEAR, "mid_year_report_due"),
            (ProgressKind.YEAR_END, "year_end_report_due"),
        ):
            campaigns = list(Campaign.objects.filter(**{field: due}))
            if not campaigns:
                continue
            reported = ProgressReport.objects.filter(initiative=OuterRef("pk"), kind=kind)
            cases = (
                Initiative.objects.filter(campaign__in=campaigns, state=State.IN_PROGRESS)
                .exclude(Exists(reported))
                .select_related("unit", "campaign")
            )
            for case in cases:
                sent += len(
                    notification_queue(
                        kind="progress_report_due",
                        recipients=unit_recipients(case.unit),
                        dedupe_key=f"progress-report-due:{kind}:{case.pk}:{today}",
                        context={"report_label": kind.label, "due": due, "days_left": days_left},
                        case=case,
                    )
                )
    return sent


@sweep_rule("past-end-uninspected")
def past_end_uninspected(today: datetime.date) -> int:
    """Running models past their end date and still not inspected: once per case, to
    the secretariat (the partial index on running cases' end dates finds them)."""
    told = Notification.objects.filter(case=OuterRef("pk"), kind="case_past_end_uninspected")
    cases = (
        Initiative.objects.filter(state=State.IN_PROGRESS, end_date__lt=today)
        .exclude(Exists(told))
        .select_related("unit", "campaign")
    )
    secretariat = secretariat_recipients()
    sent = 0
    for case in cases:
        sent += len(
            notification_queue(
                kind="case_past_end_uninspected",
                recipients=secretariat,
                dedupe_key=f"past-end-uninspected:{case.pk}",
                context={"today": today},
                case=case,
            )
        )
    return sent
