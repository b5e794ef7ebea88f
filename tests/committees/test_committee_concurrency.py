"""Races on PostgreSQL: the last two votes and two presses of the chair's button arrive
at the same moment; two members open a round at the same moment. The tally and the
decision stay right and are recorded exactly once, and so are the notifications."""

from collections import Counter

import pytest

from committees.models import Committee, RecognitionDecision, RoundStatus, Vote, VoteRound
from committees.services import rounds_close, vote_cast
from models_registry.models import Initiative
from notifications.models import Notification
from tests.factories import build_world
from tests.races import race, require_postgres
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .committee_helpers import DECISION_DAY, make_committee, make_inspected

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_last_votes_and_two_closes_at_once_record_one_decision_with_the_right_tally():
    require_postgres()
    world = build_world()
    committee = make_committee(world)
    case = make_inspected(world)
    # Two of four have voted; the last two vote while the chair presses "close" twice.
    for member in world.members[:2]:
        vote_cast(actor=member, committee=committee, case=case, in_favour=True)
    round_id = VoteRound.objects.get(case=case).pk

    def last_vote(member):
        def job():
            mine = Committee.objects.get(pk=committee.pk)
            return vote_cast(
                actor=member, committee=mine, case=Initiative.objects.get(pk=case.pk),
                in_favour=True,
            )  # fmt: skip

        return job

    def press_close():
        mine = Committee.objects.get(pk=committee.pk)
        return rounds_close(
            actor=world.chair,
            committee=mine,
            round_ids=[round_id],
            decision_number="125-QĐ/BCĐ",
            decision_date=DECISION_DAY,
            today=DECISION_DAY,
        )

    outcomes = race(last_vote(world.members[2]), last_vote(world.chair), press_close, press_close)

    closes = outcomes[2:]
    assert [kind for kind, _ in closes].count("ok") == 1, outcomes
    assert all(kind in ("ok", "conflict") for kind, _ in closes), outcomes
    assert (
        TransitionLog.objects.filter(case=case, transition__in=["recognize", "reject"]).count() == 1
    )

    round_ = VoteRound.objects.get(pk=round_id)
    assert round_.status == RoundStatus.CLOSED
    # The frozen tally is exactly the votes that made it in before the close; a late
    # vote was refused and left no row.
    counted = Vote.objects.filter(round=round_)
    assert round_.votes_for == counted.filter(in_favour=True).count()
    assert round_.votes_against == counted.filter(in_favour=False).count() == 0
    for (kind, _), member in zip(outcomes[:2], (world.members[2], world.chair), strict=True):
        assert kind in ("ok", "refused"), outcomes
        assert (kind == "ok") == counted.filter(member=member).exists()
    case.refresh_from_db()
    # Whichever came first, the outcome follows the votes counted: one decision if the
    # rule was met when the chair closed, none otherwise.
    met = round_.votes_for >= 3
    assert case.state == (State.RECOGNIZED if met else State.NOT_RECOGNIZED)
    assert RecognitionDecision.objects.count() == (1 if met else 0)

    # Each recipient heard of the decision once.
    kinds = {"case_recognized", "case_rejected", "case_recognized_inspectors"}
    rows = Notification.objects.filter(case=case, kind__in=kinds)
    per_recipient = Counter((row.user_id, row.email) for row in rows)
    assert per_recipient and set(per_recipient.values()) == {1}


def test_a_last_vote_racing_two_closes_leaves_exactly_one_decision():
    require_postgres()
    world = build_world()
    committee = make_committee(world)
    case = make_inspected(world)
    # Three of four in favour: the rule is met whatever the last member does.
    for member in [world.chair, *world.members[:2]]:
        vote_cast(actor=member, committee=committee, case=case, in_favour=True)
    round_id = VoteRound.objects.get(case=case).pk

    def last_vote():
        return vote_cast(
            actor=world.members[2],
            committee=Committee.objects.get(pk=committee.pk),
            case=Initiative.objects.get(pk=case.pk),
            in_favour=False,
            comment="Chưa thuyết phục.",
        )

    def press_close():
        return rounds_close(
            actor=world.chair,
            committee=Committee.objects.get(pk=committee.pk),
            round_ids=[round_id],
            decision_number="125-QĐ/BCĐ",
            decision_date=DECISION_DAY,
            today=DECISION_DAY,
        )

    outcomes = race(last_vote, press_close, press_close)
    assert sorted(kind for kind, _ in outcomes[1:]) == ["conflict", "ok"], outcomes
    decision = RecognitionDecision.objects.get()
    round_ = VoteRound.objects.get(pk=round_id)
    assert round_.decision == decision
    late = outcomes[0][0] == "refused"
    assert (round_.votes_for, round_.votes_against) == ((3, 0) if late else (3, 1))
    assert Vote.objects.filter(round=round_).count() == (3 if late else 4)
    case.refresh_from_db()
    assert case.state == State.RECOGNIZED
    assert TransitionLog.objects.filter(case=case, transition="recognize").count() == 1
    rows = Notification.objects.filter(case=case, kind__startswith="case_recognized")
    assert rows.count() == len({(row.user_id, row.email) for row in rows}) > 0


def test_two_last_votes_at_once_are_both_counted_and_the_chair_then_recognises_once():
    require_postgres()
    world = build_world()
    committee = make_committee(world)
    case = make_inspected(world)
    vote_cast(actor=world.members[0], committee=committee, case=case, in_favour=True)

    def vote(member):
        return lambda: vote_cast(
            actor=member,
            committee=Committee.objects.get(pk=committee.pk),
            case=Initiative.objects.get(pk=case.pk),
            in_favour=True,
        )

    outcomes = race(vote(world.members[1]), vote(world.members[2]))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    round_ = VoteRound.objects.get(case=case)
    assert Vote.objects.filter(round=round_).count() == 3

    result = rounds_close(
        actor=world.chair,
        committee=committee,
        round_ids=[round_.pk],
        decision_number="125-QĐ/BCĐ",
        decision_date=DECISION_DAY,
        today=DECISION_DAY,
    )
    assert (result.rounds[0].votes_for, result.rounds[0].member_count) == (3, 4)
    case.refresh_from_db()
    assert case.state == State.RECOGNIZED
    assert RecognitionDecision.objects.count() == 1


def test_two_first_votes_at_once_open_one_round():
    require_postgres()
    world = build_world()
    committee = make_committee(world)
    case = make_inspected(world)

    def vote(member, in_favour):
        return lambda: vote_cast(
            actor=member,
            committee=Committee.objects.get(pk=committee.pk),
            case=Initiative.objects.get(pk=case.pk),
            in_favour=in_favour,
        )

    outcomes = race(vote(world.members[0], True), vote(world.members[1], False))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    (round_,) = VoteRound.objects.filter(case=case)
    assert round_.status == RoundStatus.OPEN
    assert Vote.objects.filter(round=round_).count() == 2
