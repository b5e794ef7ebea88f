"""Progress reports of a running model, with their attachments.

Attachments are judged by what they contain, never by the name or the type the browser
sent: a PDF starts with ``%PDF-``, a JPEG with ``FF D8 FF``, a PNG with its eight-byte
signature, a Word or Excel file is a zip holding the parts of that kind of document. They
are stored under ``MEDIA_ROOT`` with generated names and only ever served through
``views.progress.attachment_download_view``, which checks access to the case.
"""

import datetime
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State

from ..models import Initiative, ProgressAttachment, ProgressKind, ProgressReport
from ..served import pdf_is_well_formed

# The case's flag a report of the kind sets (the dashboards' "report missing").
REPORTED_FLAGS = {
    ProgressKind.MID_YEAR: "mid_year_reported",
    ProgressKind.YEAR_END: "year_end_reported",
}

NOT_OFFICER = "Chỉ cán bộ của đơn vị đăng ký mới được cập nhật tiến độ mô hình này."
NOT_RUNNING = (
    "Chỉ cập nhật tiến độ được khi mô hình đang ở trạng thái “Đang triển khai” "
    "(hiện tại: “{state}”)."
)
KIND_UNKNOWN = "Loại báo cáo không hợp lệ."
DATE_MISSING = "Chưa nhập ngày báo cáo."
DATE_IN_FUTURE = "Ngày báo cáo không được sau ngày hôm nay ({today})."
DATE_BEFORE_START = "Ngày báo cáo không được trước ngày bắt đầu của mô hình ({start})."
ACHIEVEMENTS_MISSING = "Chưa nhập kết quả đạt được so với mục tiêu."
PERCENT_INVALID = "Mức độ hoàn thành phải là số nguyên từ 0 đến 100."
TOO_MANY_FILES = "Mỗi báo cáo chỉ được đính kèm tối đa {limit} tệp (bạn đã chọn {count} tệp)."
FILE_EMPTY = "Tệp “{name}” rỗng."
FILE_TOO_LARGE = "Tệp “{name}” ({size}) vượt quá dung lượng cho phép {limit} mỗi tệp."
FILE_TYPE_NOT_ALLOWED = (
    "Tệp “{name}” không thuộc loại được phép. Chỉ nhận PDF, ảnh JPEG/PNG, Word (.docx) "
    "hoặc Excel (.xlsx)."
)
FILE_CONTENT_MISMATCH = (
    "Tệp “{name}” có đuôi “{ext}” nhưng nội dung không phải {expected}. "
    "Tệp có thể bị hỏng hoặc bị đổi tên; vui lòng kiểm tra lại."
)
FILE_LEGACY_OFFICE = (
    "Tệp “{name}” là tài liệu Office định dạng cũ (.doc/.xls) hoặc có đặt mật khẩu. "
    "Vui lòng lưu lại dưới dạng .docx/.xlsx không mật khẩu, hoặc xuất ra PDF."
)
FILE_MACROS = "Tệp “{name}” có chứa macro; không nhận tệp có macro."
FILE_PART_TOO_LARGE = (
    "Tệp “{name}” có phần nội dung giải nén quá lớn; không nhận tệp này. "
    "Vui lòng lưu lại tài liệu hoặc xuất ra PDF."
)
PIXELS_TOO_MANY = (
    "Các ảnh đính kèm quá lớn (tổng cộng {total} triệu điểm ảnh, tối đa {limit} triệu "
    "mỗi báo cáo). Vui lòng gửi ảnh nhỏ hơn."
)
IMAGE_TOO_LARGE = "Ảnh “{name}” có kích thước quá lớn (tối đa {limit} triệu điểm ảnh)."
NOTHING_SAVED = "Báo cáo chưa được lưu."


@dataclass(frozen=True)
class FileKind:
    label: str  # what a person calls it, in the messages
    content_type: str
    extension: str  # the one we store it under
    extensions: frozenset[str]  # the ones a person may give it


PDF = FileKind("PDF", "application/pdf", ".pdf", frozenset({".pdf"}))
JPEG = FileKind("ảnh JPEG", "image/jpeg", ".jpg", frozenset({".jpg", ".jpeg"}))
PNG = FileKind("ảnh PNG", "image/png", ".png", frozenset({".png"}))
DOCX = FileKind(
    "tài liệu Word (.docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    frozenset({".docx"}),
)
XLSX = FileKind(
    "bảng tính Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    frozenset({".xlsx"}),
)
FILE_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
KIND_BY_EXTENSION = {ext: kind for kind in FILE_KINDS for ext in kind.extensions}
ACCEPT_ATTRIBUTE = ",".join(sorted(KIND_BY_EXTENSION))

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.xls, and encrypted .docx/.xlsx
# The main part's content type, as [Content_Types].xml names it. A macro-enabled file
# (.docm/.xlsm) declares another one, so renaming it to .docx does not get it in.
OOXML_MAIN_PART = {
    DOCX: (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    XLSX: (
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
# [Content_Types].xml is a few kilobytes; reading more than this would be an attack.
CONTENT_TYPES_MAX_BYTES = 256 * 1024


def max_file_bytes() -> int:
    return settings.PROGRESS_ATTACHMENT_MAX_BYTES


def max_files() -> int:
    return settings.PROGRESS_ATTACHMENT_MAX_FILES


def size_display(size: int) -> str:
    """Bytes as a person reads them: "10 MB", "512 KB", "1,5 MB"."""
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), "MB"
    elif size >= 1024:
        value, unit = size / 1024, "KB"
    else:
        return f"{size} byte"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} {unit}"


def _clean_name(name: str) -> str:
    """The last path component, without control characters, at most 255 characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > 255:
        stem, ext = os.path.splitext(base)
        base = stem[: 255 - len(ext)] + ext
    return base or "tep-dinh-kem"


# Public: the reports' signed files are named the same way (reports.services).
clean_name = _clean_name


def _read_at(file, offset: int, size: int) -> bytes:
    file.seek(offset)
    return file.read(size)


def _is_pdf(file, size: int) -> bool:
    # Its skeleton, not two markers: HTML between "%PDF-" and "%%EOF" is no PDF.
    return pdf_is_well_formed(file, size)


def _is_image(file, kind: FileKind) -> bool:
    head = _read_at(file, 0, 8)
    if kind is JPEG and not head.startswith(b"\xff\xd8\xff"):
        return False
    if kind is PNG and head != PNG_SIGNATURE:
        return False
    # The signature could be glued onto anything: let Pillow parse the structure (it
    # reads headers and refuses decompression bombs without decoding the pixels).
    from PIL import Image

    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.format != ("JPEG" if kind is JPEG else "PNG"):
                return False
            # The header's size, before a pixel is decoded (verify() decodes none).
            if image.width * image.height > settings.DVK_IMAGE_MAX_PIXELS:
                return False
            image.verify()
    except Exception:  # any parse failure (a decompression bomb too): not usable
        return False
    return True


def _pixels(file) -> int:
    from PIL import Image

    file.seek(0)
    with Image.open(file) as image:
        return image.width * image.height


def _ooxml_problem(file, kind: FileKind, name: str) -> str | None:
    """None if ``file`` is a genuine .docx/.xlsx of ``kind``; else the message."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            main_part, main_type = OOXML_MAIN_PART[kind]
            if "[Content_Types].xml" not in names or main_part not in names:
                return _mismatch(name, kind)
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return FILE_MACROS.format(name=name)
            # What each part says it unpacks to: a part too large, or packed too
            # tightly to be a document, is a zip bomb whoever opens it later.
            for info in archive.infolist():
                if info.file_size > settings.DVK_OOXML_MAX_PART_BYTES or (
                    info.file_size > 1024 * 1024
                    and info.file_size > settings.DVK_OOXML_MAX_RATIO * max(info.compress_size, 1)
                ):
                    return FILE_PART_TOO_LARGE.format(name=name)
            # Read a bounded prefix only: the declared size in the zip can lie.
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(CONTENT_TYPES_MAX_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, EOFError):
        return _mismatch(name, kind)
    except NotImplementedError:  # an unsupported compression method
        return _mismatch(name, kind)
    if len(content_types) > CONTENT_TYPES_MAX_BYTES or main_type not in content_types:
        if b"macroEnabled" in content_types:
            return FILE_MACROS.format(name=name)
        return _mismatch(name, kind)
    return None


def _mismatch(name: str, kind: FileKind) -> str:
    ext = os.path.splitext(name)[1].lower()
    return FILE_CONTENT_MISMATCH.format(name=name, ext=ext, expected=kind.label)


def attachment_check(file: UploadedFile) -> tuple[FileKind | None, str | None]:
    """What ``file`` really is, judged by its content: ``(kind, None)`` when it is an
    allowed type whose content matches its extension and fits the size limit, else
    ``(None, message)``. Reads at most a few kilobytes (plus image headers)."""
    name = _clean_name(file.name)
    size = file.size
    if not size:
        return None, FILE_EMPTY.format(name=name)
    if size > max_file_bytes():
        return None, FILE_TOO_LARGE.format(
            name=name, size=size_display(size), limit=size_display(max_file_bytes())
        )
    ext = os.path.splitext(name)[1].lower()
    kind = KIND_BY_EXTENSION.get(ext)
    if kind is None:
        return None, FILE_TYPE_NOT_ALLOWED.format(name=name)
    if kind in (DOCX, XLSX):
        if _read_at(file, 0, 8) == OLE_SIGNATURE:
            return None, FILE_LEGACY_OFFICE.format(name=name)
        problem = _ooxml_problem(file, kind, name)
        return (None, problem) if problem else (kind, None)
    if kind in (JPEG, PNG):
        try:
            pixels = _pixels(file)
        except Exception:  # not an image at all: the content check below says so
            pixels = 0
        if pixels > settings.DVK_IMAGE_MAX_PIXELS:
            file.seek(0)
            return None, IMAGE_TOO_LARGE.format(
                name=name, limit=settings.DVK_IMAGE_MAX_PIXELS // 1_000_000
            )
    ok = _is_pdf(file, size) if kind is PDF else _is_image(file, kind)
    file.seek(0)
    return (kind, None) if ok else (None, _mismatch(name, kind))


def _validate_report(
    initiative: Initiative,
    *,
    kind: str,
    report_date: datetime.date | None,
    achievements: str,
    percent_complete,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in ProgressKind.values:
        errors.setdefault("kind", []).append(KIND_UNKNOWN)
    today = timezone.localdate()
    if report_date is None:
        errors.setdefault("report_date", []).append(DATE_MISSING)
    elif report_date > today:
        errors.setdefault("report_date", []).append(
            DATE_IN_FUTURE.format(today=today.strftime("%d/%m/%Y"))
        )
    elif initiative.start_date and report_date < initiative.start_date:
        errors.setdefault("report_date", []).append(
            DATE_BEFORE_START.format(start=initiative.start_date.strftime("%d/%m/%Y"))
        )
    if not (achievements or "").strip():
        errors.setdefault("achievements", []).append(ACHIEVEMENTS_MISSING)
    if (
        isinstance(percent_complete, bool)
        or not isinstance(percent_complete, int)
        or not 0 <= percent_complete <= 100
    ):
        errors.setdefault("percent_complete", []).append(PERCENT_INVALID)
    return errors


def _check_report(
    initiative: Initiative, *, kind, report_date, achievements, percent_complete, files
) -> tuple[dict[str, list[str]], list]:
    """Every problem of a report by the field it is about, and the files that passed
    with their kinds."""
    problems = _validate_report(
        initiative,
        kind=kind,
        report_date=report_date,
        achievements=achievements,
        percent_complete=percent_complete,
    )
    files = [f for f in files if f is not None]
    checked = []
    file_problems = []
    if len(files) > max_files():
        file_problems.append(TOO_MANY_FILES.format(limit=max_files(), count=len(files)))
    else:
        for file in files:
            file_kind, problem = attachment_check(file)
            if problem:
                file_problems.append(problem)
            else:
                checked.append((file, file_kind))
    pixels = sum(_pixels(file) for file, kind in checked if kind in (JPEG, PNG))
    if pixels > settings.DVK_UPLOAD_MAX_PIXELS_PER_REQUEST:
        file_problems.append(
            PIXELS_TOO_MANY.format(
                total=pixels // 1_000_000,
                limit=settings.DVK_UPLOAD_MAX_PIXELS_PER_REQUEST // 1_000_000,
            )
        )
    if file_problems:
        problems["files"] = file_problems
    return problems, checked


def progress_report_problems(
    *,
    initiative: Initiative,
    kind: str,
    report_date: datetime.date | None,
    achievements: str,
    percent_complete,
    files: Sequence[UploadedFile] = (),
) -> dict[str, list[str]]:
    """What ``progress_report_create`` would refuse in these values, by the field each
    problem is about: the form shows them all at once, at their fields, even those of a
    form that is not yet valid (no second round of errors once the first are fixed)."""
    problems, _ = _check_report(
        initiative,
        kind=kind,
        report_date=report_date,
        achievements=achievements,
        percent_complete=percent_complete,
        files=files,
    )
    return problems


def progress_report_create(
    *,
    actor,
    initiative: Initiative,
    kind: str,
    report_date: datetime.date | None,
    achievements: str,
    percent_complete: int,
    files: Sequence[UploadedFile] = (),
) -> ProgressReport:
    """Record what a running model achieved, with its attachments.

    Guarantees: only an officer of the case's unit (or a unit above it), only while the
    case is in progress (checked on the locked row, so a withdrawal at the same moment
    wins cleanly); every field and every file is checked before anything is written, and
    on any problem a ``WorkflowError`` lists all of them and nothing is saved — no row,
    no file on disk. Files are accepted by content (PDF, JPEG, PNG, .docx, .xlsx), within
    ``PROGRESS_ATTACHMENT_MAX_BYTES`` each and ``PROGRESS_ATTACHMENT_MAX_FILES`` in all,
    and stored under generated names with the content type found, not the one sent.
    """
    if Role.UNIT_OFFICER not in initiative.roles_of(actor):
        raise WorkflowError(NOT_OFFICER)
    if initiative.state != State.IN_PROGRESS:
        raise WorkflowError(NOT_RUNNING.format(state=initiative.get_state_display()))
    problems, checked = _check_report(
        initiative,
        kind=kind,
        report_date=report_date,
        achievements=achievements,
        percent_complete=percent_complete,
        files=files,
    )
    if problems:
        raise WorkflowError(*(message for messages in problems.values() for message in messages))

    stored: list[ProgressAttachment] = []
    try:
        with transaction.atomic():
            locked = (
                Initiative.objects.select_for_update().only("pk", "state").get(pk=initiative.pk)
            )
            if locked.state != State.IN_PROGRESS:
                raise WorkflowError(NOT_RUNNING.format(state=locked.get_state_display()))
            flag = REPORTED_FLAGS.get(kind)
            if flag:
                Initiative.objects.filter(pk=locked.pk, **{flag: False}).update(**{flag: True})
            report = ProgressReport.objects.create(
                initiative=initiative,
                kind=kind,
                report_date=report_date,
                achievements=achievements.strip(),
                percent_complete=percent_complete,
                created_by=actor,
            )
            for file, file_kind in checked:
                attachment = ProgressAttachment(
                    report=report,
                    original_name=_clean_name(file.name),
                    content_type=file_kind.content_type,
                    size=file.size,
                )
                file.seek(0)
                attachment.file.save(f"{uuid.uuid4().hex}{file_kind.extension}", file, save=False)
                stored.append(attachment)
                attachment.save()
    except BaseException:
        # The rows rolled back; the files written so far must go with them.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return report
