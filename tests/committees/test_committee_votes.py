"""Votes and closes: one vote per member per round (changeable until closed), only
members vote, only the chair closes, many cases under one decision, upgrades by a
higher committee, and recognition only through a round the chair closed."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from committees.models import RecognitionDecision, RoundOutcome, RoundStatus, Vote, VoteRound
from committees.services import rounds_close, vote_cast
from inspections.models import Criterion
from inspections.services.visits import visit_complete
from tests.factories import make_user
from tests.inspections.helpers import book, full_visit
from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State
from workflow.models import TransitionLog
from workflow.services import TransitionConflict, transition_apply

from .committee_helpers import VISIT_DAY, close, make_committee, make_inspected, votes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def committee(world):
    return make_committee(world)


@pytest.fixture
def inspected(world):
    return make_inspected(world, name="Tổ tự quản an ninh trật tự kiểu mẫu")


def all_for(world, committee):
    return dict.fromkeys([committee.chair, *world.members], True)


class TestOneVotePerMember:
    def test_voting_again_changes_the_vote_and_keeps_one_row(self, world, committee, inspected):
        member = world.members[0]
        vote_cast(actor=member, committee=committee, case=inspected, in_favour=True)
        vote_cast(
            actor=member,
            committee=committee,
            case=inspected,
            in_favour=False,
            comment="  Xem lại  ",
        )
        (vote,) = Vote.objects.filter(member=member)
        assert vote.in_favour is False
        assert vote.comment == "Xem lại"
        assert VoteRound.objects.filter(committee=committee, case=inspected).count() == 1

    def test_the_database_refuses_a_second_vote_row(self, world, committee, inspected):
        vote = vote_cast(
            actor=world.members[0], committee=committee, case=inspected, in_favour=True
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(round=vote.round, member=world.members[0], in_favour=False)

    def test_the_database_refuses_a_second_open_round(self, world, committee, inspected):
        vote_cast(actor=world.members[0], committee=committee, case=inspected, in_favour=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            VoteRound.objects.create(committee=committee, case=inspected)

    def test_a_vote_after_the_close_is_refused_and_never_counted(self, world, committee, inspected):
        votes(committee, inspected, all_for(world, committee))
        close(committee, [inspected])
        with pytest.raises(WorkflowError, match="đã kết thúc biểu quyết"):
            vote_cast(actor=world.members[0], committee=committee, case=inspected, in_favour=False)
        round_ = VoteRound.objects.get(case=inspected)
        assert round_.votes_for == 4
        assert not Vote.objects.filter(round=round_, in_favour=False).exists()


class TestOnlyMembersVote:
    @pytest.mark.parametrize("who", ["officer_a", "secretariat", "inspector", "outsider"])
    def test_a_non_member_cannot_vote(self, world, committee, inspected, who):
        with pytest.raises(WorkflowError, match="Chỉ thành viên"):
            vote_cast(
                actor=getattr(world, who), committee=committee, case=inspected, in_favour=True
            )
        assert not VoteRound.objects.exists()

    def test_a_member_of_another_committee_cannot_vote(self, world, committee, inspected):
        stranger = make_user("thanhvien.khac", (Role.COMMITTEE, world.city))
        make_committee(world, level=world.level_city, chair=stranger, members=[])
        with pytest.raises(WorkflowError, match="Chỉ thành viên"):
            vote_cast(actor=stranger, committee=committee, case=inspected, in_favour=True)

    def test_a_committee_cannot_vote_outside_its_unit(self, world, inspected):
        ward_b_committee = make_committee(world, unit=world.ward_b)
        with pytest.raises(WorkflowError, match="không thuộc phạm vi xét"):
            vote_cast(
                actor=world.members[0], committee=ward_b_committee, case=inspected, in_favour=True
            )

    def test_a_case_not_yet_inspected_cannot_be_voted_on(self, world, committee, draft):
        with pytest.raises(WorkflowError, match="không thuộc diện hội đồng xét"):
            vote_cast(actor=world.members[0], committee=committee, case=draft, in_favour=True)


class TestOnlyTheChairCloses:
    def test_a_member_cannot_close(self, world, committee, inspected):
        votes(committee, inspected, all_for(world, committee))
        with pytest.raises(WorkflowError, match="Chỉ Chủ tịch"):
            close(committee, [inspected], actor=world.members[0])
        assert VoteRound.objects.get(case=inspected).status == RoundStatus.OPEN
        inspected.refresh_from_db()
        assert inspected.state == State.INSPECTED

    def test_the_chair_cannot_recognise_without_a_round(self, world, committee, inspected):
        with pytest.raises(WorkflowError) as excinfo:
            transition_apply(
                case=inspected,
                name="recognize",
                actor=world.chair,
                payload={"level_id": world.level_base.pk},
            )
        assert any("biểu quyết" in m for m in excinfo.value.messages)

    def test_an_open_round_is_no_licence_to_recognise(self, world, committee, inspected):
        votes(committee, inspected, all_for(world, committee))
        round_ = VoteRound.objects.get(case=inspected)
        with pytest.raises(WorkflowError, match="chưa được Chủ tịch hội đồng kết thúc"):
            transition_apply(
                case=inspected,
                name="recognize",
                actor=world.chair,
                payload={"level_id": world.level_base.pk, "round_id": round_.pk},
            )

    def test_closing_twice_is_a_conflict_and_records_one_decision(
        self, world, committee, inspected
    ):
        votes(committee, inspected, all_for(world, committee))
        round_id = VoteRound.objects.get(case=inspected).pk
        close(committee, [inspected])
        with pytest.raises(TransitionConflict, match="vừa được kết thúc"):
            rounds_close(
                actor=world.chair,
                committee=committee,
                round_ids=[round_id],
                decision_number="126-QĐ/BCĐ",
                decision_date=inspected.campaign.recognition_date,
            )
        assert RecognitionDecision.objects.count() == 1
        assert TransitionLog.objects.filter(case=inspected, transition="recognize").count() == 1

    def test_a_negative_verdict_blocks_recognition_and_nothing_is_written(self, world, committee):
        failed = make_inspected(world, verdict="failed")
        votes(committee, failed, all_for(world, committee))
        with pytest.raises(WorkflowError) as excinfo:
            close(committee, [failed])
        assert any("Không đạt" in m and failed.name in m for m in excinfo.value.messages)
        assert VoteRound.objects.get(case=failed).status == RoundStatus.OPEN
        assert not RecognitionDecision.objects.exists()
        failed.refresh_from_db()
        assert failed.state == State.INSPECTED


class TestManyCasesUnderOneDecision:
    def test_passed_cases_share_one_decision_and_the_others_are_not_recognised(
        self, world, committee
    ):
        first = make_inspected(world, name="Khu dân cư không rác thải nhựa")
        second = make_inspected(
            world, name="Camera an ninh khu phố", unit=world.ward_b_sub, subject="individual"
        )
        weak = make_inspected(world, name="Sân chơi an toàn cho thiếu nhi")
        for case in (first, second):
            votes(committee, case, all_for(world, committee))
        votes(committee, weak, {world.members[0]: True})
        result = close(committee, [first, second, weak], number="47-QĐ/BCĐ")

        decision = result.decision
        assert RecognitionDecision.objects.get() == decision
        assert (decision.number, decision.level, decision.signed_by) == (
            "47-QĐ/BCĐ",
            world.level_base,
            world.chair,
        )
        assert {r.case_id for r in decision.rounds.all()} == {first.pk, second.pk}
        for case in (first, second):
            case.refresh_from_db()
            assert case.state == State.RECOGNIZED
            log = TransitionLog.objects.get(case=case, transition="recognize")
            assert log.payload["decision_number"] == "47-QĐ/BCĐ"
            assert log.payload["decision_date"] == "2023-10-15"
            assert log.payload["decision_id"] == decision.pk
        weak.refresh_from_db()
        assert weak.state == State.NOT_RECOGNIZED
        assert VoteRound.objects.get(case=weak).decision is None

    def test_a_decision_number_is_required_when_a_case_passed(self, world, committee, inspected):
        votes(committee, inspected, all_for(world, committee))
        with pytest.raises(WorkflowError, match="số quyết định"):
            close(committee, [inspected], number="  ")
        assert VoteRound.objects.get(case=inspected).status == RoundStatus.OPEN

    def test_a_decision_number_is_used_once_per_committee(self, world, committee):
        first, second = make_inspected(world), make_inspected(world)
        for case in (first, second):
            votes(committee, case, all_for(world, committee))
        close(committee, [first], number="12-QĐ/BCĐ")
        with pytest.raises(WorkflowError, match="đã được hội đồng dùng"):
            close(committee, [second], number="12-qđ/bcđ")
        second.refresh_from_db()
        assert second.state == State.INSPECTED


class TestUpgrade:
    def test_a_city_committee_upgrades_a_case_recognised_at_the_base_level(self, world):
        base = make_committee(world)
        city = make_committee(world, level=world.level_city)
        case = make_inspected(world)
        votes(base, case, all_for(world, base))
        close(base, [case], number="10-QĐ/BCĐ")

        with pytest.raises(WorkflowError, match="đã kết thúc biểu quyết"):
            vote_cast(actor=world.members[0], committee=base, case=case, in_favour=True)
        ward_base = make_committee(world, unit=world.ward_a)
        with pytest.raises(WorkflowError, match="không thấp hơn cấp của hội đồng"):
            vote_cast(actor=world.members[0], committee=ward_base, case=case, in_favour=True)

        votes(city, case, all_for(world, city))
        result = close(city, [case], number="20-QĐ/BCĐ")
        case.refresh_from_db()
        assert case.state == State.RECOGNIZED
        assert case.recognized_level == world.level_city
        assert result.rounds[0].outcome == RoundOutcome.UPGRADED
        log = TransitionLog.objects.get(case=case, transition="upgrade")
        assert log.payload["level_id"] == world.level_city.pk
        assert log.payload["decision_number"] == "20-QĐ/BCĐ"

    def test_an_upgrade_that_fails_leaves_the_recognition_as_it_was(self, world):
        base = make_committee(world)
        city = make_committee(world, level=world.level_city)
        case = make_inspected(world)
        votes(base, case, all_for(world, base))
        close(base, [case], number="10-QĐ/BCĐ")
        votes(city, case, {world.members[0]: True})
        result = close(city, [case], number="")
        case.refresh_from_db()
        assert case.recognized_level == world.level_base
        assert result.rounds[0].outcome == RoundOutcome.NOT_UPGRADED
        assert not TransitionLog.objects.filter(case=case, transition="upgrade").exists()

    def test_a_city_committee_does_not_recognise_a_case_registered_for_the_base_level(
        self, world, inspected
    ):
        city = make_committee(world, level=world.level_city)
        with pytest.raises(WorkflowError, match="chỉ xét nâng cấp"):
            vote_cast(actor=world.members[0], committee=city, case=inspected, in_favour=True)


class TestReinspection:
    def test_a_reinspection_voids_the_open_round_and_its_votes_never_count(
        self, world, committee, inspected
    ):
        votes(committee, inspected, {world.members[0]: False, world.members[1]: False})
        transition_apply(
            case=inspected,
            name="request_reinspection",
            actor=world.secretariat,
            reason="Cần kiểm tra lại sau khi đơn vị bổ sung giải pháp.",
            today=VISIT_DAY,
        )
        old = VoteRound.objects.get(case=inspected)
        assert old.status == RoundStatus.VOID
        with pytest.raises(WorkflowError, match="không thuộc diện hội đồng xét"):
            vote_cast(actor=world.members[2], committee=committee, case=inspected, in_favour=True)

        # Inspected again: a new round, where only the new votes count.
        (inspection,) = book(world, [inspected], day=VISIT_DAY + datetime.timedelta(days=5))
        criteria = list(Criterion.objects.filter(campaign=world.campaign, subject="collective"))
        visit_complete(
            actor=world.inspector,
            inspection=inspection,
            data=full_visit(criteria, level=world.level_base),
            today=inspection.planned_date,
        )
        votes(committee, inspected, all_for(world, committee))
        (result,) = close(committee, [inspected]).rounds
        assert result.pk != old.pk
        assert (result.votes_for, result.votes_against) == (4, 0)
        old.refresh_from_db()
        assert old.status == RoundStatus.VOID and old.decision is None
