"""Reads for the administration pages: the accounts and the administration log."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from audit.models import AuditEntry
from units.models import Membership, Unit
from units.text import fold

NOT_FOUND = "Không tìm thấy tài khoản."


def account_list(
    *,
    actor,
    text: str = "",
    unit: Unit | None = None,
    role: str = "",
    active: bool | None = None,
) -> QuerySet:
    """The accounts the actor may manage, with their roles: every account for the
    superuser, every account but the superusers' for the secretariat. ``unit`` keeps the
    accounts holding a role in that unit or under it; ``text`` searches the name, the
    sign-in name and the address (written with or without diacritics: sign-in names and
    addresses have none)."""
    User = get_user_model()
    accounts = User.objects.all()
    if not actor.is_superuser:
        accounts = accounts.filter(is_superuser=False)
    text = " ".join(text.split())
    if text:
        folded = fold(text).replace(" ", "")
        accounts = accounts.filter(
            Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(username__icontains=text)
            | Q(email__icontains=text)
            | Q(username__icontains=folded)
            | Q(email__icontains=folded)
        )
    if unit is not None or role:
        held = Membership.objects.all()
        if unit is not None:
            held = held.filter(unit__path__startswith=unit.path)
        if role:
            held = held.filter(role=role)
        accounts = accounts.filter(pk__in=held.values("user_id"))
    if active is not None:
        accounts = accounts.filter(is_active=active)
    return accounts.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("unit").order_by("unit__path", "role"),
        )
    ).order_by("first_name", "username", "pk")


def account_get(*, actor, pk) -> object:
    """One account the actor may manage; 404 for any other."""
    try:
        return account_list(actor=actor).get(pk=pk)
    except (get_user_model().DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def membership_get(*, actor, user, pk) -> Membership:
    try:
        return Membership.objects.select_related("unit", "user").get(pk=pk, user=user)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def audit_list(
    *,
    action: str = "",
    who: str = "",
    target: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditEntry]:
    """The administration log, newest first, narrowed by the page's filters. ``who``
    and ``target`` search the names as the log wrote them (so a renamed unit or a
    deactivated officer is found by the name they had)."""
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action=action)
    if who:
        entries = entries.filter(actor_name__icontains=who.strip())
    if target:
        entries = entries.filter(target_repr__icontains=target.strip())
    if target_type and target_id:
        entries = entries.filter(target_type=target_type, target_id=target_id)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries.order_by("-at", "-id")
