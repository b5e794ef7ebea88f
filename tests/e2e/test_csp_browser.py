"""Under the Content-Security-Policy (issue 15, finding 10), the page scripts still run
from their static files, and the browser reports no blocked script or style."""

import datetime

import pytest
from django.utils import timezone

from tests.browser import login
from tests.factories import PASSWORD
from tests.inspections.helpers import make_running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_select_all_box_works_and_nothing_is_blocked(page, live_server, world):
    today = timezone.localdate()
    for name in ("Mô hình thứ nhất", "Mô hình thứ hai"):
        make_running(world, name=name, end_date=today + datetime.timedelta(days=5))
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/kiem-tra/can-kiem-tra/")
    boxes = page.locator(".case-check")
    assert boxes.count() == 2
    page.check("#check-all")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.goto(f"{live_server.url}/ho-so/tong-quan/")
    assert page.locator("svg.bar").count() > 0
    assert blocked == []
