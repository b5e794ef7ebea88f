"""Recognised models built as the app builds them: a running case, a progress report
with a photo (by its unit's officer), a booked inspection and a completed visit, the
committee's vote and its decision, then published by the secretariat."""

import datetime
import itertools

from committees.models import Committee
from committees.services import rounds_close, vote_cast
from inspections.models import Criterion
from inspections.services.visits import visit_complete
from library.services import photo_release, publication_publish
from models_registry.models import ProgressKind
from models_registry.services.progress import progress_report_create
from tests.committees.committee_helpers import DECISION_DAY, VISIT_DAY, criteria_for
from tests.committees.committee_helpers import make_committee as committee_for
from tests.inspections.helpers import book, full_visit, make_running
from tests.models_registry.uploads import image_bytes, pdf_bytes, upload
from workflow.services import transition_apply

REPORT_DAY = datetime.date(2023, 6, 15)
ACHIEVEMENTS = "45/60 hộ đã ký biên bản hiến đất; hoàn thành 300 m đường bê tông."
FINDINGS = "Mô hình triển khai đúng kế hoạch, nhân dân đồng thuận."
_numbers = itertools.count(1)


def officer_of(world, unit):
    return world.officer_b if unit.path.startswith(world.ward_b.path) else world.officer_a


def make_running_with_photo(world, *, name, unit=None, photo=True, **kw):
    case = make_running(world, unit=unit, name=name, **kw)
    files = [upload("ảnh hiến đất.png", image_bytes("PNG")), upload("biên bản.pdf", pdf_bytes())]
    progress_report_create(
        actor=officer_of(world, case.unit),
        initiative=case,
        kind=ProgressKind.MID_YEAR,
        report_date=REPORT_DAY,
        achievements=ACHIEVEMENTS,
        percent_complete=80,
        files=files if photo else [],
    )
    return case


def inspect(world, cases, *, verdict="passed"):
    criteria_for(world)
    inspections = book(world, cases)
    for case, inspection in zip(cases, inspections, strict=True):
        criteria = list(
            Criterion.objects.filter(campaign=world.campaign, subject=case.subject).order_by(
                "order"
            )
        )
        passed = verdict == "passed"
        data = full_visit(
            criteria,
            points=16 if passed else 6,
            verdict=verdict,
            level=case.target_level if passed else None,
            findings=FINDINGS,
        )
        visit_complete(actor=world.inspector, inspection=inspection, data=data, today=VISIT_DAY)
        case.refresh_from_db()
    return cases


def decide(world, cases, *, in_favour=True, number=None):
    """The committee of the base level votes on ``cases`` and its chair closes the
    rounds: recognised (in favour) or not recognised."""
    committee = Committee.objects.filter(level=world.level_base).first() or committee_for(world)
    for case in cases:
        for member in world.members:
            vote_cast(actor=member, committee=committee, case=case, in_favour=in_favour)
    round_ids = [committee.rounds.get(case=case, status="open").pk for case in cases]
    rounds_close(
        actor=world.chair,
        committee=committee,
        round_ids=round_ids,
        decision_number=(number or f"{next(_numbers)}-QĐ/BCĐ") if in_favour else "",
        decision_date=DECISION_DAY if in_favour else None,
        reason="" if in_favour else "Chưa đủ số phiếu tán thành.",
        today=DECISION_DAY,
    )
    for case in cases:
        case.refresh_from_db()
    return cases


def make_recognised(world, names, *, unit=None, photo=True, number=None):
    cases = [make_running_with_photo(world, name=n, unit=unit, photo=photo) for n in names]
    return decide(world, inspect(world, cases), number=number)


def make_published(world, names, *, unit=None, photo=True, release=True, number=None):
    """Recognised models of ward A (by default), their photos chosen by the unit and
    published by the secretariat."""
    cases = make_recognised(world, names, unit=unit, photo=photo, number=number)
    for case in cases:
        if photo and release:
            for attachment in case.progress_reports.get().attachments.all():
                if attachment.content_type.startswith("image/"):
                    photo_release(actor=officer_of(world, case.unit), attachment=attachment)
        publication_publish(actor=world.secretariat, initiative=case)
    return cases


def submit(world, case):
    transition_apply(
        case=case,
        name="submit",
        actor=officer_of(world, case.unit),
        today=REPORT_DAY.replace(month=3, day=1),
    )
    return case
