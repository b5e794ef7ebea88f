"""Scheduling by the secretariat: one case or many, warnings that need a confirmation,
refusals that change nothing; moving and cancelling with a reason; the "to inspect"
proposals and the pages that drive them."""

import datetime

import pytest
from django.utils import timezone

from inspections.models import Inspection, InspectionStatus
from inspections.selectors import cases_to_inspect
from inspections.services.scheduling import (
    inspection_cancel,
    inspection_move,
    inspection_schedule,
)
from tests.factories import make_draft
from workflow.errors import WorkflowError

from .helpers import TODAY, VISIT_DAY, book, make_running


def schedule(world, cases, **kwargs):
    kwargs.setdefault("planned_date", VISIT_DAY)
    kwargs.setdefault("team", [world.inspector])
    kwargs.setdefault("lead", world.inspector)
    kwargs.setdefault("today", TODAY)
    return inspection_schedule(actor=kwargs.pop("actor", world.secretariat), cases=cases, **kwargs)


def refused(world, cases, expected, **kwargs):
    before = Inspection.objects.count()
    with pytest.raises(WorkflowError) as excinfo:
        schedule(world, cases, **kwargs)
    assert any(expected in m for m in excinfo.value.messages), excinfo.value.messages
    assert Inspection.objects.count() == before


class TestSchedule:
    def test_secretariat_books_one_case_with_a_team_and_its_lead(self, world, running, inspector2):
        result = schedule(
            world,
            [running],
            team=[world.inspector, inspector2],
            lead=inspector2,
            place="Nhà văn hóa khu phố Đông Ngàn",
            round_label="Đợt 1",
        )
        assert result.warnings == []
        (inspection,) = result.inspections
        inspection.refresh_from_db()
        assert inspection.case == running
        assert inspection.status == InspectionStatus.SCHEDULED
        assert inspection.planned_date == VISIT_DAY
        assert inspection.lead == inspector2
        assert set(inspection.team.all()) == {world.inspector, inspector2}
        assert inspection.place == "Nhà văn hóa khu phố Đông Ngàn"
        assert inspection.round_label == "Đợt 1"
        assert inspection.created_by == world.secretariat

    def test_a_whole_round_is_booked_in_one_call_and_the_place_defaults_to_the_unit(self, world):
        cases = [
            make_running(world, name=f"Mô hình số {i}", unit=unit)
            for i, unit in enumerate([world.ward_a, world.ward_a_sub, world.ward_b])
        ]
        result = schedule(world, cases)
        assert len(result.inspections) == 3
        assert {i.place for i in result.inspections} == {c.unit.name for c in cases}

    def test_an_inspector_booked_twice_the_same_day_is_a_warning_until_confirmed(
        self, world, running
    ):
        other = make_running(world, name="Khu dân cư không rác thải nhựa", unit=world.ward_b)
        schedule(world, [other])
        result = schedule(world, [running])
        assert result.needs_confirmation
        assert result.inspections == []
        assert any(
            "Cán bộ kiểm tra" in w and "Khu dân cư không rác thải nhựa" in w
            for w in result.warnings
        )
        assert not Inspection.objects.filter(case=running).exists()

        confirmed = schedule(world, [running], confirm=True)
        assert len(confirmed.inspections) == 1
        assert confirmed.warnings == result.warnings

    def test_another_day_or_another_inspector_is_no_conflict(self, world, running, inspector2):
        other = make_running(world, name="Khu dân cư không rác thải nhựa", unit=world.ward_b)
        schedule(world, [other])
        assert schedule(world, [running], team=[inspector2], lead=inspector2).warnings == []
        third = make_running(world, name="Camera an ninh khu phố", unit=world.ward_b_sub)
        later = VISIT_DAY + datetime.timedelta(days=1)
        assert schedule(world, [third], planned_date=later).warnings == []

    def test_a_date_outside_the_models_run_is_a_warning(self, world):
        case = make_running(world, end_date=datetime.date(2023, 10, 5))
        result = schedule(world, [case])
        assert result.needs_confirmation
        assert "nằm ngoài thời gian triển khai" in result.warnings[0]
        assert "05/10/2023" in result.warnings[0]

    @pytest.mark.parametrize("who", ["officer_a", "inspector", "chair", "viewer", "outsider"])
    def test_only_the_secretariat_schedules(self, world, running, who):
        refused(world, [running], "Chỉ Ban Dân vận", actor=getattr(world, who))

    def test_a_case_not_in_progress_is_refused(self, world, draft):
        refused(world, [draft], "chỉ lên lịch kiểm tra được mô hình đang triển khai")

    def test_a_case_already_booked_is_refused(self, world, booked):
        refused(world, [booked.case], "đã có lịch kiểm tra ngày 10/10/2023")

    def test_one_bad_case_in_a_round_books_none(self, world, running, draft):
        refused(world, [running, draft], "đang triển khai")

    def test_the_lead_must_be_on_the_team(self, world, running, inspector2):
        refused(world, [running], "Trưởng đoàn phải là thành viên", lead=inspector2)

    def test_team_members_must_be_inspectors(self, world, running):
        refused(
            world,
            [running],
            "chưa được phân quyền cán bộ kiểm tra",
            team=[world.inspector, world.officer_b],
        )

    def test_no_team_no_date_and_a_past_date_are_refused(self, world, running):
        refused(world, [running], "ít nhất một cán bộ", team=[], lead=None)
        refused(world, [running], "chọn ngày", planned_date=None)
        refused(world, [running], "đã qua", planned_date=TODAY - datetime.timedelta(days=1))
        refused(world, [], "Chưa chọn mô hình")


class TestMoveAndCancel:
    def test_moving_needs_a_reason_and_keeps_the_previous_date(self, world, booked):
        new_day = VISIT_DAY + datetime.timedelta(days=3)
        with pytest.raises(WorkflowError, match="lý do"):
            inspection_move(
                actor=world.secretariat,
                inspection=booked,
                planned_date=new_day,
                reason=" ",
                today=TODAY,
            )
        result = inspection_move(
            actor=world.secretariat,
            inspection=booked,
            planned_date=new_day,
            reason="Đơn vị có lịch họp đột xuất",
            today=TODAY,
        )
        booked.refresh_from_db()
        assert result.inspections == [booked]
        assert booked.status == InspectionStatus.MOVED
        assert (booked.previous_date, booked.planned_date) == (VISIT_DAY, new_day)
        assert booked.reason == "Đơn vị có lịch họp đột xuất"

    def test_moving_onto_a_busy_day_warns(self, world, booked):
        other = make_running(world, name="Camera an ninh khu phố", unit=world.ward_b)
        busy_day = VISIT_DAY + datetime.timedelta(days=5)
        book(world, [other], day=busy_day)
        result = inspection_move(
            actor=world.secretariat,
            inspection=booked,
            planned_date=busy_day,
            reason="Gộp lịch",
            today=TODAY,
        )
        assert result.needs_confirmation
        booked.refresh_from_db()
        assert booked.planned_date == VISIT_DAY

    def test_only_the_secretariat_moves_or_cancels(self, world, booked):
        with pytest.raises(WorkflowError, match="Chỉ Ban Dân vận"):
            inspection_move(
                actor=world.inspector,
                inspection=booked,
                planned_date=VISIT_DAY + datetime.timedelta(days=1),
                reason="x",
                today=TODAY,
            )
        with pytest.raises(WorkflowError, match="Chỉ Ban Dân vận"):
            inspection_cancel(actor=world.officer_a, inspection=booked, reason="x")
        booked.refresh_from_db()
        assert booked.status == InspectionStatus.SCHEDULED

    def test_cancelling_needs_a_reason_and_puts_the_case_back_on_the_list(self, world, booked):
        assert booked.case not in cases_to_inspect(
            actor=world.secretariat, today=TODAY, within_days=365
        )
        with pytest.raises(WorkflowError, match="lý do"):
            inspection_cancel(actor=world.secretariat, inspection=booked, reason="")
        inspection_cancel(
            actor=world.secretariat, inspection=booked, reason="Đoàn kiểm tra bận công tác"
        )
        booked.refresh_from_db()
        assert booked.status == InspectionStatus.CANCELLED
        assert booked.case in cases_to_inspect(
            actor=world.secretariat, today=TODAY, within_days=365
        )
        with pytest.raises(WorkflowError, match="chưa thực hiện"):
            inspection_cancel(actor=world.secretariat, inspection=booked, reason="lần nữa")


class TestToInspect:
    def test_proposes_running_cases_ending_soon_with_nothing_booked(self, world):
        soon = make_running(
            world, name="Sắp kết thúc", end_date=TODAY + datetime.timedelta(days=10)
        )
        ended = make_running(world, name="Đã kết thúc", end_date=TODAY - datetime.timedelta(days=3))
        far = make_running(world, name="Còn lâu", end_date=TODAY + datetime.timedelta(days=90))
        booked_case = make_running(
            world, name="Đã có lịch", end_date=TODAY + datetime.timedelta(days=5)
        )
        book(world, [booked_case], day=TODAY + datetime.timedelta(days=2))
        not_started = make_draft(world, name="Bản nháp", end_date=TODAY)
        found = list(cases_to_inspect(actor=world.secretariat, today=TODAY, within_days=30))
        assert found == [ended, soon]
        assert far not in found and not_started not in found
        wider = cases_to_inspect(actor=world.secretariat, today=TODAY, within_days=120)
        assert far in wider

    def test_page_lists_them_for_the_secretariat_only(self, client, world):
        today = timezone.localdate()
        case = make_running(world, end_date=today + datetime.timedelta(days=7))
        client.force_login(world.secretariat)
        response = client.get("/kiem-tra/can-kiem-tra/")
        assert response.status_code == 200
        assert case.name in response.content.decode()
        client.force_login(world.inspector)
        response = client.get("/kiem-tra/can-kiem-tra/")
        assert response.status_code == 302

    def test_a_round_is_scheduled_from_the_page_with_a_confirmation_for_warnings(
        self, client, world, inspector2
    ):
        today = timezone.localdate()
        end = today + datetime.timedelta(days=7)
        a = make_running(world, name="Mô hình A", end_date=end)
        b = make_running(world, name="Mô hình B", unit=world.ward_b, end_date=end)
        client.force_login(world.secretariat)
        form = {
            "cases": [a.pk, b.pk],
            "planned_date": (today + datetime.timedelta(days=14)).isoformat(),
            "team": [world.inspector.pk, inspector2.pk],
            "lead": world.inspector.pk,
            "round_label": "Đợt 1",
        }
        response = client.post("/kiem-tra/len-lich/", form)
        assert response.status_code == 200
        page = response.content.decode()
        assert "nằm ngoài thời gian triển khai" in page
        assert "Vẫn lên lịch" in page
        assert not Inspection.objects.exists()

        response = client.post("/kiem-tra/len-lich/", {**form, "confirm": "True"})
        assert response.status_code == 302
        assert Inspection.objects.filter(round_label="Đợt 1").count() == 2

    def test_a_refusal_from_the_page_is_shown_and_books_nothing(self, client, world):
        today = timezone.localdate()
        case = make_running(world, end_date=today + datetime.timedelta(days=30))
        client.force_login(world.secretariat)
        response = client.post(
            "/kiem-tra/len-lich/",
            {
                "cases": [case.pk],
                "planned_date": (today + datetime.timedelta(days=3)).isoformat(),
                "team": [world.inspector.pk],
                "lead": "",
            },
        )
        assert response.status_code == 200
        assert not Inspection.objects.exists()

    def test_move_and_cancel_pages(self, client, world):
        today = timezone.localdate()
        case = make_running(world, end_date=today + datetime.timedelta(days=60))
        (inspection,) = book(world, [case], day=today + datetime.timedelta(days=5), today=today)
        client.force_login(world.secretariat)
        response = client.post(
            f"/kiem-tra/{inspection.pk}/doi-lich/",
            {
                "planned_date": (today + datetime.timedelta(days=6)).isoformat(),
                "reason": "Trùng lịch họp",
            },
        )
        assert response.status_code == 302
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.MOVED
        response = client.post(f"/kiem-tra/{inspection.pk}/huy/", {"reason": ""})
        assert response.status_code == 200
        response = client.post(f"/kiem-tra/{inspection.pk}/huy/", {"reason": "Không cần nữa"})
        assert response.status_code == 302
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.CANCELLED
