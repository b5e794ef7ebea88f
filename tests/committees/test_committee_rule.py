"""The vote rule: quorum and approval, both counted against ALL members; met exactly at
the threshold; not met for want of quorum or of approval, with the tally as the reason."""

from fractions import Fraction

import pytest

from committees.models import RecognitionDecision, RoundOutcome
from committees.services import Tally
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .committee_helpers import close, extra_members, make_committee, make_inspected, votes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def tally(members, votes_for, votes_against, quorum="2/3", approval="7/10"):
    return Tally(
        members=members,
        votes_for=votes_for,
        votes_against=votes_against,
        quorum=Fraction(quorum),
        approval=Fraction(approval),
    )


class TestTheArithmetic:
    def test_two_thirds_of_three_members_is_exactly_two(self):
        assert tally(3, 2, 0, approval="2/3").met
        assert not tally(3, 1, 0, approval="1/3").quorum_met

    def test_seventy_percent_of_ten_members_is_exactly_seven(self):
        assert tally(10, 7, 3).met
        assert not tally(10, 6, 4).approval_met

    def test_absent_members_count_against_approval(self):
        # 3 of 3 voters agree, but 3 is not 70% of the 6 members.
        result = tally(6, 3, 0, quorum="1/2")
        assert result.quorum_met and not result.approval_met

    def test_a_committee_without_members_never_meets_its_rule(self):
        assert not tally(0, 0, 0).met


class TestClosingOnTheRule:
    def test_met_exactly_at_the_threshold_recognises_the_case(self, world):
        # 10 members, approval 70%: 7 in favour is exactly enough.
        others = extra_members(world, 6)
        committee = make_committee(world, members=[*world.members, *others])
        assert committee.members.count() == 10
        case = make_inspected(world)
        people = [committee.chair, *world.members, *others]
        votes(committee, case, {p: i < 7 for i, p in enumerate(people)})
        result = close(committee, [case])
        case.refresh_from_db()
        assert case.state == State.RECOGNIZED
        assert case.recognized_level == world.level_base
        (round_,) = result.rounds
        assert (round_.member_count, round_.votes_for, round_.votes_against) == (10, 7, 3)
        assert round_.outcome == RoundOutcome.RECOGNIZED
        assert round_.decision == result.decision

    def test_quorum_met_exactly_with_two_of_three(self, world):
        committee = make_committee(world, members=world.members[:2], approval="2/3")
        case = make_inspected(world)
        votes(committee, case, {world.members[0]: True, world.members[1]: True})
        close(committee, [case])
        case.refresh_from_db()
        assert case.state == State.RECOGNIZED

    def test_quorum_not_met_means_not_recognised_with_the_count_as_reason(self, world):
        committee = make_committee(world)  # chair + 3 members: quorum 3, approval 3
        case = make_inspected(world)
        votes(committee, case, {world.members[0]: True, world.members[1]: True})
        result = close(committee, [case])
        case.refresh_from_db()
        assert case.state == State.NOT_RECOGNIZED
        assert result.decision is None
        assert RecognitionDecision.objects.count() == 0
        log = TransitionLog.objects.get(case=case, transition="reject")
        assert "chưa đủ số thành viên tham gia biểu quyết (2/4, cần ít nhất 3)" in log.reason
        assert log.payload["votes_for"] == 2
        assert result.rounds[0].outcome == RoundOutcome.NOT_RECOGNIZED

    def test_approval_not_met_means_not_recognised_and_the_chairs_words_are_kept(self, world):
        committee = make_committee(world)
        case = make_inspected(world)
        votes(
            committee,
            case,
            {committee.chair: True, world.members[0]: True, world.members[1]: False,
             world.members[2]: False},
        )  # fmt: skip
        close(committee, [case], reason="Mô hình chưa lan tỏa.")
        case.refresh_from_db()
        assert case.state == State.NOT_RECOGNIZED
        log = TransitionLog.objects.get(case=case, transition="reject")
        assert "số phiếu tán thành chưa đạt (2/4, cần ít nhất 3)" in log.reason
        assert "chưa đủ số thành viên" not in log.reason
        assert log.reason.endswith("Mô hình chưa lan tỏa.")
        assert log.actor == world.chair
