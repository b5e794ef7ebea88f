"""The case page explains itself (issue 14), in a real browser: the disabled "Gửi đăng
ký" with its reasons, then enabled once the draft is complete; discarding a draft; the
returned badge at the top and in the unit's to-do; the chair's ticks and number kept
after a refused close; the timeline's entries. Screenshots at 390 and 1366 px go to
``DVK_SHOTS`` when set, for a person to look at (else a temporary folder)."""

import datetime
import os
import tempfile
from pathlib import Path

import pytest

from committees.models import VoteRound
from inspections.services.scheduling import inspection_move
from models_registry.models import Initiative
from models_registry.services.progress import progress_report_create
from tests.committees.committee_helpers import close, make_committee, make_inspected, votes
from tests.e2e.conftest import login
from tests.factories import BEFORE_DEADLINE, PASSWORD, make_draft
from tests.inspections.helpers import book, make_running
from workflow.services import transition_apply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name: str) -> None:
    """The page at a phone's and a desktop's width, whole."""
    folder = Path(os.environ.get("DVK_SHOTS") or tempfile.gettempdir()) / "casepage"
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def open_campaign(world):
    world.campaign.registration_deadline = datetime.date.today() + datetime.timedelta(days=30)
    world.campaign.save()
    return world.campaign


def test_the_submit_is_disabled_with_its_reasons_then_enabled_once_complete(
    page, live_server, world, open_campaign
):
    draft = make_draft(world, goals="", field_economy=False, name="Chợ văn minh, an toàn")
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    button = page.locator("button[data-transition=submit]")
    assert button.is_disabled()
    reasons = page.inner_text("#submit-blockers")
    assert "Chưa nhập “Mục tiêu (chỉ tiêu) cần đạt được”." in reasons
    assert "Chưa chọn lĩnh vực nào." in reasons
    shoot(page, "draft-missing-fields")

    page.click("#submit-blockers >> text=Sửa bản nháp")
    page.fill("#id_goals", "100% hộ kinh doanh cam kết")
    page.check("#id_field_economy")
    page.click("text=Lưu bản nháp")
    page.wait_for_selector("text=Đã lưu bản nháp.")
    assert page.locator("#submit-blockers").count() == 0
    assert page.locator("button[data-transition=submit]").is_enabled()
    page.click("button[data-transition=submit]")
    page.wait_for_selector("text=Đã gửi đăng ký.")
    assert page.inner_text("#case-state") == "Đã đăng ký"


def test_past_the_deadline_the_reason_names_the_deadline_and_who_can_allow_it(
    page, live_server, world
):
    draft = make_draft(world)
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert page.locator("button[data-transition=submit]").is_disabled()
    assert (
        "Đã quá hạn đăng ký (06/03/2023). Cần Ban Dân vận cho phép đơn vị nộp muộn."
        in page.inner_text("#submit-blockers")
    )


def test_a_never_sent_draft_is_discarded_by_its_unit(page, live_server, world):
    draft = make_draft(world, name="Bản nháp tạo nhầm")
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    # No withdrawal for what was never registered: the draft is deleted instead.
    assert page.locator("button[data-transition=withdraw]").count() == 0
    page.click("#discard-action summary")
    page.click("button[data-action=discard]")
    page.wait_for_selector("text=Đã xoá bản nháp “Bản nháp tạo nhầm”.")
    assert page.url.endswith("/ho-so/")
    assert not Initiative.objects.filter(pk=draft.pk).exists()


def test_a_returned_registration_is_marked_at_the_top_and_in_the_units_todo(
    page, live_server, world
):
    draft = make_draft(world, name="Khu phố không ma túy")
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    page.fill("#reason-return_for_revision", "Bổ sung chỉ tiêu cụ thể theo quý.")
    page.click("button[data-transition=return_for_revision]")
    page.wait_for_selector("text=Đã trả lại hồ sơ để đơn vị chỉnh sửa.")
    page.click("text=Đăng xuất")

    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert page.inner_text("#case-state") == "Bị trả lại"
    top = page.inner_text("#returned")
    assert "Lý do: Bổ sung chỉ tiêu cụ thể theo quý." in top
    assert "Ban Dân vận" in top
    # The card sits above the case's facts, where the eye starts.
    assert (
        page.locator("#returned").bounding_box()["y"] < page.locator(".facts").bounding_box()["y"]
    )
    shoot(page, "returned")

    page.goto(f"{live_server.url}/")
    todo = page.inner_text("#todo-returned")
    assert "Khu phố không ma túy" in todo and "Lý do: Bổ sung chỉ tiêu cụ thể theo quý." in todo
    shoot(page, "todo-returned")


def test_the_chairs_ticks_and_decision_number_stay_after_a_refused_close(page, live_server, world):
    committee = make_committee(world)
    cases = [make_inspected(world, name=f"Mô hình xét số {i}") for i in (1, 2)]
    for case in cases:
        votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
    second = VoteRound.objects.get(case=cases[1])
    login(page, live_server, world.chair.username, PASSWORD)
    page.goto(f"{live_server.url}/hoi-dong/{committee.pk}/chu-tich/")
    page.check(f"input.round-check[value='{second.pk}']")
    page.fill("#id_decision_number", "125-QĐ/BCĐ")
    page.fill("#id_decision_date", "")
    page.click("#close-rounds")
    page.wait_for_selector("text=Vui lòng nhập ngày ký quyết định công nhận.")
    assert page.is_checked(f"input.round-check[value='{second.pk}']")
    assert not page.is_checked(f"input.round-check[data-case='{cases[0].pk}']")
    assert page.input_value("#id_decision_number") == "125-QĐ/BCĐ"


def test_the_review_page_returns_to_the_case_just_voted_on(page, live_server, world):
    committee = make_committee(world)
    cases = [make_inspected(world, name=f"Mô hình chờ biểu quyết {i}") for i in range(4)]
    login(page, live_server, world.members[0].username, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/hoi-dong/{committee.pk}/")
    last = cases[-1]
    page.check(f"#vote-{last.pk} input[value=for]")
    page.click(f"button[data-vote='{last.pk}']")
    page.wait_for_selector("text=Đã ghi nhận phiếu tán thành")
    assert page.url.endswith(f"#case-{last.pk}")
    assert page.evaluate("window.scrollY") > 0


def test_the_timeline_tells_the_whole_story(page, live_server, world):
    committee = make_committee(world)
    case = make_inspected(world, name="Dân vận khéo trong xây dựng nông thôn mới")
    # A progress report and a moved inspection: on a case still running.
    running = make_running(world, name="Tổ tự quản đường làng sạch đẹp")
    progress_report_create(
        actor=world.officer_a,
        initiative=running,
        kind="mid_year",
        report_date=datetime.date(2023, 6, 30),
        achievements="Đạt 60% chỉ tiêu",
        percent_complete=60,
    )
    (inspection,) = book(
        world, [running], day=datetime.date(2023, 9, 10), today=datetime.date(2023, 9, 1)
    )
    inspection_move(
        actor=world.secretariat,
        inspection=inspection,
        planned_date=datetime.date(2023, 9, 20),
        reason="Trùng lịch họp của phường",
        confirm=True,
        today=datetime.date(2023, 9, 1),
    )
    votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
    close(committee, [case])

    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    timeline = page.inner_text("#timeline")
    assert "Lên lịch kiểm tra" in timeline
    assert "Kết quả biểu quyết" in timeline and "4 tán thành, 0 không tán thành" in timeline
    assert "Quyết định số 125-QĐ/BCĐ ngày 15/10/2023" in timeline
    assert "· Chủ tịch hội đồng" in timeline
    assert "Thành viên 1" not in timeline  # who voted what is not the unit's to read
    shoot(page, "timeline-decided")

    page.goto(f"{live_server.url}{running.get_absolute_url()}")
    timeline = page.inner_text("#timeline")
    assert "Báo cáo sơ kết" in timeline and "hoàn thành 60%" in timeline
    assert "Dời lịch kiểm tra" in timeline and "từ ngày 10/09/2023 sang ngày 20/09/2023" in timeline
    assert "Lý do: Trùng lịch họp của phường" in timeline
    shoot(page, "timeline-running")


def test_a_case_form_keeps_what_was_typed_and_puts_a_cross_field_error_at_the_top(
    page, live_server, world, open_campaign
):
    # A name the unit already used this year: refused by the service, for the whole form.
    make_draft(world, name="Camera an ninh khu phố")
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/tao-moi/")
    page.select_option("#id_unit", label="Đảng ủy phường Đông Ngàn")
    page.fill("#id_name", "Camera an ninh khu phố")
    page.fill("#id_goals", "Lắp 20 camera")
    page.check("#id_field_defence_security")
    page.click("text=Lưu bản nháp")
    page.wait_for_selector("text=đã có mô hình “Camera an ninh khu phố” trong kế hoạch năm 2023")
    assert page.input_value("#id_name") == "Camera an ninh khu phố"
    assert page.input_value("#id_goals") == "Lắp 20 camera"
    assert page.is_checked("#id_field_defence_security")
    assert Initiative.objects.count() == 1
