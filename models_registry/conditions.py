"""Which cases need attention, as querysets: the list filters ``stage`` and ``attention``
apply these, and the dashboards count through those filters, so a dashboard number and
the list it links to are the same query.

Each predicate is relative to ``today`` (the local date) and runs in the database
(``EXISTS`` subqueries on indexed columns), never by loading cases into Python.

The predicates that read another app's tables (a booked inspection, a committee's vote)
are registered by that app in its ``AppConfig.ready()`` (``attention_register``): the
registry imports no app above it. Without its app, such a condition matches no case.
"""

import datetime
from collections.abc import Callable

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from models_registry.models import Campaign, Initiative
from workflow.lifecycle import State
from workflow.models import TransitionLog

# How far ahead "upcoming" inspections reach on the inspector's dashboard (the filter
# itself is open-ended: every booked date from today on).
UPCOMING_DAYS = 30


# Withdrawn straight from a draft, before withdrawal was limited to registered cases
# (issue 14): such a case was never sent, whatever its state says.
NEVER_SUBMITTED = Q(state=State.WITHDRAWN, registered_at__isnull=True)
# What every "submitted" count means (the list's filter, the dashboard, the reports): sent
# at least once and not back with the unit as a draft.
SUBMITTED = ~Q(state=State.DRAFT) & ~NEVER_SUBMITTED


class Stage(models.TextChoices):
    """How far a case got, whatever its state is now."""

    SUBMITTED = "submitted", "Đã gửi đăng ký (mọi trạng thái trừ bản nháp)"
    INSPECTED = "inspected", "Đã có kết quả kiểm tra"
    DECIDED = "decided", "Đã có quyết định (công nhận hoặc không)"


class Attention(models.TextChoices):
    """Work that is due or overdue, as of today."""

    DRAFT_LATE = "draft_late", "Bản nháp chưa gửi, đã quá hạn đăng ký"
    RETURNED = "returned", "Bị trả lại, chờ đơn vị chỉnh sửa"
    MID_YEAR_REPORT_MISSING = "mid_year_report_missing", "Chưa nộp báo cáo sơ kết"
    MID_YEAR_REPORT_OVERDUE = "mid_year_report_overdue", "Quá hạn báo cáo sơ kết"
    YEAR_END_REPORT_MISSING = "year_end_report_missing", "Chưa nộp báo cáo tổng kết"
    YEAR_END_REPORT_OVERDUE = "year_end_report_overdue", "Quá hạn báo cáo tổng kết"
    VISIT_UPCOMING = "visit_upcoming", "Đã lên lịch kiểm tra, sắp tới"
    VISIT_MISSED = "visit_missed", "Quá ngày kiểm tra, chưa có biên bản"
    PAST_END_UNINSPECTED = "past_end_uninspected", "Hết thời gian triển khai, chưa kiểm tra"
    DECISION_OVERDUE = "decision_overdue", "Chờ quyết định quá số ngày cho phép"
    VOTE_AWAITED = "vote_awaited", "Chờ bạn biểu quyết"


# attention -> fn(qs, *, today, user) -> the cases of qs that need it.
_predicates: dict[str, Callable[..., QuerySet[Initiative]]] = {}


def attention_register(attention: str, predicate: Callable[..., QuerySet[Initiative]]) -> None:
    """Register the predicate of an ``Attention`` that reads another app's tables."""
    if attention not in Attention.values:
        raise ValueError(f"Unknown attention {attention!r}")
    _predicates[attention] = predicate


def stage_filter(qs: QuerySet[Initiative], stage: str) -> QuerySet[Initiative]:
    if stage == Stage.SUBMITTED:
        return qs.filter(SUBMITTED)
    if stage == Stage.INSPECTED:
        # Stamped by every "record_inspection" (the log's time; see WorkflowCase).
        return qs.filter(inspected_at__isnull=False)
    if stage == Stage.DECIDED:
        return qs.filter(state__in=[State.RECOGNIZED, State.NOT_RECOGNIZED])
    return qs


def _report_missing(qs, flag: str, due_field: str, today, *, overdue: bool):
    # ``flag``: set on the case by its first report of the kind (progress_report_create).
    qs = qs.filter(state=State.IN_PROGRESS, **{f"campaign__{due_field}__isnull": False})
    if overdue:
        qs = qs.filter(**{f"campaign__{due_field}__lt": today})
    return qs.filter(**{flag: False})


def _decision_overdue(qs, today: datetime.date, campaigns=None):
    # The wait is counted from the day the case last became "inspected" (a re-inspection
    # restarts it): record_inspection is the one transition into that state, and
    # transition_apply stamps its time on the case. Each campaign has its own allowance,
    # so one cut-off per campaign.
    allowances = (
        [(c.pk, c.decision_wait_days) for c in campaigns]
        if campaigns is not None
        else Campaign.objects.values_list("pk", "decision_wait_days")
    )
    late = Q(pk__in=[])
    for campaign_id, days in allowances:
        cutoff = today - datetime.timedelta(days=days)
        late |= Q(campaign_id=campaign_id, waiting_since__lt=cutoff)
    return (
        qs.filter(state=State.INSPECTED).alias(waiting_since=TruncDate("inspected_at")).filter(late)
    )


def attention_filter(
    qs: QuerySet[Initiative], attention: str, *, today: datetime.date, user=None, campaigns=None
):
    """The cases of ``qs`` that need ``attention`` as of ``today`` (``user``: whose vote
    is awaited; ``campaigns``: every campaign, when the caller has read them already)."""
    a = Attention
    if attention == a.DRAFT_LATE:
        return qs.filter(state=State.DRAFT, campaign__registration_deadline__lt=today)
    if attention == a.RETURNED:
        returned = TransitionLog.objects.filter(
            case=OuterRef("pk"), transition="return_for_revision"
        )
        return qs.filter(state=State.DRAFT).filter(Exists(returned))
    if attention in (a.MID_YEAR_REPORT_MISSING, a.MID_YEAR_REPORT_OVERDUE):
        overdue = attention == a.MID_YEAR_REPORT_OVERDUE
        return _report_missing(
            qs, "mid_year_reported", "mid_year_report_due", today, overdue=overdue
        )
    if attention in (a.YEAR_END_REPORT_MISSING, a.YEAR_END_REPORT_OVERDUE):
        overdue = attention == a.YEAR_END_REPORT_OVERDUE
        return _report_missing(
            qs, "year_end_reported", "year_end_report_due", today, overdue=overdue
        )
    if attention == a.PAST_END_UNINSPECTED:
        return qs.filter(state=State.IN_PROGRESS, end_date__lt=today)
    if attention == a.DECISION_OVERDUE:
        return _decision_overdue(qs, today, campaigns)
    if attention in Attention.values:  # one that another app answers
        predicate = _predicates.get(attention)
        return qs.none() if predicate is None else predicate(qs, today=today, user=user)
    return qs
