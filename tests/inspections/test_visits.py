"""The visit record: drafts, completion and the transition it applies, bounded scores,
required fields, only the team; the evidence guard seen from the engine."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.guards import record_inspection_guard
from inspections.models import CriterionScore, FieldVisit, InspectionStatus, VisitStatus
from inspections.services.scheduling import inspection_cancel
from inspections.services.visits import VisitInput
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.models import TransitionLog
from workflow.services import transition_apply

from .helpers import VISIT_DAY, book, complete, draft, full_visit, make_running


def assert_nothing_logged(inspection):
    inspection.refresh_from_db()
    case = inspection.case
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert inspection.status in (InspectionStatus.SCHEDULED, InspectionStatus.MOVED)
    assert not TransitionLog.objects.filter(case=case, transition="record_inspection").exists()


class TestDraft:
    def test_a_team_member_saves_a_partial_draft_with_its_total(self, world, booked, criteria):
        data = VisitInput(scores={criteria[0].pk: 15, criteria[1].pk: "12"})
        visit = draft(world, booked, data)
        assert visit.status == VisitStatus.DRAFT
        assert (visit.total_points, visit.max_points) == (27, 100)
        assert {s.criterion_id: s.points for s in visit.scores.all()} == {
            criteria[0].pk: 15,
            criteria[1].pk: 12,
        }
        assert_nothing_logged(booked)

    def test_saving_again_replaces_scores_and_recomputes_the_total(self, world, booked, criteria):
        draft(world, booked, VisitInput(scores={criteria[0].pk: 15, criteria[1].pk: 12}))
        visit = draft(world, booked, VisitInput(scores={criteria[1].pk: 20}))
        assert visit.total_points == 20
        assert list(visit.scores.values_list("criterion_id", flat=True)) == [criteria[1].pk]
        assert FieldVisit.objects.count() == 1


class TestComplete:
    def test_completing_applies_record_inspection_with_its_log_row(self, world, booked, criteria):
        visit = complete(world, booked, full_visit(criteria, points=17, level=world.level_base))
        booked.refresh_from_db()
        case = booked.case
        case.refresh_from_db()
        assert case.state == State.INSPECTED
        assert booked.status == InspectionStatus.DONE
        assert visit.status == VisitStatus.COMPLETED
        assert (visit.total_points, visit.max_points) == (85, 100)
        (log,) = TransitionLog.objects.filter(case=case, transition="record_inspection")
        assert (log.source, log.target) == (State.IN_PROGRESS, State.INSPECTED)
        assert log.actor == world.inspector
        assert log.actor_role == "inspector"
        assert log.payload["visit_id"] == visit.pk
        assert log.payload["total_points"] == 85
        assert log.payload["verdict"] == "passed"

    def test_any_team_member_may_complete(self, world, booked, criteria, inspector2):
        complete(world, booked, full_visit(criteria, level=world.level_base), actor=inspector2)
        booked.case.refresh_from_db()
        assert booked.case.state == State.INSPECTED

    def test_a_failed_verdict_needs_no_level(self, world, booked, criteria):
        visit = complete(world, booked, full_visit(criteria, points=5, verdict="failed"))
        assert visit.get_verdict_display() == "Không đạt"

    def test_a_completed_record_cannot_be_changed(self, world, booked, criteria):
        complete(world, booked, full_visit(criteria, level=world.level_base))
        with pytest.raises(WorkflowError):
            draft(world, booked, VisitInput(findings="sửa lại"))
        assert FieldVisit.objects.get().findings.startswith("Mô hình triển khai")

    def test_every_missing_field_is_named_and_nothing_is_saved(self, world, booked, criteria):
        data = VisitInput(scores={criteria[0].pk: 10})
        with pytest.raises(WorkflowError) as excinfo:
            complete(world, booked, data)
        messages = " ".join(excinfo.value.messages)
        for label in (
            "Ngày kiểm tra thực tế",
            "Thành phần làm việc",
            "Kết quả kiểm tra",
            "Kết luận",
        ):
            assert label in messages
        assert f"Chưa chấm điểm tiêu chí “{criteria[1].name}”" in messages
        assert not FieldVisit.objects.exists()
        assert_nothing_logged(booked)

    def test_a_passed_verdict_needs_a_level_of_the_campaign(self, world, booked, criteria):
        with pytest.raises(WorkflowError, match="chọn cấp đề nghị"):
            complete(world, booked, full_visit(criteria, level=None))
        assert_nothing_logged(booked)

    def test_a_visit_date_in_the_future_is_refused(self, world, booked, criteria):
        data = full_visit(
            criteria, level=world.level_base, visit_date=VISIT_DAY + datetime.timedelta(days=1)
        )
        with pytest.raises(WorkflowError, match="chưa tới"):
            complete(world, booked, data)

    def test_no_criteria_for_the_subject_means_no_completion(self, world, booked):
        with pytest.raises(WorkflowError, match="chưa có tiêu chí chấm điểm"):
            complete(world, booked, full_visit([], level=world.level_base))
        assert_nothing_logged(booked)

    def test_a_case_that_left_in_progress_meanwhile_rolls_everything_back(
        self, world, booked, criteria
    ):
        transition_apply(
            case=booked.case,
            name="withdraw",
            actor=world.officer_a,
            reason="Đơn vị dừng mô hình",
        )
        with pytest.raises(WorkflowError, match="Không thể"):
            complete(world, booked, full_visit(criteria, level=world.level_base))
        booked.refresh_from_db()
        assert booked.status == InspectionStatus.SCHEDULED
        assert not FieldVisit.objects.exists()
        assert not CriterionScore.objects.exists()


class TestScoresAreBounded:
    @pytest.mark.parametrize(
        ("points", "message"),
        [
            (21, "không được vượt quá 20 điểm"),
            (-1, "không được âm"),
            ("mười", "phải là số nguyên"),
            ("7.5", "phải là số nguyên"),
        ],
    )
    def test_a_bad_score_is_refused_and_nothing_changes(
        self, world, booked, criteria, points, message
    ):
        draft(world, booked, VisitInput(scores={criteria[0].pk: 10}))
        scores = {c.pk: 10 for c in criteria} | {criteria[2].pk: points}
        for save in (draft, complete):
            with pytest.raises(WorkflowError) as excinfo:
                save(world, booked, full_visit(criteria, level=world.level_base, scores=scores))
            assert any(message in m for m in excinfo.value.messages), excinfo.value.messages
        visit = FieldVisit.objects.get()
        assert visit.total_points == 10
        assert visit.scores.count() == 1
        assert_nothing_logged(booked)

    def test_a_score_for_a_criterion_of_another_subject_is_refused(self, world, booked, criteria):
        from .helpers import make_criteria

        (other,) = make_criteria(world.campaign, subject="individual", count=1)
        with pytest.raises(WorkflowError, match="không thuộc bộ tiêu chí"):
            draft(world, booked, VisitInput(scores={other.pk: 5}))

    def test_the_database_refuses_a_score_above_the_maximum(self, world, booked, criteria):
        visit = draft(world, booked, VisitInput())
        with pytest.raises(IntegrityError), transaction.atomic():
            CriterionScore.objects.create(
                visit=visit, criterion=criteria[0], points=25, max_points=20
            )

    def test_the_total_can_never_exceed_the_maximum_in_the_database(self, world, booked, criteria):
        visit = draft(world, booked, VisitInput())
        with pytest.raises(IntegrityError), transaction.atomic():
            FieldVisit.objects.filter(pk=visit.pk).update(total_points=101, max_points=100)


class TestOnlyTheTeam:
    @pytest.mark.parametrize("who", ["secretariat", "officer_a", "chair", "outsider"])
    def test_people_outside_the_team_cannot_log(self, world, booked, criteria, who):
        with pytest.raises(WorkflowError, match="Chỉ thành viên đoàn kiểm tra"):
            complete(
                world,
                booked,
                full_visit(criteria, level=world.level_base),
                actor=getattr(world, who),
            )
        assert not FieldVisit.objects.exists()
        assert_nothing_logged(booked)

    def test_an_inspector_of_another_inspection_cannot_log(self, world, booked, criteria):
        from tests.factories import make_user
        from workflow.lifecycle import Role

        other = make_user("kiemtra.khac", (Role.INSPECTOR, world.city))
        another_case = make_running(world, name="Camera an ninh khu phố", unit=world.ward_b)
        book(world, [another_case], team=[other], day=VISIT_DAY)
        with pytest.raises(WorkflowError, match="Chỉ thành viên đoàn kiểm tra"):
            draft(world, booked, VisitInput(), actor=other)

    def test_a_cancelled_inspection_cannot_be_logged(self, world, booked, criteria):
        inspection_cancel(actor=world.secretariat, inspection=booked, reason="Hoãn")
        with pytest.raises(WorkflowError, match="Đã hủy"):
            draft(world, booked, VisitInput())


class TestTheEvidenceGuard:
    def test_record_inspection_without_a_visit_is_refused_by_the_engine(self, world, booked):
        with pytest.raises(WorkflowError, match="biên bản kiểm tra"):
            transition_apply(case=booked.case, name="record_inspection", actor=world.inspector)

    def test_a_draft_visit_is_not_evidence(self, world, booked, criteria):
        visit = draft(world, booked, full_visit(criteria, level=world.level_base))
        with pytest.raises(WorkflowError, match="chưa hoàn thành"):
            transition_apply(
                case=booked.case,
                name="record_inspection",
                actor=world.inspector,
                payload={"visit_id": visit.pk},
            )

    def test_a_visit_of_another_case_is_not_evidence(self, world, booked, criteria):
        other_case = make_running(world, name="Camera an ninh khu phố", unit=world.ward_b)
        (other,) = book(world, [other_case], day=VISIT_DAY + datetime.timedelta(days=1))
        visit = complete(world, other, full_visit(criteria, level=world.level_base))
        assert record_inspection_guard(
            booked.case, actor=world.inspector, payload={"visit_id": visit.pk}
        )


class TestTheVisitPage:
    @pytest.fixture
    def today_booking(self, world, criteria):
        today = timezone.localdate()
        case = make_running(world, end_date=today + datetime.timedelta(days=30))
        (inspection,) = book(world, [case], day=today, today=today)
        return inspection

    def form(self, criteria, world, **overrides):
        data = {
            "visit_date": timezone.localdate().isoformat(),
            "people_met": "Bí thư chi bộ, trưởng khu phố",
            "findings": "Đạt mục tiêu đề ra",
            "verdict": "passed",
            "recommended_level": world.level_base.pk,
            "action": "complete",
        }
        data |= {f"score_{c.pk}": "18" for c in criteria}
        data |= overrides
        return data

    def test_the_team_completes_the_record_from_the_page(
        self, client, world, criteria, today_booking
    ):
        client.force_login(world.inspector)
        page = client.get(f"/kiem-tra/{today_booking.pk}/bien-ban/")
        assert page.status_code == 200
        assert "/ 20" in page.content.decode()
        response = client.post(
            f"/kiem-tra/{today_booking.pk}/bien-ban/", self.form(criteria, world)
        )
        assert response.status_code == 302
        case_page = client.get(response["Location"]).content.decode()
        assert "Đã kiểm tra" in case_page
        assert "90/100" in case_page

    def test_a_score_above_the_maximum_is_shown_and_nothing_saved(
        self, client, world, criteria, today_booking
    ):
        client.force_login(world.inspector)
        response = client.post(
            f"/kiem-tra/{today_booking.pk}/bien-ban/",
            self.form(criteria, world, **{f"score_{criteria[0].pk}": "25"}),
        )
        assert response.status_code == 400
        assert "không được vượt quá 20 điểm" in response.content.decode()
        assert not FieldVisit.objects.exists()

    def test_someone_outside_the_team_is_turned_away(self, client, world, criteria, today_booking):
        client.force_login(world.secretariat)
        response = client.post(
            f"/kiem-tra/{today_booking.pk}/bien-ban/", self.form(criteria, world)
        )
        assert response.status_code == 302
        assert not FieldVisit.objects.exists()

    def test_a_draft_is_saved_and_shown_again(self, client, world, criteria, today_booking):
        client.force_login(world.inspector)
        response = client.post(
            f"/kiem-tra/{today_booking.pk}/bien-ban/",
            {f"score_{criteria[0].pk}": "11", "findings": "Đang xem xét", "action": "draft"},
        )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert 'value="11"' in page
        assert "Đang xem xét" in page
        today_booking.case.refresh_from_db()
        assert today_booking.case.state == State.IN_PROGRESS
