"""Smoke tests of the embedded default that `make run` uses: SQLite in DVK_VAR_DIR, no
DATABASE_URL, no Redis. The suite itself runs on PostgreSQL, so each check runs in a
child process with a clean environment: migrate, seed_demo, each demo role logging in
with its password and loading its main pages, then an import of the Đông Ngàn form
through the pages and an export of the list.
(The medians on SQLite: tests/dashboards/test_dashboard_sqlite.py.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DONG_NGAN = ROOT / "tests" / "fixtures" / "bieu-mau" / "dang-ky-2023-dong-ngan.xlsx"

# Each demo login and the pages its menu leads to first.
MAIN_PAGES = {
    "admin": ["/ho-so/", "/ho-so/tong-quan/", "/quan-tri/"],
    "bandanvan": [
        "/ho-so/",
        "/ho-so/tong-quan/",
        "/ho-so/duy-tri/",
        "/kiem-tra/can-kiem-tra/",
        "/kiem-tra/len-lich/",
        "/kiem-tra/lich/",
        "/kiem-tra/tieu-chi/",
        "/hoi-dong/",
        "/thong-bao/",
        "/thong-bao/gui-loi/",
    ],
    "kiemtra": ["/kiem-tra/cua-toi/", "/thong-bao/"],
    "chutich.bcd": ["/hoi-dong/", "/thong-bao/"],
    "thanhvien1.bcd": ["/hoi-dong/", "/thong-bao/"],
    "lanhdao": ["/ho-so/", "/ho-so/tong-quan/"],
    "canbo.dongngan": ["/ho-so/", "/ho-so/tao-moi/", "/ho-so/nhap-bieu-mau/", "/thong-bao/"],
    "canbo.thanhpho": ["/ho-so/", "/thong-bao/"],
}

PAGES_SCRIPT = r"""
import json, sys
from django.test import Client
from django.db import connection
from demo.registry import DEMO_PASSWORD
from models_registry.models import Initiative

pages = json.loads(sys.stdin.read())
result = {"vendor": connection.vendor, "cases": Initiative.objects.count(), "users": {}}
for username, paths in pages.items():
    client = Client()
    login = client.post("/dang-nhap/", {"username": username, "password": DEMO_PASSWORD})
    seen = {"login": [login.status_code, login.get("Location", "")]}
    for path in paths:
        response = client.get(path)
        seen[path] = [response.status_code, response.wsgi_request.user.username]
    result["users"][username] = seen
print(json.dumps(result))
"""

IMPORT_EXPORT_SCRIPT = r"""
import io, json, sys, openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from demo.registry import DEMO_PASSWORD
from models_registry.models import Campaign, ImportJob, Initiative

client = Client()
client.post("/dang-nhap/", {"username": "canbo.dongngan", "password": DEMO_PASSWORD})
campaign = Campaign.objects.get(year=2023)
before = Initiative.objects.count()
with open(sys.stdin.read().strip(), "rb") as handle:
    data = handle.read()
upload = client.post(
    "/ho-so/nhap-bieu-mau/",
    {"campaign": campaign.pk, "file": SimpleUploadedFile("bieu-mau.xlsx", data), "mode": "draft"},
)
job = ImportJob.objects.get(pk=int(upload["Location"].rstrip("/").split("/")[-1]))
checking = job.status
waiting = client.get(f"/ho-so/nhap-bieu-mau/{job.pk}/")
import time
deadline = time.monotonic() + 90  # the embedded worker checks it (filesystem broker)
while job.status == "checking" and time.monotonic() < deadline:
    time.sleep(0.3)
    job.refresh_from_db()
checked = job.status
preview = client.get(f"/ho-so/nhap-bieu-mau/{job.pk}/")
confirm = client.post(f"/ho-so/nhap-bieu-mau/{job.pk}/xac-nhan/")
job.refresh_from_db()
export = client.get("/ho-so/xuat-bieu-mau/", {"campaign": campaign.pk, "state": "draft"})
sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)
    if export.streaming else export.content)).active
names = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
print(json.dumps({
    "upload": upload.status_code, "checking": checking,
    "waiting": "Đang kiểm tra tệp" in waiting.content.decode(), "checked": checked,
    "preview": preview.status_code, "can_confirm": 'id="confirm"' in preview.content.decode(),
    "confirm": confirm.status_code, "status": job.status, "rows_done": job.rows_done,
    "created": Initiative.objects.count() - before,
    "export": export.status_code, "export_type": export["Content-Type"],
    "exported_camera": any("Camera an ninh - Mắt thần khu phố" in n for n in names),
}))
"""


def _env(var_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(DVK_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings")
    return env


def _manage(var_dir: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(var_dir),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """A fresh embedded default, as `make run` builds it: migrate, then seed_demo."""
    var_dir = tmp_path_factory.mktemp("embedded-var")
    _manage(var_dir, "migrate", "--no-input", "-v0")
    _manage(var_dir, "seed_demo")
    return var_dir


@pytest.mark.long
def test_every_demo_role_logs_in_and_loads_its_main_pages_on_sqlite(embedded):
    out = _manage(embedded, "shell", "-c", PAGES_SCRIPT, stdin=json.dumps(MAIN_PAGES))
    result = json.loads(out.strip().splitlines()[-1])

    assert result["vendor"] == "sqlite" and result["cases"] > 0
    assert (embedded / "dvk.sqlite3").stat().st_size > 0
    for username, paths in MAIN_PAGES.items():
        seen = result["users"][username]
        assert seen.pop("login")[0] == 302, username  # the password was accepted
        assert seen == {path: [200, username] for path in paths}, username


@pytest.fixture
def embedded_worker(embedded):
    """The worker `make run` starts (run_embedded), on the filesystem broker."""
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning",
            "-c", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        cwd=ROOT,
        env=_env(embedded),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    yield worker
    worker.terminate()
    worker.wait(timeout=30)


def test_an_officer_imports_a_form_and_exports_the_list_on_sqlite(embedded, embedded_worker):
    out = _manage(embedded, "shell", "-c", IMPORT_EXPORT_SCRIPT, stdin=str(DONG_NGAN))
    result = json.loads(out.strip().splitlines()[-1])

    assert result == {
        "upload": 302,
        "checking": "checking",  # the request stored it; the worker read it
        "waiting": True,
        "checked": "pending",
        "preview": 200,
        "can_confirm": True,
        "confirm": 302,
        "status": "done",
        "rows_done": 6,
        "created": 6,
        "export": 200,
        "export_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "exported_camera": True,
    }


BULK_CREATE_SCRIPT = r"""
import datetime, json, re
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from models_registry.models import Campaign, Initiative
from models_registry.services.initiatives import (
    DUPLICATE, RowsRefused, initiative_create, initiatives_create,
)
from units.models import Unit

actor = get_user_model().objects.get(username="bandanvan")
campaign = next(c for c in Campaign.objects.order_by("-year") if not c.closed_errors())
unit = Unit.objects.get(name="Đảng ủy phường Đông Ngàn")
level = campaign.levels.order_by("rank").first()
data = {
    "goals": "Mục tiêu\nhai dòng", "subject": "individual", "field_culture_society": True,
    "start_date": datetime.date(2023, 3, 1), "end_date": None, "target_level": level,
}
fields = [f.attname for f in Initiative._meta.concrete_fields]
with transaction.atomic():
    before = Initiative.objects.count()
    bulk = initiatives_create(actor=actor, campaign=campaign, rows=[
        (unit, {**data, "name": f"Mô hình “nhập” & số {i}"}) for i in range(3)
    ])
    single = initiative_create(
        actor=actor, campaign=campaign, unit=unit, **{**data, "name": "Mô hình tạo một"}
    )
    stored = Initiative.objects.in_bulk([case.pk for case in bulk] + [single.pk])
    differs = sorted({
        attname for case in bulk for attname in fields
        if attname not in ("id", "name", "name_key", "search_text", "created_at", "updated_at")
        and getattr(stored[case.pk], attname) != getattr(stored[single.pk], attname)
    })
    as_returned = all(
        getattr(stored[case.pk], attname) == getattr(case, attname)
        for case in bulk for attname in fields
    )
    # The text SQLite holds, digits aside: a datetime stored with its offset, or a date
    # as a datetime, would read back equal through the ORM but sort and filter apart.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(created_at AS TEXT), CAST(updated_at AS TEXT),"
            " CAST(start_date AS TEXT) FROM models_registry_initiative"
            " WHERE id IN (%s, %s) ORDER BY id", [bulk[0].pk, single.pk],
        )
        raw = [[re.sub(r"\d", "0", value) for value in row] for row in cursor.fetchall()]
    try:
        initiatives_create(actor=actor, campaign=campaign, rows=[
            (unit, {**data, "name": "Mô hình mới khác"}),
            (unit, {**data, "name": "MÔ HÌNH TẠO MỘT"}),
        ])
        refused = None
    except RowsRefused as error:
        refused = error.refused == {1: [DUPLICATE.format(
            unit=unit.name, name="MÔ HÌNH TẠO MỘT", year=campaign.year
        )]}
    result = {
        "vendor": connection.vendor, "created": Initiative.objects.count() - before,
        "names": [stored[case.pk].name for case in bulk], "differs": differs,
        "as_returned": as_returned, "refused": refused, "raw": raw,
        "created_at_kept": stored[bulk[0].pk].created_at == bulk[0].created_at,
    }
    transaction.set_rollback(True)
print(json.dumps(result))
"""


def test_bulk_created_cases_are_stored_on_sqlite_as_a_single_create_stores_them(embedded):
    # SQLite has no COPY: initiatives_create runs one prepared INSERT for every case and
    # takes the ids from last_insert_rowid(); dates and aware datetimes go through the
    # backend's adapters as a single save would.
    out = _manage(embedded, "shell", "-c", BULK_CREATE_SCRIPT)
    result = json.loads(out.strip().splitlines()[-1])

    assert result == {
        "vendor": "sqlite",
        "created": 4,
        "names": [f"Mô hình “nhập” & số {i}" for i in range(3)],  # each id is its own row
        "differs": [],
        "as_returned": True,
        "refused": True,  # the second row only, by the name it collides with; none written
        "raw": [["0000-00-00 00:00:00.000000"] * 2 + ["0000-00-00"]] * 2,
        "created_at_kept": True,
    }
