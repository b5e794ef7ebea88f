"""The error pages as a person meets them in a real browser (issue 14): an unknown
address, a page their role may not open and a form left open too long each answer with a
Vietnamese page in the site's layout that says what to do — never Django's English
"Not Found" / "403 Forbidden" nor its technical page with the list of URLs."""

import pytest

from notifications.views import ONLY_SECRETARIAT_RETRIES
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = ("Not Found", "Forbidden", "Page not found", "CSRF verification failed", "URLconf")


def assert_site_page(page, heading: str) -> str:
    """The page is Vietnamese, in the site's layout (its stylesheet applied, the way
    home offered), with ``heading``; returns the page's text."""
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == heading
    assert page.get_by_role("link", name="Về trang chủ").is_visible()
    # The site's stylesheet is applied (the browser's default body margin is 8px).
    assert page.evaluate("getComputedStyle(document.body).margin") != "8px"
    text = page.locator("body").inner_text()
    for phrase in ENGLISH:
        assert phrase not in text
    return text


def test_an_unknown_address_answers_with_the_sites_404(world, live_server, page):
    login(page, live_server, world.officer_a.username, PASSWORD)
    response = page.goto(f"{live_server.url}/ho-so/khong-co-trang-nay/")
    assert response.status == 404
    assert_site_page(page, "Không tìm thấy trang")
    page.get_by_role("link", name="Về trang chủ").click()
    page.wait_for_load_state()
    assert "/ho-so/khong-co-trang-nay/" not in page.url


def test_a_page_of_another_role_answers_with_the_sites_403_and_its_reason(
    world, live_server, phone_page
):
    login(phone_page, live_server, world.officer_a.username, PASSWORD)
    response = phone_page.goto(f"{live_server.url}/thong-bao/gui-loi/")
    assert response.status == 403
    text = assert_site_page(phone_page, "Không có quyền truy cập")
    assert ONLY_SECRETARIAT_RETRIES in text
    # A phone shows it without sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_form_left_open_after_its_session_ended_says_to_reload(world, live_server, page):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.context.clear_cookies()  # the session and its CSRF cookie are gone meanwhile
    page.fill("#id_username", world.officer_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    text = assert_site_page(page, "Phiên làm việc đã hết hạn")
    assert "tải lại trang" in text
