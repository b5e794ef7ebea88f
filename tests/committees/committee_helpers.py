"""Helpers for the committee tests: committees built through ``committee_create``, and
inspected cases built through the inspection services (a booked inspection, a completed
field visit with a verdict), exactly as the app builds them."""

import datetime
import itertools
from fractions import Fraction

from committees.services import committee_create, rounds_close, vote_cast
from inspections.models import Criterion
from inspections.services.visits import visit_complete
from models_registry.models import Subject
from tests.factories import make_user
from tests.inspections.helpers import book, full_visit, make_criteria, make_running
from workflow.lifecycle import Role

VISIT_DAY = datetime.date(2023, 10, 10)
DECISION_DAY = datetime.date(2023, 10, 15)
_names = itertools.count(1)


def criteria_for(world) -> None:
    """The campaign's criteria for both subjects (once per test)."""
    for subject in Subject:
        if not Criterion.objects.filter(campaign=world.campaign, subject=subject).exists():
            make_criteria(world.campaign, subject=subject)


def make_committee(world, *, level=None, unit=None, chair=None, members=None, **rule):
    level = level or world.level_base
    return committee_create(
        name=f"Hội đồng xét công nhận {level.name.lower()} năm {level.campaign.year}",
        level=level,
        unit=unit or world.city,
        chair=chair or world.chair,
        members=world.members if members is None else members,
        **{k: Fraction(v) for k, v in rule.items()},
    )


def extra_members(world, count: int) -> list:
    """More committee members, for rules that need ten people."""
    return [
        make_user(f"thanhvien.them{next(_names)}", (Role.COMMITTEE, world.city))
        for _ in range(count)
    ]


def make_inspected(world, *, name=None, unit=None, verdict="passed", level=None, **kw):
    """A case of ward A (by default) inspected by ``world.inspector`` with ``verdict``."""
    criteria_for(world)
    case = make_running(world, unit=unit, name=name or f"Mô hình thứ {next(_names)}", **kw)
    criteria = list(
        Criterion.objects.filter(campaign=world.campaign, subject=case.subject).order_by("order")
    )
    (inspection,) = book(world, [case])
    passed = verdict == "passed"
    data = full_visit(
        criteria,
        points=16 if passed else 6,
        verdict=verdict,
        level=(level or case.target_level) if passed else None,
    )
    visit_complete(actor=world.inspector, inspection=inspection, data=data, today=VISIT_DAY)
    case.refresh_from_db()
    return case


def votes(committee, case, ballot: dict) -> None:
    """``ballot``: member → True (for) / False (against)."""
    for member, in_favour in ballot.items():
        vote_cast(actor=member, committee=committee, case=case, in_favour=in_favour)


def close(committee, cases, *, number="125-QĐ/BCĐ", day=DECISION_DAY, actor=None, **kw):
    round_ids = [committee.rounds.get(case=case, status="open").pk for case in cases]
    return rounds_close(
        actor=actor or committee.chair,
        committee=committee,
        round_ids=round_ids,
        decision_number=number,
        decision_date=day,
        today=day,
        **kw,
    )
