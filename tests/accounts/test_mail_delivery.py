"""The invitation and the reset message leave through the outbox: written with the
change, delivered by a real Celery worker to a real SMTP server, the link in both parts."""

import re

import pytest

from accounts.services.accounts import AccountData, account_create
from notifications.models import Notification, Status
from tests.notifications.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://127\.0\.0\.1:8000/tai-khoan/(?:loi-moi|dat-lai-mat-khau)/\S+/\S+/")


def test_an_invitation_reaches_the_smtp_server_once_with_its_one_time_link(world, smtp, worker):
    account_create(
        actor=world.secretariat,
        data=AccountData(full_name="Ngô Thị Lan", email="lan@example.test", unit=world.ward_a,
                         role="unit_officer"),
    )  # fmt: skip
    (message,) = smtp.wait_for(1)
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 1)
    assert message.rcpt_tos == ["lan@example.test"]
    assert message.kind == "account_invitation"
    assert message.subject == "Mời bạn đặt mật khẩu cho tài khoản “lan@example.test”"
    text = message.text()
    assert "Kính gửi Ngô Thị Lan," in text
    assert "Ban Dân vận đã tạo cho bạn một tài khoản" in text
    (link,) = set(LINK.findall(text))
    assert "/tai-khoan/loi-moi/" in link and link in message.html()


def test_a_forgotten_password_message_reaches_the_smtp_server(world, client, smtp, worker):
    client.post("/tai-khoan/quen-mat-khau/", {"email": "canbo.b@example.test"})
    client.post("/tai-khoan/quen-mat-khau/", {"email": "khongco@example.test"})
    (message,) = smtp.wait_for(1)
    wait_until(lambda: Notification.objects.filter(status=Status.SENT).count() == 1)
    assert message.rcpt_tos == ["canbo.b@example.test"]
    assert message.kind == "password_reset"
    assert message.subject == "Đặt lại mật khẩu cho tài khoản “canbo.b”"
    (link,) = set(LINK.findall(message.text()))
    assert "/tai-khoan/dat-lai-mat-khau/" in link and link in message.html()
    assert len(smtp.messages()) == 1  # nothing for the unknown address
