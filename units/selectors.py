"""Reads of the unit directory: a unit found by its name, however it is written."""

import difflib

from django.db.models import QuerySet

from workflow.errors import WorkflowError

from .models import Unit
from .text import fold_name

UNIT_UNKNOWN = "Không tìm thấy đơn vị “{name}” trong danh mục."
UNIT_AMBIGUOUS = "Tên đơn vị “{name}” trùng với nhiều đơn vị."
UNIT_NEAREST = " Có phải là: {options}?"


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
