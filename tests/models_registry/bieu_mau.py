"""Helpers for the biểu mẫu tests: the fixtures in tests/fixtures, the demo data, and forms built
the way units fill them (letterhead, title lines, two merged header rows, "..." and
"Tổng" rows), with knobs for the variations seen in real copies."""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from models_registry.models import Campaign
from tests.demo_data import demo_load

FIXTURES = Path(settings.BASE_DIR) / "tests" / "fixtures" / "bieu-mau"
DONG_NGAN = FIXTURES / "dang-ky-2023-dong-ngan.xlsx"
CO_LOI = FIXTURES / "dang-ky-2023-co-loi.xlsx"
CO_LOI_EXPECTED = FIXTURES / "dang-ky-2023-co-loi.expected.json"

# Before the demo campaign's registration deadline (06/03/2023).
BEFORE_DEADLINE = datetime.date(2023, 3, 1)


@dataclass
class Demo:
    campaign: Campaign
    officer: object  # canbo.dongngan: officer of Đảng ủy phường Đông Ngàn
    other_officer: object  # canbo.tamson
    secretariat: object
    admin: object


def seeded_demo(django_db_blocker):
    """For a module-scoped fixture: the demo, seeded once and committed (it takes
    seconds), then flushed away when the module is done, as a transactional test
    would. The module's tests run in their own rolled-back transactions on top."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        data = demo()
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo() -> Demo:
    demo_load()
    users = get_user_model().objects
    return Demo(
        campaign=Campaign.objects.get(year=2023),
        officer=users.get(username="canbo.dongngan"),
        other_officer=users.get(username="canbo.tamson"),
        secretariat=users.get(username="bandanvan"),
        admin=users.get(username="admin"),
    )


@dataclass
class Row:
    unit: object = "Đảng ủy phường Đông Ngàn"
    name: object = "Mô hình thử"
    goals: object = "Mục tiêu thử"
    # (field index 0..3, "c" collective / "i" individual) → mark text
    marks: dict = field(default_factory=lambda: {(0, "c"): "x"})
    start: object = datetime.datetime(2023, 3, 1)
    end: object = datetime.datetime(2023, 11, 30)
    levels: tuple = ("x", None)
    stt: object = None


HEADERS_TOP = [
    "Số TT",
    "Tên đơn vị đăng ký",
    "Tên mô hình công tác “DVK”",
    "Mục tiêu (chỉ tiêu) cần đạt được trong năm 2023",
    "Lĩnh vực Kinh tế",
    None,
    "Lĩnh vực VH - XH",
    None,
    "Lĩnh vực QP - AN",
    None,
    "Lĩnh vực Xây dựng hệ thống chính trị (xây dựng tổ chức Đảng, chính quyền, MTTQ, "
    "tổ chức chính trị - xã hội)",
    None,
    "Thời gian tiến hành vận động trong năm 2023",
    None,
    "Đăng ký đạt mô hình công tác, diễn hình “Dân vận khéo” tiêu biểu năm 2023",
    None,
]
HEADERS_SUB = (
    [None, None, None, None]
    + ["Tập thê", "Cá nhân"] * 4
    + [
        "Thời gian bắt đầu",
        "Thời gian kết thúc",
        "Cấp cơ sở",
        "Cấp huyện, thành phố",
    ]
)


def form_xlsx(
    rows: list[Row],
    *,
    title: str = "Biểu mẫu",
    letterhead: str = "Tên đơn vị: Đảng ủy phường Đông Ngàn",
    top: list | None = None,
    sub: list | None = None,
    before_sheets: tuple[str, ...] = (),
    blank_rows_before_header: int = 1,
    numbering_row: bool = False,
    extra_after_total: tuple = (),
) -> bytes:
    """A filled form as units send it, as bytes."""
    book = openpyxl.Workbook()
    first = book.active
    for name in before_sheets:  # e.g. an instructions sheet before the form
        other = book.create_sheet(name, 0)
        other.append(["Hướng dẫn điền biểu mẫu"])
        other.append(["Đánh dấu x vào ô phù hợp."])
    sheet = first
    sheet.title = title
    sheet.append([letterhead])
    for line in (
        "BIỂU MẪU",
        "DANH SÁCH ĐĂNG KÝ XÂY DỰNG MÔ HÌNH CÔNG TÁC",
        "“DÂN VẬN KHÉO” Ở CƠ SỞ NĂM 2023",
        "(Kèm theo Kế hoạch số 47-KH/BCĐ, ngày 12/01/2023)",
    ):
        sheet.append([line])
    for _ in range(blank_rows_before_header):
        sheet.append([])
    # (appending an empty row moves on without creating cells, so max_row lags behind)
    header = 6 + blank_rows_before_header
    sheet.append(top or HEADERS_TOP)
    sheet.append(sub or HEADERS_SUB)
    for column in "ABCD":
        sheet.merge_cells(f"{column}{header}:{column}{header + 1}")
    for first_col, last_col in (("E", "F"), ("G", "H"), ("I", "J"), ("K", "L"), ("M", "N")):
        sheet.merge_cells(f"{first_col}{header}:{last_col}{header}")
    sheet.merge_cells(f"O{header}:P{header}")
    if numbering_row:
        sheet.append([f"({i})" for i in range(1, 17)])
    for number, row in enumerate(rows, start=1):
        marks = [None] * 8
        for (field_index, subject), mark in row.marks.items():
            marks[field_index * 2 + (0 if subject == "c" else 1)] = mark
        sheet.append(
            [
                row.stt if row.stt is not None else number,
                row.unit,
                row.name,
                row.goals,
                *marks,
                row.start,
                row.end,
                *row.levels,
            ]
        )
    sheet.append(["..."])
    sheet.append(["Tổng", None, None, None, len(rows)])
    for line in extra_after_total:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def rewrite_member(data: bytes, member: str, new: bytes) -> bytes:
    """The same zip with one member's bytes replaced (added, and declared in the content
    types when it is the shared strings openpyxl does not write)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = new if info.filename == member else source.read(info)
            if info.filename == "[Content_Types].xml" and member == "xl/sharedStrings.xml":
                content = content.replace(b"</Types>", SHARED_STRINGS_TYPE.encode() + b"</Types>")
            target.writestr(info.filename, content)
        if member not in source.namelist():
            target.writestr(member, new)
    return out.getvalue()
