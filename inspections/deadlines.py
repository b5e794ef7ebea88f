"""Rules of the daily sweep (``run_deadlines``) about inspections."""

import datetime

from workflow.deadlines import sweep_rule

from . import notify
from .models import BOOKED, Inspection


def _booked():
    return (
        Inspection.objects.filter(status__in=BOOKED)
        .select_related("case__unit", "lead")
        .prefetch_related("team")
        .order_by("planned_date", "pk")
    )


@sweep_rule("inspection-tomorrow")
def inspections_tomorrow(today: datetime.date) -> int:
    """The day before a booked inspection: the team and the unit are reminded."""
    tomorrow = today + datetime.timedelta(days=1)
    return sum(notify.notify_tomorrow(i) for i in _booked().filter(planned_date=tomorrow))


@sweep_rule("inspection-overdue")
def inspections_overdue(today: datetime.date) -> int:
    """A booked date passed and no record was completed: the lead and the secretariat
    hear about it once per date (the dedupe key holds the planned date)."""
    return sum(
        notify.notify_overdue(i, today=today) for i in _booked().filter(planned_date__lt=today)
    )
