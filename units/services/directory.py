"""Changes to the unit directory by the secretariat: add, rename, move, close, merge.

Every change is one transaction with one row of the administration log (``audit``):
who, when, the unit's fields before and after. A unit is never deleted: a closed unit
keeps its name, its dates and its successor, so that old cases, reports and the log
still read as they were written.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import record, snapshot
from workflow.errors import WorkflowError

from ..access import is_secretariat
from ..models import Membership, Unit, UnitKind
from ..signals import unit_merged, unit_moved
from ..text import fold_name

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được thay đổi danh mục đơn vị."
NAME_REQUIRED = "Vui lòng nhập tên đơn vị."
NAME_TOO_LONG = "Tên đơn vị dài quá 255 ký tự."
NAME_TAKEN = "Đơn vị cấp trên “{parent}” đã có một đơn vị tên “{name}”."
NAME_UNCHANGED = "Tên mới trùng với tên hiện tại."
KIND_UNKNOWN = "Loại đơn vị không hợp lệ."
PARENT_CLOSED = "Đơn vị cấp trên “{parent}” đã ngừng hoạt động."
PARENT_INSIDE = "Không thể chuyển “{unit}” vào chính nó hay một đơn vị trực thuộc nó."
PARENT_UNCHANGED = "“{unit}” đã trực thuộc “{parent}”."
ROOT_EXISTS = "Danh mục đã có đơn vị gốc; đơn vị mới phải có đơn vị cấp trên."
ALREADY_CLOSED = "Đơn vị “{unit}” đã ngừng hoạt động từ {date}."
ACTIVE_CHILDREN = (
    "“{unit}” còn {count} đơn vị trực thuộc đang hoạt động ({names}). Hãy chuyển hoặc đóng "
    "các đơn vị đó trước, hoặc sáp nhập “{unit}” vào một đơn vị khác."
)
SUCCESSOR_SELF = "Đơn vị kế thừa phải là một đơn vị khác."
SUCCESSOR_INSIDE = "Đơn vị kế thừa không thể là đơn vị trực thuộc “{unit}”."
SUCCESSOR_CLOSED = "Đơn vị kế thừa “{unit}” đã ngừng hoạt động."
SUCCESSOR_REQUIRED = "Vui lòng chọn đơn vị nhận sáp nhập."
REASON_REQUIRED = "Vui lòng ghi lý do (ví dụ: số, ngày của quyết định)."
ROOT_CLOSE = "Không thể đóng hay sáp nhập đơn vị gốc của danh mục."
DATE_REQUIRED = "Vui lòng nhập ngày có hiệu lực."

# The fields the log keeps of a unit.
UNIT_FIELDS = (
    "name", "short_name", "kind", "parent", "aliases", "email", "active_from", "active_to",
    "successor",
)  # fmt: skip


def _require_secretariat(actor) -> None:
    if actor is None or not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise WorkflowError(NAME_REQUIRED)
    if len(name) > 255:
        raise WorkflowError(NAME_TOO_LONG)
    return name


def _check_name_free(name: str, *, parent: Unit | None, besides: Unit | None = None) -> None:
    siblings = Unit.objects.filter(parent=parent, name_key=fold_name(name))
    if besides is not None:
        siblings = siblings.exclude(pk=besides.pk)
    if siblings.exists():
        raise WorkflowError(NAME_TAKEN.format(parent=parent.name if parent else "—", name=name))


def _locked(unit: Unit) -> Unit:
    return (
        Unit.objects.select_for_update(of=("self",))
        .select_related("parent", "successor")
        .get(pk=unit.pk)
    )


def _is_open(unit: Unit, today: datetime.date) -> bool:
    return unit.active_to is None or unit.active_to >= today


def unit_create(
    *,
    actor,
    name: str,
    kind: str,
    parent: Unit | None,
    short_name: str = "",
    email: str = "",
    active_from: datetime.date | None = None,
) -> Unit:
    """A new unit under ``parent``. Guarantees: the secretariat only; a name unique under
    its parent however written (diacritics, case, abbreviations); an open parent; one
    root. Logged as ``unit.create``."""
    _require_secretariat(actor)
    name = _clean_name(name)
    if kind not in UnitKind.values:
        raise WorkflowError(KIND_UNKNOWN)
    today = timezone.localdate()
    with transaction.atomic():
        if parent is not None:
            parent = _locked(parent)
            if not _is_open(parent, today):
                raise WorkflowError(PARENT_CLOSED.format(parent=parent.name))
        elif Unit.objects.filter(parent__isnull=True).exists():
            raise WorkflowError(ROOT_EXISTS)
        _check_name_free(name, parent=parent)
        unit = Unit.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            short_name=(short_name or "").strip(),
            email=(email or "").strip(),
            active_from=active_from,
        )
        record(actor=actor, action="unit.create", target=unit, after=snapshot(unit, UNIT_FIELDS))
    return unit


def unit_rename(*, actor, unit: Unit, name: str, reason: str = "") -> Unit:
    """Give ``unit`` a new name; the old one is kept among its aliases, so that files and
    reports that still use it find the unit (``units.selectors.unit_match``, the imports).
    Logged as ``unit.rename``."""
    _require_secretariat(actor)
    name = _clean_name(name)
    with transaction.atomic():
        unit = _locked(unit)
        if name == unit.name:
            raise WorkflowError(NAME_UNCHANGED)
        _check_name_free(name, parent=unit.parent, besides=unit)
        before = snapshot(unit, UNIT_FIELDS)
        old = unit.name
        known = {fold_name(alias) for alias in unit.alias_list}
        aliases = [a for a in unit.alias_list if fold_name(a) != fold_name(name)]
        if fold_name(old) not in known and fold_name(old) != fold_name(name):
            aliases.append(old)
        unit.name = name
        unit.aliases = "\n".join(aliases)
        unit.save(update_fields=["name", "aliases", "name_key"])
        record(
            actor=actor,
            action="unit.rename",
            target=unit,
            before=before,
            after=snapshot(unit, UNIT_FIELDS),
            reason=reason,
        )
    return unit


def unit_update(*, actor, unit: Unit, short_name: str, kind: str, email: str, aliases: str) -> Unit:
    """Change the short name, kind, contact e-mail and aliases. Logged as ``unit.update``
    (nothing is written when nothing changed)."""
    _require_secretariat(actor)
    if kind not in UnitKind.values:
        raise WorkflowError(KIND_UNKNOWN)
    with transaction.atomic():
        unit = _locked(unit)
        before = snapshot(unit, UNIT_FIELDS)
        unit.short_name = (short_name or "").strip()
        unit.kind = kind
        unit.email = (email or "").strip()
        lines = [" ".join(line.split()) for line in (aliases or "").splitlines()]
        unit.aliases = "\n".join(dict.fromkeys(line for line in lines if line))
        unit.save(update_fields=["short_name", "kind", "email", "aliases", "name_key"])
        record(
            actor=actor,
            action="unit.update",
            target=unit,
            before=before,
            after=snapshot(unit, UNIT_FIELDS),
        )
    return unit


def unit_move(*, actor, unit: Unit, parent: Unit, reason: str = "") -> Unit:
    """Put ``unit`` and its whole subtree under ``parent``. Guarantees: not under itself
    or its own subtree, not under a closed unit, no two units of one name under one
    parent; every ``path`` of the subtree follows and ``units.signals.unit_moved`` is
    sent (the dashboards recount), in the same transaction. Logged as ``unit.move``."""
    _require_secretariat(actor)
    today = timezone.localdate()
    with transaction.atomic():
        unit = _locked(unit)
        parent = _locked(parent)
        if parent.path.startswith(unit.path):
            raise WorkflowError(PARENT_INSIDE.format(unit=unit.name))
        if parent.pk == unit.parent_id:
            raise WorkflowError(PARENT_UNCHANGED.format(unit=unit.name, parent=parent.name))
        if not _is_open(parent, today):
            raise WorkflowError(PARENT_CLOSED.format(parent=parent.name))
        _check_name_free(unit.name, parent=parent, besides=unit)
        before = snapshot(unit, UNIT_FIELDS)
        unit.parent = parent
        unit.save()
        record(
            actor=actor,
            action="unit.move",
            target=unit,
            before=before,
            after=snapshot(unit, UNIT_FIELDS),
            reason=reason,
        )
    return unit


def _check_successor(unit: Unit, successor: Unit, today: datetime.date) -> None:
    if successor.pk == unit.pk:
        raise WorkflowError(SUCCESSOR_SELF)
    if successor.path.startswith(unit.path):
        raise WorkflowError(SUCCESSOR_INSIDE.format(unit=unit.name))
    if not _is_open(successor, today):
        raise WorkflowError(SUCCESSOR_CLOSED.format(unit=successor.name))


def _check_closable(unit: Unit, on: datetime.date | None, reason: str) -> None:
    if unit.parent_id is None:
        raise WorkflowError(ROOT_CLOSE)
    if on is None:
        raise WorkflowError(DATE_REQUIRED)
    if not (reason or "").strip():
        raise WorkflowError(REASON_REQUIRED)
    if unit.active_to is not None:
        raise WorkflowError(
            ALREADY_CLOSED.format(unit=unit.name, date=unit.active_to.strftime("%d/%m/%Y"))
        )


def unit_close(
    *, actor, unit: Unit, on: datetime.date, reason: str, successor: Unit | None = None
) -> Unit:
    """Close ``unit`` on ``on`` (its last active day), naming its successor if any. Its
    cases, memberships and sub-units stay where they are (a merge moves them): a unit
    with open sub-units is refused. Logged as ``unit.close``."""
    _require_secretariat(actor)
    today = timezone.localdate()
    with transaction.atomic():
        unit = _locked(unit)
        _check_closable(unit, on, reason)
        if successor is not None:
            successor = _locked(successor)
            _check_successor(unit, successor, today)
        open_children = [c for c in unit.children.order_by("name") if _is_open(c, today)]
        if open_children:
            raise WorkflowError(
                ACTIVE_CHILDREN.format(
                    unit=unit.name,
                    count=len(open_children),
                    names=", ".join(c.name for c in open_children[:3])
                    + ("…" if len(open_children) > 3 else ""),
                )
            )
        before = snapshot(unit, UNIT_FIELDS)
        unit.active_to = on
        unit.successor = successor
        unit.save(update_fields=["active_to", "successor", "name_key"])
        record(
            actor=actor,
            action="unit.close",
            target=unit,
            before=before,
            after=snapshot(unit, UNIT_FIELDS),
            reason=reason.strip(),
        )
    return unit


def unit_merge(*, actor, unit: Unit, into: Unit | None, on: datetime.date, reason: str):
    """Merge ``unit`` into ``into`` (the 2025 reform's wards), from ``on``.

    Guarantees, in one transaction, all or nothing:
    - ``unit`` is closed on ``on`` with ``into`` as its successor, and its name becomes
      an alias of ``into``: files and reports written with the old name count under the
      successor (``unit_match`` follows successors);
    - its sub-units move under ``into`` (their paths follow, the dashboards recount);
    - its memberships go to ``into`` (a role the person already holds there is not
      doubled);
    - the apps above move what they keep by unit through ``units.signals.unit_merged``
      (the cases with their history, extensions, committees) — a case's state is not
      touched, only its unit;
    - one ``unit.merge`` row in the administration log, with what moved.
    Returns what moved: counts by label (and ``case_ids``)."""
    _require_secretariat(actor)
    if into is None:
        raise WorkflowError(SUCCESSOR_REQUIRED)
    today = timezone.localdate()
    with transaction.atomic():
        unit = _locked(unit)
        _check_closable(unit, on, reason)
        into = _locked(into)
        _check_successor(unit, into, today)
        before = snapshot(unit, UNIT_FIELDS)
        into_before = snapshot(into, ("aliases",))

        moved: dict = {}
        children = list(unit.children.order_by("pk"))
        for child in children:
            _check_name_free(child.name, parent=into, besides=child)
            child.parent = into
            child.save(announce_move=False)
        moved["units"] = len(children)

        moved["memberships"] = 0
        for membership in Membership.objects.select_for_update().filter(unit=unit):
            if Membership.objects.filter(
                user_id=membership.user_id, unit=into, role=membership.role
            ).exists():
                membership.delete()
            else:
                Membership.objects.filter(pk=membership.pk).update(unit=into)
            moved["memberships"] += 1

        for _receiver, answer in unit_merged.send(
            sender=Unit, unit=unit, successor=into, actor=actor
        ):
            for label, value in (answer or {}).items():
                if isinstance(value, list):  # ids, for the log
                    moved.setdefault(label, []).extend(value)
                else:
                    moved[label] = moved.get(label, 0) + value

        known = {into.name_key, *(fold_name(a) for a in into.alias_list)}
        new_aliases = [n for n in (unit.name, *unit.alias_list) if fold_name(n) not in known]
        new_aliases = list(dict.fromkeys(new_aliases))
        if new_aliases:
            into.aliases = "\n".join([*into.alias_list, *new_aliases])
            into.save(update_fields=["aliases", "name_key"])

        unit.active_to = on
        unit.successor = into
        unit.save(update_fields=["active_to", "successor", "name_key"])
        if children:  # their subtrees changed ancestors: one recount for them all
            unit_moved.send(sender=Unit, unit=into)
        record(
            actor=actor,
            action="unit.merge",
            target=unit,
            before={**before, "successor_aliases": into_before["aliases"]},
            after={
                **snapshot(unit, UNIT_FIELDS),
                "successor_aliases": into.aliases,
                "moved": moved,
            },
            reason=reason.strip(),
        )
    return moved
