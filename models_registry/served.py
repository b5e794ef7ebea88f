"""How every user upload goes out, and the one check of a PDF's structure.

Uploads (progress report attachments, visit photos and PDFs) are served only by views
that checked access first, and only through ``upload_response``: as an attachment (or,
for an image shown on a page, inline), sandboxed by its own Content-Security-Policy so
that a file a browser would render can never run in the site's origin, never sniffed
into another type, never stored by a cache."""

import re

from django.http import FileResponse

UPLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

_HEADER = re.compile(rb"%PDF-(?:1\.[0-7]|2\.0)\s")
# The last "startxref <offset> %%EOF" of the file (an incremental save appends one).
_STARTXREF = re.compile(rb"startxref\s+(\d{1,12})\s+%%EOF")
_XREF_STREAM = re.compile(rb"\d{1,10}\s+\d{1,5}\s+obj\s*<<")
TAIL_BYTES = 1024
TRAILER_WINDOW = 64 * 1024


def upload_response(
    handle, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """``handle`` (an open file) served as a download (``inline`` only for images a page
    shows), with the headers every user upload carries."""
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = UPLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


def _read_at(file, offset: int, size: int) -> bytes:
    file.seek(offset)
    return file.read(size)


def pdf_is_well_formed(file, size: int) -> bool:
    """Whether ``file`` (``size`` bytes, seekable) has a PDF's skeleton: the version
    header first; at its end ``startxref`` giving an offset inside the file, then
    ``%%EOF``; at that offset a cross-reference table followed by a trailer naming the
    document's root, or a cross-reference stream object (``/Type /XRef``). HTML
    wrapped between ``%PDF-`` and ``%%EOF`` has none of the middle. Reads at most
    about 70 KB, whatever the file's size."""
    if size < 32 or not _HEADER.match(_read_at(file, 0, 16)):
        return False
    tail = _read_at(file, max(0, size - TAIL_BYTES), TAIL_BYTES)
    found = list(_STARTXREF.finditer(tail))
    if not found:
        return False
    offset = int(found[-1].group(1))
    if not 9 <= offset < size - 16:
        return False
    at = _read_at(file, offset, 4096)
    if at.startswith(b"xref"):
        window = _read_at(file, max(offset, size - TRAILER_WINDOW), TRAILER_WINDOW)
        trailer = window.rfind(b"trailer")
        return trailer >= 0 and b"/Root" in window[trailer:]
    if _XREF_STREAM.match(at):
        head = at.split(b"stream", 1)[0]
        return re.search(rb"/Type\s*/XRef", head) is not None and b"/Root" in head
    return False
