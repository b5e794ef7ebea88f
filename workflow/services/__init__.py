"""Writes of the engine: the one door for state (``transitions``). The apps above go
through it (the committee's votes and decisions: ``committees.services``)."""

from .batch import BatchConflict, BatchRefused, transitions_apply
from .transitions import (
    CONFLICT,
    CONFLICT_SELF,
    NOT_PERMITTED,
    REASON_REQUIRED,
    SYSTEM_NOT_ALLOWED,
    UNKNOWN_TRANSITION,
    WRONG_STATE,
    TransitionCheck,
    TransitionConflict,
    case_model,
    state_label,
    transition_allowed,
    transition_apply,
    transition_blockers,
    transitions_available,
)

__all__ = [
    "CONFLICT",
    "CONFLICT_SELF",
    "NOT_PERMITTED",
    "REASON_REQUIRED",
    "SYSTEM_NOT_ALLOWED",
    "UNKNOWN_TRANSITION",
    "WRONG_STATE",
    "BatchConflict",
    "BatchRefused",
    "TransitionCheck",
    "TransitionConflict",
    "case_model",
    "state_label",
    "transition_allowed",
    "transition_apply",
    "transition_blockers",
    "transitions_apply",
    "transitions_available",
]
