"""Who hears about what. Each helper returns a list to pass as ``recipients`` to
``notifications.services.notification_queue``: users and/or bare e-mail addresses."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from units.models import Unit
from workflow.lifecycle import Role


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(pk) for pk in unit.path.strip("/").split("/") if pk] or [unit.pk]


def unit_recipients(unit: Unit) -> list:
    """The unit's officers (a unit_officer membership on the unit or one of its
    ancestors) and the unit's contact address, if it has one."""
    officers = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.UNIT_OFFICER,
            memberships__unit_id__in=_ancestor_ids(unit),
        )
        .distinct()
        .order_by("pk")
    )
    return [*officers, *([unit.email] if unit.email else [])]


def secretariat_recipients() -> list:
    """Every active member of the secretariat (Ban Dân vận)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, memberships__role=Role.SECRETARIAT)
        .distinct()
        .order_by("pk")
    )


def role_recipients(role: str) -> list:
    """Every active user holding ``role`` on some unit."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, memberships__role=role)
        .distinct()
        .order_by("pk")
    )


def users_recipients(users: Iterable) -> list:
    """The given users that are still active (e.g. an inspection's team)."""
    return [user for user in users if user is not None and user.is_active]
