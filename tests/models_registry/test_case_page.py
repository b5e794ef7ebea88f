"""The case page explains itself (issue 14): "Gửi đăng ký" always on a draft, disabled
with the service's own reasons; a never-sent draft discarded by its unit; a returned
draft marked at the top; the timeline telling the whole story, each actor in the role
they acted in; the progress form's problems all at once, at their fields."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from committees.services import vote_cast
from inspections.services.scheduling import inspection_cancel, inspection_move
from models_registry.models import DEADLINE_PASSED, Initiative
from models_registry.services.initiatives import (
    DISCARD_NOT_OFFICER,
    DISCARD_WAS_SUBMITTED,
    initiative_discard,
)
from models_registry.services.progress import DATE_IN_FUTURE, progress_report_create
from tests.committees.committee_helpers import close, make_committee, make_inspected, votes
from tests.factories import BEFORE_DEADLINE, make_draft
from tests.inspections.helpers import book, make_running
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.services import transition_apply, transition_blockers


def page(client, user, case):
    client.force_login(user)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return response


# --- "Gửi đăng ký" -----------------------------------------------------------------------


def test_a_draft_missing_fields_shows_the_submit_disabled_naming_each_missing_field(client, world):
    draft = make_draft(world, goals="", start_date=None, field_economy=False)
    response = page(client, world.officer_a, draft)
    blockers = response.context["submit"]["blockers"]
    # The very list the service refuses with.
    assert blockers == transition_blockers(case=draft, name="submit", actor=world.officer_a)
    html = response.content.decode()
    assert 'data-transition="submit" disabled' in html
    for reason in (
        "Chưa nhập “Mục tiêu (chỉ tiêu) cần đạt được”.",
        "Chưa nhập “Thời gian bắt đầu”.",
        "Chưa chọn lĩnh vực nào.",
    ):
        assert reason in blockers and reason in html
    with pytest.raises(WorkflowError) as refused:
        transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    assert set(refused.value.messages) >= {b for b in blockers if "Chưa" in b}


def test_past_the_deadline_the_submit_says_so_in_the_import_previews_words(client, world):
    draft = make_draft(world)  # today is years after the 2023 deadline
    html = page(client, world.officer_a, draft).content.decode()
    assert DEADLINE_PASSED.format(deadline="06/03/2023") in html
    assert "Cần Ban Dân vận cho phép đơn vị nộp muộn." in html
    assert 'data-transition="submit" disabled' in html


def test_another_units_officer_never_sees_it_and_the_secretariat_sees_why_not(client, world):
    draft = make_draft(world)
    html = page(client, world.secretariat, draft).content.decode()
    assert "không có quyền thực hiện thao tác “Gửi đăng ký”" in html
    client.force_login(world.officer_b)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_complete_draft_within_the_deadline_offers_the_submit_enabled(client, world):
    world.campaign.registration_deadline = datetime.date.today() + datetime.timedelta(days=3)
    world.campaign.save()
    draft = make_draft(world)
    response = page(client, world.officer_a, draft)
    assert response.context["submit"]["blockers"] == []
    assert 'data-transition="submit">' in response.content.decode()


# --- discarding a draft -------------------------------------------------------------------


def test_the_unit_discards_a_never_sent_draft_and_the_administration_log_says_who(client, world):
    draft = make_draft(world, name="Tạo nhầm")
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:initiative_discard", args=[draft.pk]), follow=True
    )
    assert "Đã xoá bản nháp “Tạo nhầm”." in response.content.decode()
    assert not Initiative.objects.filter(pk=draft.pk).exists()
    entry = AuditEntry.objects.get(action="initiative.discard")
    assert (entry.actor, entry.target_repr) == (world.officer_a, "Tạo nhầm")
    assert entry.before["unit"] == world.ward_a.name


def test_a_case_ever_sent_cannot_be_discarded_not_even_once_returned(world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    transition_apply(
        case=draft, name="return_for_revision", actor=world.secretariat, reason="Bổ sung"
    )
    with pytest.raises(WorkflowError) as refused:
        initiative_discard(actor=world.officer_a, initiative=draft)
    assert refused.value.messages == [DISCARD_WAS_SUBMITTED]
    assert Initiative.objects.filter(pk=draft.pk).exists()


def test_only_the_units_officer_discards(world, draft):
    for someone in (world.secretariat, world.officer_b, world.viewer):
        with pytest.raises(WorkflowError) as refused:
            initiative_discard(actor=someone, initiative=draft)
        assert refused.value.messages == [DISCARD_NOT_OFFICER]
    assert Initiative.objects.filter(pk=draft.pk).exists()


def test_a_draft_submitted_in_another_tab_is_not_discarded(client, world, draft):
    client.force_login(world.officer_a)
    stale = Initiative.objects.get(pk=draft.pk)
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    with pytest.raises(WorkflowError):
        initiative_discard(actor=world.officer_a, initiative=stale)
    assert Initiative.objects.get(pk=draft.pk).state == State.REGISTERED


def test_the_page_offers_discard_for_a_draft_and_withdrawal_only_once_registered(
    client, world, draft
):
    response = page(client, world.officer_a, draft)
    assert response.context["discard"] == {"blockers": []}
    assert "withdraw" not in [a.name for a in response.context["actions"]]
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    response = page(client, world.officer_a, draft)
    assert response.context["discard"] is None
    assert "withdraw" in [a.name for a in response.context["actions"]]


# --- a returned registration --------------------------------------------------------------


def test_a_returned_draft_is_marked_at_the_top_with_the_reason_and_who_returned_it(
    client, world, draft
):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    transition_apply(
        case=draft,
        name="return_for_revision",
        actor=world.secretariat,
        reason="Bổ sung số liệu chỉ tiêu",
    )
    response = page(client, world.officer_a, draft)
    html = response.content.decode()
    badge = html.index('id="case-state">Bị trả lại<')
    top = html.index('id="returned"')
    assert badge < top < html.index('class="card actions-card"')
    card = html[top : html.index("</section>", top)]
    assert "Lý do: Bổ sung số liệu chỉ tiêu" in card
    assert "<strong>Ban Dân vận</strong> · Ban Dân vận (thường trực BCĐ)" in card
    # Returned (today) after the deadline: its own period to send it again.
    assert response.context["submit"]["blockers"] == []


# --- the timeline -------------------------------------------------------------------------


def kinds(response) -> list[str]:
    return [entry.kind for entry in response.context["timeline"].entries]


def test_the_timeline_tells_bookings_moves_cancellations_and_progress(client, world):
    case = make_running(world)
    (inspection,) = book(
        world, [case], day=datetime.date(2023, 9, 10), today=datetime.date(2023, 9, 1)
    )
    progress_report_create(
        actor=world.officer_a,
        initiative=case,
        kind="mid_year",
        report_date=datetime.date(2023, 6, 30),
        achievements="Hoàn thành 60% chỉ tiêu",
        percent_complete=60,
    )
    inspection_move(
        actor=world.secretariat,
        inspection=inspection,
        planned_date=datetime.date(2023, 9, 20),
        reason="Trùng lịch họp",
        confirm=True,
        today=datetime.date(2023, 9, 1),
    )
    inspection_cancel(actor=world.secretariat, inspection=inspection, reason="Đơn vị đề nghị hoãn")
    response = page(client, world.officer_a, case)
    found = kinds(response)
    for kind in (
        "created",
        "transition-submit",
        "transition-start",
        "progress",
        "inspection-booked",
        "inspection-moved",
        "inspection-cancelled",
    ):
        assert kind in found, found
    html = response.content.decode()
    assert "Báo cáo sơ kết" in html and "hoàn thành 60%" in html
    assert "từ ngày 10/09/2023 sang ngày 20/09/2023" in html
    assert "Lý do: Đơn vị đề nghị hoãn" in html
    # The daily sweep started it: said so, not a person.
    start = next(e for e in response.context["timeline"].entries if e.kind == "transition-start")
    assert start.actor == "Hệ thống (tự động)"


def test_the_unit_reads_the_vote_count_and_the_decision_signed_by_the_chair(client, world):
    committee = make_committee(world)
    case = make_inspected(world, name="Khu dân cư không rác thải nhựa")
    votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
    close(committee, [case])
    response = page(client, world.officer_a, case)
    entries = response.context["timeline"].entries
    assert "vote-cast" not in kinds(response)  # who voted what is not the unit's to read
    count = next(e for e in entries if e.kind == "vote-count")
    assert count.detail.startswith("4 tán thành, 0 không tán thành trên 4 thành viên")
    decision = next(e for e in entries if e.kind == "transition-recognize")
    assert decision.role == "Chủ tịch hội đồng"  # not "Thành viên BCĐ / hội đồng"
    assert "Quyết định số 125-QĐ/BCĐ ngày 15/10/2023" in decision.detail
    assert sum(e.kind == "transition-recognize" for e in entries) == 1

    secretariat = page(client, world.secretariat, case).context["timeline"].entries
    cast = [e for e in secretariat if e.kind == "vote-cast"]
    assert len(cast) == 4
    assert {e.role for e in cast} == {"Chủ tịch hội đồng", "Thành viên hội đồng"}


@pytest.mark.parametrize("rounds", [1, 3])
def test_the_timeline_reads_a_fixed_number_of_queries(
    client, world, rounds, django_assert_num_queries
):
    committee = make_committee(world)
    case = make_inspected(world)
    for i in range(rounds):
        for member in [world.chair, *world.members]:
            vote_cast(actor=member, committee=committee, case=case, in_favour=bool(i % 2))
    client.force_login(world.secretariat)
    from models_registry.timeline import case_timeline

    case = Initiative.objects.select_related("created_by").get(pk=case.pk)
    # The log, the progress reports; the committee's rounds and their votes (the
    # secretariat's roles come with their memberships, read once per request); the
    # inspections.
    with django_assert_num_queries(5):
        timeline = case_timeline(case=case, actor=world.secretariat)
    assert timeline.entries


# --- the progress form --------------------------------------------------------------------


def test_the_progress_form_reports_every_problem_at_once_at_its_field(client, world):
    case = make_running(world)
    client.force_login(world.officer_a)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("models_registry:progress_report_create", args=[case.pk]),
        {
            "kind": "update",
            "report_date": tomorrow.isoformat(),
            "achievements": "Đã vận động 40 hộ",
            "percent_complete": "150",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    # The form's own check and the service's, in one round.
    assert set(errors) == {"report_date", "percent_complete"}
    assert errors["report_date"] == [
        DATE_IN_FUTURE.format(today=datetime.date.today().strftime("%d/%m/%Y"))
    ]
    html = response.content.decode()
    assert "Đã vận động 40 hộ" in html  # what was typed stays
    assert not case.progress_reports.exists()
