"""Every access rule, in one place: who holds which role in which unit, who is
secretariat, who sees everything, and which cases a user may see or act on.

The rules are read from the user's memberships (``Membership``: a role scoped to a unit).
A role whose reach is decided by an app above this one (the inspector's cases are those
of the inspections they are on the team of) is registered by that app in its
``AppConfig.ready()`` with ``case_rule_register``, as guards are registered with the
engine (``workflow.guards``): this module imports no app above ``units``.

Case rules speak of "a case" as any model with a ``unit`` and a ``state`` (the workflow's
case model): the scopes are ``Q`` objects over it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from workflow.lifecycle import DECIDED_STATES, Role

from .models import Membership, Unit


@dataclass(frozen=True)
class CaseRule:
    """What a role reaches among the cases, when an app above decides it.

    ``scope(user)`` is the filter of the cases the user may see in that role;
    ``holds(case, user)`` whether the user holds the role over one case."""

    scope: Callable[..., Q]
    holds: Callable[..., bool]


_case_rules: dict[str, CaseRule] = {}


def case_rule_register(role: str, *, scope: Callable[..., Q], holds: Callable[..., bool]) -> None:
    """Register how far ``role`` reaches among the cases (called from ``ready()``)."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    _case_rules[role] = CaseRule(scope=scope, holds=holds)


# --- the user's memberships and roles ----------------------------------------------------


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units, read once per user object."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_dvk_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._dvk_memberships = cached
    return cached


def roles_of_user(user) -> set[str]:
    return {membership.role for membership in memberships_of(user)}


def is_secretariat(user) -> bool:
    return bool(user.is_superuser or Role.SECRETARIAT in roles_of_user(user))


def is_inspector(user) -> bool:
    return Role.INSPECTOR in roles_of_user(user)


def sees_everything(user) -> bool:
    """The secretariat and leaders (and the superuser) see every unit's cases."""
    return bool(user.is_superuser or roles_of_user(user) & {Role.SECRETARIAT, Role.VIEWER})


# --- unit scopes -------------------------------------------------------------------------


def units_for_officer(user) -> QuerySet[Unit]:
    """The units a unit officer may register for: theirs and everything under them."""
    paths = [m.unit.path for m in memberships_of(user) if m.role == Role.UNIT_OFFICER]
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))


def officer_units(user) -> list[Unit]:
    """The topmost units the user is an officer of (a unit under another of theirs is
    already counted in that one's subtree)."""
    units = [m.unit for m in memberships_of(user) if m.role == Role.UNIT_OFFICER]
    units.sort(key=lambda unit: (unit.path, unit.pk))
    top: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(kept.path) for kept in top):
            top.append(unit)
    return top


# --- cases -------------------------------------------------------------------------------


def case_visibility(user) -> Q | None:
    """The cases the user may see, as one filter over the case model; None when they see
    everything."""
    parts = []
    for membership in memberships_of(user):
        if membership.role in (Role.SECRETARIAT, Role.VIEWER):
            return None
        if membership.role == Role.UNIT_OFFICER:
            parts.append(Q(unit__path__startswith=membership.unit.path))
        elif membership.role == Role.COMMITTEE:
            parts.append(Q(state__in=DECIDED_STATES))
        elif (rule := _case_rules.get(membership.role)) is not None:
            parts.append(rule.scope(user))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


def case_roles(case, user) -> set[str]:
    """The roles ``user`` holds over ``case``: a unit officer over the cases of their
    unit's subtree, a registered role (the inspector) where its rule says so, any other
    role everywhere."""
    roles = set()
    for membership in memberships_of(user):
        if membership.role == Role.UNIT_OFFICER:
            if case.unit.path.startswith(membership.unit.path):
                roles.add(Role.UNIT_OFFICER)
        elif (rule := _case_rules.get(membership.role)) is not None:
            if membership.role not in roles and rule.holds(case, user):
                roles.add(membership.role)
        elif membership.role != Role.INSPECTOR:  # an inspector reaches only by a rule
            roles.add(membership.role)
    return roles
