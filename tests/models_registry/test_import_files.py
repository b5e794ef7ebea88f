"""Files that are not what they claim: each gets a clear Vietnamese error, quickly and
with bounded memory, and nothing changes (no case; no import job or stored file when the
upload's cheap checks refuse it, a failed job without its file when the worker's check
does)."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from models_registry.models import ImportJob, ImportStatus, Initiative
from models_registry.services.bieu_mau import (
    ImportFileError,
    import_job_check,
    import_job_create,
    parse,
    safety,
)

from .bieu_mau import Row, form_xlsx, rewrite_member
from .hostile import deflate, raw_zip

MB = 1024 * 1024
# What a refusal may allocate, at most, while the files below would inflate to 50 MB
# and more: the checks read the zip's directory and a few bytes of each part's prolog.
MEMORY_BOUND = 8 * MB


def refuse(world, data: bytes, name: str = "bieu-mau.xlsx") -> tuple[str, int]:
    """Upload ``data`` and check it as the worker does; return the one error and the
    peak memory of the attempt. The cheap checks refuse in the upload itself (no job);
    the rest in the worker's check (the job fails, its stored file deleted)."""
    upload = SimpleUploadedFile(name, data)
    tracemalloc.start()
    try:
        try:
            job = import_job_create(
                actor=world.officer_a, campaign=world.campaign, upload=upload, as_drafts=True
            )
        except ImportFileError as error:
            messages = error.messages
            assert ImportJob.objects.count() == 0
        else:
            job = import_job_check(job_id=job.pk)
            assert job.status == ImportStatus.FAILED and not job.file
            assert job.rows_total == 0 and job.preview_rows == []
            messages = [problem["message"] for problem in job.problems]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert Initiative.objects.count() == 0
    assert len(messages) == 1
    return messages[0], peak


def workbook_with(member: str, chunks, *, declared: int | None = None) -> bytes:
    """A real form whose ``member`` is replaced by ``chunks`` (optionally lying about
    its size in the zip's headers)."""
    source = zipfile.ZipFile(io.BytesIO(form_xlsx([Row()])))
    entries = []
    for info in source.infolist():
        if info.filename == member:
            data, crc, size = deflate(chunks)
        else:
            data, crc, size = deflate([source.read(info)])
        entries.append((info.filename, data, crc, declared or size, size))
    return raw_zip(entries)


def zeros(megabytes: int):
    block = b"\0" * MB
    for _ in range(megabytes):
        yield block


def test_a_file_that_is_not_an_xlsx_is_refused(world):
    message, peak = refuse(world, b"%PDF-1.7\n" + b"0" * 50_000, name="ke-hoach.pdf")

    assert message == safety.NOT_XLSX.format(name="ke-hoach.pdf")
    assert peak < MEMORY_BOUND


def test_a_csv_renamed_to_xlsx_is_refused(world):
    message, _ = refuse(world, "Tên đơn vị,Tên mô hình\nUBND,Mô hình\n".encode())

    assert message == safety.NOT_XLSX.format(name="bieu-mau.xlsx")


def test_an_ole_file_that_is_no_excel_97_workbook_is_refused_as_damaged(world):
    # .xls files are read now (test_import_formats.py); this only looks like one.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000 + "Workbook".encode("utf-16-le")

    message, _ = refuse(world, ole, name="bieu-mau.xls")

    assert message == safety.CORRUPT.format(name="bieu-mau.xls")


def test_a_password_protected_workbook_is_refused(world):
    # Office keeps an encrypted .xlsx in an OLE container with these two streams.
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 1000
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 100
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x55" * 20_000
    )

    message, _ = refuse(world, ole)

    assert "đặt mật khẩu" in message


def test_a_truncated_workbook_is_refused_as_damaged(world):
    data = form_xlsx([Row()])

    message, _ = refuse(world, data[: len(data) // 2])

    assert message == safety.CORRUPT.format(name="bieu-mau.xlsx")


def test_a_workbook_with_a_damaged_part_is_refused_as_damaged(world):
    data = bytearray(form_xlsx([Row()]))
    start = data.index(b"xl/worksheets/sheet1.xml") + 40
    data[start : start + 64] = b"\xff" * 64

    message, _ = refuse(world, bytes(data))

    assert message == safety.CORRUPT.format(name="bieu-mau.xlsx")


def test_a_zip_that_holds_no_workbook_is_refused(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    message, _ = refuse(world, out.getvalue(), name="cong-van.docx")

    assert message == safety.NOT_A_WORKBOOK.format(name="cong-van.docx")


def test_an_empty_file_is_refused(world):
    message, _ = refuse(world, b"")

    assert message == safety.EMPTY_FILE.format(name="bieu-mau.xlsx")


def test_a_zip_bomb_is_refused_by_its_ratio_before_anything_is_inflated(world):
    bomb = workbook_with("xl/worksheets/sheet1.xml", zeros(60))
    assert len(bomb) < 200_000  # 60 MB of sheet in a small upload

    message, peak = refuse(world, bomb)

    assert "tỉ lệ nén bất thường" in message and "xl/worksheets/sheet1.xml" in message
    assert peak < MEMORY_BOUND


def test_a_workbook_declaring_more_than_the_limit_uncompressed_is_refused(world, settings):
    settings.DVK_IMPORT_MAX_UNCOMPRESSED_BYTES = 20 * MB
    bomb = workbook_with("xl/styles.xml", zeros(30))

    message, peak = refuse(world, bomb)

    assert message.startswith("Tệp “bieu-mau.xlsx” khi giải nén lên tới 30,")
    assert "vượt giới hạn 20,0 MB" in message
    assert peak < MEMORY_BOUND


def test_a_zip_lying_about_its_sizes_is_never_inflated_past_what_it_declares(world):
    # The headers claim 4 KB; the data inflates to 60 MB. zipfile stops at the declared
    # size (and then fails the CRC), so the lie costs nothing.
    bomb = workbook_with("xl/worksheets/sheet1.xml", zeros(60), declared=4096)

    message, peak = refuse(world, bomb)

    assert message == safety.CORRUPT.format(name="bieu-mau.xlsx")
    assert peak < MEMORY_BOUND


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&secret;</t></si></sst>"""


@pytest.mark.parametrize(
    ("member", "xml"),
    [
        ("xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        ("xl/sharedStrings.xml", EXTERNAL_ENTITY),
        ("xl/workbook.xml", EXTERNAL_ENTITY.replace(b"sst", b"workbook")),
    ],
)
def test_xml_attacks_in_any_part_of_the_workbook_are_refused(world, member, xml):
    data = rewrite_member(form_xlsx([Row()]), member, xml)

    message, peak = refuse(world, data)

    assert message == safety.UNSAFE_XML.format(name="bieu-mau.xlsx")
    assert peak < MEMORY_BOUND


def test_a_workbook_without_the_form_headers_is_refused(world):
    book = openpyxl.Workbook()
    book.active.append(["Họ và tên", "Ngày sinh"])
    book.active.append(["Nguyễn Văn A", "01/01/1990"])
    out = io.BytesIO()
    book.save(out)

    message, _ = refuse(world, out.getvalue())

    assert message == parse.NO_HEADERS.format(name="bieu-mau.xlsx")


def test_a_form_without_any_row_is_refused(world):
    message, _ = refuse(world, form_xlsx([]))

    assert message == parse.NO_ROWS


def test_an_upload_over_the_size_limit_is_refused(world, settings):
    settings.DVK_IMPORT_MAX_UPLOAD_BYTES = 4096
    data = form_xlsx([Row(name=f"Mô hình số {i}", goals="x" * 200) for i in range(40)])
    assert len(data) > 4096

    message, _ = refuse(world, data)

    assert message.startswith("Tệp “bieu-mau.xlsx” quá lớn (")
    assert "chỉ nhận tệp đến 4 KB" in message


def test_a_form_longer_than_the_row_limit_is_refused(world, settings):
    settings.DVK_IMPORT_MAX_ROWS = 5

    message, _ = refuse(world, form_xlsx([Row(name=f"Mô hình {i}") for i in range(6)]))

    assert message == parse.TOO_MANY_ROWS.format(limit=5)
