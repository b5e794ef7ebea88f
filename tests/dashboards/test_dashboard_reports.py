"""The sơ kết / tổng kết reports: the workbook (a sheet per table) and the Word draft open
with the expected sheets, tables and totals, for a campaign or a range of years, for a
unit subtree; the management command writes the same files."""

import datetime
import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from models_registry.models import Campaign, RecognitionLevel
from models_registry.services.initiatives import initiative_create
from units.models import Unit, UnitKind
from workflow.services import transition_apply

from .dashboard_data import build_cases

SHEETS = [
    "Tổng hợp",
    "Theo lĩnh vực",
    "Theo đơn vị",
    "Theo cấp",
    "So sánh các năm",
    "Việc quá hạn",
    "Thời gian xử lý",
    "Danh sách công nhận",
    "Đề xuất khen thưởng",
    "Báo cáo của đơn vị",
    "Đơn vị chưa báo cáo",
]
XLSX = "dashboards:dashboard_report_xlsx"
DOCX = "dashboards:dashboard_report_docx"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def built(world, monkeypatch):
    built = build_cases(world, monkeypatch)
    c2021 = Campaign.objects.create(
        year=2021,
        name="Phong trào thi đua “Dân vận khéo” năm 2021",
        registration_deadline=datetime.date(2021, 3, 6),
    )
    level = RecognitionLevel.objects.create(campaign=c2021, rank=1, name="Cấp cơ sở")
    for i in range(3):
        case = initiative_create(
            actor=world.officer_a,
            campaign=c2021,
            unit=world.ward_a,
            name=f"Mô hình năm 2021 số {i}",
            goals="Hoàn thành",
            field_culture_society=True,
            subject="collective",
            start_date=datetime.date(2021, 3, 1),
            end_date=datetime.date(2021, 11, 30),
            target_level=level,
        )
        transition_apply(
            case=case, name="submit", actor=world.officer_a, today=datetime.date(2021, 3, 1)
        )
    return built


def sheet_rows(book, name) -> list[tuple]:
    return list(book[name].iter_rows(values_only=True))


def row_starting(rows, first) -> tuple:
    found = [row for row in rows if row and row[0] == first]
    assert found, f"no row starting with {first!r}"
    return found[0]


def download(client, user, name, params):
    """The report as the page's buttons build it; counted as of today unless ``params``
    name another day (the buttons default to the campaign's date for the report)."""
    client.force_login(user)
    params = {"as_of": f"{timezone.localdate():%d/%m/%Y}", **params}
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response


def test_the_workbook_has_a_sheet_per_table_and_its_totals(client, world, built):
    response = download(client, world.secretariat, XLSX, {"campaign": world.campaign.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bao-cao-tong-ket-2023-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == SHEETS

    summary = sheet_rows(book, "Tổng hợp")
    assert row_starting(summary, "Tổng số mô hình, điển hình (kể cả bản nháp)")[1] == 12
    assert row_starting(summary, "Đã gửi đăng ký")[1] == 10
    assert row_starting(summary, "— Đang triển khai")[1:] == (4, 40.0)
    assert row_starting(summary, "Được công nhận cấp cơ sở")[1:] == (1, 10.0)

    fields = sheet_rows(book, "Theo lĩnh vực")
    assert row_starting(fields, "Kinh tế")[1:] == (10, 0, 10)
    assert row_starting(fields, "Tổng")[1:] == (10, 0, 10)

    units = sheet_rows(book, "Theo đơn vị")
    assert row_starting(units, 1)[1:] == (
        "Đảng ủy phường Đông Ngàn",
        12,
        10,
        12,
        0,
        1,
        "Đã đăng ký",
    )
    assert row_starting(units, 2)[1:] == ("Đảng ủy phường Tam Sơn", 0, 0, 0, 0, 0, "Chưa đăng ký")
    total = next(row for row in units if row[1] == "Cộng")
    assert total[2:] == (12, 10, 12, 0, 1, "1 đơn vị chưa đăng ký")

    levels = sheet_rows(book, "Theo cấp")
    assert row_starting(levels, "Cấp cơ sở")[1:] == (12, 1)
    assert row_starting(levels, "Cộng")[1:] == (12, 1)

    years = sheet_rows(book, "So sánh các năm")
    assert [row[0] for row in years[4:]] == [2021, 2022, 2023, "Cộng"]
    assert row_starting(years, 2023)[1:4] == (10, 10, 0)
    assert row_starting(years, 2023)[6:8] == (1, 1)
    assert row_starting(years, 2023)[9] == 10.0
    assert row_starting(years, "Cộng")[1] == 3 + 1 + 10

    overdue = sheet_rows(book, "Việc quá hạn")
    assert row_starting(overdue, "Quá ngày kiểm tra, chưa có biên bản")[1] == 1
    spans = sheet_rows(book, "Thời gian xử lý")
    assert row_starting(spans, "Từ khi đăng ký đến khi có kết quả kiểm tra")[1:] == (25.0, 4)
    assert row_starting(spans, "Từ khi đăng ký đến khi có quyết định")[1:] == (55.0, 2)
    recognized = sheet_rows(book, "Danh sách công nhận")
    assert row_starting(recognized, 1)[1:] == (
        2023,
        "Được công nhận",
        "Đảng ủy phường Đông Ngàn",
        "Tập thể",
        "Kinh tế",
        "Cấp cơ sở",
    )


def test_a_range_of_years_report_compares_2021_to_2023(client, world, built):
    params = {"campaign": "all", "year_min": 2021, "year_max": 2023}
    book = load_workbook(io.BytesIO(download(client, world.secretariat, XLSX, params).content))
    summary = sheet_rows(book, "Tổng hợp")
    assert row_starting(summary, "Đã gửi đăng ký")[1] == 3 + 1 + 10
    years = sheet_rows(book, "So sánh các năm")
    assert years[0][0] == "So sánh kết quả các năm 2021–2023"
    assert [(row[0], row[1]) for row in years[4:]] == [
        (2021, 3),
        (2022, 1),
        (2023, 10),
        ("Cộng", 14),
    ]
    levels = sheet_rows(book, "Theo cấp")
    assert row_starting(levels, "Cấp cơ sở")[1:] == (3 + 1 + 12, 1)


def test_the_word_draft_has_the_figures_and_their_tables(client, world, built):
    response = download(
        client, world.secretariat, DOCX, {"campaign": world.campaign.pk, "kind": "tong-ket"}
    )
    assert 'filename="bao-cao-tong-ket-2023-' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tổng kết phong trào thi đua “Dân vận khéo” năm 2023" in text
    for heading in (
        "II. KẾT QUẢ THỰC HIỆN PHONG TRÀO",
        "III. KẾT QUẢ CÔNG NHẬN",
        "IV. SO SÁNH",
        "V. ĐỀ XUẤT KHEN THƯỞNG",
    ):
        assert heading in text
    assert "Tổng số 12 mô hình, điển hình" in text
    assert "Được công nhận: 1 mô hình, điển hình (cấp cơ sở: 1" in text
    assert "Có 1/2 đơn vị đã đăng ký (hạn đăng ký 06/03/2023)" in text
    assert "Còn 1 đơn vị chưa đăng ký: Đảng ủy phường Tam Sơn." in text
    assert "25,0 ngày (4 mô hình)" in text
    assert "55,0 ngày (2 mô hình)" in text
    assert "[Ban Dân vận bổ sung:" in text  # places left for the secretariat to write

    tables = {tuple(c.text for c in t.rows[0].cells[:2]): t for t in document.tables[1:]}
    fields = tables[("Lĩnh vực", "Tập thể")]
    assert [c.text for c in fields.rows[-1].cells] == ["Tổng", "10", "0", "10"]
    units = tables[("STT", "Đơn vị")]
    assert [c.text for c in units.rows[-1].cells][1:4] == ["Cộng", "12", "10"]
    listing = tables[("STT", "Năm")]
    assert [c.text for c in listing.rows[1].cells][2:4] == [
        "Được công nhận",
        "Đảng ủy phường Đông Ngàn",
    ]
    years = tables[("Năm", "Số đăng ký")]
    assert [r.cells[0].text for r in years.rows[1:]] == ["2021", "2022", "2023", "Cộng"]


def test_a_unit_officer_reports_on_their_unit_only(client, world, built):
    book = load_workbook(io.BytesIO(download(client, world.officer_b, XLSX, {}).content))
    summary = sheet_rows(book, "Tổng hợp")
    assert row_starting(summary, "Tổng số mô hình, điển hình (kể cả bản nháp)")[1] == 0
    assert "Đảng ủy phường Tam Sơn" in summary[1][0]


def test_people_who_do_not_see_the_overview_get_no_report(client, world, built):
    for user in (world.outsider, world.inspector):
        client.force_login(user)
        assert client.get(reverse(XLSX)).status_code == 403


def test_a_name_that_looks_like_a_formula_stays_text(client, world):
    names = ("=1+2 Tổ dân phố", "@SUM(A1) Tổ dân phố", "+84 Tổ dân phố", "-1 Tổ dân phố")
    for name in names:
        Unit.objects.create(name=name, kind=UnitKind.OTHER, parent=world.city)
    book = load_workbook(io.BytesIO(download(client, world.secretariat, XLSX, {}).content))
    cells = [c for row in book["Theo đơn vị"].iter_rows() for c in row if c.value in names]
    assert len(cells) == len(names)
    # Text, and quote-prefixed so that editing it in a spreadsheet keeps it text.
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_the_command_writes_the_same_files(client, world, built, tmp_path):
    xlsx, word = tmp_path / "r.xlsx", tmp_path / "r.docx"
    call_command(
        "dashboard_report",
        "--years=2021-2023",
        "--unit=dang uy phuong dong ngan",
        f"--xlsx={xlsx}",
        f"--docx={word}",
        stdout=io.StringIO(),
    )
    from_command = load_workbook(xlsx)
    params = {"campaign": "all", "year_min": 2021, "year_max": 2023, "unit": world.ward_a.pk}
    from_page = load_workbook(io.BytesIO(download(client, world.secretariat, XLSX, params).content))
    assert from_command.sheetnames == [*SHEETS, "So sánh giai đoạn"]  # the phase review
    for name in from_command.sheetnames:
        assert sheet_rows(from_command, name) == sheet_rows(from_page, name)
    assert "Đảng ủy phường Đông Ngàn" in "\n".join(p.text for p in docx.Document(word).paragraphs)


def test_the_command_explains_a_unit_it_cannot_find(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        call_command(
            "dashboard_report", "--campaign=2023", "--unit=Phường Không Có", "--xlsx=/dev/null"
        )
