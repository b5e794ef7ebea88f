"""Every hostile-file defence, on each format the import reads (.xlsx, .xls, .ods), with
bounded memory: issue 17, and issue 15's finding 1 (a 1.1 MB upload holding a 186 MB XML
comment that expat parses in quadratic time)."""

import io
import time
import zipfile

import pytest
import xlwt

from models_registry.models import ImportJob
from models_registry.services.bieu_mau import safety

from .bieu_mau import DONG_NGAN, Row, form_xlsx
from .hostile import MB, comment_filler, package_with, with_comment, xlsx_comment_bomb, zeros
from .test_import_files import MEMORY_BOUND, refuse

FORMATS = ["xlsx", "xls", "ods"]


def fixture(path, fmt: str):
    return path.with_suffix(f".{fmt}")


def ods() -> bytes:
    return fixture(DONG_NGAN, "ods").read_bytes()


def xlsx() -> bytes:
    return form_xlsx([Row()])


def timed_refusal(world, data: bytes, name: str):
    started = time.perf_counter()
    message, peak = refuse(world, data, name=name)
    return message, peak, time.perf_counter() - started


def test_the_issue_15_upload_a_186_mb_comment_in_a_1_mb_xlsx_is_refused_at_once(world):
    data = xlsx_comment_bomb(xlsx())
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    # Under every limit that looks at the zip: upload, declared size, ratio.
    assert len(data) < 1.2 * MB
    assert sheet.file_size > 186 * MB
    assert sheet.file_size / sheet.compress_size < 200

    message, peak, _ = timed_refusal(world, data, "bieu-mau.xlsx")

    assert message == safety.UNSAFE_MARKUP.format(
        name="bieu-mau.xlsx", member="xl/worksheets/sheet1.xml"
    )
    assert peak < MEMORY_BOUND


def test_a_long_comment_in_an_ods_is_refused(world):
    data = with_comment(ods(), "content.xml", b"<office:spreadsheet>", 20 * MB)

    message, peak, _ = timed_refusal(world, data, "bieu-mau.ods")

    assert message == safety.UNSAFE_MARKUP.format(name="bieu-mau.ods", member="content.xml")
    assert peak < MEMORY_BOUND


HOSTILE_MARKUP = {
    "processing instruction": b'<?php echo "x"; ?>',
    "comment": b"<!-- a note -->",
    "CDATA section": b"<![CDATA[text]]>",
}
PARTS = {
    "xlsx": ("xl/worksheets/sheet1.xml", b"<sheetData>"),
    "ods": ("content.xml", b"<office:spreadsheet>"),
}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("what", list(HOSTILE_MARKUP))
def test_markup_office_never_writes_is_refused_in_every_zip_format(world, fmt, what):
    base = xlsx() if fmt == "xlsx" else ods()
    member, marker = PARTS[fmt]
    xml = zipfile.ZipFile(io.BytesIO(base)).read(member)
    data = package_with(base, member, [xml.replace(marker, marker + HOSTILE_MARKUP[what], 1)])

    message, peak = refuse(world, data, name=f"bieu-mau.{fmt}")

    assert message == safety.UNSAFE_MARKUP.format(name=f"bieu-mau.{fmt}", member=member)
    assert peak < MEMORY_BOUND


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_over_long_token_is_refused_in_every_zip_format(world, fmt, settings):
    settings.DVK_IMPORT_MAX_TOKEN_BYTES = 64 * 1024
    base = xlsx() if fmt == "xlsx" else ods()
    member, marker = PARTS[fmt]
    xml = zipfile.ZipFile(io.BytesIO(base)).read(member)
    at = xml.index(marker)
    # A start tag with one attribute 5 MB long: one token for an XML parser.
    long_tag = [xml[:at], b'<x a="', *comment_filler(5 * MB), b'"/>', xml[at:]]
    data = package_with(base, member, long_tag)

    message, peak = refuse(world, data, name=f"bieu-mau.{fmt}")

    assert message == safety.UNSAFE_MARKUP.format(name=f"bieu-mau.{fmt}", member=member)
    assert peak < MEMORY_BOUND


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<office:document-content><office:body><office:spreadsheet>&lol1;</office:spreadsheet>
</office:body></office:document-content>"""


def test_an_ods_declaring_a_dtd_is_refused(world):
    data = package_with(ods(), "content.xml", [BILLION_LAUGHS])

    message, peak = refuse(world, data, name="bieu-mau.ods")

    assert message == safety.UNSAFE_XML.format(name="bieu-mau.ods")
    assert peak < MEMORY_BOUND


def test_an_ods_zip_bomb_is_refused_by_its_ratio(world):
    data = package_with(ods(), "content.xml", zeros(60))
    assert len(data) < 200_000

    message, peak = refuse(world, data, name="bieu-mau.ods")

    assert "tỉ lệ nén bất thường" in message and "content.xml" in message
    assert peak < MEMORY_BOUND


def test_an_ods_lying_about_its_sizes_is_never_inflated_past_what_it_declares(world):
    data = package_with(ods(), "content.xml", zeros(60), declared=4096)

    message, peak = refuse(world, data, name="bieu-mau.ods")

    assert message == safety.CORRUPT.format(name="bieu-mau.ods")
    assert peak < MEMORY_BOUND


def test_a_zip_with_an_opendocument_text_instead_of_a_spreadsheet_is_refused(world):
    base = ods()
    data = package_with(base, "mimetype", [b"application/vnd.oasis.opendocument.text"])

    message, _ = refuse(world, data, name="cong-van.odt")

    assert message == safety.NOT_A_WORKBOOK.format(name="cong-van.odt")


def xls_bytes(cells) -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Biểu mẫu")
    for row, column, value in cells:
        sheet.write(row, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_far_cell() -> bytes:
    base = xlsx()
    xml = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return package_with(
        base, "xl/worksheets/sheet1.xml", [xml.replace(b"</sheetData>", far + b"</sheetData>")]
    )


def ods_wide_rows() -> bytes:
    base = ods()
    xml = zipfile.ZipFile(io.BytesIO(base)).read("content.xml")
    rows = (
        b'<table:table-row table:number-rows-repeated="40000">'
        b'<table:table-cell table:number-columns-repeated="1000" office:value-type="string">'
        b"<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    end = b"</table:table-row>"
    return package_with(base, "content.xml", [xml.replace(end, end + rows, 1)])


# A few KB that a parser would spread over a dense grid of cells (a value in the first
# and in the last cell of the sheet): the child's address space limit stops it.
SPARSE_BOMBS = {
    "xlsx": xlsx_far_cell,
    "xls": lambda: xls_bytes([(0, 0, "x"), (65535, 255, "y")]),
    "ods": ods_wide_rows,
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_that_would_need_gigabytes_to_parse_is_refused_within_the_memory_budget(
    world, fmt, settings
):
    settings.DVK_IMPORT_PARSE_MEMORY_BYTES = 256 * MB
    data = SPARSE_BOMBS[fmt]()
    assert len(data) < 100_000

    message, peak = refuse(world, data, name=f"bieu-mau.{fmt}")

    assert message in (
        safety.over_budget(f"bieu-mau.{fmt}"),
        # calamine itself refuses an .ods grid past the format's own bounds
        safety.CORRUPT.format(name=f"bieu-mau.{fmt}"),
    )
    assert peak < MEMORY_BOUND


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_parse_has_a_time_budget(world, fmt, settings):
    settings.DVK_IMPORT_PARSE_SECONDS = 0.001
    data = fixture(DONG_NGAN, fmt).read_bytes()

    message, _ = refuse(world, data, name=f"bieu-mau.{fmt}")

    assert message == safety.over_budget(f"bieu-mau.{fmt}")
    assert "0.001 giây" in message


def test_a_damaged_xls_is_refused_as_damaged(world):
    data = fixture(DONG_NGAN, "xls").read_bytes()

    message, _ = refuse(world, data[: len(data) // 2], name="bieu-mau.xls")

    assert message == safety.CORRUPT.format(name="bieu-mau.xls")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_upload_over_the_size_limit_is_refused_in_every_format(world, fmt, settings):
    settings.DVK_IMPORT_MAX_UPLOAD_BYTES = 4096
    data = fixture(DONG_NGAN, fmt).read_bytes()
    assert len(data) > 4096

    message, _ = refuse(world, data, name=f"bieu-mau.{fmt}")

    assert message.startswith(f"Tệp “bieu-mau.{fmt}” quá lớn (")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_form_longer_than_the_row_limit_is_refused_in_every_format(world, fmt, settings):
    settings.DVK_IMPORT_MAX_ROWS = 3  # the Đông Ngàn form has six rows

    message, _ = refuse(world, fixture(DONG_NGAN, fmt).read_bytes(), name=f"bieu-mau.{fmt}")

    assert message == "Biểu mẫu có hơn 3 dòng; vui lòng chia thành nhiều tệp nhỏ hơn."
    # Refused by the worker's check: the job failed, without a preview (refuse() checks
    # its file is gone).
    assert ImportJob.objects.get().preview_rows == []


def test_parts_no_reader_opens_are_not_held_against_the_file(world):
    # SharePoint adds customXml with a processing instruction; Excel's legacy VML (cell
    # notes) is not even well-formed XML. Neither is parsed, so neither is refused.
    from models_registry.services.bieu_mau import registration_file_check

    data = xlsx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("customXml/item1.xml", b"<?mso-contentType ?><FormTemplates/>")
        target.writestr("xl/drawings/vmlDrawing1.vml", b"<xml><!-- note --><br></xml>")

    assert registration_file_check(io.BytesIO(out.getvalue()), name="bieu-mau.xlsx") == "xlsx"
