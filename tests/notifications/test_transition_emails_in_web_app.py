"""A transition pressed in the browser reaches the SMTP server exactly once per
recipient, with its Vietnamese subject, and lands once in each user's inbox."""

import pytest

from notifications.models import Notification, Status
from tests.e2e.conftest import login
from tests.factories import BEFORE_DEADLINE, PASSWORD, make_draft
from workflow.services import transition_apply

from .conftest import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_NAME = "Dân vận khéo trong vận động hiến đất mở đường"


@pytest.fixture
def open_case(world, late_submission_allowed):
    return make_draft(world)


@pytest.fixture
def registered_case(world):
    """Registered (only what was registered is withdrawn), its notices out of the way."""
    case = make_draft(world)
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    Notification.objects.all().delete()
    return case


def press(page, live_server, case, transition: str, reason: str = "") -> None:
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    if reason:
        page.fill(f"#reason-{transition}", reason)
    page.click(f"button[data-transition={transition}]")
    page.wait_for_selector(".msg.success")


def test_submitting_in_the_browser_sends_one_email_per_recipient_and_one_inbox_entry_each(
    world, open_case, page, live_server, smtp, worker
):
    login(page, live_server, world.officer_a.username, PASSWORD)
    press(page, live_server, open_case, "submit")

    received = smtp.wait_for(3)
    wait_until(lambda: not Notification.objects.exclude(status=Status.SENT).exists())
    received = smtp.messages()
    by_address = {tuple(m.rcpt_tos): m for m in received}
    assert len(received) == 3, [(m.rcpt_tos, m.subject) for m in received]
    assert set(by_address) == {
        ("bandanvan@example.test",),
        ("canbo.a@example.test",),
        ("dangUy.dongngan@example.test",),
    }
    to_secretariat = by_address[("bandanvan@example.test",)]
    assert to_secretariat.subject == (f"Đảng ủy phường Đông Ngàn gửi đăng ký mô hình “{CASE_NAME}”")
    assert f"{live_server.url}" not in to_secretariat.text()  # links use SITE_URL
    assert f"/ho-so/{open_case.pk}/" in to_secretariat.text()
    assert f"/ho-so/{open_case.pk}/" in to_secretariat.html()
    for receipt in (
        by_address[("canbo.a@example.test",)],
        by_address[("dangUy.dongngan@example.test",)],
    ):
        assert receipt.subject == f"Đã nhận đăng ký mô hình “{CASE_NAME}”"
    assert len({m.message_id for m in received}) == 3

    assert Notification.objects.filter(user=world.secretariat).count() == 1
    assert Notification.objects.filter(user=world.officer_a).count() == 1

    # The secretariat sees the unread count in the header and the entry in the inbox.
    page.context.clear_cookies()
    login(page, live_server, world.secretariat.username, PASSWORD)
    assert page.inner_text("#nav-inbox .unread-count") == "1"
    page.click("#nav-inbox")
    page.click(f"text=“{CASE_NAME}”")
    assert "Đảng ủy phường Đông Ngàn vừa gửi đăng ký" in page.inner_text(".notification-body")
    page.goto(f"{live_server.url}/thong-bao/")
    assert page.locator("#nav-inbox .unread-count").count() == 0


def test_withdrawing_in_the_browser_sends_exactly_one_email_to_the_secretariat(
    world, registered_case, page, live_server, smtp, worker
):
    login(page, live_server, world.officer_a.username, PASSWORD)
    press(page, live_server, registered_case, "withdraw", reason="Đơn vị gộp vào mô hình khác.")

    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 1)
    received = smtp.wait_for(1)
    assert len(received) == 1
    assert received[0].rcpt_tos == ["bandanvan@example.test"]
    assert received[0].subject == (f"Đảng ủy phường Đông Ngàn rút đăng ký mô hình “{CASE_NAME}”")
    assert "Lý do: Đơn vị gộp vào mô hình khác." in received[0].text()
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["bandanvan"]
