"""The report requests' rules of the daily sweep (registered with ``workflow.deadlines``).

Both find what is due among the answers still owed (the partial index
``report_answer_owing``) and queue messages whose dedupe keys make each one go once,
however many times the sweep runs — and a missed day is caught up by the next sweep."""

import datetime

from django.conf import settings
from django.urls import reverse

from notifications.recipients import secretariat_recipients, unit_recipients
from notifications.services import notification_queue
from workflow.deadlines import sweep_rule

from .models import OWING, ReportAnswer, ReportRequest

# The list of missing units goes to the secretariat on the first sweep after the due
# date, within this many days (an old request is not announced again after an outage).
MISSING_LIST_WITHIN_DAYS = 7


@sweep_rule("report-reminder")
def report_reminder(today: datetime.date) -> int:
    """Within ``REPORTS_REMIND_DAYS_BEFORE`` days of the due date (the due date itself
    included): remind each unit that has not sent its report, once per answer."""
    window_end = today + datetime.timedelta(days=settings.REPORTS_REMIND_DAYS_BEFORE)
    answers = (
        ReportAnswer.objects.filter(
            status__in=OWING, request__due_date__gte=today, request__due_date__lte=window_end
        )
        .select_related("request__campaign", "unit")
        .order_by("request_id", "unit__path")
    )
    sent = 0
    for answer in answers:
        sent += len(
            notification_queue(
                kind="report_reminder",
                recipients=unit_recipients(answer.unit),
                dedupe_key=f"report-reminder:{answer.pk}",
                context={
                    "answer": answer,
                    "report": answer.request,
                    "unit": answer.unit,
                    "days_left": (answer.request.due_date - today).days,
                    "url": reverse("reports:answer", args=[answer.pk]),
                },
            )
        )
    return sent


@sweep_rule("report-missing-units")
def report_missing_units(today: datetime.date) -> int:
    """After the due date: the list of the units that have not sent, to the
    secretariat, once per request."""
    requests = ReportRequest.objects.filter(
        due_date__lt=today,
        due_date__gte=today - datetime.timedelta(days=MISSING_LIST_WITHIN_DAYS),
    ).select_related("campaign")
    secretariat = None
    sent = 0
    for request in requests:
        missing = [
            answer.unit
            for answer in ReportAnswer.objects.filter(request=request, status__in=OWING)
            .select_related("unit")
            .order_by("unit__path")
        ]
        if not missing:
            continue
        if secretariat is None:
            secretariat = secretariat_recipients()
        sent += len(
            notification_queue(
                kind="report_missing_units",
                recipients=secretariat,
                dedupe_key=f"report-missing-units:{request.pk}",
                context={
                    "report": request,
                    "units": missing,
                    "today": today,
                    "url": reverse("reports:request_detail", args=[request.pk]),
                },
            )
        )
    return sent
