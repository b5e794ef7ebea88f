"""Benchmark: the dashboard and the case list on a national-scale PostgreSQL database.

    createdb -h 127.0.0.1 -U postgres dvk_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk_bench .venv/bin/python \
        bench/dashboard.py --load [--communes 10000] [--years 10] [--per-unit 10] [--runs 30]
    # later runs measure the loaded data again: leave out --load
    # what an index buys: --without-index initiative_campaign_newest (rebuilt afterwards);
    # what the connection settings buy: DB_PG_OPTIONS="" (PostgreSQL's defaults)
    dropdb -h 127.0.0.1 -U postgres dvk_bench

``--load`` migrates the database and fills it with COPY (never row by row): a country
root, 63 provinces and ``--communes`` communes under them; ``--years`` campaigns ending
with this year's; ``--per-unit`` cases per commune and campaign (10,000 × 10 × 10 =
1,000,000 cases) in every state, with their transition log (submit, start, inspection,
decision, withdrawal, about three rows per case), the latest campaign's booked
inspections (some of them missed) and progress reports; then the dashboard's tally is
recounted once (its trigger is off during the COPY).

Then each page is requested ``--runs`` times through Django's test client (the whole
stack: middleware, session, the view, the template) after a warm-up, and the median and
95th percentile in milliseconds are printed beside the bare SQL of that request: every
query it ran, replayed under ``EXPLAIN (ANALYZE)``, their execution times summed, and
their planning and execution times summed (the median of five replays). Pages: the dashboard of the Ban Dân vận (the whole country,
this year), of a province, of a commune's officer; the first page of the case list under
three filters. Not a test: nothing is asserted.
"""

import argparse
import datetime
import logging
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

# django-axes logs its start and every login (the client's force_login) at INFO: quiet it
# here, not in the settings. Set before setup, which configures logging and leaves a
# logger it does not name as it is.
logging.getLogger("axes").setLevel(logging.WARNING)
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from dashboards.tally import tally_rebuild  # noqa: E402
from demo.registry import CATALOGUE, EXEMPLAR_NAMES  # noqa: E402
from models_registry.models import Campaign  # noqa: E402
from units.models import Membership, Unit  # noqa: E402
from units.text import fold, fold_name  # noqa: E402
from workflow.lifecycle import Role, State  # noqa: E402

PROVINCES = 63
UTC = datetime.UTC
FIELDS = ["economy", "culture_society", "defence_security", "political_system"]

# (state, weight): older campaigns have run their course; this year's is under way.
PAST_STATES = [
    (State.DRAFT, 4),
    (State.REGISTERED, 3),
    (State.IN_PROGRESS, 18),
    (State.INSPECTED, 5),
    (State.RECOGNIZED, 45),
    (State.NOT_RECOGNIZED, 15),
    (State.WITHDRAWN, 10),
]
CURRENT_STATES = [
    (State.DRAFT, 10),
    (State.REGISTERED, 12),
    (State.IN_PROGRESS, 50),
    (State.INSPECTED, 12),
    (State.RECOGNIZED, 10),
    (State.NOT_RECOGNIZED, 3),
    (State.WITHDRAWN, 3),
]


# --- loading --------------------------------------------------------------------------


def _columns(table: str) -> dict[str, tuple[bool, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, is_nullable = 'YES', column_default IS NOT NULL "
            "OR is_identity = 'YES' FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return {name: (nullable, has_default) for name, nullable, has_default in cursor}


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table``. Refuses to start if a
    NOT NULL column without a default is missing (another app added one)."""
    known = _columns(table)
    missing = [
        c
        for c, (nullable, default) in known.items()
        if c not in columns and not nullable and not default
    ]
    if missing:
        raise SystemExit(f"{table}: the loader does not fill NOT NULL columns {missing}")
    raw = connection.connection
    count = 0
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    raw.commit()
    return count


def _fix_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def load(*, communes: int, years: int, per_unit: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Unit.objects.exists():
        raise SystemExit("The database already holds data: drop and create it, then --load.")
    User = get_user_model()
    now = timezone.now()
    today = timezone.localdate()

    # Units: /1/ the country, /1/p/ provinces, /1/p/c/ communes.
    unit_rows = [(1, "Việt Nam", "", "other", None, "/1/", "", "", None, None, None, "viet nam")]
    province_ids = list(range(2, 2 + PROVINCES))
    for i, pk in enumerate(province_ids, start=1):
        name = f"Tỉnh số {i:02d}"
        unit_rows.append(
            (pk, name, "", "city", 1, f"/1/{pk}/", "", "", None, None, None, fold_name(name))
        )
    commune_ids = []
    commune_names = {}
    next_pk = 2 + PROVINCES
    wards = ["Đông Ngàn", "Tam Sơn", "Đình Bảng", "Hương Mạc", "Phù Khê", "Tân Hồng", "Châu Khê"]
    for n in range(communes):
        province = province_ids[n % PROVINCES]
        name = f"Xã {wards[n % len(wards)]} {n:05d}"
        unit_rows.append(
            (
                next_pk,
                name,
                "",
                "ward",
                province,
                f"/1/{province}/{next_pk}/",
                "",
                "",
                None,
                None,
                None,
                fold_name(name),
            )
        )
        commune_ids.append(next_pk)
        commune_names[next_pk] = name
        next_pk += 1
    copy_rows(
        "models_registry_unit",
        ["id", "name", "short_name", "kind", "parent_id", "path", "aliases", "email",
         "active_from", "active_to", "successor_id", "name_key"],
        unit_rows,
    )  # fmt: skip
    _fix_sequence("models_registry_unit")

    # People: one per role, and an officer for a province and for a commune.
    def person(username, role, unit_pk):
        user = User.objects.create_user(username=username, password="bench", first_name=username)
        Membership.objects.create(user=user, unit_id=unit_pk, role=role)
        return user

    secretariat = person("bench.bandanvan", Role.SECRETARIAT, 1)
    person("bench.lanhdao", Role.VIEWER, 1)
    person("bench.tinh", Role.UNIT_OFFICER, province_ids[0])
    person("bench.xa", Role.UNIT_OFFICER, commune_ids[0])
    inspector = person("bench.kiemtra", Role.INSPECTOR, 1)

    # Campaigns and their two levels.
    first_year = today.year - years + 1
    campaigns = []
    level_ids = {}
    for year in range(first_year, today.year + 1):
        campaign = Campaign.objects.create(
            year=year,
            name=f"Phong trào thi đua “Dân vận khéo” năm {year}",
            registration_deadline=datetime.date(year, 3, 6),
            mid_year_report_due=datetime.date(year, 6, 30),
            year_end_report_due=datetime.date(year, 11, 30),
            recognition_date=datetime.date(year, 10, 15),
        )
        base = campaign.levels.create(rank=1, name="Cấp cơ sở")
        city = campaign.levels.create(rank=2, name="Cấp huyện, thành phố")
        level_ids[campaign.pk] = (base.pk, city.pk)
        campaigns.append(campaign)

    titles = [(t, fold(t), g, fold(g), f) for t, g, f in CATALOGUE]
    folded_communes = {pk: fold(name) for pk, name in commune_names.items()}

    case_cols = [
        "id", "state", "campaign_id", "unit_id", "name", "goals", "field_economy",
        "field_culture_society", "field_defence_security", "field_political_system",
        "subject", "start_date", "end_date", "target_level_id", "recognized_level_id",
        "continues_from_id", "created_by_id", "created_at", "updated_at", "name_key",
        "search_text", "registered_at", "inspected_at", "decided_at", "mid_year_reported",
        "year_end_reported",
    ]  # fmt: skip
    log_cols = ["id", "case_id", "transition", "source", "target", "actor_id", "actor_role",
                "at", "reason", "payload"]  # fmt: skip
    logs: list[tuple] = []
    inspections: list[tuple] = []
    reports: list[tuple] = []
    latest = campaigns[-1]

    def log(case_pk, transition, source, target, at):
        logs.append((len(logs) + 1, case_pk, transition, source, target, None, "", at, "", "{}"))

    def cases():
        pk = 0
        for campaign in campaigns:
            weights = CURRENT_STATES if campaign is latest else PAST_STATES
            states = [s for s, _ in weights]
            cum = [w for _, w in weights]
            base_level, city_level = level_ids[campaign.pk]
            year = campaign.year
            for unit_pk in commune_ids:
                for j in range(per_unit):
                    pk += 1
                    title, title_key, goals, goals_key, fields = titles[(unit_pk + j) % len(titles)]
                    subject = "individual" if j % 3 == 2 else "collective"
                    if subject == "individual":
                        person_name = EXEMPLAR_NAMES[(unit_pk + j) % len(EXEMPLAR_NAMES)]
                        title = f"{person_name} — điển hình “{title.lower()}”"
                        title_key = fold(title)
                    name = f"{title} ({commune_names[unit_pk]})"
                    name_key = f"{title_key} {folded_communes[unit_pk]}"
                    state = rng.choices(states, cum)[0]
                    target = city_level if rng.random() < 0.3 else base_level
                    recognized = None
                    if state == State.RECOGNIZED:
                        recognized = target if rng.random() < 0.5 else base_level
                    start = datetime.date(year, 2, 1) + datetime.timedelta(days=rng.randrange(60))
                    end = datetime.date(year, 10, 15) + datetime.timedelta(days=rng.randrange(60))
                    created = datetime.datetime(year, 1, 15, 2, tzinfo=UTC) + datetime.timedelta(
                        minutes=rng.randrange(40 * 24 * 60)
                    )
                    submitted = created + datetime.timedelta(days=rng.randrange(1, 20))
                    # The milestones transition_apply stamps on the case (the log's times).
                    registered_at = inspected_at = decided_at = None
                    if state != State.DRAFT:
                        registered_at = submitted
                        log(pk, "submit", State.DRAFT, State.REGISTERED, submitted)
                    if state == State.WITHDRAWN:
                        log(
                            pk,
                            "withdraw",
                            State.REGISTERED,
                            State.WITHDRAWN,
                            submitted + datetime.timedelta(days=30),
                        )
                    if state in (
                        State.IN_PROGRESS,
                        State.INSPECTED,
                        State.RECOGNIZED,
                        State.NOT_RECOGNIZED,
                    ):
                        log(pk, "start", State.REGISTERED, State.IN_PROGRESS,
                            datetime.datetime.combine(start, datetime.time(0), tzinfo=UTC))  # fmt: skip
                    inspected = submitted + datetime.timedelta(days=rng.randrange(150, 250))
                    if state in (State.INSPECTED, State.RECOGNIZED, State.NOT_RECOGNIZED):
                        log(pk, "record_inspection", State.IN_PROGRESS, State.INSPECTED, inspected)
                        inspected_at = inspected
                    if state in (State.RECOGNIZED, State.NOT_RECOGNIZED):
                        name_t = "recognize" if state == State.RECOGNIZED else "reject"
                        decided_at = inspected + datetime.timedelta(days=rng.randrange(10, 60))
                        log(pk, name_t, State.INSPECTED, state, decided_at)
                    mid_year_reported = False
                    if state == State.IN_PROGRESS:
                        roll = rng.random()
                        if campaign is latest and roll < 0.2:
                            # A booked visit: half of them already past (missed).
                            day = today + datetime.timedelta(days=rng.randrange(-40, 40))
                            inspections.append((len(inspections) + 1, pk, day, "", None, "scheduled",
                                                "", "", None, 0, None, secretariat.pk, now, now))  # fmt: skip
                        if roll < 0.5:
                            reports.append((len(reports) + 1, pk, "mid_year", datetime.date(year, 6, 20),
                                            "Đạt 50% chỉ tiêu", 50, secretariat.pk, now))  # fmt: skip
                            mid_year_reported = True
                    flags = [f in fields for f in FIELDS]
                    yield (
                        pk,
                        state,
                        campaign.pk,
                        unit_pk,
                        name,
                        goals,
                        *flags,
                        subject,
                        start,
                        end,
                        target,
                        recognized,
                        None,
                        secretariat.pk,
                        created,
                        created,
                        name_key,
                        f"{name_key} {goals_key}",
                        registered_at,
                        inspected_at,
                        decided_at,
                        mid_year_reported,
                        False,  # year-end reports are not due yet in this year's campaign
                    )

    # The dashboard's tally: its trigger off for the COPY, then one recount of the cases
    # (bench/tally.py: 40 s for a million, where the trigger's 960,000 changes and
    # their fold take 57 s).
    tally_trigger = "models_registry_tally_insert"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE models_registry_initiative DISABLE TRIGGER {tally_trigger}")
    try:
        n = copy_rows("models_registry_initiative", case_cols, cases())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE models_registry_initiative ENABLE TRIGGER {tally_trigger}")
    _fix_sequence("models_registry_initiative")
    tallied = time.perf_counter()
    rows = tally_rebuild()
    print(
        f"  {n:,} cases; their tally: {rows:,} rows in {time.perf_counter() - tallied:.0f} s",
        flush=True,
    )
    n = copy_rows("workflow_transitionlog", log_cols, logs)
    _fix_sequence("workflow_transitionlog")
    print(f"  {n:,} transition log rows", flush=True)
    n = copy_rows(
        "inspections_inspection",
        ["id", "case_id", "planned_date", "place", "lead_id", "status", "round_label", "reason",
         "previous_date", "revision", "follows_id", "created_by_id", "created_at", "updated_at"],
        inspections,
    )  # fmt: skip
    _fix_sequence("inspections_inspection")
    copy_rows(
        "inspections_inspection_team",
        ["inspection_id", "user_id"],
        ((pk, inspector.pk) for pk in range(1, len(inspections) + 1)),
    )
    print(f"  {n:,} booked inspections", flush=True)
    n = copy_rows(
        "models_registry_progressreport",
        ["id", "initiative_id", "kind", "report_date", "achievements", "percent_complete",
         "created_by_id", "created_at"],
        reports,
    )  # fmt: skip
    _fix_sequence("models_registry_progressreport")
    print(f"  {n:,} progress reports", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Loaded in {time.perf_counter() - started:.0f} s.", flush=True)


# --- measuring ------------------------------------------------------------------------


def timed(client: Client, url: str, runs: int, warm: int = 3) -> list[float]:
    for _ in range(warm):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


# A server-side cursor (QuerySet.iterator) runs its SELECT as "DECLARE … CURSOR … FOR".
DECLARE = re.compile(
    r"^DECLARE\s+\S+\s+(NO\s+)?SCROLL\s+CURSOR\s+(WITH(OUT)?\s+HOLD\s+)?FOR\s+", re.I
)


def _replayable(sql: str) -> str | None:
    """The statement to replay of a query the request ran: every SELECT, whether it
    starts with WITH, is a parenthesised compound (``UNION``) or a cursor's declaration;
    None for anything else (a write, a transaction's BEGIN)."""
    sql = DECLARE.sub("", sql.lstrip())
    if sql.lstrip("( \n").upper().startswith(("SELECT", "WITH")):
        return sql
    return None


def bare_sql(client: Client, url: str, replays: int = 5) -> tuple[float, float, int, list]:
    """The request's queries replayed under EXPLAIN ANALYZE: the median summed execution
    time, the median summed planning + execution time (what the database spends on the
    statements: a dozen small queries spend more planning than executing), the number
    of queries, and the slowest three by execution (ms, first words)."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = [sql for q in captured.captured_queries if (sql := _replayable(q["sql"]))]
    executing, planning_too = [], []
    slowest: dict[str, float] = {}
    for _ in range(replays):
        run = planned = 0.0
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else plan
                ms = float(plan["Execution Time"])
                run += ms
                planned += float(plan["Planning Time"])
                slowest[sql] = min(slowest.get(sql, ms), ms)
        executing.append(run)
        planning_too.append(run + planned)
    top = sorted(slowest.items(), key=lambda kv: -kv[1])[:3]
    return (
        statistics.median(executing),
        statistics.median(planning_too),
        len(queries),
        [(ms, " ".join(sql.split())[:150]) for sql, ms in top],
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(*, runs: int, detail: bool, only: str = "") -> None:
    from models_registry.models import Initiative

    users = get_user_model().objects
    latest = Campaign.objects.order_by("-year").first()
    province = Unit.objects.filter(parent_id=1).order_by("pk").first()
    with connection.cursor() as cursor:
        # What autovacuum would have done by now (it may be off, as on the machine these
        # figures come from): fresh statistics and visibility maps, so that a migration
        # that rewrote every case does not leave index-only scans visiting the heap.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    total = Initiative.objects.count()
    print(
        f"Database: {total:,} cases, {Unit.objects.count():,} units, "
        f"{Campaign.objects.count()} campaigns, {size}; latest campaign {latest.year} with "
        f"{Initiative.objects.filter(campaign=latest).count():,} cases.",
        flush=True,
    )
    scenarios = [
        ("Dashboard — Ban Dân vận, whole country, this year", "bench.bandanvan", "/ho-so/tong-quan/"),
        ("Dashboard — Ban Dân vận, one province, this year", "bench.bandanvan",
         f"/ho-so/tong-quan/?campaign={latest.pk}&unit={province.pk}"),
        ("Dashboard — officer of a commune", "bench.xa", "/ho-so/tong-quan/"),
        ("List p.1 — campaign + state", "bench.bandanvan",
         f"/ho-so/?campaign={latest.pk}&state=in_progress"),
        ("List p.1 — province subtree + field + subject (all years)", "bench.bandanvan",
         f"/ho-so/?unit={province.pk}&field=economy&subject=collective"),
        ("List p.1 — campaign + overdue (visit missed)", "bench.bandanvan",
         f"/ho-so/?campaign={latest.pk}&attention=visit_missed"),
        # What any page costs here before its own work: session, user, menu, template.
        ("Floor — an empty notification inbox", "bench.bandanvan", "/thong-bao/"),
    ]  # fmt: skip
    header = (
        f"{'page':62} {'median':>8} {'p95':>8} {'SQL exec':>9} {'×exec':>6} "
        f"{'SQL plan+exec':>13} {'×SQL':>6} {'queries':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, username, url in scenarios:
        if only and only.lower() not in label.lower():
            continue
        client = Client()
        client.force_login(users.get(username=username))
        times = timed(client, url, runs)
        exec_ms, sql_ms, n_queries, top = bare_sql(client, url)
        median, slow = statistics.median(times), p95(times)
        print(
            f"{label:62} {median:8.1f} {slow:8.1f} {exec_ms:9.1f} {slow / exec_ms:6.2f} "
            f"{sql_ms:13.1f} {slow / sql_ms:6.2f} {n_queries:7d}",
            flush=True,
        )
        if detail:
            for ms, sql in top:
                print(f"    {ms:8.1f} ms  {sql}")
    print(
        f"(milliseconds; {runs} runs each after 3 warm-up requests; bare SQL = the request's "
        "queries under EXPLAIN ANALYZE, summed: execution, and planning + execution; "
        "×exec = p95 / SQL exec, ×SQL = p95 / SQL plan+exec)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", action="store_true", help="migrate and fill the database")
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--per-unit", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--detail", action="store_true", help="print the slowest queries")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    parser.add_argument(
        "--without-index",
        action="append",
        default=[],
        metavar="NAME",
        help="drop this index for the run (it is rebuilt at the end), to see what it buys",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (e.g. dvk_bench).")
    if "bench" not in settings.DATABASES["default"]["NAME"]:
        raise SystemExit("Refusing: the database name must contain 'bench' (it is filled).")
    if args.load:
        load(communes=args.communes, years=args.years, per_unit=args.per_unit)
    dropped = []
    with connection.cursor() as cursor:
        for name in args.without_index:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
            found = cursor.fetchone()
            if found is None:
                raise SystemExit(f"No index {name!r}.")
            cursor.execute(f'DROP INDEX "{name}"')
            dropped.append(found[0])
    try:
        if dropped:
            print(f"Without: {', '.join(args.without_index)}")
        measure(runs=args.runs, detail=args.detail, only=args.only)
    finally:
        with connection.cursor() as cursor:
            for definition in dropped:
                cursor.execute(definition)


if __name__ == "__main__":
    main()
