"""The one door, for many cases at once: submit an imported form, and any other
transition applied to a list (book many, close many rounds)."""

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from ..errors import WorkflowError
from ..lifecycle import TRANSITIONS
from ..models import TransitionLog, WorkflowCase
from ..signals import cases_transitioned
from .transitions import (
    CONFLICT,
    REASON_REQUIRED,
    UNKNOWN_TRANSITION,
    TransitionConflict,
    _check,
    _copy_row,
    conflict_message,
)

# Rows per INSERT of the log and per UPDATE of the cases.
BATCH_SIZE = 1000


class BatchRefused(WorkflowError):
    """One case of a batch was refused: nothing of the batch was applied. ``case`` is
    that case (as passed in); the messages are those ``transition_apply`` would give."""

    def __init__(self, *messages: str, case: WorkflowCase) -> None:
        super().__init__(*messages)
        self.case = case


class BatchConflict(BatchRefused, TransitionConflict):
    """Someone else changed one of the cases since it was read."""


def transitions_apply(
    *,
    cases: Sequence[WorkflowCase],
    name: str,
    actor,
    reason: str = "",
    payload: dict | None = None,
    payloads: Mapping[int, dict] | None = None,
    reasons: Mapping[int, str] | None = None,
    today: datetime.date | None = None,
) -> list[TransitionLog]:
    """Apply transition ``name`` to every case of ``cases`` on behalf of ``actor``: all
    of them, or none.

    Guarantees, all in one database transaction: the rows are locked in one query
    (``SELECT … FOR UPDATE``, in id order, so two batches never deadlock) and each case
    is checked exactly as ``transition_apply`` checks one — the state its caller saw
    (``BatchConflict`` otherwise), the actor's role and unit scope, the source state,
    the reason and every guard — with the same messages; the first refused case raises
    ``BatchRefused`` carrying that case, and nothing of the batch is written. On success
    the transition log rows are written with one multi-row INSERT per
    ``BATCH_SIZE`` cases, the cases with one UPDATE per ``BATCH_SIZE`` (the columns the
    transition changed), and ``cases_transitioned`` is sent ONCE for the whole batch, so
    that receivers write their rows (grouped notifications, follow-up work) in the same
    transaction. Each case of ``cases`` is refreshed in place. Returns the log rows in
    the order of ``cases``.

    ``payloads`` and ``reasons`` (by case id) give a case facts of its own (a committee's
    round and tally, the reason its vote failed): merged over ``payload``, and in place
    of ``reason``; the guards and the log see them as a single ``transition_apply``
    would."""
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise WorkflowError(UNKNOWN_TRANSITION)
    if not cases:
        return []
    payload = dict(payload or {})
    payloads = payloads or {}
    reasons = {pk: (text or "").strip() for pk, text in (reasons or {}).items()}
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    model = type(cases[0])
    by_pk = {case.pk: case for case in cases}
    if len(by_pk) != len(cases):
        raise ValueError("transitions_apply() got the same case twice")

    with transaction.atomic():
        locked = list(
            model._default_manager.select_for_update().filter(pk__in=list(by_pk)).order_by("pk")
        )
        locked_by_pk = {row.pk: row for row in locked}
        before = {}
        for case in cases:
            row = locked_by_pk.get(case.pk)
            if row is None:
                raise BatchRefused(CONFLICT.format(state="—"), case=case)
            # The caller's related objects (unit, campaign …) are the same rows: reuse
            # them rather than read them again case by case.
            for key, value in case._state.fields_cache.items():
                row._state.fields_cache.setdefault(key, value)
            if row.state != case.state:
                _copy_row(row, into=case)
                message = conflict_message(case_pk=row.pk, state=row.state, actor=actor)
                raise BatchConflict(message, case=case)
            case_payload = {**payload, **payloads.get(case.pk, {})}
            check = _check(row, spec, actor=actor, today=today, payload=case_payload)
            if check.errors:
                raise BatchRefused(*check.errors, case=case)
            if spec.reason_required and not reasons.get(case.pk, reason):
                raise BatchRefused(REASON_REQUIRED.format(label=spec.label), case=case)
            before[case.pk] = (check.role, _values(row))

        logs = []
        for case in cases:
            row = locked_by_pk[case.pk]
            source = row.state
            # Each case its own copy: effects may record case-specific facts in it.
            case_payload = {**payload, **payloads.get(case.pk, {})}
            getattr(row, spec.name)(case_payload, today=today)
            logs.append(
                TransitionLog(
                    case=row,
                    transition=spec.name,
                    source=source,
                    target=row.state,
                    actor=actor,
                    actor_role=before[case.pk][0],
                    reason=reasons.get(case.pk, reason),
                    payload=case_payload,
                )
            )
        TransitionLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)
        changed = set()
        for log in logs:
            row = log.case
            if spec.stamp:
                setattr(row, spec.stamp, log.at)
            old = before[row.pk][1]
            changed |= {name for name, value in _values(row).items() if old[name] != value}
        if changed:
            # Rows are locked, so the optimistic check of a single save has nothing to add.
            model._default_manager.bulk_update(locked, sorted(changed), batch_size=BATCH_SIZE)
        cases_transitioned.send(sender=model, cases=locked, logs=logs, actor=actor)

    for case in cases:
        _copy_row(locked_by_pk[case.pk], into=case)
    return logs


def _values(row: WorkflowCase) -> dict:
    return {
        field.name: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
