"""In a real browser, with the demo's directory, a real worker and a real SMTP server:
the secretariat creates 20 accounts from a file and one invitee sets a password from the
e-mail's link and signs in; a user resets a forgotten password the same way; each role
lands on its own page and sees only the menu it can use."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from demo import registry as demo
from notifications.models import Notification, Status
from tests.accounts.files import xlsx
from tests.e2e.conftest import PHONE, login
from tests.notifications.conftest import (  # noqa: F401  (real Redis, worker, SMTP)
    redis_url,
    smtp,
    wait_until,
    worker,
)
from units.text import fold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Sen-hong-Dong-Ngan-2024"
WIDE = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def directory(settings, live_server, tmp_path):
    """The demo's units, campaigns and logins; e-mail links point at the live server."""
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        units = demo.build_directory()
        demo.build_campaigns()
        demo.build_people(units)


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go: DVK_SHOTS when set (to look at them), else the test's
    temporary folder."""
    folder = Path(os.environ.get("DVK_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


def context(browser, viewport):
    extra = {"is_mobile": True, "has_touch": True} if viewport == PHONE else {}
    made = browser.new_context(
        viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **extra
    )
    page = made.new_page()
    page.set_default_timeout(20_000)
    return page


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def twenty_people() -> list[tuple[str, str, str, str]]:
    rows = []
    for i, ward in enumerate(demo.WARDS[:10]):
        slug = fold(ward).replace(" ", "")
        rows.append((f"Cán bộ UBND {ward}", f"ubnd.{slug}@tuson.example", f"UBND P. {ward}",
                     "Cán bộ đơn vị"))  # fmt: skip
        rows.append((f"Cán bộ Phụ nữ {ward}", f"phunu.{slug}@tuson.example",
                     f"hoi lien hiep phu nu phuong {fold(ward)}", "can bo don vi"))  # fmt: skip
        assert i < 10
    return rows


def link_in(message) -> str:
    (link,) = set(re.findall(r"http://\S+/tai-khoan/(?:loi-moi|dat-lai-mat-khau)/\S+/\S+/",
                             message.text()))  # fmt: skip
    return link


def test_the_secretariat_creates_20_accounts_from_a_file_and_an_invitee_signs_in(
    browser,
    live_server,
    smtp,  # noqa: F811  (the fixture imported above)
    worker,  # noqa: F811
    tmp_path,
    shots,
):
    path = tmp_path / "tai-khoan-20.xlsx"
    path.write_bytes(xlsx(twenty_people()))
    page = context(browser, WIDE)
    login(page, live_server, "bandanvan", demo.DEMO_PASSWORD)
    assert page.locator("#nav-admin").count() == 0  # issue 13: no empty "Quản trị"
    page.click("#nav-manage")
    shots(page, "hub-1366")
    page.click("#hub-accounts")
    page.click("text=Tạo từ tệp")
    page.set_input_files("#id_file", str(path))
    shots(page, "import-1366")
    page.click("text=Kiểm tra tệp")

    page.wait_for_selector("#import-confirm")
    assert "20" in page.inner_text("#import-summary")
    assert page.locator(".accounts-preview tbody tr").count() == 20
    assert "trong tệp: UBND P. Châu Khê" in page.inner_text(".accounts-preview")
    shots(page, "import-preview-1366")
    assert not get_user_model().objects.filter(email__endswith="@tuson.example",
                                               username__contains="ubnd").exists()  # fmt: skip
    page.click("text=Xác nhận tạo 20 tài khoản")
    page.wait_for_selector(".msg.success")
    assert "Đã tạo 20 tài khoản và gửi thư mời tới từng người." in page.inner_text(".messages")
    shots(page, "account-list-1366")

    received = smtp.wait_for(20, timeout=90)
    wait_until(lambda: Notification.objects.filter(
        kind="account_invitation", status=Status.SENT).count() == 20, timeout=90)  # fmt: skip
    assert len(received) == 20
    invite = next(m for m in received if m.rcpt_tos == ["ubnd.dongngan@tuson.example"])
    assert invite.subject == "Mời bạn đặt mật khẩu cho tài khoản “ubnd.dongngan@tuson.example”"

    # The invitee, on a phone, follows the link from the message.
    phone = context(browser, PHONE)
    phone.goto(link_in(invite))
    phone.wait_for_selector("#set-password")
    assert phone.inner_text("#set-password-username") == "ubnd.dongngan@tuson.example"
    assert no_horizontal_scroll(phone)
    shots(phone, "set-password-390")
    phone.fill("#id_new_password1", NEW_PASSWORD)
    phone.fill("#id_new_password2", NEW_PASSWORD)
    phone.click("text=Lưu mật khẩu")
    phone.wait_for_selector("#password-set-done")
    phone.click("#password-set-done a.button")
    phone.fill("#id_username", "ubnd.dongngan@tuson.example")
    phone.fill("#id_password", NEW_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/ho-so/tong-quan/#officer-todo$"))
    assert "Việc cần làm của đơn vị" in phone.inner_text("#officer-todo")
    assert phone.locator("#nav-manage").count() == 0
    shots(phone, "invitee-landing-390")

    # The link worked once.
    phone.context.clear_cookies()
    phone.goto(link_in(invite))
    assert "Đường dẫn không còn dùng được" in phone.inner_text("main")

    # The secretariat finds the account and the log of its creation.
    page.goto(f"{live_server.url}/quan-ly/tai-khoan/?q=dongngan")
    page.click("text=Cán bộ UBND Đông Ngàn")
    assert "Đang sử dụng" in page.inner_text("#account-state")
    shots(page, "account-detail-1366")
    page.goto(f"{live_server.url}/quan-ly/nhat-ky/?action=account.create")
    assert "20 mục." in page.inner_text("#audit-count")
    shots(page, "audit-log-1366")
    page.context.close()
    phone.context.close()


def test_a_user_resets_a_forgotten_password_from_the_sign_in_page(
    browser,
    live_server,
    smtp,  # noqa: F811  (the fixture imported above)
    worker,  # noqa: F811
    shots,
):
    page = context(browser, PHONE)
    page.goto(f"{live_server.url}/dang-nhap/")
    shots(page, "login-390")
    page.click("#forgot-password")
    page.fill("#id_email", "canbo.tamson@tuson.example")
    shots(page, "forgot-390")
    page.click("text=Gửi đường dẫn đặt lại mật khẩu")
    page.wait_for_selector("#password-reset-sent")
    assert no_horizontal_scroll(page)

    (message,) = smtp.wait_for(1)
    assert message.subject == "Đặt lại mật khẩu cho tài khoản “canbo.tamson”"
    page.goto(link_in(message))
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("text=Lưu mật khẩu")
    page.wait_for_selector("#password-set-done")
    login(page, live_server, "canbo.tamson", NEW_PASSWORD)
    assert page.url.endswith("/ho-so/tong-quan/#officer-todo")
    page.context.close()


@pytest.mark.parametrize(
    ("username", "landing", "manage"),
    [
        ("bandanvan", "/ho-so/tong-quan/", True),
        ("lanhdao", "/ho-so/tong-quan/", False),
        ("canbo.dongngan", "/ho-so/tong-quan/#officer-todo", False),
        ("thanhvien1.bcd", "/hoi-dong/", False),
        ("kiemtra", "/kiem-tra/cua-toi/", False),
    ],
)
def test_each_role_lands_on_its_page_with_only_its_menu(
    browser, live_server, shots, username, landing, manage
):
    for viewport, suffix in ((PHONE, "390"), (WIDE, "1366")):
        page = context(browser, viewport)
        login(page, live_server, username, demo.DEMO_PASSWORD)
        assert page.url == live_server.url + landing
        assert (page.locator("#nav-manage").count() == 1) is manage
        assert page.locator("#nav-admin").count() == 0
        assert no_horizontal_scroll(page), username
        shots(page, f"landing-{username}-{suffix}")
        page.context.close()


def test_the_administration_pages_read_well_on_a_phone_and_a_wide_screen(
    browser, live_server, shots
):
    officer = get_user_model().objects.get(username="canbo.dongngan")
    pages = {
        "hub": "/quan-ly/",
        "account-list": "/quan-ly/tai-khoan/",
        "account-create": "/quan-ly/tai-khoan/tao-moi/",
        "import": "/quan-ly/tai-khoan/nhap-tep/",
        "account-detail": f"/quan-ly/tai-khoan/{officer.pk}/",
        "audit-log": "/quan-ly/nhat-ky/",
    }
    for viewport, suffix in ((PHONE, "390"), (WIDE, "1366")):
        page = context(browser, viewport)
        login(page, live_server, "bandanvan", demo.DEMO_PASSWORD)
        if viewport == PHONE:
            # Something to read in the log and on the account's page.
            page.goto(f"{live_server.url}{pages['account-detail']}")
            page.fill("#deactivate-form textarea", "Chuyển công tác")
            page.click("#deactivate")
            page.wait_for_selector(".msg.success")
            page.click("#reactivate")
            page.wait_for_selector(".msg.success")
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            assert no_horizontal_scroll(page), (name, suffix)
            shots(page, f"{name}-{suffix}")
        page.context.clear_cookies()
        for name, path in (("login", "/dang-nhap/"), ("forgot", "/tai-khoan/quen-mat-khau/")):
            page.goto(f"{live_server.url}{path}")
            assert no_horizontal_scroll(page), (name, suffix)
            shots(page, f"{name}-{suffix}")
        page.context.close()
