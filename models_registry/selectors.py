"""Reads. Every list of cases starts from ``initiative_list``, which scopes it to the
user; every case a view touches comes from ``initiative_get``, which 404s outside it."""

import difflib
from functools import reduce
from operator import or_

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from workflow.errors import WorkflowError
from workflow.lifecycle import DECIDED_STATES, Role, State

from .models import FIELD_FLAGS, Campaign, Initiative, Membership, ProgressReport, Unit
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
            # Exactly the cases of the inspections the inspector is on the team of
            # (a subquery: no duplicate rows when a case had several inspections).
            parts.append(Q(pk__in=Initiative.objects.filter(inspections__team=user).values("pk")))
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


# What a row of the case list shows (the list reads nothing else of a case or of its
# campaign, unit and levels): the goals and the folded search text stay in the database.
LIST_ROW_FIELDS = (
    "name", "state", "subject", *FIELD_FLAGS, "campaign__year", "unit__name",
    "target_level__name", "recognized_level__name",
)  # fmt: skip


def initiative_rows(cases: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """``cases`` (from ``initiative_list``) reading only what a list row shows."""
    return cases.only(*LIST_ROW_FIELDS)


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


def progress_report_list(*, initiative: Initiative) -> list[ProgressReport]:
    """The case's progress reports, oldest first, each with its author and attachments:
    two queries whatever their number. Access to the case is checked by the caller
    (``initiative_get``)."""
    return list(
        ProgressReport.objects.filter(initiative=initiative)
        .select_related("created_by")
        .prefetch_related("attachments")
        .order_by("report_date", "id")
    )


def initiative_continuations(*, actor, initiative: Initiative) -> list[Initiative]:
    """The cases that carry ``initiative`` over into later years, as far as ``actor``
    may see them."""
    return list(
        initiative_list(actor=actor)
        .filter(continues_from=initiative)
        .order_by("campaign__year", "id")
    )


# Which models may be carried over; the rule is explained in services/carry_over.py.
CARRY_OVER_STATES = frozenset(
    {State.IN_PROGRESS, State.INSPECTED, State.RECOGNIZED, State.NOT_RECOGNIZED}
)


def carry_over_target() -> Campaign | None:
    """The campaign models are carried into: this year's, the latest one."""
    return Campaign.objects.order_by("-year").first()


def carry_over_candidates(
    *, actor, campaign: Campaign | None
) -> tuple[Campaign | None, QuerySet[Initiative]]:
    """The previous campaign and its models that ``actor``'s units ran, each annotated
    with ``carried_pk``: the pk of its continuation in ``campaign``, or None."""
    previous = (
        Campaign.objects.filter(year__lt=campaign.year).order_by("-year").first()
        if campaign
        else None
    )
    if previous is None:
        return None, Initiative.objects.none()
    continuation = Initiative.objects.filter(
        continues_from=OuterRef("pk"), campaign=campaign
    ).values("pk")[:1]
    qs = (
        Initiative.objects.filter(
            campaign=previous,
            unit__in=units_for_officer(actor),
            state__in=CARRY_OVER_STATES,
        )
        .select_related("campaign", "unit", "target_level", "recognized_level")
        .annotate(carried_pk=Subquery(continuation))
        .order_by("unit__path", "name", "id")
    )
    return previous, qs
