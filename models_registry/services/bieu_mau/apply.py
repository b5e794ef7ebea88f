"""Step 3: apply. Plan again (the database may have moved since the preview) and,
when there is no problem, create, update and submit through the services, all in one
transaction: a file with any error creates nothing."""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from workflow.errors import WorkflowError
from workflow.services import transition_apply

from ...models import Campaign, Initiative
from ..initiatives import initiative_create, initiative_update
from .plan import registration_import_plan
from .results import WHOLE_ROW, Action, ImportOutcome, Problem

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
    all; otherwise, in one transaction, new rows are created with ``initiative_create``,
    changed drafts updated with ``initiative_update`` and, with ``submit``, drafts sent
    through ``transition_apply(name="submit")``; a refusal there (the deadline passed
    meanwhile, a conflict) is reported by row and rolls everything back. Cases that
    exist beyond the draft stage are reported and left alone. ``progress`` is called
    with the number of rows done."""
    today = today or timezone.localdate()
    plan = registration_import_plan(
        actor=actor, campaign=campaign, source=source, name=name, submit=submit, today=today
    )
    outcome = ImportOutcome(plan=plan, problems=list(plan.problems))
    if not plan.ok:
        return outcome
    drafts = {
        case.pk: case
        for case in Initiative.objects.select_related("unit", "campaign").filter(
            pk__in=[
                r.existing_id for r in plan.rows if r.action in (Action.UPDATE, Action.UNCHANGED)
            ]
        )
    }
    try:
        with transaction.atomic():
            for done, row in enumerate(plan.rows, start=1):
                try:
                    _apply_row(row, actor, campaign, submit, today, drafts, outcome)
                except WorkflowError as error:
                    for message in error.messages:
                        outcome.problems.append(
                            Problem(message, row=row.row, sheet_row=row.sheet_row, column=WHOLE_ROW)
                        )
                if progress is not None:
                    progress(done)
            if outcome.problems:
                raise _Rollback
    except _Rollback:
        outcome.created, outcome.updated, outcome.submitted = [], [], []
        outcome.unchanged, outcome.existing = [], []
    return outcome


def _apply_row(row, actor, campaign, submit, today, drafts, outcome) -> None:
    if row.action == Action.EXISTS:
        outcome.existing.append(row)
        return
    if row.action == Action.CREATE:
        case = initiative_create(actor=actor, campaign=campaign, unit=row.unit, **row.data())
        outcome.created.append(case)
    elif row.action == Action.UPDATE:
        case = initiative_update(actor=actor, initiative=drafts[row.existing_id], **row.data())
        outcome.updated.append(case)
    else:
        case = drafts[row.existing_id]
        if not submit:
            outcome.unchanged.append(case)
    if submit:
        transition_apply(case=case, name="submit", actor=actor, today=today)
        outcome.submitted.append(case)
