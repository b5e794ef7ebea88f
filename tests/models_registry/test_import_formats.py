"""The form in the three formats offices send (.xlsx, .xls from Excel 97-2003, .ods from
LibreOffice): the same cases, the same problems at the same rows and columns (issue 17).
The hostile files of each format: test_import_hostile_formats.py.

The .xls and .ods fixtures are the .xlsx ones saved by LibreOffice
(``soffice --convert-to ods`` / ``xls:"MS Excel 97"``)."""

import pytest

from models_registry.models import Initiative
from workflow.lifecycle import State

from .bieu_mau import CO_LOI, DONG_NGAN, seeded_demo
from .test_import_form import EXPECTED_DONG_NGAN, apply

FORMATS = ["xlsx", "xls", "ods"]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    yield from seeded_demo(django_db_blocker)


@pytest.fixture
def d(demo_data, db):
    return demo_data


def fixture(path, fmt: str):
    return path.with_suffix(f".{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_dong_ngan_form_creates_the_same_six_cases_in_every_format(d, fmt):
    outcome = apply(d.officer, d.campaign, fixture(DONG_NGAN, fmt), name=f"dong-ngan.{fmt}")

    assert outcome.ok, [str(p) for p in outcome.problems]
    created = Initiative.objects.filter(pk__in=[c.pk for c in outcome.created]).order_by("pk")
    assert len(created) == 6
    for case, (unit, fields, subject, start, end, rank) in zip(
        created, EXPECTED_DONG_NGAN, strict=True
    ):
        assert case.unit.name == unit
        assert set(case.fields) == fields
        assert case.subject == subject
        assert (case.start_date.month, case.start_date.day) == start
        assert (case.end_date.month, case.end_date.day) == end
        assert case.target_level.rank == rank
        assert case.state == State.DRAFT
    assert created[0].name == (
        "Dân vận khéo trong vận động nhân dân hiến đất mở rộng đường Lý Thánh Tông"
    )


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_the_form_with_errors_reports_the_same_problems_at_the_same_places_in_every_format(d, fmt):
    def problems(path):
        outcome = apply(d.officer, d.campaign, path, name="co-loi")
        assert not outcome.ok and outcome.created == []
        return [(p.row, p.sheet_row, p.column, p.letter, p.message) for p in outcome.problems]

    before = Initiative.objects.count()
    expected = problems(CO_LOI)

    assert len(expected) == 6
    assert problems(fixture(CO_LOI, fmt)) == expected
    assert Initiative.objects.count() == before
