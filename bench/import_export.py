"""Benchmark: the biểu mẫu export and import against django-import-export, on PostgreSQL.

    .venv/bin/pip install -r bench/requirements.txt      # django-import-export, bench only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk .venv/bin/python \
        bench/import_export.py [--export-rows 100000] [--import-rows 10000] [--small 10000]

Creates its own database (<name>_iebench, dropped at the end) with the demo directory and
``--export-rows`` cases (bulk-inserted: this is bench data, not a workflow), then runs
each job in a fresh child process so that its peak memory is its own:

- export of ``--small`` and of ``--export-rows`` cases in the official layout, by our
  exporter (XlsxWriter, constant_memory) — and the same row stream written by openpyxl's
  write-only mode, the alternative we measured before choosing XlsxWriter;
- the same two exports with django-import-export (a ModelResource over the same
  queryset, ``Dataset.export("xlsx")``);
- import of an ``--import-rows``-row form: ours (``registration_import_apply``, as drafts
  and with "submit at once"), and django-import-export's ``import_data`` on a flat xlsx
  of the same rows. Every import runs in a transaction rolled back at the end, so each
  job starts from the same data.

Prints seconds (the job only, after Django is set up) and peak RSS: the child's maximum
resident set (``wait4``) and how far it rose above the RSS the child had just before the
job. Not a test: nothing is asserted.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
# This file's name would shadow the django-import-export package it compares against.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BEFORE_DEADLINE = datetime.date(2023, 3, 1)
# Who imports: the Ban Dân vận records drafts for any unit (a consolidated form); only an
# officer of the units may submit, so "submit at once" runs as the demo's officer of
# every city body. django-import-export records its cases under the same secretariat.
SECRETARIAT = "bandanvan"
OFFICER = "canbo.thanhpho"


def status_kb(field: str) -> int:
    """VmRSS (resident now) or VmHWM (the peak of this process image: exec resets it,
    unlike getrusage's ru_maxrss, which a child inherits from its forking parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


# --- the django-import-export side -------------------------------------------------


def die_resource(created_by_id: int | None = None):
    from import_export import fields, resources
    from import_export.widgets import ForeignKeyWidget

    from models_registry.models import Campaign, Initiative, RecognitionLevel
    from units.models import Unit

    class InitiativeResource(resources.ModelResource):
        campaign = fields.Field(
            attribute="campaign", column_name="campaign", widget=ForeignKeyWidget(Campaign, "year")
        )
        unit = fields.Field(
            attribute="unit", column_name="unit", widget=ForeignKeyWidget(Unit, "name")
        )
        target_level = fields.Field(
            attribute="target_level",
            column_name="target_level",
            widget=ForeignKeyWidget(RecognitionLevel, "pk"),
        )

        class Meta:
            model = Initiative
            fields = (
                "campaign",
                "unit",
                "name",
                "goals",
                "field_economy",
                "field_culture_society",
                "field_defence_security",
                "field_political_system",
                "subject",
                "start_date",
                "end_date",
                "target_level",
            )
            import_id_fields = ("campaign", "unit", "name")

        def before_save_instance(self, instance, row, **kwargs):
            instance.created_by_id = created_by_id

    return InitiativeResource()


# --- the data ------------------------------------------------------------------------


def seed(rows: int) -> None:
    from demo import registry as demo
    from models_registry.models import Campaign, Initiative, Subject
    from units.text import fold

    units = demo.build_directory()
    demo.build_campaigns()
    _, people = demo.build_people(units)
    campaign = Campaign.objects.get(year=2023)
    levels = list(campaign.levels.order_by("rank"))
    registrants = [u for key, u in units.items() if key != "city"]
    flags = [
        "field_economy",
        "field_culture_society",
        "field_defence_security",
        "field_political_system",
    ]
    batch = []
    for i in range(rows):
        unit = registrants[i % len(registrants)]
        name = f"Mô hình dân vận khéo số {i} về vận động nhân dân ({unit.name})"
        goals = f"Mục tiêu {i}: {i % 97}% hộ dân đồng thuận; hoàn thành {i % 13} hạng mục"
        case = Initiative(
            campaign=campaign,
            unit=unit,
            name=name,
            goals=goals,
            subject=Subject.INDIVIDUAL if i % 3 == 2 else Subject.COLLECTIVE,
            start_date=datetime.date(2023, 2, 15) + datetime.timedelta(days=i % 60),
            end_date=datetime.date(2023, 10, 31) + datetime.timedelta(days=i % 60),
            target_level=levels[i % 2],
            created_by=people["secretariat"],
            name_key=fold(name),
            search_text=fold(f"{name} {goals}"),
        )
        setattr(case, flags[i % 4], True)
        if i % 7 == 0:
            setattr(case, flags[(i + 1) % 4], True)
        batch.append(case)
        if len(batch) == 5000:
            Initiative.objects.bulk_create(batch)
            batch = []
    if batch:
        Initiative.objects.bulk_create(batch)


def import_rows(count: int):
    """The rows of the form to import: new models of the city bodies."""
    from demo.registry import CITY_BODIES

    for i in range(count):
        unit = CITY_BODIES[i % len(CITY_BODIES)][0]
        yield {
            "unit": unit,
            "name": f"Mô hình nhập từ biểu mẫu số {i} ({unit})",
            "goals": f"Mục tiêu {i}: 100% cán bộ tham gia; {i % 50} buổi đối thoại",
            "field": i % 4,
            "individual": i % 3 == 2,
            "start": datetime.date(2023, 3, 1) + datetime.timedelta(days=i % 30),
            "end": datetime.date(2023, 11, 30),
            "level": i % 2,
        }


def write_official_form(path: Path, count: int) -> None:
    """A filled form in the official layout (letterhead, titles, two header rows)."""
    import xlsxwriter

    from models_registry.services.bieu_mau import layout as F

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Biểu mẫu")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "Tên đơn vị: Thành phố Từ Sơn")
    for row, line in enumerate(F.TITLE_LINES, start=1):
        sheet.write_string(row, 0, line.format(year=2023))
    top = [F.COL_STT, F.COL_UNIT, F.COL_NAME, F.GOALS_HEADER.format(year=2023)]
    for column, text in enumerate(top):
        sheet.write_string(6, column, text)
    for i, text in enumerate(F.FIELD_HEADERS.values()):
        sheet.write_string(6, 4 + 2 * i, text)
    sheet.write_string(6, 12, F.PERIOD_HEADER.format(year=2023))
    sheet.write_string(6, 14, F.LEVELS_HEADER.format(year=2023))
    for i in range(4):
        sheet.write_string(7, 4 + 2 * i, "Tập thể")
        sheet.write_string(7, 5 + 2 * i, "Cá nhân")
    for column, text in (
        (12, F.COL_START),
        (13, F.COL_END),
        (14, "Cấp cơ sở"),
        (15, "Cấp huyện, thành phố"),
    ):
        sheet.write_string(7, column, text)
    for n, row in enumerate(import_rows(count)):
        r = 8 + n
        sheet.write_number(r, 0, n + 1)
        sheet.write_string(r, 1, row["unit"])
        sheet.write_string(r, 2, row["name"])
        sheet.write_string(r, 3, row["goals"])
        sheet.write_string(r, 4 + 2 * row["field"] + (1 if row["individual"] else 0), "x")
        sheet.write_datetime(r, 12, row["start"], date)
        sheet.write_datetime(r, 13, row["end"], date)
        sheet.write_string(r, 14 + row["level"], "x")
    sheet.write_string(8 + count, 0, "Tổng")
    book.close()


def write_flat_form(path: Path, count: int) -> None:
    """The same rows as a flat table, the input django-import-export expects."""
    import tablib

    from models_registry.models import Campaign

    levels = list(
        Campaign.objects.get(year=2023).levels.order_by("rank").values_list("pk", flat=True)
    )
    flags = [
        "field_economy",
        "field_culture_society",
        "field_defence_security",
        "field_political_system",
    ]
    headers = [
        "campaign",
        "unit",
        "name",
        "goals",
        *flags,
        "subject",
        "start_date",
        "end_date",
        "target_level",
    ]
    data = tablib.Dataset(headers=headers)
    for row in import_rows(count):
        marks = [1 if i == row["field"] else 0 for i in range(4)]
        data.append(
            [
                2023,
                row["unit"],
                row["name"],
                row["goals"],
                *marks,
                "individual" if row["individual"] else "collective",
                row["start"],
                row["end"],
                levels[row["level"]],
            ]
        )
    path.write_bytes(data.export("xlsx"))


# --- the jobs (each in its own child process) ------------------------------------------


def export_queryset(rows: int):
    from django.contrib.auth import get_user_model

    from models_registry.models import Initiative
    from models_registry.selectors import initiative_list

    actor = get_user_model().objects.get(username="bandanvan")
    first = Initiative.objects.order_by("pk").values_list("pk", flat=True).first()
    return actor, initiative_list(actor=actor).filter(campaign__year=2023, pk__lt=first + rows)


def job_export_ours(rows: int, out: Path) -> int:
    from models_registry.services.bieu_mau import registrations_export

    actor, queryset = export_queryset(rows)
    return registrations_export(actor=actor, queryset=queryset, destination=out)


def job_export_openpyxl(rows: int, out: Path) -> int:
    """Our row stream written with openpyxl's write-only mode instead (no styles)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from models_registry.services.bieu_mau.export import _rows

    _, queryset = export_queryset(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Năm 2023")
    sheet.append(["Tên đơn vị: Thành phố Từ Sơn"])
    count = 0
    for count, (_, unit, name, goals, *flags, _subject, start, end, level) in enumerate(
        _rows(queryset), start=1
    ):
        cells = []
        for text in (unit, name, goals):
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # never a formula
            cells.append(cell)
        marks = ["x" if flag else None for flag in flags]
        sheet.append([count, *cells, *marks, start, end, level])
    book.save(out)
    return count


def job_export_die(rows: int, out: Path) -> int:
    _, queryset = export_queryset(rows)
    dataset = die_resource().export(queryset=queryset)
    out.write_bytes(dataset.export("xlsx"))
    return len(dataset)


def job_import_ours(path: Path, submit: bool) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from models_registry.models import Campaign
    from models_registry.services.bieu_mau import registration_import_apply

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
        transaction.set_rollback(True)
    return len(outcome.created)


def job_import_die(path: Path) -> int:
    import tablib
    from django.contrib.auth import get_user_model
    from django.db import transaction

    actor = get_user_model().objects.get(username=SECRETARIAT)
    with transaction.atomic():
        dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        result = die_resource(actor.pk).import_data(
            dataset, dry_run=False, raise_errors=True, use_transactions=True
        )
        transaction.set_rollback(True)
    return result.totals.get("new", 0)


def child(args) -> None:
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    baseline = status_kb("VmRSS")
    start = time.perf_counter()
    out = Path(args.out) if args.out else None
    if args.job == "export-ours":
        rows = job_export_ours(args.rows, out)
    elif args.job == "export-openpyxl":
        rows = job_export_openpyxl(args.rows, out)
    elif args.job == "export-die":
        rows = job_export_die(args.rows, out)
    elif args.job == "import-ours":
        rows = job_import_ours(Path(args.file), submit=False)
    elif args.job == "import-ours-submit":
        rows = job_import_ours(Path(args.file), submit=True)
    elif args.job == "import-die":
        rows = job_import_die(Path(args.file))
    else:
        raise SystemExit(f"unknown job {args.job}")
    seconds = time.perf_counter() - start
    peak = status_kb("VmHWM")
    print(json.dumps({"seconds": seconds, "baseline_kb": baseline, "peak_kb": peak, "rows": rows}))


def run_child(env: dict, *arguments: str) -> dict:
    command = [sys.executable, __file__, "--child", *arguments]
    finished = subprocess.run(command, env=env, capture_output=True, check=False)
    if finished.returncode != 0:
        sys.exit(f"job {arguments} failed:\n{finished.stderr.decode()[-3000:]}")
    result = json.loads(finished.stdout.decode().strip().splitlines()[-1])
    result["above_kb"] = max(0, result["peak_kb"] - result["baseline_kb"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument(
        "--only", default="", help="run only the jobs whose name starts so (e.g. export-ours)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args()
    if args.child:
        return child(args)

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates <name>_iebench).")
    import django

    django.setup()
    from django.db import connection

    from tests.notifications.harness import database_url

    db_settings = connection.settings_dict
    db_settings.setdefault("TEST", {})["NAME"] = f"{db_settings['NAME']}_iebench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    tmp = Path(tempfile.mkdtemp(prefix="dvk-iebench-"))
    try:
        started = time.perf_counter()
        seed(args.export_rows)
        official, flat = tmp / "bieu-mau.xlsx", tmp / "phang.xlsx"
        write_official_form(official, args.import_rows)
        write_flat_form(flat, args.import_rows)
        print(
            f"Dữ liệu: {args.export_rows} hồ sơ, biểu mẫu {args.import_rows} dòng "
            f"({official.stat().st_size // 1024} KB), chuẩn bị {time.perf_counter() - started:.0f} s"
        )
        env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict)}
        jobs = [
            (f"Xuất {args.small} (chúng tôi, XlsxWriter)", "export-ours", args.small),
            (f"Xuất {args.export_rows} (chúng tôi, XlsxWriter)", "export-ours", args.export_rows),
            (f"Xuất {args.small} (openpyxl write-only)", "export-openpyxl", args.small),
            (f"Xuất {args.export_rows} (openpyxl write-only)", "export-openpyxl", args.export_rows),
            (f"Xuất {args.small} (django-import-export)", "export-die", args.small),
            (f"Xuất {args.export_rows} (django-import-export)", "export-die", args.export_rows),
            (f"Nhập {args.import_rows} (chúng tôi, bản nháp)", "import-ours", 0),
            (f"Nhập {args.import_rows} (chúng tôi, gửi luôn)", "import-ours-submit", 0),
            (f"Nhập {args.import_rows} (django-import-export)", "import-die", 0),
        ]
        if args.only:
            jobs = [job for job in jobs if job[1].startswith(args.only)]
        results = {}
        print(f"{'việc':<46}{'giây':>9}{'đỉnh RSS':>12}{'tăng thêm':>12}{'dòng':>9}")
        for label, job, rows in jobs:
            arguments = ["--job", job, "--rows", str(rows)]
            if job.startswith("export"):
                arguments += ["--out", str(tmp / f"{job}-{rows}.xlsx")]
            else:
                arguments += ["--file", str(flat if job == "import-die" else official)]
            result = run_child(env, *arguments)
            results[(job, rows)] = result
            print(
                f"{label:<46}{result['seconds']:>9.1f}{result['peak_kb'] / 1024:>10.0f} MB"
                f"{result['above_kb'] / 1024:>10.0f} MB{result['rows']:>9}"
            )
        if args.only:
            return
        big, small = (
            results[("export-ours", args.export_rows)],
            results[("export-ours", args.small)],
        )
        die_export = results[("export-die", args.export_rows)]
        die_import = results[("import-die", 0)]
        ours_import = results[("import-ours", 0)]
        print()
        print(
            f"Xuất {args.export_rows}: nhanh hơn django-import-export "
            f"{die_export['seconds'] / big['seconds']:.1f} lần; bộ nhớ tăng thêm "
            f"{(big['above_kb'] - small['above_kb']) / 1024:+.1f} MB so với {args.small} dòng."
        )
        print(
            f"Nhập {args.import_rows}: nhanh hơn django-import-export "
            f"{die_import['seconds'] / ours_import['seconds']:.1f} lần (bản nháp)."
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        for path in tmp.iterdir():
            path.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
