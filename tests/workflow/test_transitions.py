"""Each transition: allowed for the right role and unit; refused, with a Vietnamese
message and no change, for the wrong role, the wrong unit, the wrong state, a missing
reason, a late submission. One log row per applied transition, none for refused ones."""

import datetime
from collections import defaultdict

import pytest
from django_fsm import TransitionNotAllowed

from models_registry.services.initiatives import deadline_extension_grant
from tests.committees.committee_helpers import make_committee
from tests.factories import AFTER_DEADLINE, BEFORE_DEADLINE, make_draft
from tests.inspections.helpers import book, complete, full_visit, make_criteria
from workflow import guards
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.models import TransitionLog
from workflow.services import transition_apply


def apply(case, name, actor, **kwargs):
    kwargs.setdefault("today", BEFORE_DEADLINE)
    return transition_apply(case=case, name=name, actor=actor, **kwargs)


def assert_refused(case, name, actor, expected_message, **kwargs):
    before_state = case.state
    before_logs = TransitionLog.objects.filter(case=case).count()
    with pytest.raises(WorkflowError) as excinfo:
        apply(case, name, actor, **kwargs)
    assert any(expected_message in message for message in excinfo.value.messages), (
        excinfo.value.messages
    )
    case.refresh_from_db()
    assert case.state == before_state
    assert TransitionLog.objects.filter(case=case).count() == before_logs


@pytest.fixture
def registered(world, draft):
    apply(draft, "submit", world.officer_a)
    return draft


@pytest.fixture
def running(world, registered):
    apply(registered, "start", world.officer_a, today=registered.start_date)
    return registered


class TestSubmit:
    def test_unit_officer_submits_a_complete_draft(self, world, draft):
        log = apply(draft, "submit", world.officer_a)
        draft.refresh_from_db()
        assert draft.state == State.REGISTERED
        assert (log.source, log.target, log.transition) == ("draft", "registered", "submit")
        assert log.actor == world.officer_a
        assert log.actor_role == "unit_officer"

    def test_officer_of_parent_unit_submits_for_a_sub_unit(self, world):
        case = make_draft(world, unit=world.ward_a_sub)
        apply(case, "submit", world.officer_a)
        assert case.state == State.REGISTERED

    def test_unit_officer_cannot_submit_for_another_unit(self, world, draft):
        assert_refused(draft, "submit", world.officer_b, "không có quyền")

    @pytest.mark.parametrize("who", ["secretariat", "inspector", "chair", "viewer", "outsider"])
    def test_other_roles_cannot_submit(self, world, draft, who):
        assert_refused(draft, "submit", getattr(world, who), "không có quyền")

    def test_incomplete_draft_is_refused_naming_what_is_missing(self, world):
        case = make_draft(world, goals="", field_economy=False, end_date=None)
        with pytest.raises(WorkflowError) as excinfo:
            apply(case, "submit", world.officer_a)
        messages = " ".join(excinfo.value.messages)
        assert "Mục tiêu" in messages
        assert "Thời gian kết thúc" in messages
        assert "lĩnh vực" in messages
        case.refresh_from_db()
        assert case.state == State.DRAFT

    def test_late_submission_is_refused_without_the_secretariats_permission(self, world, draft):
        assert_refused(
            draft, "submit", world.officer_a, "quá hạn đăng ký (06/03/2023)", today=AFTER_DEADLINE
        )

    def test_late_submission_is_allowed_once_the_secretariat_extends_the_deadline(
        self, world, draft
    ):
        deadline_extension_grant(
            actor=world.secretariat,
            campaign=world.campaign,
            unit=world.ward_a,
            until=datetime.date(2023, 3, 15),
            reason="Đơn vị mới kiện toàn nhân sự",
        )
        apply(draft, "submit", world.officer_a, today=AFTER_DEADLINE)
        assert draft.state == State.REGISTERED

    def test_an_extension_for_another_unit_does_not_help(self, world, draft):
        deadline_extension_grant(
            actor=world.secretariat,
            campaign=world.campaign,
            unit=world.ward_b,
            until=datetime.date(2023, 3, 15),
            reason="Gia hạn cho phường Tam Sơn",
        )
        assert_refused(draft, "submit", world.officer_a, "quá hạn", today=AFTER_DEADLINE)

    def test_only_the_secretariat_extends_deadlines(self, world):
        with pytest.raises(WorkflowError):
            deadline_extension_grant(
                actor=world.officer_a,
                campaign=world.campaign,
                unit=world.ward_a,
                until=datetime.date(2023, 3, 15),
                reason="Tự gia hạn",
            )

    def test_submit_is_refused_from_the_wrong_state(self, world, registered):
        assert_refused(registered, "submit", world.officer_a, "Không thể “Gửi đăng ký”")


class TestReturnForRevision:
    def test_secretariat_returns_with_a_reason(self, world, registered):
        log = apply(
            registered, "return_for_revision", world.secretariat, reason="Bổ sung chỉ tiêu cụ thể"
        )
        assert registered.state == State.DRAFT
        assert log.reason == "Bổ sung chỉ tiêu cụ thể"

    def test_a_reason_is_required(self, world, registered):
        assert_refused(
            registered, "return_for_revision", world.secretariat, "ghi rõ lý do", reason="   "
        )

    def test_unit_officer_cannot_return(self, world, registered):
        assert_refused(
            registered, "return_for_revision", world.officer_a, "không có quyền", reason="x"
        )

    def test_cannot_return_a_draft(self, world, draft):
        assert_refused(draft, "return_for_revision", world.secretariat, "Không thể", reason="x")


class TestStart:
    def test_unit_officer_starts_on_the_start_date(self, world, registered):
        apply(registered, "start", world.officer_a, today=registered.start_date)
        assert registered.state == State.IN_PROGRESS

    def test_the_sweep_starts_with_no_actor(self, world, registered):
        log = apply(registered, "start", None, today=registered.start_date)
        assert registered.state == State.IN_PROGRESS
        assert log.actor is None

    def test_start_is_refused_before_the_start_date(self, world, registered):
        day_before = registered.start_date - datetime.timedelta(days=1)
        assert_refused(
            registered, "start", world.officer_a, "Chưa đến ngày bắt đầu", today=day_before
        )

    def test_the_system_cannot_apply_a_human_transition(self, world, draft):
        assert_refused(draft, "submit", None, "cần một người thực hiện")

    def test_officer_of_another_ward_cannot_start(self, world, registered):
        assert_refused(
            registered, "start", world.officer_b, "không có quyền", today=registered.start_date
        )


class TestWithdraw:
    @pytest.mark.parametrize("stage", ["registered", "running"])
    def test_unit_officer_withdraws_with_a_reason(self, world, request, stage):
        case = request.getfixturevalue(stage)
        apply(case, "withdraw", world.officer_a, reason="Đơn vị sáp nhập", today=case.start_date)
        assert case.state == State.WITHDRAWN

    def test_a_draft_is_not_withdrawn_it_is_discarded(self, world, draft):
        # Only what was registered is withdrawn; a draft never sent is deleted instead.
        assert_refused(draft, "withdraw", world.officer_a, "Không thể", reason="Nhầm")

    def test_a_returned_draft_is_not_withdrawn_either(self, world, registered):
        apply(registered, "return_for_revision", world.secretariat, reason="Bổ sung")
        assert_refused(registered, "withdraw", world.officer_a, "Không thể", reason="Thôi")

    def test_withdraw_needs_a_reason(self, world, registered):
        assert_refused(registered, "withdraw", world.officer_a, "ghi rõ lý do")

    def test_secretariat_cannot_withdraw_for_the_unit(self, world, registered):
        assert_refused(registered, "withdraw", world.secretariat, "không có quyền", reason="x")

    def test_a_withdrawn_case_cannot_be_submitted(self, world, registered):
        apply(registered, "withdraw", world.officer_a, reason="Không triển khai được")
        assert_refused(registered, "submit", world.officer_a, "Không thể")


class TestTransitionsThatNeedEvidence:
    """Inspection and committee transitions exist, and are guarded by their evidence."""

    def test_with_no_guard_registered_evidence_transitions_are_refused(
        self, world, running, monkeypatch
    ):
        monkeypatch.setattr(guards, "_guards", defaultdict(list))
        book(world, [running])
        assert_refused(
            running,
            "record_inspection",
            world.inspector,
            "biên bản kiểm tra",
            payload={"visit_id": 1},
        )

    def test_record_inspection_is_refused_without_a_completed_visit(self, world, running):
        book(world, [running])
        assert_refused(running, "record_inspection", world.inspector, "biên bản kiểm tra")

    def test_an_inspector_off_the_team_has_no_say(self, world, running):
        assert_refused(running, "record_inspection", world.inspector, "không có quyền")

    def test_a_completed_visit_records_the_inspection_through_the_service(self, world, running):
        criteria = make_criteria(world.campaign)
        (inspection,) = book(world, [running])
        complete(world, inspection, full_visit(criteria, level=world.level_base))
        running.refresh_from_db()
        assert running.state == State.INSPECTED
        log = TransitionLog.objects.get(case=running, transition="record_inspection")
        assert (log.actor, log.actor_role) == (world.inspector, "inspector")

    def test_unit_officer_cannot_record_an_inspection(self, world, running):
        book(world, [running])
        assert_refused(running, "record_inspection", world.officer_a, "không có quyền")

    def test_recognize_is_refused_before_the_inspection(self, world, running):
        make_committee(world)  # the chair acts as a committee member of the city's
        assert_refused(
            running,
            "recognize",
            world.chair,
            "Không thể",
            payload={"level_id": world.level_base.pk},
        )

    def test_recognize_is_refused_without_a_vote(self, world, running):
        make_committee(world)
        criteria = make_criteria(world.campaign)
        (inspection,) = book(world, [running])
        complete(world, inspection, full_visit(criteria, level=world.level_base))
        running.refresh_from_db()
        assert_refused(
            running,
            "recognize",
            world.chair,
            "biểu quyết",
            payload={"level_id": world.level_base.pk},
        )


class TestTheStateIsProtected:
    def test_assigning_the_state_directly_fails(self, draft):
        with pytest.raises(AttributeError):
            draft.state = State.RECOGNIZED

    def test_calling_a_transition_method_from_the_wrong_state_fails(self, draft):
        with pytest.raises(TransitionNotAllowed):
            draft.recognize({})

    def test_the_log_cannot_be_edited_or_deleted(self, world, draft):
        log = apply(draft, "submit", world.officer_a)
        with pytest.raises(TypeError):
            log.save()
        with pytest.raises(TypeError):
            log.delete()
        with pytest.raises(TypeError):
            TransitionLog.objects.filter(pk=log.pk).update(reason="sửa")
        with pytest.raises(TypeError):
            TransitionLog.objects.filter(pk=log.pk).delete()

    def test_one_log_row_per_applied_transition(self, world, draft):
        apply(draft, "submit", world.officer_a)
        apply(draft, "return_for_revision", world.secretariat, reason="Bổ sung")
        apply(draft, "submit", world.officer_a)
        with pytest.raises(WorkflowError):
            apply(draft, "submit", world.officer_a)
        logs = list(TransitionLog.objects.filter(case=draft).values_list("transition", flat=True))
        assert logs == ["submit", "return_for_revision", "submit"]


class TestMilestones:
    """The case carries the times of its latest registration, inspection result and
    decision — exactly the times of those log rows (the dashboards read them)."""

    def test_the_last_submission_counts_and_returning_does_not_clear_it(self, world, draft):
        first = apply(draft, "submit", world.officer_a)
        draft.refresh_from_db()
        assert draft.registered_at == first.at
        apply(draft, "return_for_revision", world.secretariat, reason="Bổ sung")
        draft.refresh_from_db()
        assert draft.registered_at == first.at
        second = apply(draft, "submit", world.officer_a)
        draft.refresh_from_db()
        assert second.at > first.at
        assert draft.registered_at == second.at
        assert (draft.inspected_at, draft.decided_at) == (None, None)

    def test_inspection_and_reinspection_stamp_the_latest_result(self, world, running):
        criteria = make_criteria(world.campaign)
        (inspection,) = book(world, [running])
        complete(world, inspection, full_visit(criteria, level=world.level_base))
        running.refresh_from_db()
        first = TransitionLog.objects.get(case=running, transition="record_inspection")
        assert running.inspected_at == first.at
        apply(running, "request_reinspection", world.secretariat, reason="Kiểm tra lại")
        running.refresh_from_db()
        assert running.state == State.IN_PROGRESS and running.inspected_at == first.at
        (again,) = book(world, [running])
        complete(world, again, full_visit(criteria, level=world.level_base))
        running.refresh_from_db()
        latest = TransitionLog.objects.filter(case=running, transition="record_inspection")
        assert running.inspected_at == latest.latest("at").at > first.at

    def test_a_refused_transition_stamps_nothing(self, world, draft):
        with pytest.raises(WorkflowError):
            apply(draft, "submit", world.officer_a, today=AFTER_DEADLINE)
        draft.refresh_from_db()
        assert draft.registered_at is None


class TestStaleActions:
    def test_acting_on_a_stale_page_is_a_conflict_not_an_overwrite(self, world, registered):
        from workflow.services import TransitionConflict

        with pytest.raises(TransitionConflict) as excinfo:
            apply(
                registered,
                "return_for_revision",
                world.secretariat,
                reason="x",
                expected_state=State.DRAFT,
            )
        assert "vừa được người khác cập nhật" in str(excinfo.value)
        registered.refresh_from_db()
        assert registered.state == State.REGISTERED
