"""The batch door (``transitions_apply``): many cases at once, all or none, each checked
with the single door's rules and messages; the log in bulk, one signal per batch, and
one grouped notification per recipient (issue 17)."""

import pytest

from models_registry.models import Initiative
from notifications.models import Notification
from notifications.receivers import transition_notices_batch
from tests.factories import AFTER_DEADLINE, BEFORE_DEADLINE, make_draft
from workflow.lifecycle import State
from workflow.models import TransitionLog
from workflow.services import (
    CONFLICT_SELF,
    NOT_PERMITTED,
    BatchConflict,
    BatchRefused,
    transition_apply,
    transitions_apply,
)
from workflow.signals import case_transitioned, cases_transitioned


def drafts(world, count, **overrides):
    return [
        make_draft(world, name=f"Mô hình dân vận khéo số {i}", **overrides) for i in range(count)
    ]


def test_a_batch_submits_every_case_with_one_log_row_each_and_one_signal(world):
    cases = drafts(world, 5)
    seen = []

    def count(sender, **kwargs):
        seen.append(kwargs)

    cases_transitioned.connect(count, weak=False, dispatch_uid="test.batch.count")
    case_transitioned.connect(count, weak=False, dispatch_uid="test.batch.count.each")
    try:
        logs = transitions_apply(
            cases=cases, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE
        )
    finally:
        cases_transitioned.disconnect(dispatch_uid="test.batch.count")
        case_transitioned.disconnect(dispatch_uid="test.batch.count.each")

    assert len(seen) == 1 and len(seen[0]["cases"]) == 5
    assert [log.case_id for log in logs] == [case.pk for case in cases]
    assert {(log.source, log.target, log.actor_role) for log in logs} == {
        ("draft", "registered", "unit_officer")
    }
    assert TransitionLog.objects.filter(case__in=cases).count() == 5
    for case in cases:
        assert case.state == State.REGISTERED  # refreshed in place
        stored = Initiative.objects.get(pk=case.pk)
        assert stored.state == State.REGISTERED
        assert stored.registered_at is not None


def test_one_refused_case_rolls_back_the_whole_batch_with_that_cases_message(world):
    cases = drafts(world, 4)
    incomplete = make_draft(world, name="Mô hình chưa có mục tiêu", goals="")
    batch = [*cases[:2], incomplete, *cases[2:]]
    # The single door's message for that case, for comparison.
    with pytest.raises(Exception) as single:
        transition_apply(
            case=Initiative.objects.get(pk=incomplete.pk),
            name="submit",
            actor=world.officer_a,
            today=BEFORE_DEADLINE,
        )

    with pytest.raises(BatchRefused) as refused:
        transitions_apply(cases=batch, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)

    assert refused.value.case == incomplete
    assert refused.value.messages == single.value.messages
    assert set(
        Initiative.objects.filter(pk__in=[c.pk for c in batch]).values_list("state", flat=True)
    ) == {State.DRAFT}
    assert TransitionLog.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_batch_after_the_deadline_is_refused_with_the_deadline_message(world):
    cases = drafts(world, 3)

    with pytest.raises(BatchRefused) as refused:
        transitions_apply(cases=cases, name="submit", actor=world.officer_a, today=AFTER_DEADLINE)

    assert refused.value.case == cases[0]
    assert any("Đã quá hạn đăng ký (06/03/2023)" in m for m in refused.value.messages)
    assert TransitionLog.objects.count() == 0


def test_a_batch_with_a_case_outside_the_actors_units_is_refused_as_the_single_door_refuses(
    world,
):
    mine = drafts(world, 2)
    theirs = make_draft(
        world, actor=world.officer_b, unit=world.ward_b, name="Mô hình của phường Tam Sơn"
    )

    with pytest.raises(BatchRefused) as refused:
        transitions_apply(
            cases=[*mine, theirs], name="submit", actor=world.officer_a, today=BEFORE_DEADLINE
        )

    assert refused.value.case == theirs
    assert refused.value.messages == [NOT_PERMITTED.format(label="Gửi đăng ký")]
    assert TransitionLog.objects.count() == 0


def test_a_case_changed_since_it_was_read_is_a_conflict_and_nothing_is_applied(world):
    cases = drafts(world, 3)
    transition_apply(
        case=Initiative.objects.get(pk=cases[1].pk),
        name="submit",
        actor=world.officer_a,
        today=BEFORE_DEADLINE,
    )

    with pytest.raises(BatchConflict) as refused:
        transitions_apply(cases=cases, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)

    assert refused.value.case == cases[1]
    # The same officer, in another tab: told so, not "someone else".
    assert refused.value.messages == [CONFLICT_SELF.format(state="Đã đăng ký")]
    assert TransitionLog.objects.count() == 1  # the single submit only
    assert Initiative.objects.get(pk=cases[0].pk).state == State.DRAFT


def test_the_batchs_notifications_are_one_message_per_recipient_listing_its_cases(
    world, django_capture_on_commit_callbacks
):
    cases = drafts(world, 6)

    transitions_apply(cases=cases, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)

    rows = list(Notification.objects.order_by("pk"))
    to_secretariat = [n for n in rows if n.user == world.secretariat]
    to_officer = [n for n in rows if n.user == world.officer_a]
    assert [n.kind for n in to_secretariat] == ["case_submitted_batch"]
    assert [n.kind for n in to_officer] == ["case_submitted_receipt_batch"]
    # The unit's contact address hears once too, and nobody hears twice.
    keys = [(n.kind, n.user_id, n.email) for n in rows]
    assert len(keys) == len(set(keys))
    assert {n.kind for n in rows} == {"case_submitted_batch", "case_submitted_receipt_batch"}
    message = to_secretariat[0]
    assert message.subject == ("Đảng ủy phường Đông Ngàn gửi đăng ký 6 mô hình, điển hình")
    for case in cases:
        assert case.name in message.body_text
        assert case.get_absolute_url() in message.body_text
    assert "Đã nhận đăng ký 6 mô hình" in to_officer[0].subject


def test_a_batch_event_queued_twice_writes_its_messages_once(world):
    cases = drafts(world, 3)
    logs = transitions_apply(
        cases=cases, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE
    )
    count = Notification.objects.count()
    assert count > 0

    transition_notices_batch(Initiative, cases=cases, logs=logs, actor=world.officer_a)

    assert Notification.objects.count() == count


def test_a_batch_of_one_case_sends_the_single_cases_messages(world):
    (case,) = drafts(world, 1)

    transitions_apply(cases=[case], name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)

    assert set(Notification.objects.values_list("kind", flat=True)) == {
        "case_submitted",
        "case_submitted_receipt",
    }
