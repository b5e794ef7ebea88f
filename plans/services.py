"""Writes of the yearly plan: a campaign made from the previous one, its edits, opening
and closing it, and the deadline extensions the secretariat grants and revokes.

Every change writes one row of the administration log (``audit.services.record``) in its
own transaction; the extensions' notices to the unit go through the outbox."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from audit import services as audit
from committees.models import Committee
from inspections.models import Criterion
from models_registry.models import Campaign, CampaignStatus, DeadlineExtension, RecognitionLevel
from models_registry.services.initiatives import (
    deadline_extension_grant,
    deadline_extension_revoke,
)
from notifications.recipients import unit_recipients
from notifications.services import notification_queue
from units.access import is_secretariat
from units.models import Unit
from workflow.errors import WorkflowError

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được quản lý kế hoạch năm."
YEAR_TAKEN = "Đã có kế hoạch năm {year}."
YEAR_NOT_AFTER = "Năm của kế hoạch mới phải sau năm {year} của kế hoạch gốc."
CLOSED = "Kế hoạch năm {year} đã đóng nên chỉ xem được, không sửa được."
NAME_REQUIRED = "Vui lòng nhập tên phong trào."
LEVELS_REQUIRED = "Kế hoạch cần ít nhất một cấp công nhận."
LEVEL_NAME_REQUIRED = "Tên cấp công nhận không được để trống."
LEVELS_DUPLICATE = "Hai cấp công nhận trùng tên “{name}”."
DATES_ORDER = "{later} phải sau {earlier}."
ALREADY_OPEN = "Kế hoạch năm {year} đang mở."
NOT_OPEN = "Chỉ đóng được kế hoạch đang mở (kế hoạch năm {year} đang ở tình trạng “{status}”)."

# The fields of a campaign the secretariat edits, as the log records them.
CAMPAIGN_FIELDS = (
    "year",
    "name",
    "plan_number",
    "plan_date",
    "issuer",
    "registration_deadline",
    "mid_year_report_due",
    "year_end_report_due",
    "recognition_date",
    "decision_wait_days",
    "resubmit_days",
)
EDITABLE_FIELDS = tuple(name for name in CAMPAIGN_FIELDS if name != "year")
DATE_ORDER = (
    ("plan_date", "registration_deadline"),
    ("registration_deadline", "mid_year_report_due"),
    ("mid_year_report_due", "year_end_report_due"),
    ("registration_deadline", "recognition_date"),
)


def _only_secretariat(actor) -> None:
    if actor is None or not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)


def _label(name: str) -> str:
    return str(Campaign._meta.get_field(name).verbose_name)


def _check_fields(data: dict) -> list[str]:
    errors = []
    if not str(data.get("name") or "").strip():
        errors.append(NAME_REQUIRED)
    for earlier, later in DATE_ORDER:
        if data.get(earlier) and data.get(later) and data[later] <= data[earlier]:
            errors.append(DATES_ORDER.format(later=_label(later), earlier=_label(earlier).lower()))
    return errors


def _check_levels(levels: list[str]) -> list[str]:
    names = [name.strip() for name in levels]
    if not names:
        return [LEVELS_REQUIRED]
    if any(not name for name in names):
        return [LEVEL_NAME_REQUIRED]
    seen, errors = set(), []
    for name in names:
        if name.lower() in seen:
            errors.append(LEVELS_DUPLICATE.format(name=name))
        seen.add(name.lower())
    return errors


def shift_years(day: datetime.date | None, years: int) -> datetime.date | None:
    """``day`` moved ``years`` years on; 29 February becomes 28 February."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def campaign_draft_from(source: Campaign, *, year: int | None = None) -> dict:
    """The values a new campaign starts from: ``source``'s, a year (or more) on — what
    the creation form shows before the secretariat edits it."""
    year = year or source.year + 1
    years = year - source.year
    name = source.name.replace(str(source.year), str(year))
    if name == source.name:
        name = f"{source.name} năm {year}"
    return {
        "year": year,
        "name": name,
        "plan_number": "",
        "plan_date": None,
        "issuer": source.issuer,
        "registration_deadline": shift_years(source.registration_deadline, years),
        "mid_year_report_due": shift_years(source.mid_year_report_due, years),
        "year_end_report_due": shift_years(source.year_end_report_due, years),
        "recognition_date": shift_years(source.recognition_date, years),
        "decision_wait_days": source.decision_wait_days,
        "resubmit_days": source.resubmit_days,
        "levels": list(source.levels.order_by("rank").values_list("name", flat=True)),
    }


def _renamed(name: str, source_year: int, year: int) -> str:
    renamed = re.sub(rf"\b{source_year}\b", str(year), name)
    return renamed if renamed != name else f"{name} ({year})"


@dataclass
class CopyResult:
    campaign: Campaign
    levels: list[RecognitionLevel] = field(default_factory=list)
    criteria: int = 0
    committees: int = 0


def campaign_create_from(
    *,
    actor,
    source: Campaign,
    year: int,
    levels: list[str],
    copy_criteria: bool = True,
    copy_committees: bool = True,
    status: str = CampaignStatus.PREPARING,
    **data,
) -> CopyResult:
    """A new year's campaign made from ``source`` in one step.

    Guarantees: only the secretariat; one campaign per year, after the source's year;
    the dates in order; the levels as given (ranked in the order given; they usually
    are the source's, renamed or extended), the source's scoring criteria copied
    (subject, order, name, guidance, maximum) and each of its committees copied onto
    the level of the same rank (unit, chair, members, vote rule; the year in its name
    moved on); all or nothing; one administration log row. The new campaign is being
    prepared: units register only once it is opened (``campaign_open``)."""
    _only_secretariat(actor)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"campaign_create_from() got unexpected fields {sorted(unknown)}")
    errors = _check_fields(data) + _check_levels(levels)
    if year <= source.year:
        errors.append(YEAR_NOT_AFTER.format(year=source.year))
    if Campaign.objects.filter(year=year).exists():
        errors.append(YEAR_TAKEN.format(year=year))
    if errors:
        raise WorkflowError(*errors)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(year=year, status=status, **data)
            result = CopyResult(campaign=campaign)
            result.levels = [
                RecognitionLevel.objects.create(campaign=campaign, rank=rank, name=name.strip())
                for rank, name in enumerate(levels, start=1)
            ]
            if copy_criteria:
                result.criteria = len(
                    Criterion.objects.bulk_create(
                        Criterion(
                            campaign=campaign,
                            subject=c.subject,
                            order=c.order,
                            name=c.name,
                            description=c.description,
                            max_points=c.max_points,
                        )
                        for c in Criterion.objects.filter(campaign=source).order_by("pk")
                    )
                )
            if copy_committees:
                result.committees = _committees_copy(source, result.levels)
            audit.record(
                actor=actor,
                action="campaign.create",
                target=campaign,
                after={
                    **audit.snapshot(campaign, CAMPAIGN_FIELDS),
                    "status": campaign.get_status_display(),
                    "levels": [level.name for level in result.levels],
                    "copied_from": str(source),
                    "criteria": result.criteria,
                    "committees": result.committees,
                },
            )
    except IntegrityError as exc:  # two secretaries creating the same year at once
        raise WorkflowError(YEAR_TAKEN.format(year=year)) from exc
    return result


def _committees_copy(source: Campaign, levels: list[RecognitionLevel]) -> int:
    by_rank = {level.rank: level for level in levels}
    copied = 0
    committees = Committee.objects.filter(level__campaign=source).select_related("level")
    for committee in committees.prefetch_related("members").order_by("level__rank", "pk"):
        level = by_rank.get(committee.level.rank)
        if level is None:
            continue
        copy = Committee.objects.create(
            name=_renamed(committee.name, source.year, levels[0].campaign.year),
            level=level,
            unit_id=committee.unit_id,
            chair_id=committee.chair_id,
            quorum_numerator=committee.quorum_numerator,
            quorum_denominator=committee.quorum_denominator,
            approval_numerator=committee.approval_numerator,
            approval_denominator=committee.approval_denominator,
        )
        copy.members.set(committee.members.all())
        copied += 1
    return copied


def _refuse_closed(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise WorkflowError(CLOSED.format(year=campaign.year))


def campaign_update(*, actor, campaign: Campaign, levels: list[str] | None = None, **data):
    """Edit a campaign that is not closed: its plan, dates, periods and level names
    (``levels`` in rank order; levels can be renamed or added, never removed, since
    cases and committees point at them). One log row for the fields, one for the
    levels, only for what changed."""
    _only_secretariat(actor)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"campaign_update() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _refuse_closed(locked)
        merged = {**{name: getattr(locked, name) for name in EDITABLE_FIELDS}, **data}
        errors = _check_fields(merged)
        existing = list(locked.levels.order_by("rank"))
        if levels is not None:
            errors += _check_levels(levels)
            if len(levels) < len(existing):
                errors.append(LEVELS_REQUIRED if not levels else LEVELS_KEPT)
        if errors:
            raise WorkflowError(*errors)
        before = audit.snapshot(locked, EDITABLE_FIELDS)
        for name, value in data.items():
            setattr(locked, name, value)
        if data:
            locked.save(update_fields=list(data))
        audit.record(
            actor=actor,
            action="campaign.update",
            target=locked,
            before=before,
            after=audit.snapshot(locked, EDITABLE_FIELDS),
        )
        if levels is not None:
            names_before = [level.name for level in existing]
            for level, name in zip(existing, levels, strict=False):
                if level.name != name.strip():
                    level.name = name.strip()
                    level.save(update_fields=["name"])
            for rank, name in enumerate(levels[len(existing) :], start=len(existing) + 1):
                RecognitionLevel.objects.create(campaign=locked, rank=rank, name=name.strip())
            audit.record(
                actor=actor,
                action="campaign.levels",
                target=locked,
                before={"levels": names_before},
                after={"levels": [name.strip() for name in levels]},
            )
    campaign.refresh_from_db()
    return campaign


LEVELS_KEPT = "Không bỏ được cấp công nhận đã có; chỉ đổi tên hoặc thêm cấp mới."


def _status_change(*, actor, campaign: Campaign, action: str, to: str, reason: str, check):
    _only_secretariat(actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        check(locked)
        before = {"status": locked.get_status_display()}
        locked.status = to
        locked.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action=action,
            target=locked,
            before=before,
            after={"status": locked.get_status_display()},
            reason=reason.strip(),
        )
    campaign.refresh_from_db()
    return campaign


def campaign_open(*, actor, campaign: Campaign, reason: str = "") -> Campaign:
    """Open a campaign being prepared: units may register and submit into it from now
    on. (Last year's may stay open meanwhile, for its late decisions' paperwork.)"""

    def check(locked: Campaign) -> None:
        if locked.is_closed:
            raise WorkflowError(CLOSED.format(year=locked.year))
        if locked.is_open:
            raise WorkflowError(ALREADY_OPEN.format(year=locked.year))

    return _status_change(
        actor=actor,
        campaign=campaign,
        action="campaign.open",
        to=CampaignStatus.OPEN,
        reason=reason,
        check=check,
    )


def campaign_close(*, actor, campaign: Campaign, reason: str = "") -> Campaign:
    """Close an open campaign: from now on it is read-only (no new case, no submission,
    no edit of its plan, no extension)."""

    def check(locked: Campaign) -> None:
        if not locked.is_open:
            raise WorkflowError(
                NOT_OPEN.format(year=locked.year, status=locked.get_status_display())
            )

    return _status_change(
        actor=actor,
        campaign=campaign,
        action="campaign.close",
        to=CampaignStatus.CLOSED,
        reason=reason,
        check=check,
    )


# --- deadline extensions -----------------------------------------------------------------


def _extension_notice(extension: DeadlineExtension, *, kind: str) -> None:
    notification_queue(
        kind=kind,
        recipients=unit_recipients(extension.unit),
        dedupe_key=f"{kind}:{extension.pk}",
        context={"extension": extension, "campaign": extension.campaign, "unit": extension.unit},
    )


def extension_grant(
    *, actor, campaign: Campaign, unit: Unit, until: datetime.date, reason: str
) -> DeadlineExtension:
    """Grant ``unit`` and its sub-units the right to submit into ``campaign`` until
    ``until`` (rules: ``models_registry``'s ``deadline_extension_grant``), and tell the
    unit's officers through the outbox, in the same transaction."""
    with transaction.atomic():
        extension = deadline_extension_grant(
            actor=actor, campaign=campaign, unit=unit, until=until, reason=reason
        )
        _extension_notice(extension, kind="extension_granted")
    return extension


def extension_revoke(*, actor, extension: DeadlineExtension, reason: str = "") -> DeadlineExtension:
    """End an extension now (the row stays, marked revoked) and tell the unit."""
    with transaction.atomic():
        extension = deadline_extension_revoke(actor=actor, extension=extension, reason=reason)
        _extension_notice(extension, kind="extension_revoked")
    return extension
