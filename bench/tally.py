"""Benchmark: what the dashboard's tally (dashboards/tally.py) costs, on the database
bench/dashboard.py loaded (1,000,000 cases).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk_bench .venv/bin/python bench/tally.py

Prints, in milliseconds (median of the runs):
- one ``transition_apply`` (submit, then return for revision: the case ends as it began)
  with the tally's trigger, and with it disabled;
- the fold of ``--deltas`` pending changes (single-row edits of as many cases' subject,
  made and then undone, each folded);
- a recount of the whole tally from the cases (``tally_rebuild``);
- the two ways of filling the tally after a COPY of every case (bench/dashboard.py
  --load): the trigger writing the changes, then a fold, against no trigger, then a
  recount (both on a copy of the cases' table, rolled back).
Then checks that the tally equals a count of the cases. Not a test: nothing is asserted
but that check. It writes transition log rows (the cases end as they began).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from dashboards.tally import tally_fold, tally_rebuild  # noqa: E402
from models_registry.models import Campaign, Initiative  # noqa: E402
from workflow.lifecycle import State  # noqa: E402
from workflow.services import transition_apply  # noqa: E402

TRIGGER = "models_registry_tally_update"


def _sql(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def transitions(runs: int) -> None:
    users = get_user_model().objects
    officer, secretariat = users.get(username="bench.tinh"), users.get(username="bench.bandanvan")
    province = officer.memberships.get().unit
    latest = Campaign.objects.order_by("-year").first()
    today = latest.registration_deadline - datetime.timedelta(days=1)
    drafts = list(
        Initiative.objects.filter(
            campaign=latest, state=State.DRAFT, unit__path__startswith=province.path
        ).order_by("pk")[: 2 * runs]
    )
    if len(drafts) < 2 * runs:
        raise SystemExit(f"Only {len(drafts)} drafts in {province}: ask for fewer --runs.")

    def submit_and_return(case) -> float:
        started = time.perf_counter()
        transition_apply(case=case, name="submit", actor=officer, today=today)
        spent = _ms(started)
        transition_apply(
            case=case, name="return_for_revision", actor=secretariat, reason="Đo", today=today
        )
        return spent

    for case in drafts[:5]:  # warm-up: connections, caches, plans
        submit_and_return(case)
    times: dict[str, list[float]] = {"with the trigger": [], "without": []}
    # In turns, a tenth of the runs at a time: the machine's noise falls on both.
    step = max(1, runs // 10)
    for start in range(0, runs, step):
        for label, cases in (("with the trigger", drafts), ("without", drafts[runs:])):
            if label == "without":
                _sql(f"ALTER TABLE models_registry_initiative DISABLE TRIGGER {TRIGGER}")
            try:
                times[label] += [submit_and_return(c) for c in cases[start : start + step]]
            finally:
                _sql(f"ALTER TABLE models_registry_initiative ENABLE TRIGGER {TRIGGER}")
    results = {label: statistics.median(found) for label, found in times.items()}
    tally_fold()
    print(
        f"transition_apply (submit), median of {runs}: "
        + ", ".join(f"{label} {ms:.1f} ms" for label, ms in results.items())
    )


def fold(deltas: int) -> None:
    ids = [
        pk
        for (pk,) in _sql(
            "SELECT id FROM models_registry_initiative ORDER BY id LIMIT %s", [deltas // 2]
        )
    ]
    flip = (
        "UPDATE models_registry_initiative SET subject = CASE subject WHEN 'collective' "
        "THEN 'individual' ELSE 'collective' END WHERE id = %s"
    )
    tally_fold()
    times = []
    for _ in ("there", "back"):
        with connection.cursor() as cursor:
            for pk in ids:  # one statement each: two changes each (old -1, new +1)
                cursor.execute(flip, [pk])
        pending = _sql("SELECT count(*) FROM models_registry_casetallydelta")[0][0]
        started = time.perf_counter()
        changed = tally_fold()
        times.append(_ms(started))
        print(f"fold of {pending:,} changes ({changed:,} count rows): {times[-1]:.0f} ms")


def rebuild() -> None:
    started = time.perf_counter()
    rows = tally_rebuild()
    print(f"tally_rebuild: {rows:,} count rows from the cases in {_ms(started) / 1000:.1f} s")


def loader() -> None:
    """A COPY's two ways to a full tally, on a copy of the cases (rolled back)."""
    columns = ", ".join(f.column for f in Initiative._meta.concrete_fields)
    results = {}
    for way in ("trigger + fold", "no trigger + recount"):
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                cursor.execute(
                    "CREATE TEMP TABLE tally_cases (LIKE models_registry_initiative "
                    "INCLUDING DEFAULTS) ON COMMIT DROP"
                )
                cursor.execute("DELETE FROM models_registry_casetally")
                if way == "trigger + fold":
                    cursor.execute(
                        "CREATE TRIGGER tally_cases_insert AFTER INSERT ON tally_cases "
                        "REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT "
                        "EXECUTE FUNCTION models_registry_tally_note()"
                    )
                started = time.perf_counter()
                cursor.execute(
                    f"INSERT INTO tally_cases ({columns}) "
                    f"SELECT {columns} FROM models_registry_initiative"
                )
                inserted = _ms(started)
                started = time.perf_counter()
                if way == "trigger + fold":
                    cursor.execute("SELECT count(*) FROM models_registry_casetallydelta")
                    changes = cursor.fetchone()[0]
                    cursor.execute("SELECT models_registry_tally_fold()")
                else:
                    changes = 0
                    cursor.execute("SELECT models_registry_tally_rebuild()")
                results[way] = (inserted, _ms(started), changes)
            finally:
                cursor.execute("ROLLBACK")
    for way, (inserted, after, changes) in results.items():
        extra = f" ({changes:,} changes written)" if changes else ""
        print(
            f"a copy of every case, {way}: insert {inserted / 1000:.1f} s{extra}, "
            f"then {after / 1000:.1f} s; {(inserted + after) / 1000:.1f} s in all"
        )


def check() -> None:
    wrong = _sql(
        """
        WITH expected AS (
            SELECT a.unit_id, c.campaign_id, c.state, c.subject,
                   COALESCE(c.target_level_id, 0) AS target_level,
                   COALESCE(c.recognized_level_id, 0) AS recognized_level,
                   c.field_economy, c.field_culture_society, c.field_defence_security,
                   c.field_political_system, COUNT(*) AS cases
            FROM models_registry_initiative c
            JOIN models_registry_unit u ON u.id = c.unit_id
            CROSS JOIN LATERAL unnest(string_to_array(btrim(u.path, '/'), '/')::bigint[])
                AS a(unit_id)
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
        ), kept AS (
            SELECT unit_id, campaign_id, state, subject, target_level, recognized_level,
                   field_economy, field_culture_society, field_defence_security,
                   field_political_system, cases
            FROM models_registry_casetally
        )
        SELECT count(*) FROM ((SELECT * FROM expected EXCEPT ALL SELECT * FROM kept)
                              UNION ALL (SELECT * FROM kept EXCEPT ALL SELECT * FROM expected)) d
        """
    )[0][0]
    print("the tally equals a count of the cases" if not wrong else f"{wrong} rows DIFFER")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--deltas", type=int, default=10_000)
    parser.add_argument("--skip-loader", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (e.g. dvk_bench).")
    if "bench" not in settings.DATABASES["default"]["NAME"]:
        raise SystemExit("Refusing: the database name must contain 'bench' (it is written).")
    tally_fold()
    transitions(args.runs)
    fold(args.deltas)
    rebuild()
    if not args.skip_loader:
        loader()
    check()
    # What the folds, the recount and the rolled-back copies left dead (autovacuum would,
    # in time, where it is on): the dashboard's reads are measured on clean tables.
    _sql("VACUUM ANALYZE models_registry_casetally, models_registry_casetallydelta")


if __name__ == "__main__":
    main()
