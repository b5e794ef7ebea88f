"""Finding 10: sessions end after an idle time and after an absolute lifetime; every
page carries a Content-Security-Policy without 'unsafe-inline' and the pages hold no
inline script or style attribute; seed_demo refuses production settings."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from units.sessions import SESSION_SEEN, SESSION_STARTED


def _age_session(client, *, started_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED] = now - started_ago
    session[SESSION_SEEN] = now - seen_ago
    session.save()


def test_a_session_idle_past_the_limit_is_signed_out(client, world):
    client.force_login(world.officer_a)
    _age_session(client, started_ago=3 * 3600, seen_ago=settings.DVK_SESSION_IDLE_SECONDS + 60)
    response = client.get(reverse("models_registry:initiative_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã hết hạn" in page


def test_a_busy_session_still_ends_at_its_absolute_lifetime(client, world):
    client.force_login(world.officer_a)
    _age_session(client, started_ago=settings.DVK_SESSION_MAX_AGE_SECONDS + 60, seen_ago=5)
    response = client.get(reverse("models_registry:initiative_list"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_session_in_use_goes_on_and_its_clock_moves(client, world):
    client.force_login(world.officer_a)
    _age_session(client, started_ago=3600, seen_ago=600)
    assert client.get(reverse("models_registry:initiative_list")).status_code == 200
    assert int(time.time()) - client.session[SESSION_SEEN] < 60
    assert settings.SESSION_COOKIE_AGE == settings.DVK_SESSION_MAX_AGE_SECONDS


def test_every_page_carries_a_policy_without_inline_script(client, world, draft):
    client.force_login(world.secretariat)
    for url in (
        reverse("login"),
        reverse("models_registry:initiative_list"),
        reverse("models_registry:initiative_detail", args=[draft.pk]),
        reverse("dashboards:dashboard"),
        "/khong-co-trang-nay/",
    ):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy


# The e-mail templates are not pages (mail clients need inline styles).
PAGE_TEMPLATES = [
    path
    for app in (
        "config",
        "models_registry",
        "inspections",
        "committees",
        "dashboards",
        "notifications",
        "reports",
        "units",
        "workflow",
        "demo",
    )
    for path in (Path(settings.BASE_DIR) / app).rglob("templates/**/*.html")
    if "/email/" not in str(path)
]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=|javascript:", re.I)


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p).split("/templates/")[1])
def test_no_template_holds_what_the_policy_would_block(path):
    assert not INLINE.search(path.read_text()), path


def test_seed_demo_refuses_production_settings(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Không chạy seed_demo với cấu hình production"):
        call_command("seed_demo")
