"""Reads. Every list of cases starts from ``initiative_list``, which scopes it to the
user; every case a view touches comes from ``initiative_get``, which 404s outside it."""

import difflib
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from workflow.errors import WorkflowError
from workflow.lifecycle import DECIDED_STATES, Role, State

from .models import Initiative, Membership, Unit
from .text import fold, fold_name

UNIT_UNKNOWN = "Không tìm thấy đơn vị “{name}” trong danh mục."
UNIT_AMBIGUOUS = "Tên đơn vị “{name}” trùng với nhiều đơn vị."
UNIT_NEAREST = " Có phải là: {options}?"


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


def units_for_officer(user) -> QuerySet[Unit]:
    """The units a unit officer may register for: theirs and everything under them."""
    paths = [m.unit.path for m in memberships_of(user) if m.role == Role.UNIT_OFFICER]
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))


def _visibility(user) -> Q | None:
    """What the user may see, as one filter; None when they see everything."""
    parts = []
    for membership in memberships_of(user):
        if membership.role in (Role.SECRETARIAT, Role.VIEWER):
            return None
        if membership.role == Role.UNIT_OFFICER:
            parts.append(Q(unit__path__startswith=membership.unit.path))
        elif membership.role == Role.INSPECTOR:
            # Until inspections are assigned (see inspections/), an inspector follows the
            # running and finished models of the units under their own.
            parts.append(
                Q(unit__path__startswith=membership.unit.path)
                & ~Q(state__in=[State.DRAFT, State.WITHDRAWN])
            )
        elif membership.role == Role.COMMITTEE:
            parts.append(Q(state__in=DECIDED_STATES))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


def initiative_list(*, actor) -> QuerySet[Initiative]:
    """Every case ``actor`` may see, with what a list row shows, in a stable order."""
    qs = Initiative.objects.select_related("campaign", "unit", "target_level", "recognized_level")
    if actor.is_superuser:
        return qs
    visibility = _visibility(actor)
    return qs if visibility is None else qs.filter(visibility)


def initiative_get(*, actor, pk: int) -> Initiative:
    """The case, if ``actor`` may see it; 404 otherwise (never a hint that it exists)."""
    try:
        return (
            initiative_list(actor=actor)
            .select_related("created_by", "continues_from__campaign")
            .get(pk=pk)
        )
    except (Initiative.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy hồ sơ.") from None


def initiative_search(qs: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Diacritic- and case-insensitive search in the name, goals and unit name."""
    for word in fold(text).split():
        qs = qs.filter(Q(search_text__contains=word) | Q(unit__name_key__contains=word))
    return qs


def unit_match(name: str, *, units: QuerySet[Unit] | None = None) -> Unit:
    """The one unit called ``name``, however it is written.

    Diacritics, case, spacing and the usual abbreviations do not matter ("UBMTTQ P.
    Đông Ngàn" is "Ủy ban Mặt trận Tổ quốc phường Đông Ngàn"); aliases count. Raises
    ``WorkflowError`` naming the nearest units when there is no match or several.
    """
    key = fold_name(name)
    candidates = list(units if units is not None else Unit.objects.all())
    by_key: dict[str, list[Unit]] = {}
    for unit in candidates:
        for known in {unit.name_key, *(fold_name(alias) for alias in unit.alias_list)}:
            by_key.setdefault(known, []).append(unit)
    found = by_key.get(key, [])
    if len(found) == 1:
        return found[0]
    if found:
        options = ", ".join(f"“{unit.name}”" for unit in found[:5])
        raise WorkflowError(UNIT_AMBIGUOUS.format(name=name) + UNIT_NEAREST.format(options=options))
    nearest = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
    message = UNIT_UNKNOWN.format(name=name)
    if nearest:
        names = dict.fromkeys(unit.name for k in nearest for unit in by_key[k])
        message += UNIT_NEAREST.format(options=", ".join(f"“{n}”" for n in names))
    raise WorkflowError(message)
