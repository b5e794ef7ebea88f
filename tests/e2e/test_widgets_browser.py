"""The project's widgets in a real browser (issue 14): the unit picker found by typing
without diacritics, chosen by touch on a phone and by keyboard, the filter applied, and a
plain select without JavaScript; dates typed and shown as dd/mm/yyyy in an English-language
browser; and a name of 480 letters without a space that wraps instead of widening the page."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from models_registry.models import Campaign
from tests.e2e.conftest import PHONE, login
from tests.factories import PASSWORD, make_draft
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep a screenshot of each page at 390 and 1366 px (for review).
SHOTS = os.environ.get("SCREENSHOTS_DIR")
LONG_WORD = "Dânvậnkhéo" * 48  # 480 letters, no space


def shot(page, name: str) -> None:
    if SHOTS:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


def sideways(page) -> int:
    """How far the page scrolls sideways (0 when it fits the window)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def open_filters(page) -> None:
    if not page.locator("details.filters").evaluate("d => d.open"):
        page.click("text=Bộ lọc và tìm kiếm")


def picker_options(page) -> list[str]:
    return page.locator("#id_unit").locator("xpath=..").locator("li[role=option]").all_inner_texts()


def test_on_a_phone_the_unit_picker_finds_dong_ngan_typed_without_diacritics_and_filters(
    phone_page, live_server, world
):
    page = phone_page
    make_draft(world)  # ward A
    make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Mô hình của Tam Sơn")
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/")
    assert page.inner_text("#result-count") == "2 hồ sơ"
    open_filters(page)

    box = page.get_by_role("combobox", name="Đơn vị (gồm đơn vị trực thuộc)")
    box.tap()
    # Opened without typing: the whole tree, the chosen "Tất cả đơn vị" first.
    listing = page.get_by_role("listbox")
    listing.wait_for()
    assert picker_options(page)[0] == "Tất cả đơn vị"
    assert len(picker_options(page)) == 6  # "all" and the five units
    box.fill("dong ngan")
    assert picker_options(page) == ["Đảng ủy phường Đông Ngàn", "UBND phường Đông Ngàn"]
    shot(page, "unit-picker-open")
    assert sideways(page) <= 0, "the open picker widens the page on a phone"

    page.get_by_role("option", name="Đảng ủy phường Đông Ngàn").tap()
    assert listing.is_hidden()
    assert box.input_value() == "Đảng ủy phường Đông Ngàn"
    assert page.locator("select#id_unit").input_value() == str(world.ward_a.pk)
    page.click("button:has-text('Lọc')")
    page.wait_for_url(f"**/ho-so/?*unit={world.ward_a.pk}*")
    assert page.inner_text("#result-count") == "1 hồ sơ"
    assert "Mô hình của Tam Sơn" not in page.inner_text("main")
    # The chosen unit is shown again after the reload.
    open_filters(page)
    assert box.input_value() == "Đảng ủy phường Đông Ngàn"


def test_the_unit_picker_works_with_the_keyboard_and_an_emptied_box_means_every_unit(
    page, live_server, world
):
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/?unit={world.ward_b.pk}")
    open_filters(page)
    box = page.get_by_role("combobox", name="Đơn vị (gồm đơn vị trực thuộc)")
    assert box.input_value() == "Đảng ủy phường Tam Sơn"

    box.focus()
    box.fill("UBND DONG")  # case and diacritics ignored, words in any place
    assert picker_options(page) == ["UBND phường Đông Ngàn"]
    # A unit found without its parent is listed under the parent's name.
    heading = page.locator(".unit-picker-group").all_inner_texts()
    assert heading == ["Đảng ủy phường Đông Ngàn"]
    page.keyboard.press("Enter")  # the first match is active: Enter chooses, not submits
    assert page.locator("select#id_unit").input_value() == str(world.ward_a_sub.pk)
    assert "?unit=" in page.url and f"unit={world.ward_b.pk}" in page.url

    box.fill("khong co don vi nay")
    assert "Không có đơn vị nào khớp" in page.inner_text(".unit-picker-list")
    page.keyboard.press("Escape")
    assert box.input_value() == "UBND phường Đông Ngàn"

    box.fill("")
    page.keyboard.press("Tab")
    expect(page.locator("select#id_unit")).to_have_value("")
    box.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("select#id_unit").input_value() == str(world.city.pk)


def test_without_javascript_the_unit_filter_is_the_plain_select_in_tree_order(
    browser, live_server, world
):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        login(page, live_server, world.secretariat.username, PASSWORD)
        page.goto(f"{live_server.url}/ho-so/")
        page.click("text=Bộ lọc và tìm kiếm")
        assert page.get_by_role("combobox", name="Đơn vị (gồm đơn vị trực thuộc)").count() == 1
        options = page.locator("select#id_unit option")
        assert options.all_inner_texts()[:3] == [
            "Tất cả đơn vị",
            "Thành phố Từ Sơn",
            "Đảng ủy phường Đông Ngàn",
        ]
        assert options.nth(3).get_attribute("data-depth") == "2"
        page.select_option("select#id_unit", str(world.ward_b.pk))
        page.click("button:has-text('Lọc')")
        page.wait_for_url(f"**unit={world.ward_b.pk}*")
    finally:
        context.close()


def test_an_english_language_browser_types_and_reads_dates_as_dd_mm_yyyy(
    browser, live_server, world
):
    context = browser.new_context(locale="en-US", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        assert page.evaluate("navigator.language") == "en-US"
        login(page, live_server, world.secretariat.username, PASSWORD)
        page.goto(f"{live_server.url}/quan-ly/")
        page.click("#hub-plans")
        page.click("#campaign-create")
        deadline = page.locator("#id_registration_deadline")
        # A text box, not the browser's mm/dd/yyyy date picker.
        assert deadline.get_attribute("type") == "text"
        assert deadline.get_attribute("placeholder") == "dd/mm/yyyy"
        assert deadline.input_value() == "06/03/2024"
        page.fill("#id_plan_number", "52-KH/BCĐ")
        page.fill("#id_levels", "Cấp cơ sở\nCấp xã, phường")

        # A day that does not exist: refused in Vietnamese, at its field, the text kept.
        deadline.fill("31/02/2024")
        page.click("#campaign-save")
        error = page.locator(".errors, .error").filter(has_text="Ngày không hợp lệ")
        assert error.first.inner_text().strip().startswith("Ngày không hợp lệ")
        assert page.locator("#id_registration_deadline").input_value() == "31/02/2024"

        # d/m/yyyy is accepted and written back as dd/mm/yyyy when the box is left.
        page.fill("#id_registration_deadline", "8/3/2024")
        page.keyboard.press("Tab")
        assert page.input_value("#id_registration_deadline") == "08/03/2024"
        # The small calendar: March 2024 shown, the 9th chosen.
        page.fill("#id_plan_date", "10/01/2024")
        page.locator("#id_plan_date").locator("xpath=..").get_by_role("button").click()
        calendar = page.get_by_role("dialog", name="Lịch")
        assert "Tháng 1 / 2024" in calendar.inner_text()
        calendar.get_by_role("button", name="Tháng sau").click()
        calendar.get_by_role("button", name="09/02/2024").click()
        assert page.input_value("#id_plan_date") == "09/02/2024"
        shot(page, "date-widget")
        page.click("#campaign-save")
        page.wait_for_selector("text=Đã lập kế hoạch năm 2024")
        campaign = Campaign.objects.get(year=2024)
        assert campaign.registration_deadline == datetime.date(2024, 3, 8)
        assert campaign.plan_date == datetime.date(2024, 2, 9)
        assert page.inner_text("#registration-deadline") == "08/03/2024"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}])
def test_a_480_letter_name_without_a_space_wraps_on_the_list_the_case_and_the_dashboard(
    browser, live_server, world, viewport
):
    Unit.objects.filter(pk=world.ward_a.pk).update(name=LONG_WORD[:255])
    case = make_draft(world, name=LONG_WORD)
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    try:
        login(page, live_server, world.secretariat.username, PASSWORD)
        for name, path in (
            ("long-name-list", "/ho-so/"),
            ("long-name-case", case.get_absolute_url()),
            ("long-name-dashboard", "/ho-so/tong-quan/"),
        ):
            page.goto(f"{live_server.url}{path}")
            assert LONG_WORD[:255] in page.inner_text("main")
            shot(page, name)
            assert sideways(page) <= 0, f"{path} scrolls sideways at {viewport['width']} px"
    finally:
        context.close()
