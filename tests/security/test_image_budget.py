"""Finding 3: images are measured from their header before any pixel is decoded —
per image and per request — on every upload; Word/Excel parts are held to a declared
size and compression ratio."""

import io
import zipfile

import pytest
from PIL import Image

from inspections.uploads import uploads_check
from models_registry.services.progress import attachment_check
from tests.models_registry.uploads import upload
from workflow.errors import WorkflowError


def bomb_png(side: int = 7_700) -> bytes:
    """A PNG of side x side px, one colour: a few hundred KB that decode to ~180 MB."""
    out = io.BytesIO()
    Image.new("1", (side, side), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return bomb_png()


def test_the_7700_px_png_is_refused_as_a_visit_photo(settings, bomb):
    with pytest.raises(WorkflowError, match="kích thước quá lớn"):
        uploads_check([upload("anh.png", bomb)])


def test_the_7700_px_png_is_refused_as_a_progress_attachment(bomb):
    kind, problem = attachment_check(upload("anh.png", bomb))
    assert kind is None
    assert "kích thước quá lớn" in problem


def test_several_photos_over_the_request_budget_are_refused(settings):
    settings.DVK_UPLOAD_MAX_PIXELS_PER_REQUEST = 1_000_000
    photos = []
    for i in range(3):
        out = io.BytesIO()
        Image.new("RGB", (800, 600), (i, 0, 0)).save(out, format="JPEG")
        photos.append(upload(f"anh{i}.jpg", out.getvalue()))
    with pytest.raises(WorkflowError, match="triệu điểm ảnh"):
        uploads_check(photos)


def test_a_docx_declaring_a_1_gb_part_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    kind, problem = attachment_check(upload("bao-cao.docx", out.getvalue()))
    assert kind is None
    assert "giải nén quá lớn" in problem
