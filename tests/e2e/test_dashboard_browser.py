"""The Ban Dân vận opens the dashboard from the menu, clicks a number and lands on the
case list showing exactly that many cases — on a desktop and on a phone."""

import pytest

from tests.dashboards.dashboard_data import build_cases
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def built(world, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_cases(world, monkeypatch)


def result_count(page) -> int:
    return int(page.inner_text("#result-count").split()[0])


def test_the_secretariat_clicks_a_dashboard_number_and_sees_that_many_cases(
    page, live_server, world, built
):
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.click("#nav-dashboard")
    page.wait_for_selector("#overview")
    assert "Tổng quan năm 2023" in page.inner_text("h1")

    running = page.locator('#by-state a[data-figure="state:in_progress"]')
    assert running.inner_text() == "4"
    running.click()
    page.wait_for_url("**/ho-so/?*state=in_progress*")
    assert result_count(page) == 4
    assert page.locator("table.cases tbody tr").count() == 4

    page.go_back()
    missed = page.locator('#overdue a[data-figure="visit_missed"]')
    assert missed.inner_text() == "1"
    missed.click()
    page.wait_for_url("**/ho-so/?*attention=visit_missed*")
    assert result_count(page) == 1
    assert "Quá ngày kiểm tra" in page.inner_text("table.cases")
    # The list's filter form shows the filter the number applied.
    page.click("text=Bộ lọc và tìm kiếm")
    assert page.locator("#id_attention").input_value() == "visit_missed"


def test_on_a_phone_the_dashboard_fits_and_its_numbers_lead_to_the_list(
    phone_page, live_server, world, built
):
    page = phone_page
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/tong-quan/")
    page.wait_for_selector("#overview")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    chart = page.locator("#by-year svg")
    assert chart.is_visible() and chart.bounding_box()["width"] <= width
    assert page.locator("#by-year rect").count() >= 2

    ward = page.locator('#registration tr[data-unit] a[data-figure="total"]').first
    expected = int(ward.inner_text())
    ward.click()
    page.wait_for_url("**/ho-so/?*unit=*")
    assert result_count(page) == expected == 12
