"""Each transition writes the notices of DESIGN.md §3, to the right people, once."""

import pytest

from models_registry.models import Initiative
from notifications.models import Notification
from notifications.receivers import transition_notices
from tests.factories import BEFORE_DEADLINE, make_draft
from workflow.models import TransitionLog
from workflow.services import transition_apply

UNIT_A = "dangUy.dongngan@example.test"


def sent_to(kind: str) -> set[str]:
    return {
        row.user.username if row.user else row.email
        for row in Notification.objects.filter(kind=kind).select_related("user")
    }


def kinds() -> set[str]:
    return set(Notification.objects.values_list("kind", flat=True))


@pytest.fixture
def registered(world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    Notification.objects.all().delete()
    return draft


def test_submit_notifies_the_secretariat_and_sends_the_unit_a_receipt(world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    assert sent_to("case_submitted") == {"bandanvan"}
    assert sent_to("case_submitted_receipt") == {"canbo.a", UNIT_A}
    assert kinds() == {"case_submitted", "case_submitted_receipt"}


def test_a_sub_units_submission_reaches_the_officers_above_it(world):
    case = make_draft(world, unit=world.ward_a_sub)
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    # The sub-unit has no contact address: its parent's officer gets the receipt.
    assert sent_to("case_submitted_receipt") == {"canbo.a"}


def test_return_for_revision_tells_the_unit_why(world, registered):
    transition_apply(
        case=registered,
        name="return_for_revision",
        actor=world.secretariat,
        reason="Bổ sung số liệu hộ dân tham gia.",
        today=BEFORE_DEADLINE,
    )
    assert sent_to("case_returned") == {"canbo.a", UNIT_A}
    row = Notification.objects.get(kind="case_returned", user=world.officer_a)
    assert row.subject == f"Hồ sơ “{registered.name}” được trả lại để chỉnh sửa"
    assert "Lý do: Bổ sung số liệu hộ dân tham gia." in row.body_text


def test_start_by_the_sweep_tells_the_unit_but_start_by_its_officer_tells_no_one(world, registered):
    transition_apply(
        case=registered, name="start", actor=world.officer_a, today=registered.start_date
    )
    assert kinds() == set()

    other = make_draft(world, name="Mô hình thứ hai")
    transition_apply(case=other, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    Notification.objects.all().delete()
    transition_apply(case=other, name="start", actor=None, today=other.start_date)
    assert sent_to("case_started") == {"canbo.a", UNIT_A}


def test_withdraw_notifies_the_secretariat_only(world, registered):
    transition_apply(
        case=registered,
        name="withdraw",
        actor=world.officer_a,
        reason="Gộp vào mô hình khác.",
        today=BEFORE_DEADLINE,
    )
    assert kinds() == {"case_withdrawn"}
    assert sent_to("case_withdrawn") == {"bandanvan"}


@pytest.mark.parametrize(
    ("transition", "kind", "audience"),
    [
        ("record_inspection", "case_inspected", {"canbo.a", UNIT_A, "bandanvan"}),
        ("request_reinspection", "case_reinspection_requested", {"canbo.a", UNIT_A}),
        ("recognize", "case_recognized", {"canbo.a", UNIT_A, "bandanvan"}),
        ("upgrade", "case_recognized", {"canbo.a", UNIT_A, "bandanvan"}),
        ("reject", "case_rejected", {"canbo.a", UNIT_A}),
    ],
)
def test_evidence_transitions_notify_their_audience_once(
    world, registered, transition, kind, audience
):
    # These need a field visit or a vote (the inspections app's screens); the notices
    # are what is tested here, so the log row is written as the engine would.
    case = Initiative.objects.get(pk=registered.pk)
    if transition in ("recognize", "upgrade"):
        Initiative.objects.filter(pk=case.pk).update(recognized_level=world.level_city)
        case.refresh_from_db()
    log = TransitionLog.objects.create(
        case=case,
        transition=transition,
        source="in_progress",
        target="inspected",
        actor=world.chair,
        reason="Lý do của hội đồng.",
        payload={"decision_number": "15-QĐ/BCĐ", "decision_date": "2023-10-15"},
    )
    transition_notices(Initiative, case=case, log=log, actor=world.chair)
    transition_notices(Initiative, case=case, log=log, actor=world.chair)  # delivered twice
    assert kinds() == {kind}
    assert sent_to(kind) == audience
    assert Notification.objects.count() == len(audience)
    if transition == "upgrade":
        subject = Notification.objects.filter(kind=kind).first().subject
        assert subject == (
            f"Mô hình “{case.name}” được nâng cấp công nhận lên cấp huyện, thành phố"
        )
        assert "Quyết định số: 15-QĐ/BCĐ, ngày 15/10/2023" in (
            Notification.objects.filter(kind=kind).first().body_text
        )
