"""On the demo data: the 2023 export re-imported creates nothing, and the commands
`import_registrations` / `export_registrations` as the secretariat and scripts use them."""

import datetime
import os
import subprocess
import sys
from io import StringIO

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from models_registry.models import Initiative
from models_registry.services.initiatives import deadline_extension_grant
from tests.notifications.harness import database_url
from units.models import Unit
from workflow.models import TransitionLog

from .bieu_mau import CO_LOI, DONG_NGAN, seeded_demo


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    yield from seeded_demo(django_db_blocker)


@pytest.fixture
def d(demo_data, db):
    return demo_data


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    return (
        sorted(Initiative.objects.values_list("pk", "state", "name", "goals", "updated_at")),
        TransitionLog.objects.count(),
    )


def test_the_demo_2023_export_reimported_creates_nothing(d, tmp_path):
    path = tmp_path / "tu-son-2023.xlsx"
    total = Initiative.objects.filter(campaign=d.campaign).count()
    before = snapshot()

    out, _ = run("export_registrations", "--campaign", "2023", "-o", str(path))
    assert out.strip() == f"Đã xuất {total} hồ sơ vào {path}."
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.cell(9 + total, 1).value == "Tổng"

    out, err = run("import_registrations", str(path), "--campaign", "2023", "--as-drafts")

    assert err == ""
    assert out.splitlines()[-1].startswith("Đã nhập: tạo mới 0, cập nhật 0, gửi đăng ký 0,")
    assert snapshot() == before


def test_the_import_command_prints_what_it_created_and_a_second_run_creates_nothing(d):
    deadline_extension_grant(
        actor=d.secretariat,
        campaign=d.campaign,
        unit=Unit.objects.get(name="Đảng ủy phường Đông Ngàn"),
        until=datetime.date.today() + datetime.timedelta(days=7),
        reason="Nộp bổ sung biểu mẫu.",
    )
    before = Initiative.objects.count()

    out, _ = run(
        "import_registrations", str(DONG_NGAN), "--campaign", "2023", "--user", "canbo.dongngan"
    )

    lines = out.splitlines()
    assert sum(line.startswith("  Tạo mới: #") for line in lines) == 6
    assert sum(line.startswith("  Gửi đăng ký: #") for line in lines) == 6
    assert "Camera an ninh - Mắt thần khu phố" in out
    assert Initiative.objects.count() == before + 6

    again, _ = run(
        "import_registrations", str(DONG_NGAN), "--campaign", "2023", "--user", "canbo.dongngan"
    )

    assert again.splitlines()[-1] == (
        "Đã nhập: tạo mới 0, cập nhật 0, gửi đăng ký 0, không đổi 0, đã có 6 hồ sơ."
    )
    assert Initiative.objects.count() == before + 6


def test_the_import_command_acts_as_the_secretariat_by_default(d):
    out, _ = run("import_registrations", str(DONG_NGAN), "--campaign", "2023", "--as-drafts")

    assert "tạo mới 6" in out
    created = Initiative.objects.filter(name="Camera an ninh - Mắt thần khu phố").get()
    assert created.created_by.username == "bandanvan"


def test_the_import_command_on_a_form_with_errors_prints_every_problem_and_fails(d):
    before = Initiative.objects.count()
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "import_registrations",
            str(CO_LOI),
            "--campaign",
            "2023",
            "--as-drafts",
            stdout=StringIO(),
            stderr=err,
        )

    assert caught.value.returncode == 1
    assert str(caught.value) == "Không nhập được: 6 lỗi, không có hồ sơ nào được tạo hay thay đổi."
    lines = err.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        f"Dòng {row} (dòng {row + 8} trên trang tính)" for row in range(1, 7)
    ]
    assert "cột “Tên mô hình công tác “DVK”” (C): Chưa nhập tên mô hình." in lines[0]
    assert Initiative.objects.count() == before


def test_a_dry_run_prints_the_plan_and_writes_nothing(d):
    before = snapshot()

    out, _ = run(
        "import_registrations", str(DONG_NGAN), "--campaign", "2023", "--as-drafts", "--dry-run"
    )

    assert out.splitlines()[0] == "Kiểm tra (không lưu) — 6 dòng, không có lỗi:"
    assert "Dòng 4: Tạo bản nháp — Hội LHPN phường Đông Ngàn — Bà Nguyễn Thị Hằng" in out
    assert snapshot() == before


def test_the_export_command_filters_by_unit_and_state(d, tmp_path):
    path = tmp_path / "ubnd-dong-ngan.xlsx"
    wanted = Initiative.objects.filter(
        campaign=d.campaign, unit__name="UBND phường Đông Ngàn", state="in_progress"
    ).count()

    out, _ = run(
        "export_registrations",
        "--campaign",
        "2023",
        "--unit",
        "Ủy ban nhân dân P. Đông Ngàn",
        "--state",
        "Đang triển khai",
        "-o",
        str(path),
    )

    assert out.strip() == f"Đã xuất {wanted} hồ sơ vào {path}."
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "Tên đơn vị: UBND phường Đông Ngàn"
    assert {sheet.cell(row, 2).value for row in range(9, 9 + wanted)} <= {"UBND phường Đông Ngàn"}
    with pytest.raises(CommandError, match="Trạng thái “đang chạy” không có"):
        run("export_registrations", "--campaign", "2023", "--state", "đang chạy", "-o", str(path))


def test_manage_py_exits_with_status_1_on_a_form_with_errors(d, tmp_path):
    # The real command line, as a script would run it, on the demo committed above.
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict)}
    before = Initiative.objects.count()

    finished = subprocess.run(
        [
            *(sys.executable, "manage.py", "import_registrations", str(CO_LOI)),
            *("--campaign", "2023", "--as-drafts"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 1
    assert finished.stderr.count("trên trang tính)") == 6
    assert "Không nhập được: 6 lỗi" in finished.stderr
    assert Initiative.objects.count() == before
