"""Finding 7: failures are counted per (username, address) and per address; the
address is REMOTE_ADDR unless DVK_CLIENT_IP_HEADER names the proxy's header."""

from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from config.signin import client_ip
from tests.factories import PASSWORD, make_user
from workflow.lifecycle import Role


def _try(client, username, password="sai-mat-khau", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_wrong_passwords_spread_over_many_accounts_lock_the_address(world):
    users = [make_user(f"canbo.thu{i}", (Role.UNIT_OFFICER, world.ward_a)) for i in range(12)]
    client = Client(REMOTE_ADDR="203.0.113.7")
    per_account = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock one account
    tries = 0
    for user in users:
        for _ in range(per_account):
            if tries < settings.DVK_AXES_ADDRESS_FAILURE_LIMIT:
                _try(client, user.username)
                tries += 1
    assert tries == settings.DVK_AXES_ADDRESS_FAILURE_LIMIT
    # The address is locked now, even for a right password of an untouched account.
    locked = _try(client, "canbo.a", PASSWORD)
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()
    # Another address is not.
    other = _try(Client(REMOTE_ADDR="198.51.100.9"), "canbo.a", PASSWORD)
    assert other.status_code == 302


def test_a_success_does_not_clear_the_address_count(world):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for i in range(settings.DVK_AXES_ADDRESS_FAILURE_LIMIT - 1):
        _try(client, f"khong-co-{i}")
    assert _try(client, "canbo.a", PASSWORD).status_code == 302
    client.logout()
    _try(client, "khong-co-nua")
    assert _try(client, "canbo.b", PASSWORD).status_code == 429


def test_without_the_setting_a_forwarded_header_is_ignored(settings):
    settings.DVK_CLIENT_IP_HEADER = ""
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.2"


def test_behind_the_proxy_the_right_most_untrusted_hop_is_the_client(settings):
    settings.DVK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.DVK_TRUSTED_PROXIES = ["10.0.0.3"]
    # The client wrote a fake first hop; nginx appended the address it saw.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.3"
    )
    assert client_ip(request) == "203.0.113.9"
    bare = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    assert client_ip(bare) == "10.0.0.2"


def test_behind_the_proxy_five_failures_lock_one_account_at_one_address_only(world, settings):
    settings.DVK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(proxy, "canbo.a", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert _try(proxy, "canbo.a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 429
    # The same account from another client behind the same proxy still signs in.
    ok = _try(proxy, "canbo.a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert ok.status_code == 302
