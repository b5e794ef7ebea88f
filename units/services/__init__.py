"""Writes of the unit directory: the secretariat's changes (``directory``) and the bulk
load from a CSV file (``importing``)."""

from .directory import (
    unit_close,
    unit_create,
    unit_merge,
    unit_move,
    unit_rename,
    unit_update,
)
from .importing import UnitImportResult, units_import

__all__ = [
    "UnitImportResult",
    "unit_close",
    "unit_create",
    "unit_merge",
    "unit_move",
    "unit_rename",
    "unit_update",
    "units_import",
]
