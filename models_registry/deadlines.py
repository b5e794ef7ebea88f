"""The registry's rule in the daily sweep (see workflow/deadlines.py)."""

import datetime
import logging

from workflow.deadlines import sweep_rule
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.services import transition_apply

from .models import Initiative

logger = logging.getLogger(__name__)


@sweep_rule("start-registered")
def start_registered(today: datetime.date) -> int:
    """Registered models whose start date has come move to in_progress, through the
    workflow service (so each gets its log row and notifications). A case someone moved
    meanwhile is left alone. The partial index on registered cases' start dates finds them."""
    started = 0
    due = Initiative.objects.filter(state=State.REGISTERED, start_date__lte=today).order_by("pk")
    for case in due.select_related("unit", "campaign"):
        try:
            transition_apply(case=case, name="start", actor=None, today=today)
        except WorkflowError as error:
            logger.info("Sweep could not start case %s: %s", case.pk, error)
            continue
        started += 1
    return started
