import pytest

from tests.browser import login
from tests.demo_data import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = "/work/shots/sec"


def test_shots(browser, live_server, settings):
    demo_load()
    errors = []
    for width, height in ((390, 844), (1366, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login(page, live_server, "bandanvan", "DanVanKheo@2023")
        for name, path in (
            ("dashboard", "/ho-so/tong-quan/"),
            ("to-inspect", "/kiem-tra/can-kiem-tra/?days=3650"),
            ("case-list", "/ho-so/"),
        ):
            page.goto(live_server.url + path)
            page.screenshot(path=f"{OUT}/{name}-{width}.png", full_page=True)
        page.goto(live_server.url + "/ho-so/?q=%00")
        page.screenshot(path=f"{OUT}/400-{width}.png")
        context.close()
    print("CONSOLE ERRORS", errors)
