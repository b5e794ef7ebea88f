"""The bulk import path (issue 17): new cases by multi-row INSERT, changed drafts by one
locked multi-row UPDATE, "submit at once" through the batch door — a number of queries
that does not grow with the rows, and the tally the database keeps stays the cases'
counts through each step."""

import io

from dashboards.tally import tally_fold
from models_registry.models import Initiative
from models_registry.services.bieu_mau import registration_import_apply
from notifications.models import Notification
from tests.dashboards.test_tally import from_cases, kept, kept_and_pending
from tests.factories import BEFORE_DEADLINE
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
