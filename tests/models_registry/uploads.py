"""Real files of every kind the progress attachments meet, built in memory, and cases
brought to the state where progress can be reported."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from models_registry.services.progress import DOCX, XLSX
from tests.factories import BEFORE_DEADLINE, make_draft
from tests.files import minimal_pdf
from workflow.services import transition_apply

STARTED_ON = datetime.date(2023, 3, 2)
REPORT_DAY = datetime.date(2023, 6, 15)


def pdf_bytes() -> bytes:
    return minimal_pdf()


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def ooxml_bytes(main_part: str, main_type: str, *, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>',
        )
        archive.writestr(main_part, "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return ooxml_bytes(
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    )


def docm_bytes() -> bytes:
    return ooxml_bytes(
        "word/document.xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        extra={"word/vbaProject.bin": b"\x00" * 64},
    )


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Kết quả"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    # The browser's content type is whatever the client says: the service ignores it.
    return SimpleUploadedFile(name, content, content_type=content_type)


def good_files() -> list:
    return [
        upload("Biên bản họp dân.pdf", pdf_bytes(), "application/pdf"),
        upload("anh-hien-dat.png", image_bytes("PNG"), "image/png"),
        upload("IMG_0042.JPG", image_bytes("JPEG"), "image/jpeg"),
        upload("Báo cáo.docx", docx_bytes(), DOCX.content_type),
        upload("Số liệu.xlsx", xlsx_bytes(), XLSX.content_type),
    ]


def make_running(world, **overrides):
    """A case of ward A in progress since ``STARTED_ON``."""
    case = make_draft(world, **overrides)
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    transition_apply(case=case, name="start", actor=world.officer_a, today=STARTED_ON)
    return case


def media_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())
