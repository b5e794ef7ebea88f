"""The two messages that carry a one-time link: the invitation and the password reset.

Both go through the outbox (``notifications.services.notification_queue``), so a broker
or mail server outage delays them but loses none. They are addressed to the bare e-mail
address, not to the user: the link is a key to the account, so it is not copied into the
in-app inbox, and the failed-deliveries page shows only the subject and the address.
"""

import time

from django.conf import settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.services import notification_queue

from ..tokens import invitation_token_generator

INVITATION = "account_invitation"
PASSWORD_RESET = "password_reset"
# At most one reset message per account in this many seconds: asking again and again
# (or someone else asking for you) does not flood the mailbox.
RESET_EVERY_SECONDS = 300


def _link(route: str, uid: str, token: str) -> str:
    return settings.SITE_URL + reverse(route, kwargs={"uidb64": uid, "token": token})


def _uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _days(seconds: int) -> int:
    return max(1, round(seconds / 86400))


def invitation_queue(*, user, invited_by) -> list:
    """One invitation row for ``user`` (in the caller's transaction): a link to set the
    first password, valid once and for ``ACCOUNTS_INVITATION_TIMEOUT`` seconds."""
    token = invitation_token_generator.make_token(user)
    return notification_queue(
        kind=INVITATION,
        recipients=[user.email],
        # A new key for every invitation: sending one again is a new message.
        dedupe_key=f"account-invitation:{user.pk}:{time.time_ns()}",
        context={
            "user": user,
            "full_name": user.get_full_name() or user.get_username(),
            "invited_by": invited_by.get_full_name() or invited_by.get_username(),
            "link": _link("accounts:invitation_accept", _uid(user), token),
            "valid_days": _days(settings.ACCOUNTS_INVITATION_TIMEOUT),
            "login_url": settings.SITE_URL + reverse("login"),
        },
    )


def password_reset_queue(*, user, uid: str, token: str) -> list:
    """One reset row for ``user`` (``uid`` and ``token`` as Django's reset form makes
    them); a second request within ``RESET_EVERY_SECONDS`` adds nothing (same key)."""
    bucket = int(time.time() // RESET_EVERY_SECONDS)
    return notification_queue(
        kind=PASSWORD_RESET,
        recipients=[user.email],
        dedupe_key=f"password-reset:{user.pk}:{bucket}",
        context={
            "user": user,
            "full_name": user.get_full_name() or user.get_username(),
            "link": _link("accounts:password_reset_confirm", uid, token),
            "valid_hours": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600)),
        },
    )
