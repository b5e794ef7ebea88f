"""Checking what an inspector uploads: images and PDFs only, told apart by their content
(never by the name or the browser's word), under a size limit; thumbnails for images."""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from models_registry.served import pdf_is_well_formed
from workflow.errors import WorkflowError

from .models import AttachmentKind

NOT_ALLOWED = (
    "Tệp “{name}” không được nhận: chỉ nhận ảnh (JPG, PNG, WEBP) hoặc tài liệu PDF. "
    "Biên bản chưa được lưu, vui lòng chọn lại tệp."
)
TOO_LARGE = (
    "Tệp “{name}” quá lớn ({size}): mỗi tệp tối đa {limit}. "
    "Biên bản chưa được lưu, vui lòng chọn tệp nhỏ hơn."
)
EMPTY = "Tệp “{name}” rỗng. Biên bản chưa được lưu, vui lòng chọn lại tệp."
TOO_MANY = "Mỗi lần lưu chỉ tải lên tối đa {limit} tệp."
PIXELS_TOO_MANY = "Ảnh “{name}” có kích thước quá lớn. Biên bản chưa được lưu."

MAX_FILES_PER_SAVE = 10
PIXELS_PER_SAVE_TOO_MANY = (
    "Các ảnh gửi trong một lần lưu quá lớn (tổng cộng {total} triệu điểm ảnh, tối đa "
    "{limit} triệu). Biên bản chưa được lưu; vui lòng gửi bớt ảnh rồi lưu tiếp."
)
THUMBNAIL_BOX = (480, 480)

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, with what was learnt from its content."""

    upload: object
    kind: str
    content_type: str
    extension: str
    original_name: str
    size: int
    pixels: int = 0

    def stored_name(self) -> str:
        # Never the user's name on disk: no path tricks, no misleading extension.
        return f"{uuid.uuid4().hex}.{self.extension}"


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _display_name(upload) -> str:
    name = str(getattr(upload, "name", "") or "tệp không tên")
    return name.replace("\\", "/").rsplit("/", 1)[-1][:255]


def upload_check(upload) -> CheckedUpload:
    """The upload's kind, or ``WorkflowError`` saying in Vietnamese why it is refused."""
    name = _display_name(upload)
    limit = settings.INSPECTION_UPLOAD_MAX_BYTES
    size = upload.size
    if size is not None and size > limit:
        raise WorkflowError(
            TOO_LARGE.format(name=name, size=_human_size(size), limit=_human_size(limit))
        )
    data = _read(upload)
    if len(data) > limit:
        raise WorkflowError(
            TOO_LARGE.format(name=name, size=_human_size(len(data)), limit=_human_size(limit))
        )
    if not data:
        raise WorkflowError(EMPTY.format(name=name))
    if data.startswith(b"%PDF-"):
        # Its skeleton, not two markers: HTML between "%PDF-" and "%%EOF" is refused.
        if not pdf_is_well_formed(io.BytesIO(data), len(data)):
            raise WorkflowError(NOT_ALLOWED.format(name=name))
        return CheckedUpload(upload, AttachmentKind.PDF, "application/pdf", "pdf", name, len(data))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Image.open reads the header only: the size is known before any pixel is
            # decoded, and an image over the budget is refused at that point.
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                if image_format not in IMAGE_TYPES:
                    raise WorkflowError(NOT_ALLOWED.format(name=name))
                pixels = image.width * image.height
                if pixels > settings.DVK_IMAGE_MAX_PIXELS:
                    raise WorkflowError(PIXELS_TOO_MANY.format(name=name))
                image.verify()
            # verify() checks a PNG's chunks to the end; a truncated JPEG or WEBP only
            # fails on load(), done for a JPEG at 1/8 scale (draft): a few MB at most.
            # Full-size decoding is the worker's (thumbnails).
            if image_format != "PNG":
                with Image.open(io.BytesIO(data)) as image:
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                    image.load()
    except WorkflowError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise WorkflowError(NOT_ALLOWED.format(name=name)) from None
    content_type, extension = IMAGE_TYPES[image_format]
    return CheckedUpload(
        upload, AttachmentKind.IMAGE, content_type, extension, name, len(data), pixels
    )


def uploads_check(uploads) -> list[CheckedUpload]:
    """Every upload checked before anything is written; all refusals reported at once."""
    uploads = [upload for upload in uploads or () if upload is not None]
    if len(uploads) > MAX_FILES_PER_SAVE:
        raise WorkflowError(TOO_MANY.format(limit=MAX_FILES_PER_SAVE))
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(upload_check(upload))
        except WorkflowError as error:
            errors.extend(error.messages)
    if errors:
        raise WorkflowError(*errors)
    total = sum(upload.pixels for upload in checked)
    if total > settings.DVK_UPLOAD_MAX_PIXELS_PER_REQUEST:
        raise WorkflowError(
            PIXELS_PER_SAVE_TOO_MANY.format(
                total=total // 1_000_000,
                limit=settings.DVK_UPLOAD_MAX_PIXELS_PER_REQUEST // 1_000_000,
            )
        )
    return checked


def thumbnail_of(handle) -> bytes | None:
    """A small JPEG of the image in ``handle``, upright (phones store the rotation in
    EXIF), or None if it cannot be decoded. For the worker: it decodes the pixels, a
    JPEG at a reduced scale (``draft``), within the same pixel budget as the upload."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle) as image:
                if image.width * image.height > settings.DVK_IMAGE_MAX_PIXELS:
                    return None
                image.draft("RGB", (THUMBNAIL_BOX[0] * 2, THUMBNAIL_BOX[1] * 2))
                image = ImageOps.exif_transpose(image)
                image.thumbnail(THUMBNAIL_BOX)
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, "white")
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=80, optimize=True)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        return None
    return out.getvalue()
