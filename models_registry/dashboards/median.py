"""How long cases take, from the transition log: the median number of days from
registration to the inspection result and to the committee's decision.

Per case (one GROUP BY over the log rows of the cases in scope): registered at = the last
"submit" (a case returned for revision counts from the submission that stuck), inspected
at = the first "record_inspection", decided at = the first "recognize" or "reject". The
median over cases is computed by the database: ``percentile_cont(0.5)`` on PostgreSQL; on
SQLite (the embedded default, which has no percentile function) an exact median with
window functions (the middle row, or the mean of the two middle rows).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Max, Min, Q, QuerySet

from workflow.models import TransitionLog

from .conditions import DECISIONS

STEPS = ("submit", "record_inspection", *DECISIONS)


@dataclass(frozen=True)
class Durations:
    to_inspection_days: float | None
    to_inspection_cases: int
    to_decision_days: float | None
    to_decision_cases: int


def _per_case(cases: QuerySet) -> tuple[str, tuple]:
    """SQL (with params) of one row per case: registered, inspected and decided times."""
    rows = (
        TransitionLog.objects.filter(case__in=cases.order_by().values("pk"), transition__in=STEPS)
        .order_by()
        .values("case_id")
        .annotate(
            registered=Max("at", filter=Q(transition="submit")),
            inspected=Min("at", filter=Q(transition="record_inspection")),
            decided=Min("at", filter=Q(transition__in=DECISIONS)),
        )
    )
    return rows.query.sql_with_params()


_POSTGRES = """
SELECT percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM (t.inspected - t.registered)) / 86400.0),
       COUNT(t.inspected - t.registered),
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM (t.decided - t.registered)) / 86400.0),
       COUNT(t.decided - t.registered)
FROM ({inner}) t
"""

# Exact median without a percentile function: number the non-null values in order and
# average the middle one (odd count) or the two middle ones (even count).
_SQLITE_ONE = """
SELECT AVG(d), MAX(n) FROM (
    SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS r, COUNT(*) OVER () AS n
    FROM (SELECT julianday(t.{end}) - julianday(t.registered) AS d FROM ({inner}) t) x
    WHERE d IS NOT NULL
) y WHERE r IN ((n + 1) / 2, (n + 2) / 2)
"""


def durations(cases: QuerySet) -> Durations:
    """Medians (in days) over ``cases`` — any filtered queryset of the case model.

    One query on PostgreSQL, two on SQLite. A case with no inspection (or no decision)
    yet does not count for that median; the counts say how many did."""
    inner, params = _per_case(cases)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES.format(inner=inner), params)
            to_insp, n_insp, to_dec, n_dec = cursor.fetchone()
        else:
            results = []
            for end in ("inspected", "decided"):
                cursor.execute(_SQLITE_ONE.format(inner=inner, end=end), params)
                results.extend(cursor.fetchone())
            to_insp, n_insp, to_dec, n_dec = results
    return Durations(
        to_inspection_days=None if to_insp is None else float(to_insp),
        to_inspection_cases=int(n_insp or 0),
        to_decision_days=None if to_dec is None else float(to_dec),
        to_decision_cases=int(n_dec or 0),
    )
