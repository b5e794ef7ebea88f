"""Closing many rounds at once goes through the workflow's batch door: one transaction,
one signal per transition, grouped messages (one per recipient listing its cases), and a
case the door refuses rolls the whole close back with that case's message."""

from collections import Counter

import pytest

from committees.models import RecognitionDecision, RoundStatus, VoteRound
from notifications.models import Notification
from workflow import guards
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .committee_helpers import close, make_committee, make_inspected, votes

DISPUTED = "Hồ sơ đang có đơn phản ánh chưa được giải quyết."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def committee(world):
    return make_committee(world)


def all_for(world, committee):
    return dict.fromkeys([committee.chair, *world.members], True)


def told(kind: str) -> Counter:
    rows = Notification.objects.filter(kind=kind).select_related("user")
    return Counter(row.user.username if row.user_id else row.email for row in rows)


def test_one_case_the_door_refuses_rolls_back_the_whole_close_with_that_cases_message(
    world, committee
):
    passed = make_inspected(world, name="Khu dân cư không rác thải nhựa")
    disputed = make_inspected(world, name="Camera an ninh khu phố")
    weak = make_inspected(world, name="Sân chơi an toàn cho thiếu nhi")
    for case in (passed, disputed):
        votes(committee, case, all_for(world, committee))
    votes(committee, weak, {world.members[0]: True})
    before = Notification.objects.count()

    # A guard an app above the engine registers (the real extension point): it refuses
    # one case's recognition, after the rounds were closed and the decision written.
    def no_disputed(case, *, actor, payload):
        return DISPUTED if case.pk == disputed.pk else None

    guards.register("recognize", no_disputed)
    try:
        with pytest.raises(WorkflowError) as refused:
            close(committee, [passed, disputed, weak], number="47-QĐ/BCĐ")
    finally:
        guards.unregister("recognize", no_disputed)

    assert refused.value.messages == [f"Hồ sơ “{disputed.name}”: {DISPUTED}"]
    assert not RecognitionDecision.objects.exists()
    assert set(VoteRound.objects.values_list("status", flat=True)) == {RoundStatus.OPEN}
    for case in (passed, disputed, weak):
        case.refresh_from_db()
        assert case.state == State.INSPECTED
    assert not TransitionLog.objects.filter(transition__in=["recognize", "reject"]).exists()
    assert Notification.objects.count() == before

    # Without the refusal the same close goes through, each case once.
    result = close(committee, [passed, disputed, weak], number="47-QĐ/BCĐ")
    assert len(result.awarded) == 2 and len(result.not_awarded) == 1


def test_closing_many_rounds_sends_one_message_per_recipient_per_transition(world, committee):
    first = make_inspected(world, name="Khu dân cư không rác thải nhựa")
    second = make_inspected(world, name="Tổ hòa giải ở cơ sở")
    weak = [make_inspected(world, name=f"Mô hình chưa đạt {i}") for i in (1, 2)]
    for case in (first, second):
        votes(committee, case, all_for(world, committee))
    votes(committee, weak[0], {world.members[0]: True})
    votes(committee, weak[1], {world.members[0]: False})
    Notification.objects.all().delete()

    close(committee, [first, second, *weak], number="47-QĐ/BCĐ")

    # The unit's officer: one message for the two recognised, one for the two not.
    recognised = told("case_batch")
    assert recognised["canbo.a"] == 2 and recognised["bandanvan"] == 1
    assert not Notification.objects.filter(kind__in=["case_recognized", "case_rejected"]).exists()
    to_unit = Notification.objects.filter(kind="case_batch", user=world.officer_a)
    by_subject = {row.subject: row.body_text for row in to_unit}
    (awarded,) = [b for s, b in by_subject.items() if "Công nhận" in s]
    assert first.name in awarded and second.name in awarded and "47-QĐ/BCĐ" in awarded
    (rejected,) = [b for s, b in by_subject.items() if "Công nhận" not in s]
    for case in weak:
        assert case.name in rejected
    # Each case not recognised carries its own tally as the reason.
    assert rejected.count("Lý do: Không đạt yêu cầu biểu quyết") == 2
