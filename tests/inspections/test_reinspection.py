"""Asking for a re-inspection: the secretariat or the committee, with a reason, through
the workflow service; it reopens the case and leaves a new inspection to schedule."""

import pytest

from inspections.guards import request_reinspection_guard
from inspections.models import Inspection, InspectionStatus
from inspections.selectors import cases_to_inspect
from inspections.services.scheduling import reinspection_request
from tests.committees.committee_helpers import make_committee
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .helpers import TODAY, VISIT_DAY, book, complete, full_visit


@pytest.fixture
def inspected(world, booked, criteria):
    complete(world, booked, full_visit(criteria, points=9, verdict="failed"))
    booked.case.refresh_from_db()
    assert booked.case.state == State.INSPECTED
    return booked.case


REASON = "Điểm thấp, đề nghị kiểm tra lại sau khi đơn vị bổ sung giải pháp."


class TestRequest:
    @pytest.mark.parametrize("who", ["secretariat", "chair"])
    def test_secretariat_or_committee_reopens_the_case_with_a_new_inspection(
        self, world, inspected, who
    ):
        if who == "chair":  # the committee's right comes from sitting on a committee
            make_committee(world)
        done = Inspection.objects.get(case=inspected)
        log = reinspection_request(actor=getattr(world, who), case=inspected, reason=REASON)
        inspected.refresh_from_db()
        assert inspected.state == State.IN_PROGRESS
        assert (log.transition, log.reason, log.actor) == (
            "request_reinspection",
            REASON,
            getattr(world, who),
        )
        pending = Inspection.objects.get(case=inspected, status=InspectionStatus.PENDING)
        assert pending.follows == done
        assert pending.planned_date is None
        assert pending.reason == REASON

    def test_the_new_inspection_waits_on_the_to_inspect_list_and_is_booked_in_place(
        self, world, inspected
    ):
        reinspection_request(actor=world.secretariat, case=inspected, reason=REASON)
        assert inspected in cases_to_inspect(actor=world.secretariat, today=TODAY, within_days=0)
        (booked,) = book(world, [inspected], day=VISIT_DAY)
        assert booked.status == InspectionStatus.SCHEDULED
        assert Inspection.objects.filter(case=inspected).count() == 2
        assert not Inspection.objects.filter(status=InspectionStatus.PENDING).exists()

    @pytest.mark.parametrize("who", ["officer_a", "inspector", "viewer"])
    def test_others_cannot_ask_for_it(self, world, inspected, who):
        with pytest.raises(WorkflowError, match="không có quyền"):
            reinspection_request(actor=getattr(world, who), case=inspected, reason=REASON)
        assert not Inspection.objects.filter(status=InspectionStatus.PENDING).exists()

    def test_a_reason_is_required_and_nothing_changes_without_it(self, world, inspected):
        with pytest.raises(WorkflowError, match="lý do"):
            reinspection_request(actor=world.secretariat, case=inspected, reason="  ")
        inspected.refresh_from_db()
        assert inspected.state == State.INSPECTED
        assert not Inspection.objects.filter(status=InspectionStatus.PENDING).exists()
        assert not TransitionLog.objects.filter(transition="request_reinspection").exists()

    def test_the_guard_wants_an_inspection_that_was_carried_out(self, world, running):
        assert "chưa có đợt kiểm tra" in request_reinspection_guard(
            running, actor=world.secretariat, payload={}
        )

    def test_the_case_page_offers_it_and_takes_the_request(self, client, world, inspected):
        client.force_login(world.secretariat)
        page = client.get(inspected.get_absolute_url()).content.decode()
        assert "Yêu cầu kiểm tra lại" in page
        response = client.post(
            f"/kiem-tra/ho-so/{inspected.pk}/kiem-tra-lai/",
            {"reason": REASON, "expected_state": State.INSPECTED},
        )
        assert response.status_code == 302
        inspected.refresh_from_db()
        assert inspected.state == State.IN_PROGRESS

    def test_the_unit_does_not_see_the_offer(self, client, world, inspected):
        client.force_login(world.officer_a)
        page = client.get(inspected.get_absolute_url()).content.decode()
        assert "reinspect-form" not in page
