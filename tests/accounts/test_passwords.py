"""“Quên mật khẩu” and the invitation's link, in the test client: the message goes to
the outbox (never an inbox), no one learns whether an address has an account, and each
link works once, for its own purpose, within its time."""

import re

import pytest
from django.contrib.auth import get_user_model

from accounts.services.accounts import AccountData, account_create, account_deactivate
from notifications.models import Notification

NEW_PASSWORD = "Hoa-sen-no-2024!"
LINK = re.compile(r"http://[^\s]+/tai-khoan/(?:dat-lai-mat-khau|loi-moi)/[^\s/]+/[^\s/]+/")


def reset_request(client, email):
    return client.post("/tai-khoan/quen-mat-khau/", {"email": email})


def link_of(row) -> str:
    found = LINK.findall(row.body_text)
    assert found, row.body_text
    assert found[0] in row.body_html
    return found[0].split("127.0.0.1:8000", 1)[1]


def set_password(client, path, password=NEW_PASSWORD):
    page = client.get(path)  # the token moves to the session, the URL loses it
    assert page.status_code == 302, page.content.decode()[:500]
    form_url = page["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_known_and_an_unknown_address_get_the_same_answer(world, client):
    known = reset_request(client, "CANBO.A@example.test")
    unknown = reset_request(client, "khongco@example.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    (row,) = Notification.objects.filter(kind="password_reset")
    assert row.email == "canbo.a@example.test" and row.user is None
    assert "Đặt lại mật khẩu" in row.subject
    done = client.get("/tai-khoan/quen-mat-khau/da-gui/").content.decode()
    assert "Hãy kiểm tra hộp thư" in done


def test_a_deactivated_account_gets_no_reset_message(world, client):
    account_deactivate(actor=world.secretariat, user=world.officer_a)
    reset_request(client, "canbo.a@example.test")
    assert not Notification.objects.exists()


def test_asking_again_within_minutes_sends_nothing_more(world, client):
    reset_request(client, "canbo.a@example.test")
    reset_request(client, "canbo.a@example.test")
    assert Notification.objects.filter(kind="password_reset").count() == 1


def test_the_reset_link_sets_the_password_once(world, client):
    reset_request(client, "canbo.a@example.test")
    path = link_of(Notification.objects.get(kind="password_reset"))
    done = set_password(client, path)
    assert done["Location"] == "/tai-khoan/da-dat-mat-khau/"
    user = get_user_model().objects.get(username="canbo.a")
    assert user.check_password(NEW_PASSWORD)
    again = client.get(path)
    assert again.status_code == 200
    assert "Đường dẫn không còn dùng được" in again.content.decode()


def test_an_invitation_link_sets_the_first_password_and_is_no_reset_link(world, client):
    user = account_create(
        actor=world.secretariat,
        data=AccountData(full_name="Ngô Thị Lan", email="lan@example.test", unit=world.ward_a,
                         role="unit_officer"),
    )  # fmt: skip
    path = link_of(Notification.objects.get(kind="account_invitation"))
    # The same token on the reset URL is refused: different salt.
    as_reset = path.replace("/loi-moi/", "/dat-lai-mat-khau/")
    assert "Đường dẫn không còn dùng được" in client.get(as_reset).content.decode()
    page = client.get(path, follow=True).content.decode()
    assert "Đặt mật khẩu cho tài khoản" in page and "lan@example.test" in page
    set_password(client, path)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.post("/dang-nhap/", {"username": "lan@example.test",
                                       "password": NEW_PASSWORD})["Location"] == "/"  # fmt: skip
    client.logout()
    assert "Đường dẫn không còn dùng được" in client.get(path).content.decode()


def test_an_invitation_expires(world, client, settings):
    account_create(
        actor=world.secretariat,
        data=AccountData(full_name="Ngô Thị Lan", email="lan@example.test", unit=world.ward_a,
                         role="unit_officer"),
    )  # fmt: skip
    path = link_of(Notification.objects.get(kind="account_invitation"))
    settings.ACCOUNTS_INVITATION_TIMEOUT = -1
    assert "Đường dẫn không còn dùng được" in client.get(path).content.decode()


def test_an_invited_person_whose_link_expired_can_use_forgotten_password(world, client):
    account_create(
        actor=world.secretariat,
        data=AccountData(full_name="Ngô Thị Lan", email="lan@example.test", unit=world.ward_a,
                         role="unit_officer"),
    )  # fmt: skip
    reset_request(client, "lan@example.test")
    assert Notification.objects.filter(kind="password_reset", email="lan@example.test").exists()


def test_a_link_of_an_account_deactivated_since_does_not_work(world, client):
    reset_request(client, "canbo.a@example.test")
    path = link_of(Notification.objects.get(kind="password_reset"))
    account_deactivate(actor=world.secretariat, user=world.officer_a)
    assert "Đường dẫn không còn dùng được" in client.get(path).content.decode()


@pytest.mark.parametrize("password", ["12345678", "abc"])
def test_a_weak_password_is_refused_in_vietnamese(world, client, password):
    reset_request(client, "canbo.a@example.test")
    path = link_of(Notification.objects.get(kind="password_reset"))
    response = set_password(client, path, password)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mật khẩu" in text or "mật khẩu" in text
    assert 'class="error"' in text
