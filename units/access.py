"""Every access rule, in one place: who holds which role in which unit, who is
secretariat, who sees everything, and which cases a user may see or act on.

The rules are read from the user's memberships (``Membership``: a role scoped to a unit).
A role whose reach is decided by an app above this one (the inspector's cases are those
of the inspections they are on the team of) is registered by that app in its
``AppConfig.ready()`` with ``case_rule_register``, as guards are registered with the
engine (``workflow.guards``): this module imports no app above ``units``.

Case rules speak of "a case" as any model with a ``unit`` and a ``state`` (the workflow's
case model): the scopes are ``Q`` objects over it.

A role with no rule registered reaches nothing beyond what this module grants itself:
the committee's reach comes from the committees a user sits on, which ``committees``
registers; a ``committee`` membership alone opens no case.

Leadership (``viewer``) reads, never writes: on the directory's root (the city) it reads
everything; on any other unit, that unit and its subtree, like the unit's own officers
(docs/committees.md, "Who sees what").
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from workflow.lifecycle import Role

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


def _whole_directory(membership: Membership) -> bool:
    """A leader on the root unit (the city) reads everything; elsewhere, a subtree."""
    return membership.role == Role.SECRETARIAT or (
        membership.role == Role.VIEWER and membership.unit.parent_id is None
    )


def sees_everything(user) -> bool:
    """The secretariat, the city's leaders (a viewer on a root unit) and the superuser see
    every unit's cases."""
    if user.is_superuser:
        return True
    return any(_whole_directory(membership) for membership in memberships_of(user))


# --- unit scopes -------------------------------------------------------------------------


def units_for_officer(user) -> QuerySet[Unit]:
    """The units a unit officer may register for: theirs and everything under them."""
    paths = [m.unit.path for m in memberships_of(user) if m.role == Role.UNIT_OFFICER]
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))


# Roles that read the cases of their unit's subtree: the officer, and a leader of a unit
# below the root.
READER_ROLES = (Role.UNIT_OFFICER, Role.VIEWER)


def officer_units(user, *, roles=(Role.UNIT_OFFICER,)) -> list[Unit]:
    """The topmost units the user is an officer of (a unit under another of theirs is
    already counted in that one's subtree); with ``roles=READER_ROLES``, the units whose
    subtree they read (officer or leader)."""
    units = [m.unit for m in memberships_of(user) if m.role in roles]
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
    ruled = set()
    for membership in memberships_of(user):
        if _whole_directory(membership):
            return None
        if membership.role in READER_ROLES:
            parts.append(Q(unit__path__startswith=membership.unit.path))
        elif membership.role in ruled:
            continue  # one rule per role, whatever the number of its memberships
        elif (rule := _case_rules.get(membership.role)) is not None:
            ruled.add(membership.role)
            parts.append(rule.scope(user))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


# Roles that reach a case only through a rule an app above registers: with no rule,
# nowhere (the inspector's inspections, the committee's committees).
RULED_ROLES = (Role.INSPECTOR, Role.COMMITTEE)


def case_roles(case, user) -> set[str]:
    """The roles ``user`` holds over ``case``: a unit officer (or a unit's leader) over
    the cases of their unit's subtree, a registered role (the inspector, the committee)
    where its rule says so, the secretariat everywhere."""
    roles = set()
    for membership in memberships_of(user):
        role = membership.role
        if role in roles:
            continue
        if _whole_directory(membership):
            roles.add(role)
        elif role in READER_ROLES:
            if case.unit.path.startswith(membership.unit.path):
                roles.add(role)
        elif (rule := _case_rules.get(role)) is not None:
            if rule.holds(case, user):
                roles.add(role)
        elif role not in RULED_ROLES:
            roles.add(role)
    return roles
