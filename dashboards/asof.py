"""The figures as they stood at the end of a past day: the sơ kết counted as of the
campaign's mid-year date, the tổng kết as of its year-end date, whatever happened since.

A case's state then is the target of its last transition logged before the day ended
(the log is append-only, and every change of state goes through it); a case with no
transition by then was a draft; a case created after the day does not count. Its level
then is that of its last "recognize" or "upgrade" by then. Both are correlated
subqueries on the log's (case, time) rows, annotated as ``state_then`` and
``level_then``; the dashboards' filters on ``state`` and ``recognized_level`` are
renamed to them (``then_q``), so the same counts run over either.

What the log does not keep is read from its own dated rows: a progress report counts
if it was written by then; the medians use only the inspections and decisions stamped
by then.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from models_registry.conditions import Attention, attention_filter
from models_registry.models import ProgressKind, ProgressReport
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .median import Durations, durations

# The model's fields whose value "then" is an annotation.
RENAMED = {"state": "state_then", "recognized_level": "level_then"}


def day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` (local time): "as of" includes the whole day."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def cases_as_of(cases: QuerySet, *, day: datetime.date) -> QuerySet:
    """``cases`` that existed at the end of ``day``, with ``state_then`` and
    ``level_then`` (the recognition level's id, or None)."""
    end = day_end(day)
    logged = TransitionLog.objects.filter(case=OuterRef("pk"), at__lt=end).order_by("-at", "-pk")
    decided = logged.filter(transition__in=("recognize", "upgrade"))
    return cases.filter(created_at__lt=end).annotate(
        state_then=Coalesce(Subquery(logged.values("target")[:1]), Value(State.DRAFT.value)),
        level_then=Subquery(
            decided.annotate(
                level=Cast(KeyTextTransform("level_id", "payload"), IntegerField())
            ).values("level")[:1]
        ),
    )


def _rename(lookup: str) -> str:
    head, sep, rest = lookup.partition("__")
    return RENAMED.get(head, head) + sep + rest


def then_q(q: Q | None) -> Q | None:
    """``q`` with its lookups on ``state`` and ``recognized_level`` moved to their values
    then (any depth of ``&``, ``|`` and ``~``)."""
    if q is None:
        return None
    new = Q()
    new.connector, new.negated = q.connector, q.negated
    new.children = [
        then_q(child) if isinstance(child, Q) else (_rename(child[0]), child[1])
        for child in q.children
    ]
    return new


def overdue_filter(cases: QuerySet, attention: str, *, day: datetime.date, campaigns=None):
    """The cases of ``cases`` (annotated by ``cases_as_of``) that needed ``attention`` at
    the end of ``day``: the list's conditions, on the states and reports of then."""
    a = Attention
    end = day_end(day)
    if attention == a.DRAFT_LATE:
        return cases.filter(state_then=State.DRAFT, campaign__registration_deadline__lt=day)
    if attention in (a.MID_YEAR_REPORT_OVERDUE, a.YEAR_END_REPORT_OVERDUE):
        mid = attention == a.MID_YEAR_REPORT_OVERDUE
        due = "mid_year_report_due" if mid else "year_end_report_due"
        written = ProgressReport.objects.filter(
            initiative=OuterRef("pk"),
            kind=ProgressKind.MID_YEAR if mid else ProgressKind.YEAR_END,
            created_at__lt=end,
        )
        return cases.filter(state_then=State.IN_PROGRESS, **{f"campaign__{due}__lt": day}).exclude(
            Exists(written)
        )
    if attention == a.PAST_END_UNINSPECTED:
        return cases.filter(state_then=State.IN_PROGRESS, end_date__lt=day)
    if attention == a.DECISION_OVERDUE:
        allowances = [(c.pk, c.decision_wait_days) for c in campaigns or []]
        late = Q(pk__in=[])
        for campaign_id, days in allowances:
            cutoff = end - datetime.timedelta(days=days)
            late |= Q(campaign_id=campaign_id, inspected_at__lt=cutoff)
        return cases.filter(state_then=State.INSPECTED).filter(late)
    # A booked visit (another app's rows): those still booked and dated before the day,
    # among the cases then running.
    running = cases.filter(state_then=State.IN_PROGRESS)
    return attention_filter(running, attention, today=day, campaigns=campaigns)


def durations_as_of(cases: QuerySet, *, day: datetime.date) -> Durations:
    """The medians over the inspections and decisions stamped by the end of ``day``."""
    end = day_end(day)
    inspected = durations(cases.filter(inspected_at__lt=end))
    decided = durations(cases.filter(decided_at__lt=end, inspected_at__isnull=False))
    return Durations(
        to_inspection_days=inspected.to_inspection_days,
        to_inspection_cases=inspected.to_inspection_cases,
        to_decision_days=decided.to_decision_days,
        to_decision_cases=decided.to_decision_cases,
    )


__all__ = ["cases_as_of", "day_end", "durations_as_of", "overdue_filter", "then_q"]
