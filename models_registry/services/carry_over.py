"""Carrying a model over into a later campaign ("duy trì và phát triển mô hình đã có").

The rule: a model can be carried over when it belongs to an earlier campaign and was
actually run — it is in progress (its year is over, so it ran its course), inspected,
recognised, or not recognised (a unit may keep improving a model the committee did not
recognise). Drafts and registrations that never started, and withdrawn models, have
nothing to maintain: those are registered anew. Each model is carried over at most once
into a given campaign.
"""

import datetime

from django.db import transaction

from units.models import Unit
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

from ..models import Campaign, Initiative
from ..selectors import CARRY_OVER_STATES
from .initiatives import initiative_create

NOT_OFFICER = "Chỉ cán bộ của đơn vị đăng ký mới được duy trì, phát triển mô hình này."
NOT_EARLIER = (
    "Chỉ duy trì được mô hình của năm trước sang một kế hoạch năm sau "
    "(mô hình thuộc năm {source_year}, kế hoạch chọn là năm {target_year})."
)
NOT_RUN = (
    "Chỉ duy trì, phát triển được mô hình đã triển khai (đang triển khai, đã kiểm tra, "
    "đã hoặc không được công nhận); mô hình này đang ở trạng thái “{state}”."
)
ALREADY_CARRIED = "Mô hình “{name}” đã được duy trì sang năm {year} (hồ sơ “{existing}”)."
UNIT_INACTIVE = (
    "Đơn vị “{unit}” đã ngừng hoạt động từ {until}; không thể duy trì mô hình dưới tên đơn vị này."
)
UNIT_SUCCESSOR = " Đơn vị kế thừa là “{successor}”: hãy đăng ký mô hình mới cho đơn vị đó."


def carry_over_eligible(initiative: Initiative, campaign: Campaign) -> bool:
    """Whether ``initiative`` could be carried into ``campaign`` (ignoring who asks and
    whether it already was)."""
    return initiative.state in CARRY_OVER_STATES and initiative.campaign.year < campaign.year


def shift_years(day: datetime.date | None, years: int) -> datetime.date | None:
    """``day`` moved ``years`` years on; 29 February becomes 28 February."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def fields_in_campaign(source: Initiative, campaign: Campaign) -> dict:
    """What a new case copied from ``source`` into ``campaign`` takes of it (carried
    over, or replicated by another unit): the name, goals, fields and subject; the dates
    moved on by the years between the two campaigns (never back); the target level of
    the same rank in ``campaign``, if it has one."""
    years = max(campaign.year - source.campaign.year, 0)
    target_level = (
        campaign.levels.filter(rank=source.target_level.rank).first()
        if source.target_level
        else None
    )
    return {
        "name": source.name,
        "goals": source.goals,
        "field_economy": source.field_economy,
        "field_culture_society": source.field_culture_society,
        "field_defence_security": source.field_defence_security,
        "field_political_system": source.field_political_system,
        "subject": source.subject,
        "start_date": shift_years(source.start_date, years),
        "end_date": shift_years(source.end_date, years),
        "target_level": target_level,
    }


def _unit_problem(unit: Unit, campaign: Campaign) -> str | None:
    if unit.active_to and unit.active_to < campaign.registration_deadline:
        message = UNIT_INACTIVE.format(unit=unit.name, until=unit.active_to.strftime("%d/%m/%Y"))
        if unit.successor_id:
            message += UNIT_SUCCESSOR.format(successor=unit.successor.name)
        return message
    return None


def initiative_carry_over(*, actor, source: Initiative, campaign: Campaign) -> Initiative:
    """A new draft in ``campaign`` that maintains and develops ``source``.

    Guarantees: ``actor`` is an officer of the source's unit (or a unit above it); the
    source belongs to an earlier campaign and was run (see the module's rule); the
    draft is registered by the same unit, linked by ``continues_from``, pre-filled with
    the name, goals, fields and subject, its dates moved on by the difference in years
    and its target level the one of the same rank in the new campaign; a source is
    carried into a campaign at most once, even when two requests race (the source row
    is locked, and the campaign-unit-name uniqueness backs it up). Nothing is written
    when any check fails.
    """
    if Role.UNIT_OFFICER not in source.roles_of(actor):
        raise WorkflowError(NOT_OFFICER)
    with transaction.atomic():
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("campaign", "unit", "unit__successor", "target_level")
            .get(pk=source.pk)
        )
        if locked.campaign.year >= campaign.year:
            raise WorkflowError(
                NOT_EARLIER.format(source_year=locked.campaign.year, target_year=campaign.year)
            )
        if locked.state not in CARRY_OVER_STATES:
            raise WorkflowError(NOT_RUN.format(state=locked.get_state_display()))
        existing = (
            Initiative.objects.filter(continues_from=locked, campaign=campaign).only("name").first()
        )
        if existing is not None:
            raise WorkflowError(
                ALREADY_CARRIED.format(name=locked.name, year=campaign.year, existing=existing.name)
            )
        problem = _unit_problem(locked.unit, campaign)
        if problem:
            raise WorkflowError(problem)
        return initiative_create(
            actor=actor,
            campaign=campaign,
            unit=locked.unit,
            continues_from=locked,
            **fields_in_campaign(locked, campaign),
        )
