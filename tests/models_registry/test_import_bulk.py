"""The bulk import path (issue 17): new cases by multi-row INSERT, changed drafts by one
locked multi-row UPDATE, "submit at once" through the batch door — a number of queries
that does not grow with the rows, and the tally the database keeps stays the cases'
counts through each step."""

import datetime
import io

import pytest

from dashboards.tally import tally_fold
from models_registry.models import Initiative
from models_registry.services.bieu_mau import registration_import_apply
from models_registry.services.initiatives import (
    DUPLICATE,
    RowsRefused,
    initiative_create,
    initiatives_create,
)
from notifications.models import Notification
from tests.dashboards.test_tally import from_cases, kept, kept_and_pending
from tests.factories import BEFORE_DEADLINE
from units.models import Unit
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .bieu_mau import Row, form_xlsx

UNITS = ("Đảng ủy phường Đông Ngàn", "UBND phường Đông Ngàn")


def rows(count: int, *, field: int = 0, subject: str = "c") -> list[Row]:
    return [
        Row(
            unit=UNITS[i % 2],
            name=f"Mô hình nhập hàng loạt số {i}",
            marks={((field + i) % 4, subject): "x"},
            levels=("x", None) if i % 3 else (None, "x"),
        )
        for i in range(count)
    ]


def run(world, data: bytes, *, submit: bool = False):
    outcome = registration_import_apply(
        actor=world.officer_a,
        campaign=world.campaign,
        source=io.BytesIO(data),
        name="bieu-mau.xlsx",
        submit=submit,
        today=BEFORE_DEADLINE,
    )
    assert outcome.ok, [str(p) for p in outcome.problems[:5]]
    return outcome


def assert_tally_is_the_cases_counts():
    assert kept_and_pending() == from_cases()
    tally_fold()
    assert kept() == from_cases()


def test_the_tally_stays_right_through_bulk_creates_bulk_updates_and_a_batch_submit(world):
    tally_fold()
    created = run(world, form_xlsx(rows(60)))
    assert len(created.created) == 60
    assert_tally_is_the_cases_counts()

    # The same models, other fields and subjects: the drafts are updated in bulk.
    updated = run(world, form_xlsx(rows(60, field=1, subject="i")))
    assert len(updated.updated) == 60 and updated.created == []
    assert set(Initiative.objects.values_list("subject", flat=True)) == {"individual"}
    assert_tally_is_the_cases_counts()

    submitted = run(world, form_xlsx(rows(60, field=1, subject="i")), submit=True)
    assert len(submitted.submitted) == 60
    assert set(Initiative.objects.values_list("state", flat=True)) == {State.REGISTERED}
    assert TransitionLog.objects.count() == 60
    assert_tally_is_the_cases_counts()


def test_importing_does_not_cost_a_query_per_row(world, django_assert_max_num_queries):
    # A query count that holds for 20 rows and for 200: nothing is done row by row
    # (the old path ran SAVEPOINT, INSERT, RELEASE for each).
    for count, offset in ((20, 0), (200, 1000)):
        data = form_xlsx(
            [Row(unit=r.unit, name=f"{r.name} ({offset})", marks=r.marks) for r in rows(count)]
        )
        with django_assert_max_num_queries(40):
            outcome = run(world, data, submit=True)
        assert len(outcome.submitted) == count


def test_submit_at_once_sends_one_message_per_recipient_for_the_whole_form(world):
    run(world, form_xlsx(rows(30)), submit=True)

    per_person = Notification.objects.filter(user=world.secretariat)
    assert list(per_person.values_list("kind", flat=True)) == ["case_submitted_batch"]
    receipts = Notification.objects.filter(user=world.officer_a)
    assert list(receipts.values_list("kind", flat=True)) == ["case_submitted_receipt_batch"]
    assert "30 mô hình" in per_person.get().subject


def test_a_name_taken_meanwhile_refuses_the_bulk_write_by_row_and_writes_nothing(world):
    # The plan finds names already taken; a case created between the plan and the write
    # hits the unique constraint inside the bulk write itself (COPY on PostgreSQL):
    # reported by row with the service's own message, and none of the rows is written.
    unit = Unit.objects.get(name=UNITS[0])
    data = {"name": "Mô hình đã có", "goals": "", "subject": "collective", "target_level": None}
    initiative_create(actor=world.officer_a, campaign=world.campaign, unit=unit, **data)
    before = Initiative.objects.count()
    rows = [
        (unit, {**data, "name": "Mô hình mới"}),
        (unit, {**data, "name": "MÔ HÌNH ĐÃ CÓ"}),  # the same name, folded
    ]
    with pytest.raises(RowsRefused) as refused:
        initiatives_create(actor=world.officer_a, campaign=world.campaign, rows=iter(rows))
    assert refused.value.refused == {
        1: [DUPLICATE.format(unit=unit.name, name="MÔ HÌNH ĐÃ CÓ", year=world.campaign.year)]
    }
    assert Initiative.objects.count() == before


def test_bulk_created_cases_are_stored_as_a_single_create_stores_them(world):
    unit = Unit.objects.get(name=UNITS[0])
    level = world.campaign.levels.order_by("rank").first()
    data = {
        "name": "Mô hình “Dân vận khéo” & số 1",
        "goals": "Mục tiêu\nhai dòng",
        "subject": "individual",
        "field_culture_society": True,
        "start_date": datetime.date(2023, 3, 1),
        "end_date": datetime.date(2023, 11, 30),
        "target_level": level,
    }
    [bulk] = initiatives_create(actor=world.officer_a, campaign=world.campaign, rows=[(unit, data)])
    single = initiative_create(
        actor=world.officer_a, campaign=world.campaign, unit=unit, **{**data, "name": "Khác"}
    )
    fields = [f.attname for f in Initiative._meta.concrete_fields]
    skip = {"id", "name", "name_key", "search_text", "created_at", "updated_at"}
    stored = Initiative.objects.in_bulk([bulk.pk, single.pk])
    for attname in fields:
        if attname not in skip:
            assert getattr(stored[bulk.pk], attname) == getattr(stored[single.pk], attname)
        assert getattr(stored[bulk.pk], attname) == getattr(bulk, attname), attname
    assert stored[bulk.pk].name_key == "mo hinh dan van kheo so 1"
    assert stored[bulk.pk].state == State.DRAFT
    assert bulk.created_at is not None and stored[bulk.pk].created_at == bulk.created_at
