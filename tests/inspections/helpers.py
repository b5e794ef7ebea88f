"""Helpers for the inspection tests: cases in progress, criteria, bookings through the
services, complete visit input, images and PDFs made on the spot."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections.models import Criterion
from inspections.services.scheduling import inspection_schedule
from inspections.services.visits import VisitInput, visit_complete, visit_save_draft
from models_registry.models import Subject
from tests.factories import BEFORE_DEADLINE, make_draft
from tests.files import minimal_pdf
from workflow.services import transition_apply

# The day the secretariat plans on, and the day of the visit (inside the models' run).
TODAY = datetime.date(2023, 10, 2)
VISIT_DAY = datetime.date(2023, 10, 10)


def make_running(world, *, unit=None, name="Tổ tự quản an ninh trật tự kiểu mẫu", **kw):
    """A case in progress, registered by the officer of its ward."""
    unit = unit or world.ward_a
    officer = world.officer_b if unit.path.startswith(world.ward_b.path) else world.officer_a
    case = make_draft(world, actor=officer, unit=unit, name=name, **kw)
    transition_apply(case=case, name="submit", actor=officer, today=BEFORE_DEADLINE)
    transition_apply(case=case, name="start", actor=None, today=case.start_date)
    return case


def make_criteria(campaign, subject=Subject.COLLECTIVE, count=5, max_points=20):
    return [
        Criterion.objects.create(
            campaign=campaign,
            subject=subject,
            order=i,
            name=f"Tiêu chí {i} ({subject})",
            max_points=max_points,
        )
        for i in range(1, count + 1)
    ]


def book(world, cases, *, team=None, lead=None, day=VISIT_DAY, **kw):
    team = team or [world.inspector]
    result = inspection_schedule(
        actor=world.secretariat,
        cases=cases,
        planned_date=day,
        team=team,
        lead=lead or team[0],
        confirm=True,
        today=kw.pop("today", TODAY),
        **kw,
    )
    return result.inspections


def full_visit(criteria, *, points=16, level=None, **overrides) -> VisitInput:
    data = VisitInput(
        visit_date=VISIT_DAY,
        people_met="Bí thư Đảng ủy phường; Chủ tịch UBMTTQ phường; 5 hộ dân",
        findings="Mô hình triển khai đúng kế hoạch, nhân dân đồng thuận.",
        scores={c.pk: points for c in criteria},
        verdict="passed",
        recommended_level=level,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def image_bytes(fmt="JPEG", size=(640, 480), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


PDF_BYTES = minimal_pdf()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def complete(world, inspection, data, actor=None, today=VISIT_DAY):
    return visit_complete(
        actor=actor or world.inspector, inspection=inspection, data=data, today=today
    )


def draft(world, inspection, data, actor=None):
    return visit_save_draft(
        actor=actor or world.inspector, inspection=inspection, data=data, today=VISIT_DAY
    )
