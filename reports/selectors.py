"""Reads of the report requests: the secretariat's lists and compliance table, a unit
officer's answers to give, the figures the city's report sums.

A unit officer reaches the answers of the units they are an officer of (on the unit or
above it, as for the cases); the secretariat reaches everything. Outside the reach an
answer or a request is a 404, never a hint."""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from units.access import is_secretariat, officer_units
from units.models import Unit

from .models import COUNTED, NUMBER_FIELDS, OWING, AnswerStatus, ReportAnswer, ReportRequest


def request_totals(*, request: ReportRequest) -> dict:
    """The sums of each number (``NUMBER_FIELDS``) over the answers that were sent or
    accepted (a returned or unsent answer counts nothing), plus ``answers``: how many
    answers were summed. One query."""
    sums = ReportAnswer.objects.filter(request=request, status__in=COUNTED).aggregate(
        answers=Count("pk"), **{name: Sum(name) for name in NUMBER_FIELDS}
    )
    return {key: int(value or 0) for key, value in sums.items()}


def request_missing_units(*, request: ReportRequest) -> list[Unit]:
    """The units asked by ``request`` that have not sent their report (never sent, or
    returned and not sent again), in the directory's order. One query."""
    return list(
        Unit.objects.filter(report_answers__request=request, report_answers__status__in=OWING)
        .order_by("path")
        .distinct()
    )


# --- the secretariat ---------------------------------------------------------------------


def request_list(*, actor, campaign=None) -> QuerySet[ReportRequest]:
    """Every request (secretariat only), newest due first, with the count of answers
    asked, sent (or accepted) and still owed — one query whatever the number of rows."""
    if not is_secretariat(actor):
        return ReportRequest.objects.none()
    qs = ReportRequest.objects.select_related("campaign", "opened_by").annotate(
        asked=Count("answers"),
        received=Count("answers", filter=Q(answers__status__in=COUNTED)),
        accepted=Count("answers", filter=Q(answers__status=AnswerStatus.ACCEPTED)),
        owing=Count("answers", filter=Q(answers__status__in=OWING)),
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-due_date", "-pk")


def request_get(*, actor, pk: int) -> ReportRequest:
    """The request, for the secretariat; 404 for anyone else."""
    if not is_secretariat(actor):
        raise Http404("Không tìm thấy yêu cầu báo cáo.")
    try:
        return ReportRequest.objects.select_related("campaign", "opened_by", "audience_unit").get(
            pk=pk
        )
    except (ReportRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy yêu cầu báo cáo.") from None


def compliance_rows(*, request: ReportRequest, today) -> list[ReportAnswer]:
    """Every unit asked, in the directory's order, with its answer and its
    ``timeliness_code`` / ``timeliness_label`` on ``today`` (one query)."""
    rows = list(
        ReportAnswer.objects.filter(request=request)
        .select_related("unit", "sent_by", "returned_by", "accepted_by")
        .defer("counted", "results", "lessons", "proposals")
        .order_by("unit__path")
    )
    for row in rows:
        row.request = request  # the same object: no query per row for its due date
        row.timeliness_code, row.timeliness_label = row.timeliness(today)
    return rows


# --- the units ---------------------------------------------------------------------------


def _officer_scope(actor) -> Q | None:
    units = officer_units(actor)
    if not units:
        return None
    scope = Q()
    for unit in units:
        scope |= Q(unit__path__startswith=unit.path)
    return scope


def answer_list(*, actor) -> QuerySet[ReportAnswer]:
    """The answers ``actor`` gives as a unit officer (their units and the units under
    them), the ones still owed first, then by due date."""
    scope = _officer_scope(actor)
    if scope is None:
        return ReportAnswer.objects.none()
    return (
        ReportAnswer.objects.filter(scope)
        .select_related("request__campaign", "unit")
        .defer("counted", "results", "lessons", "proposals", "request__instructions")
        .order_by("request__due_date", "unit__path", "pk")
    )


def answer_get(*, actor, pk: int) -> ReportAnswer:
    """An answer ``actor`` may see: the secretariat any, a unit officer their units';
    404 otherwise."""
    qs = ReportAnswer.objects.select_related(
        "request__campaign", "unit", "returned_by", "sent_by", "accepted_by"
    )
    if not is_secretariat(actor):
        scope = _officer_scope(actor)
        if scope is None:
            raise Http404("Không tìm thấy báo cáo.")
        qs = qs.filter(scope)
    try:
        return qs.get(pk=pk)
    except (ReportAnswer.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy báo cáo.") from None


def answers_to_give(*, actor) -> list[ReportAnswer]:
    """The unit officer's answers still owed, soonest due first (the dashboard's to-do)."""
    return list(answer_list(actor=actor).filter(status__in=OWING))


# --- the dashboard -----------------------------------------------------------------------


def requests_open_overview(*, actor, limit: int = 5) -> list[ReportRequest]:
    """For the secretariat's dashboard: the requests that still have answers owed, the
    soonest due first, each with ``late_units`` (the units owing past the due date, in
    the directory's order). Two queries."""
    if not is_secretariat(actor):
        return []
    today = timezone.localdate()
    late_answers = (
        ReportAnswer.objects.filter(status__in=OWING, request__due_date__lt=today)
        .select_related("unit")
        .only("pk", "request_id", "status", "unit__name", "unit__path")
        .order_by("unit__path")
    )
    requests = list(
        ReportRequest.objects.filter(answers__status__in=OWING)
        .annotate(owing=Count("answers", filter=Q(answers__status__in=OWING)))
        .select_related("campaign")
        .order_by("due_date", "pk")
        .prefetch_related(Prefetch("answers", queryset=late_answers, to_attr="late_answers"))
        .distinct()[:limit]
    )
    for item in requests:
        item.late_units = [answer.unit for answer in item.late_answers]
    return requests
