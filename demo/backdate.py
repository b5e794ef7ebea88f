"""The demo's past on its own dates: the times the "as of" reports read
(dashboards/asof.py, dashboards/median.py), moved back to the business day of each
seeded action.

The demo builds 2022, 2023 and the live year's past weeks in a few seconds, through
the real services: each case's ``created_at``, each transition log row's ``at`` (and
the milestones ``transition_apply`` copies from it: ``registered_at``,
``inspected_at``, ``decided_at``) carry the seeding time, so the sơ kết of 2023 as of
30/06/2023 would find no case at all. ``Stamps`` notes, after each action, the day it
stands for, and ``apply()`` writes the times once, at the end of the seed, with bulk
updates: an office hour of that day (local time), in the order the actions were done,
never before the case's previous stamp (a case's log stays in sequence).

Only the demo does this. The workflow keeps stamping its log with the real time; the
log is append-only everywhere else (its queryset refuses ``update``), which is why the
rows are rewritten here through a plain queryset. A day not before the real today
keeps the real time (the live year's actions of today, or of a ``--today`` ahead).
Audit entries are not read by the reports and keep their seeding time.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from models_registry.models import Initiative
from workflow.models import TransitionLog

# The office day the demo's actions are spread over, one minute apart.
OFFICE_OPENS = datetime.time(8, 0)
STEP = datetime.timedelta(minutes=1)

# The case's milestones and the transitions whose latest time they keep (as
# ``TransitionSpec.stamp`` does, see the milestones' migration).
MILESTONES = {
    "registered_at": ("submit",),
    "inspected_at": ("record_inspection",),
    "decided_at": ("recognize", "reject"),
}


class Stamps:
    """The business days of the demo's actions, written back by ``apply()``."""

    def __init__(self) -> None:
        self.real_today = timezone.localdate()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self._seen_log = self._last_log()
        self._created: dict[int, datetime.datetime] = {}
        self._logs: dict[int, datetime.datetime] = {}
        self._last: dict[int, datetime.datetime] = {}  # per case: its latest stamp
        self._minutes: dict[datetime.date, int] = {}  # per day: stamps given so far

    @staticmethod
    def _last_log() -> int:
        return TransitionLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _time(self, day: datetime.date, case_id: int) -> datetime.datetime:
        n = self._minutes.get(day, 0)
        self._minutes[day] = n + 1
        at = datetime.datetime.combine(day, OFFICE_OPENS, self.zone) + n * STEP
        previous = self._last.get(case_id)
        if previous is not None and at <= previous:
            at = previous + STEP  # the case's log stays in the order it was written
        self._last[case_id] = at
        return at

    def created(self, case: Initiative, day: datetime.date) -> None:
        """``case`` was made (by ``initiative_create``) on ``day``."""
        if day < self.real_today:
            self._created[case.pk] = self._time(day, case.pk)

    def acted(self, day: datetime.date) -> None:
        """The transitions logged since the last call were done on ``day``."""
        rows = list(
            TransitionLog.objects.filter(pk__gt=self._seen_log)
            .order_by("pk")
            .values_list("pk", "case_id")
        )
        if not rows:
            return
        self._seen_log = rows[-1][0]
        if day >= self.real_today:
            return
        for pk, case_id in rows:
            self._logs[pk] = self._time(day, case_id)

    def apply(self) -> None:
        """Write the noted times: the cases' creation, their log rows, and the
        milestones the log's times give (three bulk statements)."""
        # The log's own queryset refuses updates (append-only); the demo rewrites the
        # times of rows it has just written, through a plain queryset.
        logs = QuerySet(model=TransitionLog)
        logs.bulk_update(
            [TransitionLog(pk=pk, at=at) for pk, at in self._logs.items()],
            ["at"],
            batch_size=1000,
        )
        Initiative.objects.bulk_update(
            [Initiative(pk=pk, created_at=at) for pk, at in self._created.items()],
            ["created_at"],
            batch_size=1000,
        )
        touched = set(logs.filter(pk__in=self._logs).values_list("case_id", flat=True))
        if touched:
            Initiative.objects.filter(pk__in=touched).update(
                **{
                    field: Subquery(
                        TransitionLog.objects.filter(case=OuterRef("pk"), transition__in=names)
                        .order_by()
                        .values("case")
                        .annotate(latest=Max("at"))
                        .values("latest")
                    )
                    for field, names in MILESTONES.items()
                }
            )
        self._created.clear()
        self._logs.clear()
