"""Benchmark: the biểu mẫu import against django-import-export in bulk mode and against the
floor, on PostgreSQL and SQLite, in .xlsx, .xls and .ods (issue 17); and the issue-15
upload (a 186 MB XML comment in 1.1 MB) refused.

    .venv/bin/pip install -r bench/requirements.txt      # django-import-export, bench only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk .venv/bin/python bench/import_bulk.py \
        [--rows 5000] [--memory-rows 50000] [--databases postgresql,sqlite] \
        [--formats xlsx,xls,ods] [--rounds 3] [--submit-rows 5000] [--parsers]

Settings: ``bench/import_bulk_settings.py`` (the project's, with ``DVK_IMPORT_MAX_ROWS``
raised for the 50,000-row form), for the in-process jobs and the commands alike. The
project's modules are compiled first (``compileall``, as the image does), so no child
compiles them from source under ``PYTHONDONTWRITEBYTECODE``.

For each database it builds its own (PostgreSQL: ``<name>_ibulk``, dropped at the end;
SQLite: a file in a temporary directory) with the demo directory, campaigns and people,
writes the official form of ``--rows`` new models (XlsxWriter; the .xls and .ods are that
file saved by LibreOffice: ``soffice --convert-to``) and the same rows as the flat table
django-import-export reads, then:

- in ONE child process, after a warm-up round, ``--rounds`` rounds alternating the
  floor, ours in each format and django-import-export (so each side meets the same load),
  wall and CPU seconds (the process's and its parser child's) of each, medians:
  ``floor`` = calamine's rows + one ``bulk_create`` (unit names looked up in a dict, no
  checks at all), the least any import of these rows can cost; ``ours`` =
  ``registration_import_apply`` as drafts (every check, the plan, the bulk writes);
  django-import-export 4.4 ``import_data`` in its bulk mode (``use_bulk``,
  ``batch_size=1000``, ``force_init_instance``, ``skip_diff``: the fastest it documents)
  with its foreign keys cached in dicts;
- whole commands, ``--rounds`` times each, wall clock and peak RSS (GNU time):
  ``manage.py import_registrations --as-drafts`` in each format and django-import-export
  as a whole process (Django set up, read, import, commit, exit); their cases are
  deleted after each round;
- on PostgreSQL, "submit at once" of ``--submit-rows`` rows (one round) with the number
  of notifications it wrote; memory: ours and the floor at ``--rows`` and
  ``--memory-rows`` rows, each in a fresh process (the RSS rise above the baseline, the
  parser child's peak) and the growth per extra row; the issue-15 upload refused;
- with ``--parsers``, openpyxl's and calamine's parse alone.

In-process jobs run in a transaction rolled back at the end. Every row of the final
table is printed as soon as it is measured, and the whole table at the end with the
load average. Not a test: nothing is asserted.
"""

import argparse
import datetime
import gc
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(BASE_DIR))
sys.path.append(str(BASE_DIR / "bench"))  # import_bulk_settings, after the packages
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "import_bulk_settings")

BEFORE_DEADLINE = datetime.date(2023, 3, 1)
SECRETARIAT = "bandanvan"
OFFICER = "canbo.thanhpho"
NAME_PREFIX = "Mô hình nhập từ biểu mẫu số "


def forms_module():
    """bench/import_export.py's form writers (its name shadows django-import-export)."""
    spec = importlib.util.spec_from_file_location(
        "bench_import_export", BASE_DIR / "bench" / "import_export.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def die_resource(created_by_id: int):
    """The bench/import_export.py resource, in django-import-export's bulk mode, with its
    foreign keys looked up in a dict read once (its ``ForeignKeyWidget`` runs one query
    per row and column: three per row here) — the fastest setup we could give it."""
    from import_export import fields
    from import_export.widgets import ForeignKeyWidget

    from models_registry.models import Campaign, RecognitionLevel
    from units.models import Unit

    base = forms_module().die_resource(created_by_id)

    class CachedForeignKeyWidget(ForeignKeyWidget):
        def __init__(self, model, field):
            super().__init__(model, field)
            self.cache = {str(getattr(obj, field)): obj for obj in model.objects.all()}

        def clean(self, value, row=None, **kwargs):
            return (
                self.cache.get(str(value).removesuffix(".0")) if value not in (None, "") else None
            )

    class BulkResource(type(base)):
        campaign = fields.Field(
            attribute="campaign",
            column_name="campaign",
            widget=CachedForeignKeyWidget(Campaign, "year"),
        )
        unit = fields.Field(
            attribute="unit", column_name="unit", widget=CachedForeignKeyWidget(Unit, "name")
        )
        target_level = fields.Field(
            attribute="target_level",
            column_name="target_level",
            widget=CachedForeignKeyWidget(RecognitionLevel, "pk"),
        )

        class Meta(type(base).Meta):
            use_bulk = True
            batch_size = 1000
            force_init_instance = True  # every row is new: no lookup per row
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):
            # bulk_create skips Initiative.save(): fill the folded columns it would.
            super().before_save_instance(instance, row, **kwargs)
            instance.fill_keys()

    return BulkResource()


# --- jobs, each in its own child process ----------------------------------------------


def rows_calamine(path: Path) -> list:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def job_parse_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def job_parse_calamine(path: Path) -> int:
    return len(rows_calamine(path))


def job_floor(path: Path) -> int:
    """Parse + one bulk_create, nothing else: the floor."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from models_registry.models import FIELD_FLAGS, Campaign, Initiative
    from units.models import Unit
    from units.text import fold

    actor = get_user_model().objects.get(username=SECRETARIAT)
    campaign = Campaign.objects.get(year=2023)
    levels = list(campaign.levels.order_by("rank"))
    units = {unit.name: unit for unit in Unit.objects.all()}
    flags = list(FIELD_FLAGS)
    cases = []
    for row in rows_calamine(path)[8:]:
        if not row[2] or row[0] == "Tổng":
            continue
        marks = row[4:12]
        at = next(i for i, mark in enumerate(marks) if mark)
        case = Initiative(
            campaign=campaign,
            unit=units[row[1]],
            name=row[2],
            goals=row[3],
            subject="individual" if at % 2 else "collective",
            start_date=row[12],
            end_date=row[13],
            target_level=levels[0 if row[14] else 1],
            created_by=actor,
            name_key=fold(row[2]),
            search_text=fold(f"{row[2]} {row[3]}"),
        )
        setattr(case, flags[at // 2], True)
        cases.append(case)
    with transaction.atomic():
        Initiative.objects.bulk_create(cases, batch_size=1000)
        transaction.set_rollback(True)
    return len(cases)


def job_ours(path: Path, *, submit: bool) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from models_registry.models import Campaign
    from models_registry.services.bieu_mau import registration_import_apply
    from notifications.models import Notification

    actor = get_user_model().objects.get(username=OFFICER if submit else SECRETARIAT)
    campaign = Campaign.objects.get(year=2023)
    with transaction.atomic():
        outcome = registration_import_apply(
            actor=actor,
            campaign=campaign,
            source=path,
            name=path.name,
            submit=submit,
            today=BEFORE_DEADLINE,
        )
        if not outcome.ok:
            raise SystemExit("\n".join(str(p) for p in outcome.problems[:10]))
        if submit:
            print(f"notifications {Notification.objects.count()}", file=sys.stderr)
        transaction.set_rollback(True)
    return len(outcome.created)


def job_die(path: Path, *, commit: bool = False) -> int:
    import tablib
    from django.contrib.auth import get_user_model
    from django.db import transaction

    actor = get_user_model().objects.get(username=SECRETARIAT)
    with transaction.atomic():
        dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        die_resource(actor.pk).import_data(
            dataset, dry_run=False, raise_errors=True, use_transactions=False
        )
        transaction.set_rollback(not commit)
    return len(dataset)


def job_hostile(path: Path) -> int:
    """The issue-15 upload through the upload service (what the request does: store it
    after the cheap checks) and then the worker's check (which refuses it): how fast
    each, with what memory (Python's own peak through tracemalloc; the process's peak
    RSS)."""
    import time
    import tracemalloc

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from models_registry.models import Campaign, ImportStatus
    from models_registry.services.bieu_mau import import_job_check, import_job_create

    actor = get_user_model().objects.get(username=OFFICER)
    campaign = Campaign.objects.get(year=2023)
    upload = SimpleUploadedFile("bieu-mau.xlsx", path.read_bytes())
    tracemalloc.start()
    try:
        started = time.perf_counter()
        job = import_job_create(actor=actor, campaign=campaign, upload=upload, as_drafts=True)
        stored = time.perf_counter()
        job = import_job_check(job_id=job.pk)
        checked = time.perf_counter()
        if job.status != ImportStatus.FAILED:
            raise SystemExit("the hostile upload was accepted")
        print(f"refused: {job.problems[0]['message']}", file=sys.stderr)
        print(f"request_seconds {stored - started:.4f}", file=sys.stderr)
        print(f"check_seconds {checked - stored:.4f}", file=sys.stderr)
    finally:
        print(f"tracemalloc_peak {tracemalloc.get_traced_memory()[1]}", file=sys.stderr)
        tracemalloc.stop()
    return 0


def job_prepare() -> int:
    from django.core.management import call_command

    from demo import registry as demo

    call_command("migrate", verbosity=0)
    units = demo.build_directory()
    demo.build_campaigns()
    demo.build_people(units)
    return 0


def job_write(rows: int, out: Path) -> int:
    forms = forms_module()
    forms.write_official_form(out / f"bieu-mau-{rows}.xlsx", rows)
    forms.write_flat_form(out / f"phang-{rows}.xlsx", rows)
    return rows


def job_cleanup() -> int:
    from models_registry.models import Initiative

    deleted, _ = Initiative.objects.filter(name__startswith=NAME_PREFIX).delete()
    return deleted


def cpu_seconds() -> float:
    """This process's CPU time and its finished children's (the import's parser)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def job_alternate(files: dict[str, Path], flat: Path, rounds: int) -> dict:
    """The in-process jobs in ONE process, after a warm-up round, alternating round by
    round (floor, ours in each format, django-import-export), so that every side meets
    the same load: wall
    seconds and CPU seconds (the process's and its parser child's) of each."""
    jobs = {("floor", "xlsx"): lambda: job_floor(files["xlsx"])}
    for fmt, path in files.items():
        jobs[("ours", fmt)] = lambda path=path: job_ours(path, submit=False)
    jobs[("die", "xlsx")] = lambda: job_die(flat)
    figures: dict = {f"{name} {fmt}": {"wall": [], "cpu": []} for name, fmt in jobs}
    for job in jobs.values():  # a warm-up round, not counted: imports, first queries
        job()
    for _ in range(rounds):
        for (name, fmt), job in jobs.items():
            wall, cpu = time.perf_counter(), cpu_seconds()
            job()
            figures[f"{name} {fmt}"]["wall"].append(time.perf_counter() - wall)
            figures[f"{name} {fmt}"]["cpu"].append(cpu_seconds() - cpu)
    print(json.dumps(figures), file=sys.stderr)
    return 0


def child(args) -> None:
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    path = Path(args.file) if args.file and "=" not in args.file else None
    jobs = {
        "prepare": job_prepare,
        "write": lambda: job_write(args.rows, Path(args.out)),
        "cleanup": job_cleanup,
        "alternate": lambda: job_alternate(
            {f.split("=")[0]: Path(f.split("=")[1]) for f in args.file.split(",")},
            Path(args.out),
            args.rounds,
        ),
        "parse-openpyxl": lambda: job_parse_openpyxl(path),
        "parse-calamine": lambda: job_parse_calamine(path),
        "floor": lambda: job_floor(path),
        "ours": lambda: job_ours(path, submit=False),
        "submit": lambda: job_ours(path, submit=True),
        "die": lambda: job_die(path),
        "die-commit": lambda: job_die(path, commit=True),
        "hostile": lambda: job_hostile(path),
    }
    baseline = status_kb("VmRSS")
    start = time.perf_counter()
    rows = jobs[args.job]()
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "baseline_kb": baseline,
                "peak_kb": status_kb("VmHWM"),
                "parser_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                "rows": rows,
            }
        )
    )
    # Every child exits as manage.py does (gc.freeze() before the interpreter's exit), so
    # that the whole-command rows compare django-import-export's process with ours alike.
    gc.freeze()


# --- the parent: databases, files, rounds, the table -----------------------------------


def run(env: dict, *arguments: str, command: list[str] | None = None) -> dict:
    """Run a child job (or ``command``); return its figures, wall clock and wait4 peak."""
    argv = command or [sys.executable, __file__, "--child", *arguments]
    if command:  # GNU time reports the whole command's peak RSS
        argv = ["/usr/bin/time", "-f", "MAXRSS %M", *argv]
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{' '.join(argv[-6:])} failed:\n{stderr.decode()[-3000:]}")
    result = {"wall": wall, "stderr": stderr.decode()}
    if command:
        lines = [line for line in result["stderr"].splitlines() if line.startswith("MAXRSS ")]
        result["maxrss_kb"] = int(lines[-1].split()[1])
    if command is None:
        result.update(json.loads(stdout.decode().strip().splitlines()[-1]))
        result["above_kb"] = max(0, result["peak_kb"] - result["baseline_kb"])
    return result


def median(results: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in results)


def create_postgres(base_url: str) -> tuple[str, str]:
    import psycopg
    from dj_database_url import parse

    config = parse(base_url)
    name = f"{config['NAME']}_ibulk"
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres(base_url: str, name: str) -> None:
    import psycopg
    from dj_database_url import parse

    config = parse(base_url)
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def convert(source: Path, fmt: str, out: Path) -> Path:
    """``source`` saved by LibreOffice as ``fmt`` (xls or ods)."""
    target = source.with_suffix(f".{fmt}")
    if target.exists():
        return target
    filter_name = "xls:MS Excel 97" if fmt == "xls" else "ods"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", filter_name, "--outdir", str(out), str(source)],
        env={**os.environ, "HOME": str(out)},
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return target


def cleanup(url: str) -> None:
    """Delete what a whole command committed (the bench's cases, by name), straight in
    SQL: cheaper than a Django child, and the tally's triggers see the DELETE."""
    sql = "DELETE FROM models_registry_initiative WHERE name LIKE %s"
    if url.startswith("sqlite:"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            db.execute(sql.replace("%s", "?"), [NAME_PREFIX + "%"])
        return
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
        db.execute(sql, [NAME_PREFIX + "%"])


def command_rounds(ctx: dict, command: list[str]) -> dict:
    results = []
    for _ in range(ctx["rounds"]):
        results.append(run(ctx["env"], command=command))
        cleanup(ctx["url"])
    return {"wall": median(results, "wall"), "peak_kb": median(results, "maxrss_kb")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="5000")
    parser.add_argument("--memory-rows", type=int, default=50000)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--formats", default="xlsx,xls,ods")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--submit-rows", type=int, default=5000)
    parser.add_argument("--parsers", action="store_true", help="also time openpyxl's parse")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child:
        args.rows = int(args.rows.split(",")[0])
        return child(args)

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates <name>_ibulk).")
    sizes = [int(n) for n in args.rows.split(",")]
    formats = args.formats.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="dvk-ibulk-"))
    began = time.monotonic()
    # As the image does (Dockerfile): the project's modules compiled once, so that no
    # child process (a whole command above all) compiles them from source again when
    # PYTHONDONTWRITEBYTECODE is set.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-x", r"/\.venv/", str(BASE_DIR)],
        check=True,
        capture_output=True,
    )
    print(
        f"$ {' '.join(sys.argv)}\n{os.cpu_count()} CPU(s), load average "
        f"{os.getloadavg()[0]:.1f} at start; medians of {args.rounds} round(s).",
        flush=True,
    )
    table = []  # (rows, db, fmt, job, wall, cpu, vs, peak)
    try:
        for database in args.databases.split(","):
            created = None
            if database == "postgresql":
                url, created = create_postgres(base_url)
            else:
                url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "import_bulk_settings",
                "PYTHONPATH": str(BASE_DIR / "bench"),
            }
            run(env, "--job", "prepare")
            if database == "postgresql":
                startup_line(env, args.rounds)
            for rows in sizes:
                official = tmp / f"bieu-mau-{rows}.xlsx"
                flat = tmp / f"phang-{rows}.xlsx"
                if not official.exists():
                    run(env, "--job", "write", "--rows", str(rows), "--out", str(tmp))
                files = {"xlsx": official}
                for fmt in formats:
                    if fmt != "xlsx":
                        files[fmt] = convert(official, fmt, tmp)
                ctx = {"env": env, "rows": rows, "rounds": args.rounds, "url": url}
                if args.parsers and database == "postgresql":
                    for job, fmts in (("parse-openpyxl", ["xlsx"]), ("parse-calamine", files)):
                        for fmt in fmts:
                            times = [
                                run(env, "--job", job, "--file", str(files[fmt]))["seconds"]
                                for _ in range(args.rounds)
                            ]
                            add(table, (rows, database, fmt, job, statistics.median(times),
                                          None, "", None))  # fmt: skip
                # In-process: floor, ours (each format), django-import-export, alternating
                # in one process.
                result = run(
                    env, "--job", "alternate", "--rounds", str(args.rounds),
                    "--file", ",".join(f"{k}={v}" for k, v in files.items()), "--out", str(flat),
                )  # fmt: skip
                figures = json.loads(
                    [line for line in result["stderr"].splitlines() if line.startswith("{")][-1]
                )
                med = {k: (statistics.median(v["wall"]), statistics.median(v["cpu"]))
                       for k, v in figures.items()}  # fmt: skip
                floor_wall, floor_cpu = med["floor xlsx"]
                add(table, (rows, database, "xlsx", "floor: parse + bulk_create, in-process",
                              floor_wall, floor_cpu, "1.00× / 1.00× floor", None))  # fmt: skip
                for fmt in files:
                    wall, cpu = med[f"ours {fmt}"]
                    add(table, (rows, database, fmt, "ours, in-process", wall, cpu,
                                  f"{wall / floor_wall:.2f}× / {cpu / floor_cpu:.2f}× floor",
                                  None))  # fmt: skip
                wall, cpu = med["die xlsx"]
                add(table, (rows, database, "xlsx", "django-import-export bulk, in-process",
                              wall, cpu, f"{wall / floor_wall:.2f}× / {cpu / floor_cpu:.2f}× floor",
                              None))  # fmt: skip
                # Whole commands: process start to exit, committed, then deleted.
                die_command = command_rounds(
                    ctx, [sys.executable, __file__, "--child", "--job", "die-commit", "--file",
                          str(flat)],
                )  # fmt: skip
                for fmt, path in files.items():
                    ours_command = command_rounds(
                        ctx, [sys.executable, "manage.py", "import_registrations", str(path),
                              "--campaign", "2023", "--as-drafts", "--user", SECRETARIAT],
                    )  # fmt: skip
                    add(table, (rows, database, fmt, "ours, manage.py import_registrations",
                                  ours_command["wall"], None,
                                  f"{die_command['wall'] / ours_command['wall']:.2f}× faster than d-i-e",
                                  ours_command["peak_kb"]))  # fmt: skip
                add(table, (rows, database, "xlsx", "django-import-export bulk, process",
                              die_command["wall"], None, "", die_command["peak_kb"]))  # fmt: skip
                if database == "postgresql" and rows <= args.submit_rows:
                    submit = run(env, "--job", "submit", "--file", str(official))
                    notes = [n for n in submit["stderr"].splitlines() if n.startswith("notif")]
                    add(table, (rows, database, "xlsx", "ours, submit at once (1 round)",
                                  submit["seconds"], None,
                                  f"{notes[-1].split()[-1] if notes else '?'} notifications",
                                  submit["peak_kb"]))  # fmt: skip
                print(f"{database} {rows} rows done ({time.monotonic() - began:.0f} s)", flush=True)
            if database == "postgresql" and args.memory_rows:
                memory_table(env, tmp, sizes[0], args.memory_rows, table)
                hostile_line(env, tmp, sizes[0])
            if created:
                drop_postgres(base_url, created)
        print_table(table, args.rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print(
            f"\nLoad average {os.getloadavg()[0]:.1f} at the end; "
            f"{time.monotonic() - began:.0f} s in all."
        )


def memory_table(env: dict, tmp: Path, small: int, large: int, table: list) -> None:
    """Peak memory of the import (xlsx) and of the floor at ``small`` and ``large`` rows,
    each in a fresh process (one round: memory does not depend on the machine's load):
    what each extra row costs."""
    run(env, "--job", "write", "--rows", str(large), "--out", str(tmp))
    peaks = {}
    for rows in (small, large):
        for job in ("floor", "ours"):
            result = run(env, "--job", job, "--file", str(tmp / f"bieu-mau-{rows}.xlsx"))
            peaks[job, rows] = result
            add(table, (rows, "postgresql", "xlsx", f"memory: {job}, in-process",
                          result["seconds"], None,
                          f"+{result['above_kb'] / 1024:.0f} MB (parser child "
                          f"{result['parser_kb'] / 1024:.0f} MB)",
                          result["peak_kb"]))  # fmt: skip
    for job in ("floor", "ours"):
        growth = peaks[job, large]["above_kb"] - peaks[job, small]["above_kb"]
        add(table, (large, "postgresql", "xlsx", f"memory: {job}, growth per extra row",
                      None, None, f"{growth * 1024 / (large - small):.0f} bytes/row", None))  # fmt: skip


def startup_line(env: dict, rounds: int) -> None:
    """How long a management command takes to start and stop doing nothing (``--help``
    of the import command; ``check``, which runs the system checks the import command
    skips), beside the interpreter alone: medians of ``rounds``."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "manage.py import_registrations --help": [
            sys.executable, "manage.py", "import_registrations", "--help",
        ],
        "manage.py check": [sys.executable, "manage.py", "check"],
    }  # fmt: skip
    figures = {name: median([run(env, command=c) for _ in range(rounds)], "wall")
               for name, c in commands.items()}  # fmt: skip
    print("Start-up: " + "; ".join(f"{n} {s:.2f} s" for n, s in figures.items()), flush=True)


def hostile_line(env: dict, tmp: Path, rows: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    from tests.models_registry.hostile import xlsx_comment_bomb

    hostile = tmp / "issue-15.xlsx"
    hostile.write_bytes(xlsx_comment_bomb((tmp / f"bieu-mau-{rows}.xlsx").read_bytes()))
    result = run(env, "--job", "hostile", "--file", str(hostile))
    figures = {
        line.split()[0]: float(line.split()[-1])
        for line in result["stderr"].splitlines()
        if line.startswith(("tracemalloc_peak", "request_seconds", "check_seconds"))
    }
    print(
        f"Issue 15 upload ({hostile.stat().st_size / 1024 / 1024:.2f} MB, a 186 MB XML comment "
        f"in <sheetData>): stored in {figures['request_seconds']:.3f} s, refused by the "
        f"check in {figures['check_seconds']:.3f} s; Python peak "
        f"{figures['tracemalloc_peak'] / 1024 / 1024:.1f} MB (tracemalloc), process peak RSS "
        f"{result['peak_kb'] / 1024:.0f} MB (+{result['above_kb'] / 1024:.0f} MB).",
        flush=True,
    )


def add(table: list, row: tuple) -> None:
    """Keep a row of the final table, and print it at once (a long run shows progress)."""
    table.append(row)
    print("  " + " | ".join("" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)
                            for v in row), flush=True)  # fmt: skip


def print_table(table: list, rounds: int) -> None:
    print(
        f"\n{'rows':>6} {'db':<10} {'fmt':<5} {'job':<42}{'wall s':>8}{'CPU s':>7}  "
        f"{'peak':>6}  compared"
    )
    for rows, db, fmt, job, wall, cpu, versus, peak in table:
        wall_text = f"{wall:8.2f}" if wall is not None else f"{'':>8}"
        cpu_text = f"{cpu:7.2f}" if cpu is not None else f"{'':>7}"
        peak_text = f"{peak / 1024:4.0f}MB" if peak else f"{'':>6}"
        print(f"{rows:>6} {db:<10} {fmt:<5} {job:<42}{wall_text}{cpu_text}  {peak_text}  {versus}")
    print(
        f"(medians of {rounds} rounds unless marked; in-process jobs alternate in one process; "
        "CPU = the process's and its parser child's; peak = the process's peak RSS)"
    )


if __name__ == "__main__":
    main()
