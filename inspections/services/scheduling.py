"""Scheduling inspections: book, move, cancel; and asking for a re-inspection."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from models_registry.models import Initiative
from units.access import is_secretariat
from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State
from workflow.models import TransitionLog
from workflow.services import transition_apply

from .. import notify
from ..models import BOOKED, OPEN, Inspection, InspectionStatus

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được lên lịch, dời lịch hoặc hủy đợt kiểm tra."
NO_CASES = "Chưa chọn mô hình nào để lên lịch kiểm tra."
NO_DATE = "Vui lòng chọn ngày kiểm tra."
DATE_IN_PAST = "Ngày kiểm tra {date} đã qua; vui lòng chọn từ hôm nay trở đi."
NO_TEAM = "Đoàn kiểm tra cần ít nhất một cán bộ kiểm tra."
NO_LEAD = "Vui lòng chọn trưởng đoàn."
LEAD_NOT_IN_TEAM = "Trưởng đoàn phải là thành viên của đoàn kiểm tra."
NOT_INSPECTOR = "{name} chưa được phân quyền cán bộ kiểm tra nên không thể vào đoàn."
CASE_NOT_RUNNING = (
    "Mô hình “{name}” đang ở trạng thái “{state}”: chỉ lên lịch kiểm tra được mô hình "
    "đang triển khai."
)
CASE_ALREADY_BOOKED = "Mô hình “{name}” đã có lịch kiểm tra ngày {date}."
REASON_REQUIRED = "Vui lòng ghi rõ lý do {what}."
NOT_BOOKED = "Chỉ dời lịch hoặc hủy được đợt kiểm tra chưa thực hiện (hiện: “{status}”)."
SAME_DATE = "Ngày mới trùng với ngày đã hẹn ({date})."

INSPECTOR_BUSY = "{name} đã có lịch kiểm tra mô hình “{case}” trong ngày {date}."
OUTSIDE_RUN = (
    "Ngày kiểm tra {date} nằm ngoài thời gian triển khai của mô hình “{case}” ({start} – {end})."
)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def _name(user) -> str:
    return user.get_full_name() or user.username


@dataclass
class ScheduleResult:
    """What a scheduling call did. With warnings and no confirmation, nothing is written:
    the secretariat reads the warnings and may confirm."""

    inspections: list[Inspection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings) and not self.inspections


def _require_secretariat(actor) -> None:
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)


def _check_team(team: Sequence, lead) -> list[str]:
    if not team:
        return [NO_TEAM]
    errors = []
    if lead is None:
        errors.append(NO_LEAD)
    elif lead.pk not in {member.pk for member in team}:
        errors.append(LEAD_NOT_IN_TEAM)
    inspectors = set(
        get_user_model()
        .objects.filter(pk__in=[m.pk for m in team], memberships__role=Role.INSPECTOR)
        .values_list("pk", flat=True)
    )
    errors += [NOT_INSPECTOR.format(name=_name(m)) for m in team if m.pk not in inspectors]
    return errors


def _check_date(planned_date, today) -> list[str]:
    if planned_date is None:
        return [NO_DATE]
    if planned_date < today:
        return [DATE_IN_PAST.format(date=_d(planned_date))]
    return []


def _team_busy(team: Sequence, planned_date, *, exclude: Iterable[int] = ()) -> list[str]:
    """Team members already booked that day on another inspection."""
    booked = (
        Inspection.team.through.objects.filter(
            user_id__in=[m.pk for m in team],
            inspection__status__in=BOOKED,
            inspection__planned_date=planned_date,
        )
        .exclude(inspection_id__in=list(exclude))
        .select_related("user", "inspection__case")
        .order_by("user_id", "inspection_id")
    )
    return [
        INSPECTOR_BUSY.format(
            name=_name(row.user), case=row.inspection.case.name, date=_d(planned_date)
        )
        for row in booked
    ]


def _outside_run(case: Initiative, planned_date) -> list[str]:
    before = case.start_date and planned_date < case.start_date
    after = case.end_date and planned_date > case.end_date
    if before or after:
        return [
            OUTSIDE_RUN.format(
                date=_d(planned_date),
                case=case.name,
                start=_d(case.start_date),
                end=_d(case.end_date),
            )
        ]
    return []


def inspection_schedule(
    *,
    actor,
    cases: Iterable[Initiative],
    planned_date: datetime.date | None,
    team: Sequence,
    lead,
    place: str = "",
    round_label: str = "",
    confirm: bool = False,
    today: datetime.date | None = None,
) -> ScheduleResult:
    """Book one inspection per case on ``planned_date`` with ``team`` led by ``lead``.

    Guarantees: only the secretariat; every case is in progress and has no booked
    inspection (a case waiting for a re-inspection gets that pending one booked); the date
    is today or later; the team are inspectors and include the lead; all or nothing.
    A team member already booked that day, or a date outside a model's run, is a warning:
    without ``confirm`` nothing is written and the warnings are returned. A blank place
    defaults to the unit's name. The booking does not change the cases' state (they stay
    in progress), so it needs no transition. Its notices are queued in the same
    transaction and grouped: ONE message per recipient (the unit, each team member)
    listing the models booked (``notify.notify_scheduled_batch``)."""
    _require_secretariat(actor)
    today = today or timezone.localdate()
    team = list(dict.fromkeys(team or ()))
    case_ids = list(dict.fromkeys(case.pk for case in cases or ()))
    if not case_ids:
        raise WorkflowError(NO_CASES)
    errors = _check_date(planned_date, today) + _check_team(team, lead)
    if errors:
        raise WorkflowError(*errors)

    with transaction.atomic():
        # Locked so that a state change or a second booking cannot slip in meanwhile.
        locked = list(
            Initiative.objects.select_for_update(of=("self",))
            .select_related("unit", "campaign")
            .filter(pk__in=case_ids)
            .order_by("pk")
        )
        if len(locked) != len(case_ids):
            raise WorkflowError(NO_CASES)
        open_by_case = {
            inspection.case_id: inspection
            for inspection in Inspection.objects.filter(case_id__in=case_ids, status__in=OPEN)
        }
        for case in locked:
            if case.state != State.IN_PROGRESS:
                errors.append(
                    CASE_NOT_RUNNING.format(name=case.name, state=case.get_state_display())
                )
            existing = open_by_case.get(case.pk)
            if existing is not None and existing.status in BOOKED:
                errors.append(
                    CASE_ALREADY_BOOKED.format(name=case.name, date=_d(existing.planned_date))
                )
        if errors:
            raise WorkflowError(*errors)

        warnings = _team_busy(team, planned_date)
        for case in locked:
            warnings += _outside_run(case, planned_date)
        if warnings and not confirm:
            return ScheduleResult(warnings=warnings)

        booked = []
        for case in locked:
            inspection = open_by_case.get(case.pk) or Inspection(case=case, created_by=actor)
            inspection.case = case
            inspection.planned_date = planned_date
            inspection.place = place.strip() or case.unit.name
            inspection.lead = lead
            inspection.round_label = round_label.strip()
            inspection.status = InspectionStatus.SCHEDULED
            try:
                with transaction.atomic():
                    inspection.save()
            except IntegrityError as exc:  # booked by someone else a moment ago
                raise WorkflowError(
                    CASE_ALREADY_BOOKED.format(name=case.name, date=_d(planned_date))
                ) from exc
            inspection.team.set(team)
            booked.append(inspection)
        # One message per recipient for the whole booking, listing its models.
        notify.notify_scheduled_batch(booked, team=team)
    return ScheduleResult(inspections=booked, warnings=warnings)


def _lock(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("case__unit", "lead")
        .get(pk=inspection.pk)
    )


def inspection_move(
    *,
    actor,
    inspection: Inspection,
    planned_date: datetime.date | None,
    reason: str,
    place: str = "",
    confirm: bool = False,
    today: datetime.date | None = None,
) -> ScheduleResult:
    """Move a booked inspection to another date, with a reason.

    Guarantees: only the secretariat; only an inspection not yet done or cancelled; a
    reason; a new date, today or later. The same warnings as scheduling (the team busy
    that day, a date outside the model's run) need ``confirm``. The unit and the team are
    told once per move."""
    _require_secretariat(actor)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    errors = _check_date(planned_date, today)
    if not reason:
        errors.append(REASON_REQUIRED.format(what="dời lịch"))
    if errors:
        raise WorkflowError(*errors)
    with transaction.atomic():
        locked = _lock(inspection)
        if locked.status not in BOOKED:
            raise WorkflowError(NOT_BOOKED.format(status=locked.get_status_display()))
        if locked.planned_date == planned_date:
            raise WorkflowError(SAME_DATE.format(date=_d(planned_date)))
        team = list(locked.team.all())
        warnings = _team_busy(team, planned_date, exclude=[locked.pk])
        warnings += _outside_run(locked.case, planned_date)
        if warnings and not confirm:
            return ScheduleResult(warnings=warnings)
        locked.previous_date = locked.planned_date
        locked.planned_date = planned_date
        locked.place = place.strip() or locked.place
        locked.reason = reason
        locked.status = InspectionStatus.MOVED
        locked.revision += 1
        locked.save()
        notify.notify_moved(locked)
    return ScheduleResult(inspections=[locked], warnings=warnings)


def inspection_cancel(*, actor, inspection: Inspection, reason: str) -> Inspection:
    """Cancel an inspection not yet done, with a reason; the unit and the team are told.

    The case then shows again on the "to inspect" page, to be booked anew."""
    _require_secretariat(actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(REASON_REQUIRED.format(what="hủy đợt kiểm tra"))
    with transaction.atomic():
        locked = _lock(inspection)
        if locked.status not in OPEN:
            raise WorkflowError(NOT_BOOKED.format(status=locked.get_status_display()))
        locked.status = InspectionStatus.CANCELLED
        locked.reason = reason
        locked.save()
        notify.notify_cancelled(locked)
    return locked


def reinspection_request(
    *, actor, case: Initiative, reason: str, expected_state: str | None = None
) -> TransitionLog:
    """Ask for the case to be inspected again (secretariat or committee, with a reason).

    Goes through ``transition_apply("request_reinspection")``; the receiver in
    ``inspections.receivers`` opens the new inspection to schedule in the same
    transaction."""
    return transition_apply(
        case=case,
        name="request_reinspection",
        actor=actor,
        reason=reason,
        expected_state=expected_state,
    )


def reinspection_open(*, case: Initiative, log: TransitionLog, actor) -> Inspection:
    """The inspection a re-inspection request opens: pending, waiting for a date and team.

    Called from the ``case_transitioned`` receiver, inside the transition's transaction."""
    previous = (
        case.inspections.filter(status=InspectionStatus.DONE)
        .order_by("-planned_date", "-id")
        .first()
    )
    return Inspection.objects.create(
        case=case,
        status=InspectionStatus.PENDING,
        planned_date=None,
        place=previous.place if previous else "",
        round_label=previous.round_label if previous else "",
        follows=previous,
        reason=log.reason,
        created_by=actor or (previous.created_by if previous else case.created_by),
    )
