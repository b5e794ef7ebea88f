"""Writes to registered models that are not state changes (those go through
``workflow.services.transition_apply``)."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from audit import services as audit
from units.access import is_secretariat, units_for_officer
from units.models import Unit
from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State

from ..models import Campaign, DeadlineExtension, Initiative

NOT_YOUR_UNIT = "Bạn chỉ được đăng ký mô hình cho đơn vị mình và các đơn vị trực thuộc."
CHANGED_MEANWHILE = (
    "Hồ sơ vừa được chuyển trạng thái trong lúc bạn sửa; thay đổi chưa được lưu. "
    "Vui lòng tải lại trang."
)
ONLY_DRAFTS = "Chỉ sửa được hồ sơ đang ở trạng thái “Bản nháp”."
NOT_OFFICER = "Chỉ cán bộ của đơn vị đăng ký mới được sửa hồ sơ này."
DUPLICATE = "Đơn vị “{unit}” đã có mô hình “{name}” trong kế hoạch năm {year}."
END_BEFORE_START = "Thời gian kết thúc phải sau thời gian bắt đầu."
LEVEL_OF_OTHER_CAMPAIGN = "Cấp đăng ký không thuộc kế hoạch năm {year}."
ONLY_SECRETARIAT = "Chỉ Ban Dân vận được gia hạn đăng ký."
REASON_REQUIRED = "Vui lòng ghi rõ lý do gia hạn."
EXTENSION_CAMPAIGN_CLOSED = "Kế hoạch năm {year} đã đóng: không gia hạn được nữa."
EXTENSION_NOT_AFTER_DEADLINE = "Ngày được nộp đến phải sau hạn đăng ký ({deadline})."
EXTENSION_ALREADY_REVOKED = "Gia hạn này đã được thu hồi trước đó."

EDITABLE_FIELDS = (
    "unit",
    "name",
    "goals",
    "field_economy",
    "field_culture_society",
    "field_defence_security",
    "field_political_system",
    "subject",
    "start_date",
    "end_date",
    "target_level",
)


def _validate(initiative: Initiative) -> None:
    errors = []
    if (
        initiative.start_date
        and initiative.end_date
        and initiative.end_date < initiative.start_date
    ):
        errors.append(END_BEFORE_START)
    if initiative.target_level and initiative.target_level.campaign_id != initiative.campaign_id:
        errors.append(LEVEL_OF_OTHER_CAMPAIGN.format(year=initiative.campaign.year))
    if errors:
        raise WorkflowError(*errors)


def _save_unique(initiative: Initiative) -> None:
    try:
        with transaction.atomic():
            initiative.save()
    except IntegrityError as exc:
        raise WorkflowError(
            DUPLICATE.format(
                unit=initiative.unit.name, name=initiative.name, year=initiative.campaign.year
            )
        ) from exc


def _records_for_units(actor) -> bool:
    # The Ban Dân vận records the drafts units send on paper (the biểu mẫu import,
    # `import_registrations`); submitting stays with the unit's own officers.
    return is_secretariat(actor)


def _may_register_for(actor, unit: Unit) -> bool:
    if _records_for_units(actor):
        return True
    return units_for_officer(actor).filter(pk=unit.pk).exists()


def initiative_create(
    *, actor, campaign: Campaign, unit: Unit, continues_from: Initiative | None = None, **data: Any
) -> Initiative:
    """A new draft for ``unit``, which must lie within the actor's units (the Ban Dân
    vận, recording what units sent on paper, may act for any unit).

    Guarantees: one case per campaign, unit and name (diacritics and case ignored);
    end date not before start date; the target level belongs to the campaign."""
    if not _may_register_for(actor, unit):
        raise WorkflowError(NOT_YOUR_UNIT)
    if closed := campaign.closed_errors():
        raise WorkflowError(*closed)
    initiative = Initiative(
        campaign=campaign, unit=unit, created_by=actor, continues_from=continues_from
    )
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"initiative_create() got an unexpected field {name!r}")
        setattr(initiative, name, value)
    _validate(initiative)
    _save_unique(initiative)
    return initiative


def initiative_update(*, actor, initiative: Initiative, **data: Any) -> Initiative:
    """Edit a draft. Only the officers of its unit (or the Ban Dân vận, recording a
    unit's corrected form), only while it is a draft."""
    if Role.UNIT_OFFICER not in initiative.roles_of(actor) and not _records_for_units(actor):
        raise WorkflowError(NOT_OFFICER)
    if initiative.state != State.DRAFT:
        raise WorkflowError(ONLY_DRAFTS)
    if closed := initiative.campaign.closed_errors():
        raise WorkflowError(*closed)
    if "unit" in data and not _may_register_for(actor, data["unit"]):
        raise WorkflowError(NOT_YOUR_UNIT)
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"initiative_update() got an unexpected field {name!r}")
        setattr(initiative, name, value)
    _validate(initiative)
    # Saves only the editable columns, never the protected state.
    try:
        with transaction.atomic():
            initiative.save(update_fields=[*data, "name_key", "search_text", "updated_at"])
    except IntegrityError as exc:
        raise WorkflowError(
            DUPLICATE.format(
                unit=initiative.unit.name, name=initiative.name, year=initiative.campaign.year
            )
        ) from exc
    except ConcurrentTransition as exc:  # submitted or withdrawn while being edited
        raise WorkflowError(CHANGED_MEANWHILE) from exc
    return initiative


EXTENSION_FIELDS = ("unit", "until", "reason", "revoked_at", "revoked_by")


def deadline_extension_grant(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    until: datetime.date,
    reason: str,
) -> DeadlineExtension:
    """The secretariat lets ``unit`` and its sub-units submit until ``until``.

    Guarantees: only the secretariat (or the superuser); a reason; the campaign is not
    closed; ``until`` lies after the registration deadline (an extension to a date the
    deadline already covers would change nothing); one administration log row. Telling
    the unit is the caller's part (``plans.services``)."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    errors = []
    if not reason.strip():
        errors.append(REASON_REQUIRED)
    if campaign.is_closed:
        errors.append(EXTENSION_CAMPAIGN_CLOSED.format(year=campaign.year))
    if until <= campaign.registration_deadline:
        errors.append(
            EXTENSION_NOT_AFTER_DEADLINE.format(
                deadline=campaign.registration_deadline.strftime("%d/%m/%Y")
            )
        )
    if errors:
        raise WorkflowError(*errors)
    with transaction.atomic():
        extension = DeadlineExtension.objects.create(
            campaign=campaign, unit=unit, until=until, reason=reason.strip(), granted_by=actor
        )
        audit.record(
            actor=actor,
            action="extension.grant",
            target=extension,
            after=audit.snapshot(extension, ("unit", "until", "reason")),
            reason=extension.reason,
        )
    return extension


def deadline_extension_revoke(
    *, actor, extension: DeadlineExtension, reason: str = ""
) -> DeadlineExtension:
    """End an extension now. The row stays (revoked at, by whom), so the list and the
    administration log keep reading it; revoking twice is refused."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    with transaction.atomic():
        locked = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
        if locked.revoked_at is not None:
            raise WorkflowError(EXTENSION_ALREADY_REVOKED)
        before = audit.snapshot(locked, ("revoked_at", "revoked_by"))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=actor,
            action="extension.revoke",
            target=locked,
            before=before,
            after=audit.snapshot(locked, ("revoked_at", "revoked_by")),
            reason=reason.strip(),
        )
    return locked
