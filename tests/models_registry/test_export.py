"""Export of filtered lists in the official layout of the biểu mẫu: what openpyxl sees
in the file, formula text kept as text, the list's filters and scope, query counts."""

import datetime
import io
import tempfile
import zipfile

import openpyxl
import xlsxwriter
from django.urls import reverse

from models_registry.models import Campaign, Initiative, RecognitionLevel
from models_registry.selectors import initiative_list
from models_registry.services.bieu_mau import (
    Action,
    registration_import_apply,
    registrations_export,
)
from models_registry.services.initiatives import initiative_create
from tests.factories import make_draft
from workflow.services import transition_apply

EXPORT = reverse("models_registry:export")
OFFICIAL_MERGES = {
    "A2:P2",
    "A3:P3",
    "A4:P4",
    "A5:P5",
    "A7:A8",
    "B7:B8",
    "C7:C8",
    "D7:D8",
    "E7:F7",
    "G7:H7",
    "I7:J7",
    "K7:L7",
    "M7:N7",
    "O7:P7",
}


def export_bytes(actor, queryset=None, **kwargs) -> bytes:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        registrations_export(
            actor=actor,
            queryset=queryset if queryset is not None else initiative_list(actor=actor),
            destination=handle.name,
            **kwargs,
        )
        return open(handle.name, "rb").read()


def sheet_of(data: bytes, index: int = 0):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[index]


def values(sheet, row: int) -> dict[str, object]:
    return {cell.column_letter: cell.value for cell in sheet[row] if cell.value is not None}


def test_the_export_opens_with_the_title_merged_headers_one_row_per_case_and_totals(world):
    make_draft(world, name="Mô hình kinh tế", field_economy=True)
    make_draft(
        world,
        unit=world.ward_a_sub,
        name="Điển hình cá nhân",
        subject="individual",
        field_economy=False,
        field_culture_society=True,
        field_political_system=True,
        target_level=world.level_city,
        start_date=datetime.date(2023, 4, 1),
        end_date=datetime.date(2023, 12, 31),
    )

    sheet = sheet_of(export_bytes(world.secretariat))

    assert sheet.title == "Năm 2023"
    assert {str(r) for r in sheet.merged_cells.ranges} == OFFICIAL_MERGES
    assert sheet["A1"].value == "Tên đơn vị: Thành phố Từ Sơn"
    assert sheet["A4"].value == "“DÂN VẬN KHÉO” Ở CƠ SỞ NĂM 2023"
    assert sheet["A5"].value.startswith("(Kèm theo Kế hoạch số 47-KH/BCĐ, ngày 12/01/2023 của")
    assert values(sheet, 7) == {
        "A": "Số TT",
        "B": "Tên đơn vị đăng ký",
        "C": "Tên mô hình công tác “DVK”",
        "D": "Mục tiêu (chỉ tiêu) cần đạt được trong năm 2023",
        "E": "Lĩnh vực Kinh tế",
        "G": "Lĩnh vực VH - XH",
        "I": "Lĩnh vực QP - AN",
        "K": "Lĩnh vực Xây dựng hệ thống chính trị (xây dựng tổ chức Đảng, chính quyền, "
        "MTTQ, tổ chức chính trị - xã hội)",
        "M": "Thời gian tiến hành vận động trong năm 2023",
        "O": "Đăng ký đạt mô hình công tác, điển hình “Dân vận khéo” tiêu biểu năm 2023",
    }
    assert [sheet.cell(8, c).value for c in range(5, 17)] == [
        *["Tập thể", "Cá nhân"] * 4,
        "Thời gian bắt đầu",
        "Thời gian kết thúc",
        "Cấp cơ sở",
        "Cấp huyện, thành phố",
    ]
    assert values(sheet, 9) == {
        "A": 1,
        "B": "Đảng ủy phường Đông Ngàn",
        "C": "Mô hình kinh tế",
        "D": "100% hộ dân đồng thuận",
        "E": "x",
        "M": datetime.datetime(2023, 3, 1),
        "N": datetime.datetime(2023, 11, 30),
        "O": "x",
    }
    assert values(sheet, 10) == {
        "A": 2,
        "B": "UBND phường Đông Ngàn",
        "C": "Điển hình cá nhân",
        "D": "100% hộ dân đồng thuận",
        "H": "x",
        "L": "x",
        "M": datetime.datetime(2023, 4, 1),
        "N": datetime.datetime(2023, 12, 31),
        "P": "x",
    }
    assert sheet["M9"].number_format == "dd/mm/yyyy"
    totals = values(sheet, 11)
    assert totals.pop("A") == "Tổng"
    assert totals == {
        "E": 1, "F": 0, "G": 0, "H": 1, "I": 0, "J": 0, "K": 0, "L": 1, "O": 1, "P": 1,
    }  # fmt: skip
    assert sheet.max_row == 11


FORMULAS = [
    '=HYPERLINK("http://ke-gian.example/","Bấm vào đây")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
]


def test_formula_text_is_written_as_text_and_round_trips_as_text(world):
    for i, text in enumerate(FORMULAS):
        make_draft(world, name=f"{text}", goals=f"=cmd|' /C calc'!A{i}")
    make_draft(world, name="Tab và xuống dòng", goals="\tthụt đầu dòng\r\ndòng hai")

    data = export_bytes(world.secretariat)

    sheet = sheet_of(data)
    cells = [sheet.cell(row, column) for row in range(9, 14) for column in (3, 4)]
    assert {cell.data_type for cell in cells} == {"s"}
    assert sorted(sheet.cell(row, 3).value for row in range(9, 13)) == sorted(FORMULAS)
    assert all(cell.quotePrefix for cell in cells if cell.value.startswith(("=", "+", "-", "@")))
    assert sheet["D13"].value.startswith("\t") and sheet["D13"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")

    outcome = registration_import_apply(
        actor=world.officer_a,
        campaign=world.campaign,
        source=io.BytesIO(data),
        name="xuat.xlsx",
        submit=False,
    )

    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.created == []
    assert {row.name for row in outcome.plan.rows} >= set(FORMULAS)
    assert {row.action for row in outcome.plan.rows if row.name in FORMULAS} == {Action.UNCHANGED}
    assert Initiative.objects.count() == 5


def test_an_officer_exports_only_their_own_units_under_their_letterhead(world):
    make_draft(world, name="Của Đông Ngàn")
    make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Của Tam Sơn")

    sheet = sheet_of(export_bytes(world.officer_a))

    assert sheet["A1"].value == "Tên đơn vị: Đảng ủy phường Đông Ngàn"
    assert sheet["C9"].value == "Của Đông Ngàn"
    assert sheet["A10"].value == "Tổng"


def test_the_download_follows_the_list_filters(world, client):
    registered = make_draft(world, name="Đã gửi")
    transition_apply(
        case=registered, name="submit", actor=world.officer_a, today=datetime.date(2023, 3, 1)
    )
    make_draft(world, name="Còn nháp")
    make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Tam Sơn nháp")
    client.force_login(world.secretariat)

    response = client.get(
        EXPORT, {"campaign": world.campaign.pk, "state": "draft", "unit": world.ward_a.pk}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bieu-mau-dang-ky-2023.xlsx"'
    sheet = sheet_of(b"".join(response.streaming_content))
    assert sheet["C9"].value == "Còn nháp"
    assert sheet["A1"].value == "Tên đơn vị: Đảng ủy phường Đông Ngàn"
    assert sheet["A10"].value == "Tổng"


def test_a_list_over_several_years_gives_one_sheet_per_campaign(world):
    later = Campaign.objects.create(
        year=2024,
        name="Phong trào thi đua “Dân vận khéo” năm 2024",
        plan_number="12-KH/BCĐ",
        plan_date=datetime.date(2024, 1, 10),
        registration_deadline=datetime.date(2024, 3, 6),
    )
    RecognitionLevel.objects.create(campaign=later, rank=1, name="Cấp cơ sở")
    make_draft(world, name="Năm 2023")
    initiative_create(
        actor=world.officer_a,
        campaign=later,
        unit=world.ward_a,
        name="Năm 2024",
        field_economy=True,
        target_level=later.levels.get(),
    )

    book = openpyxl.load_workbook(io.BytesIO(export_bytes(world.secretariat)))

    assert book.sheetnames == ["Năm 2023", "Năm 2024"]
    assert book["Năm 2024"]["C9"].value == "Năm 2024"
    assert book["Năm 2024"]["O8"].value == "Cấp cơ sở" and book["Năm 2024"]["P8"].value is None
    assert "12-KH/BCĐ" in book["Năm 2024"]["A5"].value
    outcome = registration_import_apply(
        actor=world.officer_a,
        campaign=later,
        source=io.BytesIO(export_bytes(world.secretariat)),
        name="hai-nam.xlsx",
        submit=False,
    )
    assert outcome.ok and outcome.plan.sheet == "Năm 2024"
    assert [row.name for row in outcome.plan.rows] == ["Năm 2024"]


def test_an_empty_list_still_gives_the_form_with_zero_totals(world):
    sheet = sheet_of(export_bytes(world.secretariat, campaign=world.campaign))

    assert {str(r) for r in sheet.merged_cells.ranges} == OFFICIAL_MERGES
    assert sheet["A9"].value == "Tổng" and sheet["E9"].value == 0


EXPORT_QUERIES = 9


def test_the_export_takes_the_same_few_queries_for_5_rows_and_50(
    world, client, django_assert_max_num_queries
):
    client.force_login(world.officer_a)
    counts = []
    for rows, start in ((5, 0), (50, 5)):
        for i in range(start, rows):
            make_draft(world, name=f"Mô hình {i}")
        with django_assert_max_num_queries(EXPORT_QUERIES) as captured:
            response = client.get(EXPORT, {"campaign": world.campaign.pk})
            content = b"".join(response.streaming_content)
        counts.append(len(captured.captured_queries))
        assert sheet_of(content).cell(9 + rows, 1).value == "Tổng"
    assert counts[0] == counts[1]


def test_text_that_looks_like_xml_or_holds_control_characters_round_trips_as_text(world):
    # XlsxWriter alone would write a "<r>…</r>" string verbatim, as rich text: here the
    # name would have smuggled a formula cell into the sheet.
    smuggler = '<r><t>a</t></r></is></c><c r="Z9"><f>1+1</f></c><c><is><r><t>b</t></r>'
    make_draft(world, name=smuggler, goals="dòng một\r\ndòng hai & <ba>")
    make_draft(world, name="Mã _x0041_ giữ nguyên", goals="chuông \x07 và thẻ\tnằm giữa")

    data = export_bytes(world.secretariat)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b'<c r="Z9"' not in xml
    sheet = sheet_of(data)
    assert {sheet["C9"].value, sheet["C10"].value} == {smuggler, "Mã _x005F_x0041_ giữ nguyên"}
    outcome = registration_import_apply(
        actor=world.officer_a,
        campaign=world.campaign,
        source=io.BytesIO(data),
        name="xuat.xlsx",
        submit=False,
    )
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert [row.action for row in outcome.plan.rows] == [Action.UNCHANGED, Action.UNCHANGED]
    assert {row.goals for row in outcome.plan.rows} == {
        "dòng một\r\ndòng hai & <ba>",
        "chuông \x07 và thẻ\tnằm giữa",
    }


def test_the_case_rows_are_the_xml_xlsxwriter_itself_writes(tmp_path):
    """The export's fast row stream against XlsxWriter's public API, byte for byte (row
    heights included)."""
    HEIGHTS = [None, 61, 20]
    from models_registry.services.bieu_mau.export import FORMULA_TRIGGERS, _formats, _RowStream

    rows = [
        (1, "Đảng ủy phường Đông Ngàn", "Mô hình & “DVK” <1>", "  cách hai đầu  ", [4], 44986),
        (2, "UBND", '=HYPERLINK("x")', "dòng một\ndòng hai\r\x01", [6, 11], 45260),
        (3, "Hội LHPN", "@SUM(A1)", "_x0041_ và \t", [], None),
    ]

    def sheet_xml(fast: bool) -> bytes:
        path = tmp_path / f"{fast}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        formats = _formats(book)
        sheet = book.add_worksheet("Năm 2023")
        sheet.write_string(0, 0, "Tên đơn vị: Thành phố Từ Sơn", formats.letterhead)
        stream = _RowStream(sheet, 2, formats) if fast else None
        if not fast:  # number the styles in the order the stream does
            for style in (
                formats.letterhead,
                formats.text,
                formats.text_quoted,
                formats.center,
                formats.date,
            ):
                style._get_xf_index()
        for i, (number, unit, name, goals, marks, day) in enumerate(rows):
            row = 2 + i
            texts = [(1, unit), (2, name), (3, goals)]
            if fast:
                cells = [stream.number(str(row + 1), 0, number, stream.center)]
                cells += [stream.text_cell(str(row + 1), col, text) for col, text in texts]
                cells += [stream.string(str(row + 1), col, "x", stream.center) for col in marks]
                if day:
                    cells.append(stream.number(str(row + 1), 12, day, stream.date))
                stream.row(row, cells, 12, HEIGHTS[i])
                continue
            if HEIGHTS[i] is not None:
                sheet.set_row_pixels(row, HEIGHTS[i])
            sheet.write_number(row, 0, number, formats.center)
            for col, text in texts:
                quoted = text.startswith(FORMULA_TRIGGERS)
                sheet.write_string(row, col, text, formats.text_quoted if quoted else formats.text)
            for col in marks:
                sheet.write_string(row, col, "x", formats.center)
            if day:
                sheet.write_number(row, 12, day, formats.date)
        if fast:
            stream.close()
        sheet.write_string(5, 0, "Tổng", formats.total_label)
        book.close()
        with zipfile.ZipFile(path) as archive:
            return archive.read("xl/worksheets/sheet1.xml")

    fast, reference = sheet_xml(fast=True), sheet_xml(fast=False)
    assert fast.decode() == reference.decode()
