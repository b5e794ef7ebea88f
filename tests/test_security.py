"""Security basics: lockout after repeated failures, CSRF, deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def test_repeated_wrong_passwords_lock_the_login(client, world):
    url = reverse("login")
    first = client.post(url, {"username": "canbo.a", "password": "sai-mat-khau"})
    assert first.status_code == 200
    assert "_auth_user_id" not in client.session
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "canbo.a", "password": "sai-mat-khau"})
    locked = client.post(url, {"username": "canbo.a", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_signs_in(client, world):
    response = client.post(reverse("login"), {"username": "canbo.a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.officer_a.pk)


def test_forms_refuse_posts_without_a_csrf_token(world, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a)
    url = reverse("models_registry:initiative_transition", args=[draft.pk])
    response = client.post(
        url, {"transition": "withdraw", "expected_state": "draft", "reason": "x"}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_production_settings_pass_the_deploy_check():
    env = {
        # Not the browser fixtures' DJANGO_ALLOW_ASYNC_UNSAFE: production never has it.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "dvk.example.vn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
