"""The committee's messages through the outbox, each exactly once: the award to the unit
(with the decision number and level), the secretariat and the case's inspectors; the
reminders to members whose vote a case has waited for too long, and before the
recognition date."""

import datetime

import pytest
from django.utils import timezone

from committees.notices import (
    award_to_inspectors,
    committee_recognition_date,
    committee_vote_waiting,
)
from committees.services import vote_cast
from models_registry.models import Initiative
from notifications.models import Notification
from notifications.receivers import transition_notices
from workflow.deadlines import sweep_rules
from workflow.models import TransitionLog

from .committee_helpers import close, make_committee, make_inspected, votes

UNIT_A = "dangUy.dongngan@example.test"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def audience(kind: str) -> set[str]:
    return {
        row.user.username if row.user else row.email
        for row in Notification.objects.filter(kind=kind).select_related("user")
    }


def test_an_award_reaches_the_unit_the_secretariat_and_the_inspectors_once(world):
    committee = make_committee(world)
    case = make_inspected(world, name="Khu dân cư không rác thải nhựa")
    Notification.objects.all().delete()
    votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
    close(committee, [case], number="125-QĐ/BCĐ")

    assert audience("case_recognized") == {"canbo.a", UNIT_A, "bandanvan"}
    assert audience("case_recognized_inspectors") == {"kiemtra"}
    assert Notification.objects.count() == 4
    to_unit = Notification.objects.get(kind="case_recognized", user=world.officer_a)
    assert to_unit.subject == ("Mô hình “Khu dân cư không rác thải nhựa” được công nhận cấp cơ sở")
    assert "Quyết định số: 125-QĐ/BCĐ, ngày 15/10/2023" in to_unit.body_text
    to_inspector = Notification.objects.get(kind="case_recognized_inspectors")
    assert "đoàn kiểm tra của đồng chí" in to_inspector.body_text
    assert "Quyết định số: 125-QĐ/BCĐ, ngày 15/10/2023" in to_inspector.body_text

    # The receivers delivered twice (a retried signal) write nothing more.
    log = TransitionLog.objects.get(case=case, transition="recognize")
    case = Initiative.objects.get(pk=case.pk)
    transition_notices(Initiative, case=case, log=log, actor=world.chair)
    award_to_inspectors(Initiative, case=case, log=log, actor=world.chair)
    assert Notification.objects.count() == 4


def test_a_rejection_tells_the_unit_and_not_the_inspectors(world):
    committee = make_committee(world)
    case = make_inspected(world)
    Notification.objects.all().delete()
    votes(committee, case, {world.members[0]: True})
    close(committee, [case])
    assert audience("case_rejected") == {"canbo.a", UNIT_A}
    assert not Notification.objects.filter(kind="case_recognized_inspectors").exists()


def test_the_committee_rules_are_registered_with_the_daily_sweep():
    assert {"committee-vote-waiting", "committee-recognition-date"} <= set(sweep_rules())


class TestWaitingForTheVote:
    def test_members_who_have_not_voted_hear_once_when_the_wait_is_over(self, world):
        committee = make_committee(world)
        case = make_inspected(world)
        vote_cast(actor=world.members[0], committee=committee, case=case, in_favour=True)
        allowed = world.campaign.decision_wait_days
        today = timezone.localdate()

        assert committee_vote_waiting(today + datetime.timedelta(days=allowed - 1)) == 0
        late = today + datetime.timedelta(days=allowed + 1)
        assert committee_vote_waiting(late) == 3
        assert audience("committee_vote_waiting") == {"chutich", "thanhvien2", "thanhvien3"}
        message = Notification.objects.filter(kind="committee_vote_waiting").first()
        assert f"/hoi-dong/{committee.pk}/" in message.body_text
        assert f"quá thời hạn {allowed} ngày" in message.body_text

        assert committee_vote_waiting(late) == 0
        assert committee_vote_waiting(late + datetime.timedelta(days=1)) == 0

    def test_a_decided_case_waits_for_no_one(self, world):
        committee = make_committee(world)
        case = make_inspected(world)
        votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
        close(committee, [case])
        late = timezone.localdate() + datetime.timedelta(days=365)
        assert committee_vote_waiting(late) == 0


class TestBeforeTheRecognitionDate:
    def test_a_week_three_days_and_a_day_before_each_member_gets_their_list(self, world):
        committee = make_committee(world)
        first = make_inspected(world, name="Bữa cơm nghĩa tình")
        make_inspected(world, name="Quỹ tiết kiệm giúp nhau")
        vote_cast(actor=world.members[0], committee=committee, case=first, in_favour=True)

        assert committee_recognition_date(datetime.date(2023, 10, 7)) == 0  # D-8
        assert committee_recognition_date(datetime.date(2023, 10, 8)) == 4  # D-7
        mine = Notification.objects.get(kind="committee_recognition_date", user=world.members[0])
        assert "Quỹ tiết kiệm giúp nhau" in mine.body_text
        assert "Bữa cơm nghĩa tình" not in mine.body_text
        assert mine.subject.startswith("Còn 7 ngày đến ngày công nhận 15/10/2023")
        chair = Notification.objects.get(kind="committee_recognition_date", user=world.chair)
        assert "Bữa cơm nghĩa tình" in chair.body_text and "Quỹ tiết kiệm" in chair.body_text

        assert committee_recognition_date(datetime.date(2023, 10, 8)) == 0  # run twice
        assert committee_recognition_date(datetime.date(2023, 10, 12)) == 4  # D-3
        assert committee_recognition_date(datetime.date(2023, 10, 14)) == 4  # D-1
        assert committee_recognition_date(datetime.date(2023, 10, 15)) == 0
