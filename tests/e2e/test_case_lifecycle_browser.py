"""A unit officer registers a model; the Ban Dân vận returns it with a reason; the
officer reads the reason, fixes the draft and submits again — in a real browser."""

import datetime

import pytest

from tests.e2e.conftest import login
from tests.factories import PASSWORD
from workflow.lifecycle import State
from workflow.models import TransitionLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.click("text=Đăng xuất")
    page.wait_for_url("**/dang-nhap/")


def test_register_return_with_reason_fix_and_resubmit(page, live_server, world):
    # The 2023 deadline is long past on the real clock; this campaign is still open.
    world.campaign.registration_deadline = datetime.date.today() + datetime.timedelta(days=30)
    world.campaign.save()

    login(page, live_server, world.officer_a.username, PASSWORD)
    # An officer lands on the to-do (issue 13); the case list is one click away.
    page.goto(f"{live_server.url}/ho-so/")
    page.click("text=+ Đăng ký mô hình")
    page.select_option("#id_unit", label="UBND phường Đông Ngàn")
    page.fill("#id_name", "Chính quyền thân thiện - công dân hài lòng")
    page.fill("#id_goals", "95% người dân hài lòng")
    page.check("#id_field_political_system")
    page.check("input[name=subject][value=collective]")
    page.fill("#id_start_date", "15/02/2023")
    page.fill("#id_end_date", "31/12/2023")
    page.select_option("#id_target_level", label="Cấp cơ sở (2023)")
    page.click("text=Lưu bản nháp")
    page.wait_for_selector("text=Đã tạo bản nháp")
    assert page.inner_text("#case-state") == "Bản nháp"
    case_url = page.url

    page.click("button[data-transition=submit]")
    page.wait_for_selector("text=Đã gửi đăng ký.")
    assert page.inner_text("#case-state") == "Đã đăng ký"
    sign_out(page)

    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(case_url)
    page.fill("#reason-return_for_revision", "Mục tiêu cần có số liệu cụ thể theo quý.")
    page.click("button[data-transition=return_for_revision]")
    page.wait_for_selector("text=Đã trả lại hồ sơ để đơn vị chỉnh sửa.")
    sign_out(page)

    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(case_url)
    assert "Lý do: Mục tiêu cần có số liệu cụ thể theo quý." in page.inner_text(".timeline")
    page.click("text=Sửa bản nháp")
    page.fill("#id_goals", "Quý I: 90%, quý II: 92%, cả năm 95% người dân hài lòng")
    page.click("text=Lưu bản nháp")
    page.wait_for_selector("text=Đã lưu bản nháp.")
    page.click("button[data-transition=submit]")
    page.wait_for_selector("text=Đã gửi đăng ký.")
    assert page.inner_text("#case-state") == "Đã đăng ký"

    case = world.campaign.initiatives.get()
    assert case.state == State.REGISTERED
    assert case.goals.startswith("Quý I: 90%")
    assert list(TransitionLog.objects.filter(case=case).values_list("transition", flat=True)) == [
        "submit",
        "return_for_revision",
        "submit",
    ]


def test_the_case_list_reads_well_on_a_phone(phone_page, live_server, world, draft):
    login(phone_page, live_server, world.officer_a.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/ho-so/")
    row = phone_page.locator("table.cases tbody tr").first
    assert draft.name in row.inner_text()
    # No horizontal scrolling on a 390 px screen.
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
