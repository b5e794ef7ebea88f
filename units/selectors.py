"""Reads of the unit directory: a unit found by its name, however it is written."""

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404

from workflow.errors import WorkflowError

from .models import Unit
from .text import fold, fold_name

UNIT_UNKNOWN = "Không tìm thấy đơn vị “{name}” trong danh mục."
UNIT_AMBIGUOUS = "Tên đơn vị “{name}” trùng với nhiều đơn vị."
UNIT_NEAREST = " Có phải là: {options}?"


def unit_match(
    name: str,
    *,
    units: QuerySet[Unit] | Iterable[Unit] | None = None,
    suggest_within: Collection[int] | None = None,
) -> Unit:
    """The one unit called ``name``, however it is written.

    Diacritics, case, spacing and the usual abbreviations do not matter ("UBMTTQ P.
    Đông Ngàn" is "Ủy ban Mặt trận Tổ quốc phường Đông Ngàn"); aliases count. A unit
    merged or closed with a successor answers as its successor (the last of the chain
    among ``units``): a report written with a merged ward's name counts under the ward it
    joined. Raises ``WorkflowError`` naming the nearest units when there is no match or
    several; with ``suggest_within`` (unit ids), only units among those are named, so an
    officer is never shown the names of units outside their scope.
    """
    key = fold_name(name)
    candidates = list(units if units is not None else Unit.objects.all())
    by_pk = {unit.pk: unit for unit in candidates}

    def current(unit: Unit) -> Unit:
        seen = {unit.pk}
        while unit.successor_id in by_pk and unit.successor_id not in seen:
            unit = by_pk[unit.successor_id]
            seen.add(unit.pk)
        return unit

    by_key: dict[str, list[Unit]] = {}
    for unit in candidates:
        for known in {unit.name_key, *(fold_name(alias) for alias in unit.alias_list)}:
            found = by_key.setdefault(known, [])
            if (now := current(unit)) not in found:
                found.append(now)
    found = by_key.get(key, [])
    if len(found) == 1:
        return found[0]

    def named(units_: Iterable[Unit]) -> list[Unit]:
        if suggest_within is None:
            return list(units_)
        return [unit for unit in units_ if unit.pk in suggest_within]

    if found:
        message = UNIT_AMBIGUOUS.format(name=name)
        if options := named(found)[:5]:
            message += UNIT_NEAREST.format(options=", ".join(f"“{u.name}”" for u in options))
        raise WorkflowError(message)
    suggestable = {k: named(v) for k, v in by_key.items()}
    keys = [k for k, v in suggestable.items() if v]
    nearest = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    message = UNIT_UNKNOWN.format(name=name)
    if nearest:
        names = dict.fromkeys(unit.name for k in nearest for unit in suggestable[k])
        message += UNIT_NEAREST.format(options=", ".join(f"“{n}”" for n in names))
    raise WorkflowError(message)


# --- the directory's pages ---------------------------------------------------------------


@dataclass
class TreeRow:
    """One unit of the tree page, in display order: ``opens`` when it has children
    (a collapsible group starts), ``closes`` how many groups end after it."""

    unit: Unit
    depth: int
    has_children: bool = False
    closes: range = field(default_factory=lambda: range(0))


def unit_tree(*, today, q: str = "") -> list[TreeRow]:
    """Every unit in tree order (children by name), each with its membership count and
    its successor's name; with ``q``, only the units whose name or alias matches
    (diacritics ignored), flat. One query."""
    units = list(
        Unit.objects.select_related("successor").annotate(member_count=Count("memberships"))
    )
    # Vietnamese order, near enough: "Đ" among the "D"s, not after "Z".
    units.sort(key=lambda unit: (fold(unit.name), unit.pk))
    if q:
        words = fold_name(q).split()
        hits = [
            u
            for u in units
            if all(
                any(w in key for key in (u.name_key, *map(fold_name, u.alias_list))) for w in words
            )
        ]
        return [TreeRow(unit=u, depth=0) for u in hits]
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[TreeRow] = []

    def walk(unit: Unit, depth: int) -> None:
        row = TreeRow(unit=unit, depth=depth, has_children=unit.pk in children)
        rows.append(row)
        for child in children.get(unit.pk, []):
            walk(child, depth + 1)
        if row.has_children:
            rows[-1].closes = range(len(rows[-1].closes) + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return rows


def unit_get(*, pk) -> Unit:
    """A unit of the directory for the secretariat's pages (404 when there is none)."""
    try:
        return (
            Unit.objects.select_related("parent", "successor")
            .annotate(member_count=Count("memberships"))
            .get(pk=pk)
        )
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy đơn vị.") from None


def unit_ancestors(unit: Unit) -> list[Unit]:
    """The units above ``unit``, from the root down (one query)."""
    ids = [int(pk) for pk in unit.path.strip("/").split("/")[:-1] if pk]
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids).only("pk", "name", "path")}
    return [found[pk] for pk in ids if pk in found]
