"""Which cases need attention, as querysets: the list filters ``stage`` and ``attention``
apply these, and the dashboards count through those filters, so a dashboard number and
the list it links to are the same query.

Each predicate is relative to ``today`` (the local date) and runs in the database
(``EXISTS`` subqueries on indexed columns), never by loading cases into Python.
"""

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from workflow.lifecycle import State
from workflow.models import TransitionLog

from ..models import Campaign, Initiative

# How far ahead "upcoming" inspections reach on the inspector's dashboard (the filter
# itself is open-ended: every booked date from today on).
UPCOMING_DAYS = 30


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


def _inspection_model():
    # inspections sits beside models_registry (it imports our models); reach it through
    # the reverse relation rather than an import at module level.
    return Initiative._meta.get_field("inspections").related_model


def _booked_statuses() -> tuple[str, ...]:
    from inspections.models import BOOKED

    return tuple(BOOKED)


def stage_filter(qs: QuerySet[Initiative], stage: str) -> QuerySet[Initiative]:
    if stage == Stage.SUBMITTED:
        return qs.exclude(state=State.DRAFT)
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


def _booked_inspection(today, *, upcoming: bool):
    Inspection = _inspection_model()
    dated = {"planned_date__gte": today} if upcoming else {"planned_date__lt": today}
    return Inspection.objects.filter(case=OuterRef("pk"), status__in=_booked_statuses(), **dated)


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


def _vote_awaited(qs, user):
    """The cases in the queue of a committee ``user`` sits on (see
    ``committee_selectors.committee_queue``) on which they have not voted in the open
    round. One ``IN`` per committee of theirs (a member sits on a handful)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    from workflow.models import RoundStatus, Vote
    from workflow.selectors import committees_of

    from ..committee_selectors import committee_queue

    awaited = Q(pk__in=[])
    for committee in committees_of(user):
        voted = Vote.objects.filter(
            member=user,
            round__committee=committee,
            round__status=RoundStatus.OPEN,
            round__case=OuterRef("pk"),
        )
        queue = committee_queue(committee=committee).exclude(Exists(voted))
        awaited |= Q(pk__in=queue.order_by().values("pk"))
    return qs.filter(awaited)


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
    if attention == a.VISIT_UPCOMING:
        return qs.filter(Exists(_booked_inspection(today, upcoming=True)))
    if attention == a.VISIT_MISSED:
        return qs.filter(Exists(_booked_inspection(today, upcoming=False)))
    if attention == a.PAST_END_UNINSPECTED:
        return qs.filter(state=State.IN_PROGRESS, end_date__lt=today)
    if attention == a.DECISION_OVERDUE:
        return _decision_overdue(qs, today, campaigns)
    if attention == a.VOTE_AWAITED:
        return _vote_awaited(qs, user)
    return qs
