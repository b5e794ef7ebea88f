"""Import of the registration form (biểu mẫu) as units really fill it (DESIGN.md §5).

Three steps, each a function:

- ``registration_file_check``: is this an xlsx we are willing to open? Size, magic bytes,
  password protection and the zip's declared sizes and ratios are checked *before*
  openpyxl reads a byte of XML, so a zip bomb or a renamed PDF costs nothing.
- ``registration_import_plan``: read the form (headers found by their text, any sheet)
  and decide, without writing, what every row would become, with every problem by row
  and column. Used for the preview and for ``--dry-run``.
- ``registration_import_apply``: plan again (the database may have moved since the
  preview) and, when there is no problem, create, update and submit through the
  services, all in one transaction: a file with any error creates nothing.

``import_job_*`` wrap these around an ``ImportJob`` (upload → preview → confirm; large
files run in the background, see ``models_registry.tasks``).
"""

import calendar
import datetime
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.xml
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import Http404
from django.utils import timezone
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from units.access import roles_of_user, units_for_officer
from units.models import Unit
from units.selectors import unit_match
from units.text import fold
from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State
from workflow.services import transition_apply

from ..models import (
    FIELD_FLAGS,
    Campaign,
    Field,
    ImportJob,
    ImportStatus,
    Initiative,
    RecognitionLevel,
    Subject,
)
from . import form_layout as F
from .initiatives import initiative_create, initiative_update

logger = logging.getLogger(__name__)

# openpyxl parses with defusedxml only when it is importable and not switched off by
# OPENPYXL_DEFUSEDXML=False; without it an uploaded workbook could expand entities.
if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - a misconfigured deployment
    raise ImproperlyConfigured(
        "openpyxl does not use defusedxml (is it installed? is OPENPYXL_DEFUSEDXML off?); "
        "refusing to read uploaded workbooks without it."
    )

MB = 1024 * 1024


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return _limit("DVK_IMPORT_MAX_UPLOAD_BYTES", 20 * MB)


def max_uncompressed_bytes() -> int:
    return _limit("DVK_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * MB)


def max_ratio() -> int:
    return _limit("DVK_IMPORT_MAX_RATIO", 200)


def max_rows() -> int:
    return _limit("DVK_IMPORT_MAX_ROWS", 20_000)


# The Celery task's limits (models_registry/tasks.py), well under the broker's
# visibility timeout (settings.CELERY_VISIBILITY_TIMEOUT, an hour): 20,000 rows submitted
# at once take minutes on a small server.
IMPORT_SOFT_TIME_LIMIT = 25 * 60
IMPORT_TIME_LIMIT = 27 * 60


def background_rows() -> int:
    """Above this many rows a confirmed import runs in a Celery worker."""
    return _limit("DVK_IMPORT_BACKGROUND_ROWS", 300)


# Zip members below this size cannot hurt, whatever their ratio.
RATIO_FLOOR_BYTES = 1 * MB
MAX_MEMBERS = 10_000
HEADER_SCAN_ROWS = 40
NAME_MAX = Initiative._meta.get_field("name").max_length

# --- what a person reads ---

NOT_XLSX = "Tệp “{name}” không phải là tệp Excel (.xlsx). Vui lòng tải lên biểu mẫu dạng .xlsx."
LEGACY_XLS = (
    "Tệp “{name}” là định dạng Excel 97-2003 (.xls). Vui lòng mở tệp bằng Excel, "
    "lưu lại dưới dạng .xlsx rồi tải lên."
)
ENCRYPTED = (
    "Tệp “{name}” đã được đặt mật khẩu nên không đọc được. Vui lòng gỡ mật khẩu "
    "(Tệp › Thông tin › Bảo vệ sổ làm việc) rồi tải lên lại."
)
CORRUPT = "Tệp “{name}” bị hỏng hoặc không phải tệp Excel hợp lệ, không đọc được."
NOT_A_WORKBOOK = "Tệp “{name}” là tệp nén nhưng không phải sổ làm việc Excel (.xlsx)."
TOO_LARGE = "Tệp “{name}” quá lớn ({size}); chỉ nhận tệp đến {limit}."
EMPTY_FILE = "Tệp “{name}” rỗng."
BOMB_SIZE = (
    "Tệp “{name}” khi giải nén lên tới {size}, vượt giới hạn {limit}; "
    "đã từ chối để bảo vệ hệ thống."
)
BOMB_RATIO = (
    "Tệp “{name}” có tỉ lệ nén bất thường (phần “{member}” nén {ratio} lần); "
    "đã từ chối để bảo vệ hệ thống."
)
BOMB_MEMBERS = "Tệp “{name}” chứa quá nhiều thành phần ({count}); đã từ chối."
UNSAFE_XML = (
    "Tệp “{name}” chứa khai báo XML không an toàn (DTD, thực thể hoặc tham chiếu ra "
    "ngoài); đã từ chối."
)
NO_HEADERS = (
    "Không tìm thấy dòng tiêu đề của biểu mẫu trong tệp “{name}”: cần có các cột "
    "“Tên đơn vị đăng ký”, “Tên mô hình công tác “DVK””, các lĩnh vực (Tập thể, Cá nhân), "
    "“Thời gian bắt đầu”, “Thời gian kết thúc” và “Đăng ký đạt”."
)
MISSING_COLUMNS = "Trang tính “{sheet}” của biểu mẫu thiếu cột: {columns}."
LEVEL_UNKNOWN = (
    "Cột “{header}” ({letter}) dưới “Đăng ký đạt” không khớp cấp nào của kế hoạch năm "
    "{year} ({levels})."
)
TOO_MANY_ROWS = "Biểu mẫu có hơn {limit} dòng; vui lòng chia thành nhiều tệp nhỏ hơn."
NO_ROWS = "Biểu mẫu không có dòng đăng ký nào."

NAME_EMPTY = "Chưa nhập tên mô hình."
NAME_TOO_LONG = "Tên mô hình dài quá {limit} ký tự."
UNIT_EMPTY = "Chưa nhập tên đơn vị đăng ký."
UNIT_OUT_OF_SCOPE = (
    "Bạn chỉ được nhập đăng ký cho đơn vị mình và các đơn vị trực thuộc; "
    "“{unit}” không thuộc phạm vi đó."
)
MARK_INVALID = "Ô {cell} ghi “{value}”, không phải dấu đánh dấu (hãy dùng x)."
NO_FIELD_MARKED = "Chưa đánh dấu lĩnh vực nào (ở cột “Tập thể” hoặc “Cá nhân”)."
BOTH_SUBJECTS = "Đánh dấu cả cột “Tập thể” và cột “Cá nhân”; một mô hình chỉ thuộc một đối tượng."
SEVERAL_LEVELS = "Đánh dấu nhiều cấp ({levels}); chỉ được chọn một cấp đăng ký."
NO_LEVEL = "Chưa đánh dấu cấp đăng ký đạt (bắt buộc khi gửi đăng ký)."
DATE_UNREADABLE = (
    "Không đọc được ngày “{value}”; hãy ghi theo dạng ngày/tháng/năm (01/03/{year}) "
    "hoặc tháng/năm (3/{year})."
)
DATE_IMPOSSIBLE = "Ngày “{value}” không có thật."
DATE_MISSING = "Chưa nhập {label} (bắt buộc khi gửi đăng ký)."
END_BEFORE_START = "Thời gian kết thúc ({end}) trước thời gian bắt đầu ({start})."
GOALS_MISSING = "Chưa nhập mục tiêu (bắt buộc khi gửi đăng ký)."
DUPLICATE_IN_FILE = "Trùng với dòng {other} trong tệp (cùng đơn vị và tên mô hình)."
SUBMIT_NOT_OFFICER = (
    "Chỉ cán bộ của đơn vị “{unit}” mới gửi đăng ký được; hãy nhập dưới dạng bản nháp "
    "để đơn vị tự gửi."
)
EXISTS = "Đã có hồ sơ này (trạng thái “{state}”), giữ nguyên."

WHOLE_ROW = "Cả dòng"
FILE_COLUMN = ""

JOB_NOT_YOURS = "Không tìm thấy lượt nhập."
JOB_NOT_CONFIRMABLE = "Lượt nhập này đã được xác nhận hoặc có lỗi, không thể nhập lại."
JOB_CRASHED = "Lỗi hệ thống khi nhập; không có hồ sơ nào được tạo. Vui lòng thử lại sau."
JOB_LOST = "Lượt nhập bị gián đoạn; không có hồ sơ nào được tạo. Vui lòng tải tệp lên lại."
NOT_ALLOWED = "Chỉ cán bộ đơn vị và Ban Dân vận mới nhập được biểu mẫu."


class ImportFileError(WorkflowError):
    """The file as a whole cannot be read as a registration form; nothing was changed."""


# --- results ---


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is: ``row`` 1 is the first data row of the form."""

    message: str
    row: int | None = None
    sheet_row: int | None = None
    column: str = FILE_COLUMN
    letter: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "sheet_row": self.sheet_row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Dòng {self.row} (dòng {self.sheet_row} trên trang tính)")
        if self.column and self.column != WHOLE_ROW:
            column = f"cột “{self.column}”" + (f" ({self.letter})" if self.letter else "")
            where.append(column)
        return (", ".join(where) + ": " if where else "") + self.message


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    EXISTS = "exists"


ACTION_LABELS = {
    (Action.CREATE, False): "Tạo bản nháp",
    (Action.CREATE, True): "Tạo và gửi đăng ký",
    (Action.UPDATE, False): "Cập nhật bản nháp",
    (Action.UPDATE, True): "Cập nhật và gửi đăng ký",
    (Action.UNCHANGED, False): "Không thay đổi (bản nháp)",
    (Action.UNCHANGED, True): "Gửi đăng ký bản nháp đã có",
    (Action.EXISTS, False): "Đã có, giữ nguyên",
    (Action.EXISTS, True): "Đã có, giữ nguyên",
}


@dataclass
class PlannedRow:
    row: int
    sheet_row: int
    unit_text: str = ""
    unit: Unit | None = None
    name: str = ""
    goals: str = ""
    fields: list[str] = field(default_factory=list)
    subject: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    level: RecognitionLevel | None = None
    action: str = ""
    existing_id: int | None = None
    existing_state: str = ""
    problems: list[Problem] = field(default_factory=list)

    def problem(self, column: str, letter: str, message: str) -> None:
        self.problems.append(
            Problem(message, row=self.row, sheet_row=self.sheet_row, column=column, letter=letter)
        )

    def data(self) -> dict[str, Any]:
        """The keyword arguments of ``initiative_create`` / ``initiative_update``."""
        values: dict[str, Any] = {
            "name": self.name,
            "goals": self.goals,
            "subject": self.subject or Subject.COLLECTIVE,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "target_level": self.level,
        }
        for flag, choice in FIELD_FLAGS.items():
            values[flag] = choice.value in self.fields
        return values

    def as_dict(self, *, submit: bool) -> dict[str, Any]:
        return {
            "row": self.row,
            "sheet_row": self.sheet_row,
            "unit": self.unit.name if self.unit else self.unit_text,
            "name": self.name,
            "goals": self.goals,
            "fields": "; ".join(Field(f).label for f in self.fields),
            "subject": Subject(self.subject).label if self.subject else "",
            "start": self.start_date.strftime("%d/%m/%Y") if self.start_date else "",
            "end": self.end_date.strftime("%d/%m/%Y") if self.end_date else "",
            "level": self.level.name if self.level else "",
            "action": self.action,
            "action_label": ACTION_LABELS.get((self.action, submit), "") if self.action else "",
            "existing_id": self.existing_id,
            "existing_state": State(self.existing_state).label if self.existing_state else "",
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class ImportPlan:
    """What importing the file would do, row by row, and every problem found."""

    campaign: Campaign
    submit: bool
    sheet: str
    rows: list[PlannedRow]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "create": self.count(Action.CREATE),
            "update": self.count(Action.UPDATE),
            "unchanged": self.count(Action.UNCHANGED),
            "exists": self.count(Action.EXISTS),
            "problems": len(self.problems),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.year,
            "submit": self.submit,
            "sheet": self.sheet,
            "counts": self.counts(),
            "rows": [row.as_dict(submit=self.submit) for row in self.rows],
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class ImportOutcome:
    """What an applied import did (or, with problems, what it would not do)."""

    plan: ImportPlan
    problems: list[Problem]
    created: list[Initiative] = field(default_factory=list)
    updated: list[Initiative] = field(default_factory=list)
    submitted: list[Initiative] = field(default_factory=list)
    unchanged: list[Initiative] = field(default_factory=list)
    existing: list[PlannedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        def cases(items):
            return [{"id": c.pk, "name": c.name, "unit": c.unit.name} for c in items]

        return {
            "ok": self.ok,
            "created": cases(self.created),
            "updated": cases(self.updated),
            "submitted": cases(self.submitted),
            "unchanged": cases(self.unchanged),
            "existing": [
                {"id": r.existing_id, "name": r.name, "unit": r.unit.name if r.unit else ""}
                for r in self.existing
            ],
            "problems": [p.as_dict() for p in self.problems],
        }


# --- step 1: is it an xlsx we will open? ---


def _size_text(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"


@contextmanager
def _binary(source: str | Path | File | IO[bytes]) -> Iterator[IO[bytes]]:
    """A seekable binary file for ``source``: a path, a Django file or an open file."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield handle
        return
    if isinstance(source, File):
        if source.closed:
            source.open("rb")
        source.seek(0)
        yield source.file if hasattr(source, "file") and source.file else source
        return
    source.seek(0)
    yield source


def _size_of(handle: IO[bytes]) -> int:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    return size


def registration_file_check(source, *, name: str) -> None:
    """Refuse, cheaply and before any XML is parsed, what is not an xlsx we will read.

    Guarantees: the upload is no larger than ``DVK_IMPORT_MAX_UPLOAD_BYTES``; it is a
    zip (not a renamed file, not an .xls, not a password-protected workbook, which
    Office stores in an OLE container); it holds a workbook; its members' *declared*
    uncompressed sizes add up to no more than ``DVK_IMPORT_MAX_UNCOMPRESSED_BYTES`` and
    no large member is compressed more than ``DVK_IMPORT_MAX_RATIO`` times. Python's
    zipfile never inflates a member past its declared size (it stops and fails the
    CRC), so these checks bound what openpyxl can ever decompress. Only the zip's
    central directory is read here. Raises ``ImportFileError``."""
    with _binary(source) as handle:
        # An upload cut short at the limit (views/excel.py) still tells its real size.
        size = max(_size_of(handle), getattr(source, "size", 0) or 0)
        if size == 0:
            raise ImportFileError(EMPTY_FILE.format(name=name))
        if size > max_upload_bytes():
            raise ImportFileError(
                TOO_LARGE.format(
                    name=name, size=_size_text(size), limit=_size_text(max_upload_bytes())
                )
            )
        head = handle.read(8)
        handle.seek(0)
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            # An OLE2 container: either a legacy .xls or an encrypted OOXML package.
            sample = handle.read(min(size, 4 * MB))
            handle.seek(0)
            if "EncryptionInfo".encode("utf-16-le") in sample or b"EncryptedPackage" in sample:
                raise ImportFileError(ENCRYPTED.format(name=name))
            if "EncryptedPackage".encode("utf-16-le") in sample:
                raise ImportFileError(ENCRYPTED.format(name=name))
            raise ImportFileError(LEGACY_XLS.format(name=name))
        if not head.startswith(b"PK\x03\x04"):
            raise ImportFileError(NOT_XLSX.format(name=name))
        try:
            with zipfile.ZipFile(handle) as archive:
                _check_members(archive.infolist(), name=name)
                for member in archive.infolist():
                    if member.filename.endswith(XML_SUFFIXES) and _declares_dtd(archive, member):
                        raise ImportFileError(UNSAFE_XML.format(name=name))
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
        ) as exc:
            raise ImportFileError(CORRUPT.format(name=name)) from exc
        finally:
            handle.seek(0)


XML_SUFFIXES = (".xml", ".rels", ".vml")
# Where a DTD may appear: before the root element, i.e. before the first "<" + name.
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")
_DTD_MARKERS = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _check_members(members: list[zipfile.ZipInfo], *, name: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise ImportFileError(BOMB_MEMBERS.format(name=name, count=len(members)))
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names and not any(n.endswith("/workbook.xml") for n in names):
        raise ImportFileError(NOT_A_WORKBOOK.format(name=name))
    total = sum(member.file_size for member in members)
    if total > max_uncompressed_bytes():
        raise ImportFileError(
            BOMB_SIZE.format(
                name=name, size=_size_text(total), limit=_size_text(max_uncompressed_bytes())
            )
        )
    for member in members:
        if member.file_size < RATIO_FLOOR_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_ratio():
            raise ImportFileError(
                BOMB_RATIO.format(name=name, member=member.filename, ratio=int(ratio))
            )


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DTD (the door to entity expansion and external
    entities). Office never writes one. Only the prolog is read, in chunks, so this
    costs a few bytes per part; openpyxl's defusedxml parsing stays as a second guard."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(64 * 1024):
            window = tail + chunk
            root = _ELEMENT_START.search(window)
            prolog = window[: root.start()] if root else window
            if any(marker in prolog for marker in _DTD_MARKERS):
                return True
            if root:
                return False
            tail = window[-32:]
    return False


# --- step 2: read the form ---


# Excel writes what XML cannot carry as _xHHHH_ (a carriage return is _x000D_, a literal
# "_x0041_" is _x005F_x0041_); openpyxl hands these over as they are.
_EXCEL_ESCAPE = re.compile("_x([0-9a-fA-F]{4})_")


def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", Excel's escapes decoded,
    whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    return text.strip()


def _is_placeholder(text: str) -> bool:
    return bool(text) and all(ch in F.PLACEHOLDER_CHARS for ch in text)


_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})$")
_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_WORDS_DMY = re.compile(r"^ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})$")
_WORDS_MY = re.compile(r"^thang (\d{1,2}) nam (\d{4})$")
_PREFIX = re.compile(r"^(?:từ|đến|tu|den)?\s*(?:ngày|ngay|tháng|thang|th\.)\s*", re.IGNORECASE)


class _DateError(ValueError):
    pass


def parse_date(value: Any, *, end: bool) -> datetime.date | None:
    """A date from a cell: an Excel date or serial, ``d/m/yyyy``, ``m/yyyy`` or
    ``tháng m/yyyy``. A month alone is its first day for a start (``end=False``) and its
    last day for an end. Blank is ``None``; anything else raises ``_DateError``."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise _DateError(DATE_UNREADABLE)
    if isinstance(value, int | float):
        if 20_000 <= value <= 80_000:  # an Excel serial date between 1954 and 2119
            return from_excel(value).date()
        raise _DateError(DATE_UNREADABLE)
    text = str(value).strip()
    if not text or _is_placeholder(text):
        return None
    compact = _PREFIX.sub("", text.lower()).strip()
    day = None
    if match := _DMY.match(compact):
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
    elif match := _MY.match(compact):
        month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(compact):
        year, month, day = (int(g) for g in match.groups())
    elif match := _WORDS_DMY.match(fold(text)):
        day, month, year = (int(g) for g in match.groups())
    elif match := _WORDS_MY.match(fold(text)):
        month, year = (int(g) for g in match.groups())
    else:
        raise _DateError(DATE_UNREADABLE)
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise _DateError(DATE_IMPOSSIBLE)
    if day is None:
        day = calendar.monthrange(year, month)[1] if end else 1
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _DateError(DATE_IMPOSSIBLE) from None


class _MarkError(ValueError):
    pass


def parse_mark(value: Any) -> bool:
    """Whether a cell is marked: x, X, ✓, v…; blank is not; anything else is a mistake."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, int | float):
        if value == 1:
            return True
        if value == 0:
            return False
        raise _MarkError
    text = str(value).strip().lower()
    if not text:
        return False
    if text in F.MARKS:
        return True
    raise _MarkError


def _cell(row: tuple, index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str) and not value.strip():
        return None
    return value


@dataclass
class _Header:
    """What the header scan found on one sheet."""

    layout: F.Layout | None
    missing: list[str]
    level_problem: str = ""
    letterhead_unit: str = ""


def _anchor_kind(text: str) -> str | None:
    """What a top header cell names; the order settles overlaps (see form_layout)."""
    if F.looks_like(text, F.LEVELS_KEYS):
        return "levels"
    if F.looks_like(text, F.STT_KEYS) and len(fold(text)) <= 12:
        return "stt"
    if F.looks_like(text, F.UNIT_KEYS):
        return "unit"
    if F.looks_like(text, F.NAME_KEYS):
        return "name"
    if F.looks_like(text, F.GOALS_KEYS):
        return "goals"
    for choice, keys in F.FIELD_KEYS.items():
        if F.looks_like(text, keys):
            return f"field:{choice}"
    if F.looks_like(text, F.START_KEYS):
        return "start"
    if F.looks_like(text, F.END_KEYS):
        return "end"
    if F.looks_like(text, F.PERIOD_KEYS):
        return "period"
    return None


def _letterhead(rows: list[tuple]) -> str:
    for row in rows:
        for value in row:
            text = _text(value)
            if ":" in text and fold(text.split(":", 1)[0]) == "ten don vi":
                unit = text.split(":", 1)[1].strip()
                if unit and not _is_placeholder(unit):
                    return unit
    return ""


def _find_header(rows: list[tuple], levels: list[RecognitionLevel], campaign: Campaign) -> _Header:
    """The form's header on one sheet: the first row naming both the unit and the model
    columns, with the row below it holding the sub-headers (Tập thể / Cá nhân, start and
    end, the levels). Group headers are merged cells, so a sub-header belongs to the
    nearest non-empty header cell at or left of it."""
    for index, row in enumerate(rows):
        texts = [_text(v) for v in row]
        kinds = {j: _anchor_kind(t) for j, t in enumerate(texts) if t}
        if "name" in kinds.values() and "unit" in kinds.values():
            return _header_at(rows, index, kinds, levels, campaign)
    return _Header(None, [])


def _header_at(
    rows: list[tuple],
    index: int,
    kinds: dict[int, str | None],
    levels: list[RecognitionLevel],
    campaign: Campaign,
) -> _Header:
    found: dict[str, int] = {}
    for j, kind in sorted(kinds.items()):
        if kind:
            found.setdefault(kind, j)
    sub_texts = [_text(v) for v in rows[index + 1]] if index + 1 < len(rows) else []
    owners = sorted(kinds)
    marks: dict[tuple[str, str], int] = {}
    level_columns: dict[int, int] = {}
    level_problem = ""
    start, end = found.get("start"), found.get("end")
    used_sub = False
    for j, text in enumerate(sub_texts):
        if not text:
            continue
        owner = max((o for o in owners if o <= j), default=None)
        group = kinds.get(owner) if owner is not None else None
        if group and group.startswith("field:"):
            choice = group.split(":", 1)[1]
            for subject in F.SUBJECTS:
                if F.looks_like(text, F.SUBJECT_KEYS[subject]):
                    marks.setdefault((choice, subject), j)
                    used_sub = True
        elif group in ("period", "start", "end"):
            # Sub-headers under "Thời gian …" say which column is which.
            if F.looks_like(text, F.START_KEYS):
                start, used_sub = j, True
            elif F.looks_like(text, F.END_KEYS):
                end, used_sub = j, True
        elif group == "levels":
            used_sub = True
            match = next((lv for lv in levels if F.level_matches(text, lv.name)), None)
            if match is None:
                level_problem = level_problem or LEVEL_UNKNOWN.format(
                    header=text,
                    letter=get_column_letter(j + 1),
                    year=campaign.year,
                    levels="; ".join(lv.name for lv in levels),
                )
            else:
                level_columns.setdefault(match.pk, j)
    missing = []
    if "unit" not in found:
        missing.append(F.COL_UNIT)
    if "name" not in found:
        missing.append(F.COL_NAME)
    for choice, label in F.FIELD_HEADERS.items():
        for subject in F.SUBJECTS:
            if (choice, subject) not in marks:
                missing.append(f"{label.split(' (')[0]} – {F.SUBJECT_HEADERS[subject]}")
    if start is None:
        missing.append(F.COL_START)
    if end is None:
        missing.append(F.COL_END)
    if not level_columns and not level_problem:
        missing.append(F.COL_LEVELS)
    first_data = index + (2 if used_sub else 1)  # 0-based index of the first data row
    if first_data < len(rows) and _is_numbering(rows[first_data]):
        first_data += 1
    layout = None
    if not missing and not level_problem:
        layout = F.Layout(
            header_row=index + 1,
            first_data_row=first_data + 1,
            stt=found.get("stt"),
            unit=found["unit"],
            name=found["name"],
            goals=found.get("goals"),
            marks=marks,
            start=start,
            end=end,
            levels=level_columns,
            title_text=fold(" ".join(_text(v) for r in rows[:index] for v in r)),
        )
    return _Header(layout, missing, level_problem, _letterhead(rows[:index]))


def _is_numbering(row: tuple) -> bool:
    """The row of column numbers ((1), (2), …) that some copies put under the headers."""
    texts = [_text(v) for v in row if _text(v)]
    return len(texts) >= 5 and all(_NUMBERING.match(t) for t in texts)


@dataclass
class _Sheet:
    title: str
    layout: F.Layout
    letterhead_unit: str


def _choose_sheet(workbook, *, campaign: Campaign, name: str) -> _Sheet:
    levels = list(campaign.levels.order_by("rank"))
    candidates: list[_Sheet] = []
    partial: tuple[str, _Header] | None = None
    for sheet in workbook.worksheets:
        head = list(sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True))
        header = _find_header(head, levels, campaign)
        if header.layout is not None:
            candidates.append(_Sheet(sheet.title, header.layout, header.letterhead_unit))
        elif (header.missing or header.level_problem) and partial is None:
            partial = (sheet.title, header)
    if candidates:
        # A workbook with one sheet per year (our own export of several campaigns):
        # prefer the sheet whose title block names the campaign's year.
        year = f"nam {campaign.year}"
        return next((c for c in candidates if year in c.layout.title_text), candidates[0])
    if partial is not None:
        title, header = partial
        if header.level_problem:
            raise ImportFileError(header.level_problem)
        raise ImportFileError(
            MISSING_COLUMNS.format(sheet=title, columns=", ".join(f"“{c}”" for c in header.missing))
        )
    raise ImportFileError(NO_HEADERS.format(name=name))


def _is_total(leading: list[str], name: str) -> bool:
    """The "Tổng" row: its first filled leading cell says so and it names no model (a
    unit called "Tổng đội …" on a data row is not a total)."""
    first = next((fold(text) for text in leading if text), "")
    if first not in F.TOTAL_KEYS and not first.startswith(("tong cong ", "tong so ")):
        return False
    return not name or fold(name) == first or name.replace(".", "").isdigit()


def _read_rows(sheet, layout: F.Layout, *, campaign: Campaign, letterhead_unit: str):
    """Parsed rows of the form, stopping at the "Tổng" row; blank and "..." rows skipped."""
    levels = {lv.pk: lv for lv in campaign.levels.all()}
    data_columns = [
        layout.unit,
        layout.name,
        *([layout.goals] if layout.goals is not None else []),
        *layout.field_columns,
        layout.start,
        layout.end,
        *layout.level_columns,
    ]
    leading = [c for c in (layout.stt, layout.unit, layout.name) if c is not None]
    previous_unit = ""
    count = 0
    for offset, row in enumerate(sheet.iter_rows(min_row=layout.first_data_row, values_only=True)):
        sheet_row = layout.first_data_row + offset
        texts = [_text(_cell(row, c)) for c in data_columns]
        if _is_total([_text(_cell(row, c)) for c in leading], _text(_cell(row, layout.name))):
            return
        if not any(texts) or all(not t or _is_placeholder(t) for t in texts):
            continue
        count += 1
        if count > max_rows():
            raise ImportFileError(TOO_MANY_ROWS.format(limit=max_rows()))
        planned = PlannedRow(row=offset + 1, sheet_row=sheet_row)
        _parse_row(planned, row, layout, levels=levels, campaign=campaign)
        # A unit cell merged over several rows is read as blank below its first row.
        unit_text = _text(_cell(row, layout.unit))
        planned.unit_text = unit_text or previous_unit or letterhead_unit
        if unit_text:
            previous_unit = unit_text
        if not planned.unit_text:
            planned.problem(F.COL_UNIT, get_column_letter(layout.unit + 1), UNIT_EMPTY)
        yield planned


def _parse_row(
    planned: PlannedRow,
    row: tuple,
    layout: F.Layout,
    *,
    levels: dict[int, RecognitionLevel],
    campaign: Campaign,
) -> None:
    letter = lambda index: get_column_letter(index + 1)  # noqa: E731
    name = _text(_cell(row, layout.name))
    name = " ".join(name.split())
    if not name:
        planned.problem(F.COL_NAME, letter(layout.name), NAME_EMPTY)
    elif len(name) > NAME_MAX:
        planned.problem(F.COL_NAME, letter(layout.name), NAME_TOO_LONG.format(limit=NAME_MAX))
    planned.name = name
    planned.goals = _text(_cell(row, layout.goals)) if layout.goals is not None else ""

    subjects = set()
    bad_mark = False
    for (choice, subject), column in sorted(layout.marks.items(), key=lambda item: item[1]):
        value = _cell(row, column)
        try:
            marked = parse_mark(value)
        except _MarkError:
            cell = f"{letter(column)}{planned.sheet_row}"
            planned.problem(
                F.COL_FIELDS, letter(column), MARK_INVALID.format(cell=cell, value=_text(value))
            )
            bad_mark = True
            continue
        if marked:
            subjects.add(subject)
            if choice not in planned.fields:
                planned.fields.append(choice)
    planned.fields.sort(key=lambda f: list(F.FIELD_HEADERS).index(f))
    if not bad_mark:
        span = f"{letter(min(layout.field_columns))}–{letter(max(layout.field_columns))}"
        if len(subjects) > 1:
            planned.problem(F.COL_FIELDS, span, BOTH_SUBJECTS)
        elif not subjects:
            planned.problem(F.COL_FIELDS, span, NO_FIELD_MARKED)
        else:
            planned.subject = subjects.pop()

    dates = {}
    for key, column, label, is_end in (
        ("start", layout.start, F.COL_START, False),
        ("end", layout.end, F.COL_END, True),
    ):
        value = _cell(row, column)
        try:
            dates[key] = parse_date(value, end=is_end)
        except _DateError as error:
            dates[key] = None
            message = str(error.args[0]).format(value=_text(value), year=campaign.year)
            planned.problem(label, letter(column), message)
    planned.start_date, planned.end_date = dates["start"], dates["end"]
    if planned.start_date and planned.end_date and planned.end_date < planned.start_date:
        planned.problem(
            F.COL_END,
            letter(layout.end),
            END_BEFORE_START.format(
                end=planned.end_date.strftime("%d/%m/%Y"),
                start=planned.start_date.strftime("%d/%m/%Y"),
            ),
        )

    marked_levels = []
    for level_id, column in sorted(layout.levels.items(), key=lambda item: item[1]):
        value = _cell(row, column)
        try:
            if parse_mark(value):
                marked_levels.append(levels[level_id])
        except _MarkError:
            cell = f"{letter(column)}{planned.sheet_row}"
            planned.problem(
                F.COL_LEVELS, letter(column), MARK_INVALID.format(cell=cell, value=_text(value))
            )
    if len(marked_levels) > 1:
        names = ", ".join(f"“{lv.name}”" for lv in marked_levels)
        span = f"{letter(min(layout.level_columns))}–{letter(max(layout.level_columns))}"
        planned.problem(F.COL_LEVELS, span, SEVERAL_LEVELS.format(levels=names))
    elif marked_levels:
        planned.level = marked_levels[0]


def _open_workbook(handle: IO[bytes], *, name: str):
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except _UNREADABLE as exc:
        raise _unreadable(exc, name=name) from exc


def _unreadable(exc: Exception, *, name: str) -> ImportFileError:
    # openpyxl wraps what defusedxml refused in a ValueError of its own.
    unsafe = isinstance(exc, DefusedXmlException) or isinstance(exc.__cause__, DefusedXmlException)
    return ImportFileError((UNSAFE_XML if unsafe else CORRUPT).format(name=name))


# What a damaged workbook makes zipfile, zlib, ElementTree or openpyxl raise.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    InvalidFileException,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    EOFError,
    OSError,
    NotImplementedError,
)


@dataclass
class _Read:
    sheet: str
    rows: list[PlannedRow]
    letters: dict[str, str]  # column letters of the one-column headers, by column name


def registration_file_read(source, *, campaign: Campaign, name: str) -> _Read:
    """The form's rows as read from the file, with the problems that need no database
    (missing name, unreadable dates, marks). Checks the file first; raises
    ``ImportFileError`` for anything that is not a readable form."""
    registration_file_check(source, name=name)
    with _binary(source) as handle:
        workbook = _open_workbook(handle, name=name)
        try:
            sheet = _choose_sheet(workbook, campaign=campaign, name=name)
            rows = list(
                _read_rows(
                    workbook[sheet.title],
                    sheet.layout,
                    campaign=campaign,
                    letterhead_unit=sheet.letterhead_unit,
                )
            )
        except ImportFileError:
            raise
        except _UNREADABLE as exc:
            raise _unreadable(exc, name=name) from exc
        finally:
            workbook.close()
    if not rows:
        raise ImportFileError(NO_ROWS)
    layout = sheet.layout
    columns = {
        F.COL_UNIT: layout.unit,
        F.COL_NAME: layout.name,
        F.COL_GOALS: layout.goals,
        F.COL_START: layout.start,
        F.COL_END: layout.end,
    }
    letters = {k: get_column_letter(v + 1) for k, v in columns.items() if v is not None}
    levels = layout.level_columns
    letters[F.COL_LEVELS] = (
        f"{get_column_letter(levels[0] + 1)}–{get_column_letter(levels[-1] + 1)}"
        if len(levels) > 1
        else get_column_letter(levels[0] + 1)
    )
    return _Read(sheet.title, rows, letters)


# --- step 2b: plan against the database ---


def _import_scope(actor) -> set[int] | None:
    """The unit ids ``actor`` may import for; None means every unit (the Ban Dân vận)."""
    if actor.is_superuser or Role.SECRETARIAT in roles_of_user(actor):
        return None
    return set(units_for_officer(actor).values_list("pk", flat=True))


def import_allowed(actor) -> bool:
    scope = _import_scope(actor)
    return scope is None or bool(scope)


def _same_as(case: Initiative, row: PlannedRow) -> bool:
    data = row.data()
    level = data.pop("target_level")
    if case.target_level_id != (level.pk if level else None):
        return False
    return all(getattr(case, key) == value for key, value in data.items())


def registration_import_plan(
    *,
    actor,
    campaign: Campaign,
    source,
    name: str,
    submit: bool,
    today: datetime.date | None = None,
) -> ImportPlan:
    """What importing ``source`` for ``campaign`` as ``actor`` would do; writes nothing.

    Every row gets an action (create, update a draft, unchanged, already registered) or
    problems, each with its row (1 = first data row, and the sheet row) and column. A row
    that names an existing case of the same campaign and unit (name compared without
    diacritics or case) never becomes a second case. Rows outside the actor's units are
    problems. With ``submit`` the submission rules (required columns, the deadline,
    who may submit) are checked here too, so the preview shows what confirm would refuse.
    Raises ``ImportFileError`` when the file is not a readable form."""
    if not import_allowed(actor):
        raise WorkflowError(NOT_ALLOWED)
    today = today or timezone.localdate()
    read = registration_file_read(source, campaign=campaign, name=name)
    rows = read.rows
    scope = _import_scope(actor)
    officer_units = set(units_for_officer(actor).values_list("pk", flat=True))
    directory = list(Unit.objects.all())
    resolved: dict[str, Unit | WorkflowError] = {}

    for row in rows:
        if not row.unit_text:
            continue
        if row.unit_text not in resolved:
            try:
                resolved[row.unit_text] = unit_match(row.unit_text, units=directory)
            except WorkflowError as error:
                resolved[row.unit_text] = error
        found = resolved[row.unit_text]
        column_letter = read.letters[F.COL_UNIT]
        if isinstance(found, WorkflowError):
            row.problem(F.COL_UNIT, column_letter, found.messages[0])
            continue
        if scope is not None and found.pk not in scope:
            row.problem(F.COL_UNIT, column_letter, UNIT_OUT_OF_SCOPE.format(unit=found.name))
            continue
        row.unit = found

    keys = {(row.unit.pk, fold(row.name)) for row in rows if row.unit and row.name}
    existing: dict[tuple[int, str], Initiative] = {}
    unit_ids = sorted({unit_id for unit_id, _ in keys})
    for start in range(0, len(unit_ids), 500):
        chunk = unit_ids[start : start + 500]
        names = {key for unit_id, key in keys if unit_id in set(chunk)}
        for case in Initiative.objects.filter(
            campaign=campaign, unit_id__in=chunk, name_key__in=names
        ):
            existing[(case.unit_id, case.name_key)] = case

    seen: dict[tuple[int, str], int] = {}
    deadline_errors: dict[int, list[str]] = {}
    for row in rows:
        if row.unit is None or not row.name:
            continue
        key = (row.unit.pk, fold(row.name))
        if key in seen:
            row.problem(
                F.COL_NAME, read.letters[F.COL_NAME], DUPLICATE_IN_FILE.format(other=seen[key])
            )
            continue
        seen[key] = row.row
        case = existing.get(key)
        if case is None:
            row.action = Action.CREATE
        elif case.state == State.DRAFT:
            row.existing_id = case.pk
            row.existing_state = case.state
            row.action = Action.UNCHANGED if _same_as(case, row) else Action.UPDATE
        else:
            row.existing_id = case.pk
            row.existing_state = case.state
            row.action = Action.EXISTS
        if submit and row.action != Action.EXISTS and not row.problems:
            _check_submission(
                row, actor, campaign, today, officer_units, deadline_errors, read.letters
            )

    problems = [p for row in rows for p in row.problems]
    if problems:
        for row in rows:
            row.action = "" if row.problems else row.action
    return ImportPlan(campaign, submit, read.sheet, rows, problems)


def _check_submission(
    row: PlannedRow,
    actor,
    campaign: Campaign,
    today: datetime.date,
    officer_units: set[int],
    deadline_errors: dict[int, list[str]],
    letters: dict[str, str],
) -> None:
    if not row.goals:
        row.problem(F.COL_GOALS, letters.get(F.COL_GOALS, ""), GOALS_MISSING)
    if row.start_date is None:
        row.problem(
            F.COL_START, letters[F.COL_START], DATE_MISSING.format(label="thời gian bắt đầu")
        )
    if row.end_date is None:
        row.problem(F.COL_END, letters[F.COL_END], DATE_MISSING.format(label="thời gian kết thúc"))
    if row.level is None:
        row.problem(F.COL_LEVELS, letters.get(F.COL_LEVELS, ""), NO_LEVEL)
    if row.problems:
        return
    if row.unit.pk not in officer_units:
        row.problem(WHOLE_ROW, "", SUBMIT_NOT_OFFICER.format(unit=row.unit.name))
        return
    # The case's own rule (the deadline, a late-submission extension): asked of an
    # unsaved case with the row's values, once per unit since only the unit matters.
    if row.unit.pk not in deadline_errors:
        probe = Initiative(campaign=campaign, unit=row.unit, **row.data())
        deadline_errors[row.unit.pk] = probe.transition_errors(
            "submit", actor=actor, today=today, payload={}
        )
    for message in deadline_errors[row.unit.pk]:
        row.problem(WHOLE_ROW, "", message)


# --- step 3: apply ---


class _Rollback(Exception):
    pass


def registration_import_apply(
    *,
    actor,
    campaign: Campaign,
    source,
    name: str,
    submit: bool,
    today: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import ``source``: all rows or none.

    Guarantees: the file is planned again (so the result reflects the database now,
    not at the preview); with any problem nothing is written and the outcome lists them
    all; otherwise, in one transaction, new rows are created with ``initiative_create``,
    changed drafts updated with ``initiative_update`` and, with ``submit``, drafts sent
    through ``transition_apply(name="submit")``; a refusal there (the deadline passed
    meanwhile, a conflict) is reported by row and rolls everything back. Cases that
    exist beyond the draft stage are reported and left alone. ``progress`` is called
    with the number of rows done."""
    today = today or timezone.localdate()
    plan = registration_import_plan(
        actor=actor, campaign=campaign, source=source, name=name, submit=submit, today=today
    )
    outcome = ImportOutcome(plan=plan, problems=list(plan.problems))
    if not plan.ok:
        return outcome
    drafts = {
        case.pk: case
        for case in Initiative.objects.select_related("unit", "campaign").filter(
            pk__in=[
                r.existing_id for r in plan.rows if r.action in (Action.UPDATE, Action.UNCHANGED)
            ]
        )
    }
    try:
        with transaction.atomic():
            for done, row in enumerate(plan.rows, start=1):
                try:
                    _apply_row(row, actor, campaign, submit, today, drafts, outcome)
                except WorkflowError as error:
                    for message in error.messages:
                        outcome.problems.append(
                            Problem(message, row=row.row, sheet_row=row.sheet_row, column=WHOLE_ROW)
                        )
                if progress is not None:
                    progress(done)
            if outcome.problems:
                raise _Rollback
    except _Rollback:
        outcome.created, outcome.updated, outcome.submitted = [], [], []
        outcome.unchanged, outcome.existing = [], []
    return outcome


def _apply_row(row, actor, campaign, submit, today, drafts, outcome) -> None:
    if row.action == Action.EXISTS:
        outcome.existing.append(row)
        return
    if row.action == Action.CREATE:
        case = initiative_create(actor=actor, campaign=campaign, unit=row.unit, **row.data())
        outcome.created.append(case)
    elif row.action == Action.UPDATE:
        case = initiative_update(actor=actor, initiative=drafts[row.existing_id], **row.data())
        outcome.updated.append(case)
    else:
        case = drafts[row.existing_id]
        if not submit:
            outcome.unchanged.append(case)
    if submit:
        transition_apply(case=case, name="submit", actor=actor, today=today)
        outcome.submitted.append(case)


# --- the import job: upload → preview → confirm → (background) → result ---


def import_job_get(*, actor, pk: int) -> ImportJob:
    """The job, if ``actor`` uploaded it (or is a superuser); 404 otherwise."""
    jobs = ImportJob.objects.select_related("campaign")
    if not actor.is_superuser:
        jobs = jobs.filter(created_by=actor)
    try:
        return jobs.get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(JOB_NOT_YOURS) from None


def import_job_create(
    *,
    actor,
    campaign: Campaign,
    upload: File,
    as_drafts: bool,
    today: datetime.date | None = None,
) -> ImportJob:
    """Check and plan an uploaded form and keep it for confirmation.

    Guarantees: a file that is not a readable form raises ``ImportFileError`` and
    leaves nothing behind (no job, no stored file); otherwise the job stores the file
    and the preview (every row, every problem). A preview with problems is FAILED at
    once: it can never be confirmed."""
    name = Path(upload.name or "bieu-mau.xlsx").name
    plan = registration_import_plan(
        actor=actor,
        campaign=campaign,
        source=upload,
        name=name,
        submit=not as_drafts,
        today=today,
    )
    upload.seek(0)
    job = ImportJob(
        created_by=actor,
        campaign=campaign,
        original_name=name[:255],
        as_drafts=as_drafts,
        status=ImportStatus.PENDING if plan.ok else ImportStatus.FAILED,
        rows_total=len(plan.rows),
        result={"preview": plan.as_dict()},
    )
    job.file.save(f"bieu-mau-{timezone.now():%Y%m%d-%H%M%S}.xlsx", upload, save=False)
    if not plan.ok:
        job.finished_at = timezone.now()
    job.save()
    return job


def import_job_runs_in_background(job: ImportJob) -> bool:
    return job.rows_total > background_rows()


def import_job_confirm(*, actor, job: ImportJob, today: datetime.date | None = None) -> ImportJob:
    """Confirm a previewed import. Small files are imported now; large ones are queued
    for a worker after this transaction commits. Safe against double submission: only
    one confirmation of a job ever takes effect."""
    if job.created_by_id != actor.pk and not actor.is_superuser:
        raise WorkflowError(JOB_NOT_YOURS)
    claimed = (
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PENDING)
        .exclude(result__has_key="confirmed_at")
        .update(result=_with(job.result, confirmed_at=timezone.now().isoformat()))
    )
    if claimed != 1:
        raise WorkflowError(JOB_NOT_CONFIRMABLE)
    job.refresh_from_db()
    if import_job_runs_in_background(job):
        from ..tasks import registration_import_task

        # robust: a broker that is down must not turn the confirmation into an error
        # page; the job stays confirmed and its progress page queues it again.
        transaction.on_commit(lambda: registration_import_task.delay(job.pk), robust=True)
        return job
    return import_job_run(job_id=job.pk, today=today)


def _with(result: dict, **values: Any) -> dict:
    merged = dict(result or {})
    merged.update(values)
    return merged


class _ProgressWriter:
    """Writes ``rows_done`` while the import's own transaction is still open.

    The import runs in one transaction, so its connection cannot publish progress;
    this writes through a second, autocommit connection. SQLite allows one writer at a
    time, so there the progress jumps to the end instead."""

    EVERY = 100

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.table = ImportJob._meta.db_table
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        if self.connection is None or done % self.EVERY:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET rows_done = %s WHERE id = %s", [done, self.job_id]
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def import_job_run(*, job_id: int, today: datetime.date | None = None) -> ImportJob:
    """Run a confirmed job (inline or in a worker). Safe to call twice: the job is
    claimed with a conditional update and only the claimer imports."""
    job = ImportJob.objects.select_related("campaign", "created_by").get(pk=job_id)
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportStatus.PENDING, result__has_key="confirmed_at"
    ).update(
        status=ImportStatus.RUNNING,
        rows_done=0,
        result=_with(job.result, started_at=timezone.now().isoformat()),
    )
    job.refresh_from_db()
    if claimed != 1:
        return job
    progress = _ProgressWriter(job.pk)
    try:
        outcome = registration_import_apply(
            actor=job.created_by,
            campaign=job.campaign,
            source=job.file,
            name=job.original_name,
            submit=not job.as_drafts,
            today=today,
            progress=progress,
        )
    except ImportFileError as error:
        problems = [Problem(message).as_dict() for message in error.messages]
        _finish(job, ImportStatus.FAILED, {"ok": False, "problems": problems})
        return job
    except Exception:
        logger.exception("import job %s crashed", job_id)
        _finish(
            job, ImportStatus.FAILED, {"ok": False, "problems": [Problem(JOB_CRASHED).as_dict()]}
        )
        raise
    finally:
        progress.close()
        job.file.close()
    status = ImportStatus.DONE if outcome.ok else ImportStatus.FAILED
    _finish(job, status, outcome.as_dict())
    return job


def _finish(job: ImportJob, status: str, outcome: dict) -> None:
    job.status = status
    job.rows_done = job.rows_total if status == ImportStatus.DONE else job.rows_done
    job.result = _with(job.result, outcome=outcome)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows_done", "result", "finished_at"])


def import_job_nudge(*, job: ImportJob, stale_after: int = 60) -> bool:
    """Look after a job nobody seems to be running; called by its progress page.

    A confirmed job still pending ``stale_after`` seconds after its confirmation (or
    its last nudge) lost its message (the broker was down): it is queued again, once
    per ``stale_after``; if it was merely waiting, ``import_job_run`` claims it once
    anyway. A job still running past the task's hard time limit belongs to a worker
    that died: its transaction was rolled back, so it is marked failed (nothing was
    imported) rather than run again on a file that may be what killed it. Returns
    whether the job was queued again."""
    result = job.result or {}
    now = timezone.now()
    if job.status == ImportStatus.RUNNING:
        started = result.get("started_at")
        if started and (now - _moment(started)).total_seconds() > IMPORT_TIME_LIMIT + 60:
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.FAILED,
                finished_at=now,
                result=_with(
                    result, outcome={"ok": False, "problems": [Problem(JOB_LOST).as_dict()]}
                ),
            )
        return False
    confirmed_at = result.get("confirmed_at")
    if job.status != ImportStatus.PENDING or not confirmed_at:
        return False
    last = max(_moment(confirmed_at), _moment(result.get("nudged_at") or confirmed_at))
    if (now - last).total_seconds() < stale_after:
        return False
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PENDING).update(
        result=_with(result, nudged_at=now.isoformat())
    )
    if claimed != 1:
        return False
    from ..tasks import registration_import_task

    try:
        registration_import_task.delay(job.pk)
    except Exception:  # the broker is still down; a later visit tries again
        logger.warning("could not queue import job %s", job.pk, exc_info=True)
        return False
    return True


def _moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def import_job_list(*, actor, limit: int = 10) -> list[ImportJob]:
    """The actor's most recent import jobs (the upload page lists them)."""
    return list(ImportJob.objects.filter(created_by=actor).select_related("campaign")[:limit])
