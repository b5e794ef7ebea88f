"""Finding 9: every user upload goes out sandboxed, unsniffed and uncached — visit
photos inline at most, their PDFs as downloads — and a PDF is judged by its structure:
HTML wrapped between ``%PDF-`` and ``%%EOF`` is refused wherever files come in."""

import pytest
from django.urls import reverse

from inspections.services.thumbnails import attachment_thumbnail_make
from inspections.services.visits import VisitInput, visit_save_draft
from models_registry.services.progress import attachment_check
from tests.files import minimal_pdf
from tests.inspections.helpers import VISIT_DAY, book, image_bytes, make_running, upload
from workflow.errors import WorkflowError

HTML_AS_PDF = (
    b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _visit_with_files(world):
    case = make_running(world)
    (inspection,) = book(world, [case], team=[world.inspector])
    return visit_save_draft(
        actor=world.inspector,
        inspection=inspection,
        data=VisitInput(findings="Ghi chép"),
        files=[upload("anh.jpg", image_bytes("JPEG")), upload("bien-ban.pdf", minimal_pdf())],
        today=VISIT_DAY,
    )


def _assert_guarded(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_visit_files_are_served_sandboxed_and_a_pdf_only_as_a_download(client, world, media):
    visit = _visit_with_files(world)
    photo, pdf = sorted(visit.attachments.all(), key=lambda a: a.kind)
    attachment_thumbnail_make(attachment_id=photo.pk)  # the worker's task
    client.force_login(world.inspector)
    for url in (
        reverse("inspections:attachment", args=[photo.pk]),
        reverse("inspections:attachment_thumbnail", args=[photo.pk]),
        reverse("inspections:attachment", args=[pdf.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_guarded(response)
    pdf_response = client.get(reverse("inspections:attachment", args=[pdf.pk]))
    assert pdf_response["Content-Disposition"].startswith("attachment;")


def test_html_wrapped_in_pdf_markers_is_refused_as_a_visit_file(world, media):
    case = make_running(world)
    (inspection,) = book(world, [case], team=[world.inspector])
    with pytest.raises(WorkflowError):
        visit_save_draft(
            actor=world.inspector,
            inspection=inspection,
            data=VisitInput(findings="Ghi chép"),
            files=[upload("bien-ban.pdf", HTML_AS_PDF)],
            today=VISIT_DAY,
        )


@pytest.mark.parametrize(
    "content",
    [
        HTML_AS_PDF,
        b"%PDF-1.4\n" + b"x" * 200 + b"\nstartxref\n999999\n%%EOF\n",  # offset outside
        b"%PDF-1.4\n" + b"x" * 200 + b"\nstartxref\n12\n%%EOF\n",  # no xref there
    ],
)
def test_a_pdf_without_its_structure_is_refused_as_a_progress_attachment(content):
    kind, problem = attachment_check(upload("bao-cao.pdf", content))
    assert kind is None
    assert "không phải PDF" in problem


def test_a_real_pdf_is_accepted():
    kind, problem = attachment_check(upload("bao-cao.pdf", minimal_pdf(b"Bao cao")))
    assert problem is None
    assert kind.extension == ".pdf"
