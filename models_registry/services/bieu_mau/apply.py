"""Step 3: apply. Plan again (the database may have moved since the preview) and,
when there is no problem, write the new cases and the changed drafts in bulk and submit
them through the workflow's batch door, all in one transaction: a file with any error
creates nothing."""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from workflow.services import BatchRefused, transitions_apply

from ...models import Campaign, Initiative
from ..initiatives import RowsRefused, initiatives_create, initiatives_update
from .plan import registration_import_plan
from .results import WHOLE_ROW, Action, ImportOutcome, PlannedRow, Problem

# --- step 3: apply ---


class _Rollback(Exception):
    pass


def registration_import_apply(
    *,
    actor,
    campaign: Campaign,
    source,
    name: str,
    submit: bool,
    today: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import ``source``: all rows or none.

    Guarantees: the file is planned again (so the result reflects the database now,
    not at the preview); with any problem nothing is written and the outcome lists them
    all; otherwise, in one transaction, new rows are created with ``initiatives_create``
    (multi-row INSERTs, no savepoint per row), changed drafts updated with
    ``initiatives_update`` (rows locked in one query, multi-row UPDATEs) and, with
    ``submit``, every draft of the file sent through the workflow's batch door
    (``transitions_apply(name="submit")``: each case checked with the single door's rules
    and messages, one grouped notification per recipient). A refusal anywhere (the
    deadline passed meanwhile, a conflict, a name taken meanwhile) is reported by row and
    rolls everything back. Cases that exist beyond the draft stage are reported and left
    alone. ``progress`` is called with the number of rows done."""
    today = today or timezone.localdate()
    plan = registration_import_plan(
        actor=actor, campaign=campaign, source=source, name=name, submit=submit, today=today
    )
    outcome = ImportOutcome(plan=plan, problems=list(plan.problems))
    if not plan.ok:
        return outcome
    drafts = {
        case.pk: case
        for case in Initiative.objects.select_related("unit", "campaign", "target_level").filter(
            pk__in=[
                r.existing_id for r in plan.rows if r.action in (Action.UPDATE, Action.UNCHANGED)
            ]
        )
    }
    creates = [row for row in plan.rows if row.action == Action.CREATE]
    updates = [row for row in plan.rows if row.action == Action.UPDATE]
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        if progress is not None:
            for count in range(done + 1, done + rows + 1):
                progress(count)
        done += rows

    try:
        with transaction.atomic():
            try:
                created = initiatives_create(
                    actor=actor, campaign=campaign, rows=((r.unit, r.data()) for r in creates)
                )
            except RowsRefused as refused:
                _report(outcome, creates, refused.refused)
                raise _Rollback from None
            advance(len(creates))
            try:
                updated = initiatives_update(
                    actor=actor, changes=[(drafts[r.existing_id], r.data()) for r in updates]
                )
            except RowsRefused as refused:
                _report(outcome, updates, refused.refused)
                raise _Rollback from None
            advance(len(updates))
            case_of: dict[int, Initiative] = {}
            for row, case in zip(creates, created, strict=True):
                case_of[id(row)] = case
            for row, case in zip(updates, updated, strict=True):
                case_of[id(row)] = case
            for row in plan.rows:
                if row.action == Action.UNCHANGED:
                    case_of[id(row)] = drafts[row.existing_id]
            outcome.created, outcome.updated = created, updated
            outcome.existing = [row for row in plan.rows if row.action == Action.EXISTS]
            if submit:
                rows = [row for row in plan.rows if id(row) in case_of]
                cases = [case_of[id(row)] for row in rows]
                try:
                    transitions_apply(cases=cases, name="submit", actor=actor, today=today)
                except BatchRefused as refused:
                    row = rows[cases.index(refused.case)]
                    _report(outcome, [row], {0: refused.messages})
                    raise _Rollback from None
                outcome.submitted = cases
            else:
                outcome.unchanged = [
                    case_of[id(row)] for row in plan.rows if row.action == Action.UNCHANGED
                ]
            advance(len(plan.rows) - done)
    except _Rollback:
        outcome.created, outcome.updated, outcome.submitted = [], [], []
        outcome.unchanged, outcome.existing = [], []
    return outcome


def _report(outcome: ImportOutcome, rows: list[PlannedRow], refused: dict[int, list[str]]) -> None:
    for index, messages in sorted(refused.items()):
        row = rows[index]
        for message in messages:
            outcome.problems.append(
                Problem(message, row=row.row, sheet_row=row.sheet_row, column=WHOLE_ROW)
            )
