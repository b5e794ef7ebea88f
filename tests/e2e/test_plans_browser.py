"""The secretariat runs the year in a real browser: next year's plan from this year's,
an extension after the deadline that lets a ward submit, a registration returned after
the deadline and sent again within the period. Each page fits a 390 px phone."""

import datetime
import os
from pathlib import Path

import pytest

from audit.models import AuditEntry
from models_registry.models import Campaign, CampaignStatus, DeadlineExtension
from notifications.models import Notification
from tests.e2e.conftest import login
from tests.factories import BEFORE_DEADLINE, PASSWORD
from workflow.lifecycle import State
from workflow.services import transition_apply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep a screenshot of each page at 390 and 1366 px (for review).
SHOTS = os.environ.get("SCREENSHOTS_DIR")


def sign_out(page):
    page.click("text=Đăng xuất")
    page.wait_for_url("**/dang-nhap/")


def fits_a_phone(page, name: str) -> None:
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_secretariat_makes_next_years_plan_from_this_years_and_opens_it(
    page, live_server, world
):
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.click("#nav-manage")
    page.click("#hub-plans")
    fits_a_phone(page, "campaign-list")
    page.click("#campaign-create")
    assert page.input_value("#id_year") == "2024"
    assert page.input_value("#id_registration_deadline") == "06/03/2024"
    fits_a_phone(page, "campaign-create")
    page.fill("#id_plan_number", "52-KH/BCĐ")
    page.fill("#id_plan_date", "10/01/2024")
    page.fill("#id_registration_deadline", "8/3/2024")
    page.fill("#id_levels", "Cấp cơ sở\nCấp xã, phường")
    page.click("#campaign-save")
    page.wait_for_selector("text=Đã lập kế hoạch năm 2024")
    assert page.inner_text("#campaign-status") == "Đang chuẩn bị"
    assert page.inner_text("#registration-deadline") == "08/03/2024"
    page.click("#campaign-open")
    page.wait_for_selector("text=Đã mở kế hoạch năm 2024")
    assert page.inner_text("#campaign-status") == "Đang mở"
    fits_a_phone(page, "campaign-detail")

    campaign = Campaign.objects.get(year=2024)
    assert campaign.status == CampaignStatus.OPEN and campaign.plan_number == "52-KH/BCĐ"
    assert list(campaign.levels.values_list("name", flat=True)) == ["Cấp cơ sở", "Cấp xã, phường"]
    assert list(
        AuditEntry.objects.filter(target_id=str(campaign.pk)).values_list("action", flat=True)
    ) == ["campaign.open", "campaign.create"]


def test_an_extension_after_the_deadline_lets_the_ward_submit(page, live_server, world, draft):
    # On the real clock the 2023 deadline is long past: the officer cannot submit, and
    # the disabled button says why.
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert page.locator("button[data-transition=submit]").is_disabled()
    assert "Đã quá hạn đăng ký" in page.inner_text("#submit-blockers")
    sign_out(page)

    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/{world.campaign.pk}/gia-han/")
    until = datetime.date.today() + datetime.timedelta(days=5)
    page.select_option("#id_unit", label=f"— {world.ward_a.name}")
    page.fill("#id_until", f"{until:%d/%m/%Y}")
    page.fill("#id_reason", "Phường mới kiện toàn cán bộ phụ trách.")
    page.click("#extension-grant")
    page.wait_for_selector(f"text=đến hết ngày {until:%d/%m/%Y}")
    assert world.ward_a.name in page.inner_text("table.extensions")
    fits_a_phone(page, "extension-list")
    sign_out(page)

    assert Notification.objects.filter(kind="extension_granted", user=world.officer_a).exists()
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    page.click("button[data-transition=submit]")
    page.wait_for_selector("text=Đã gửi đăng ký.")
    assert page.inner_text("#case-state") == "Đã đăng ký"
    draft.refresh_from_db()
    assert draft.state == State.REGISTERED
    assert DeadlineExtension.objects.get().granted_by == world.secretariat


def test_a_registration_returned_after_the_deadline_is_sent_again_within_the_period(
    page, live_server, world, draft
):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    until = datetime.date.today() + datetime.timedelta(days=7)

    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    note = page.inner_text("#resubmit-note")
    assert "Đã qua hạn đăng ký (06/03/2023)" in note and until.strftime("%d/%m/%Y") in note
    fits_a_phone(page, "case-return-form")
    page.fill("#reason-return_for_revision", "Bổ sung số liệu theo quý.")
    page.click("button[data-transition=return_for_revision]")
    page.wait_for_selector("text=Đã trả lại hồ sơ để đơn vị chỉnh sửa.")
    sign_out(page)

    notice = Notification.objects.get(kind="case_returned", user=world.officer_a)
    assert f"chậm nhất ngày {until:%d/%m/%Y}" in notice.body_text

    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert until.strftime("%d/%m/%Y") in page.inner_text("#resubmit-until")
    page.click("button[data-transition=submit]")
    page.wait_for_selector("text=Đã gửi đăng ký.")
    draft.refresh_from_db()
    assert draft.state == State.REGISTERED
