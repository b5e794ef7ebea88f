"""Step 1: is this a workbook we are willing to open (.xlsx, .xls or .ods)? Size, magic
bytes, password protection and the zip's declared sizes and ratios are checked *before*
any XML is parsed, so a zip bomb or a renamed PDF costs nothing. Every XML part is then
scanned once, as a stream, in linear time: a DTD, a comment, a processing instruction, a
CDATA section or an over-long token is refused (Office and LibreOffice write none of
them, and expat parses long tokens in quadratic time, issue 15). The parse itself runs
in a child process with a time and memory budget (``reader``)."""

import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.core.files import File

from .limits import (
    MAX_MEMBERS,
    MB,
    RATIO_FLOOR_BYTES,
    max_ratio,
    max_token_bytes,
    max_uncompressed_bytes,
    max_upload_bytes,
    parse_memory_bytes,
    parse_seconds,
)
from .results import ImportFileError

NOT_XLSX = (
    "Tệp “{name}” không phải là bảng tính Excel (.xlsx, .xls) hay LibreOffice (.ods). "
    "Vui lòng tải lên biểu mẫu dạng bảng tính."
)
ENCRYPTED = (
    "Tệp “{name}” đã được đặt mật khẩu nên không đọc được. Vui lòng gỡ mật khẩu "
    "(Tệp › Thông tin › Bảo vệ sổ làm việc) rồi tải lên lại."
)
CORRUPT = "Tệp “{name}” bị hỏng hoặc không phải bảng tính hợp lệ, không đọc được."
NOT_A_WORKBOOK = (
    "Tệp “{name}” là tệp nén nhưng không phải bảng tính Excel (.xlsx) hay LibreOffice (.ods)."
)
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
UNSAFE_MARKUP = (
    "Tệp “{name}” chứa chú thích, lệnh xử lý hoặc đoạn dữ liệu quá dài trong phần "
    "“{member}” — điều Excel và LibreOffice không bao giờ ghi; đã từ chối để bảo vệ hệ thống."
)
OVER_BUDGET = (
    "Tệp “{name}” cần quá nhiều thời gian hoặc bộ nhớ để đọc (giới hạn {seconds} giây, "
    "{memory}); đã từ chối để bảo vệ hệ thống. Nếu đây là biểu mẫu thật, vui lòng chia "
    "thành nhiều tệp nhỏ hơn."
)

# What a file is, once checked.
XLSX, XLS, ODS = "xlsx", "xls", "ods"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

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


def registration_file_check(
    source, *, name: str, deadline: float | None = None, scan: bool = True
) -> str:
    """Refuse, cheaply and before any XML is parsed, what is not a workbook we will read;
    return its kind (``XLSX``, ``XLS`` or ``ODS``).

    Guarantees: the upload is no larger than ``DVK_IMPORT_MAX_UPLOAD_BYTES``; it is an
    OLE2 workbook (.xls, not a password-protected OOXML package, which Office stores in
    the same container) or a zip holding an xlsx or ods workbook (not a renamed file);
    the zip members' *declared* uncompressed sizes add up to no more than
    ``DVK_IMPORT_MAX_UNCOMPRESSED_BYTES`` and no large member is compressed more than
    ``DVK_IMPORT_MAX_RATIO`` times (Python's zipfile never inflates a member past its
    declared size: it stops and fails the CRC). Every XML part is then read once, as a
    stream, and refused if it holds a DTD, a comment, a processing instruction, a CDATA
    section or a token longer than ``DVK_IMPORT_MAX_TOKEN_BYTES``; the whole check stops
    at ``deadline`` (``time.monotonic()``; by default ``DVK_IMPORT_PARSE_SECONDS`` from
    now). With ``scan=False`` only the cheap checks run (size, kind, the zip's directory;
    no part is inflated): what the upload request does before the worker does the rest
    (``jobs.import_job_check``). Raises ``ImportFileError``."""
    if deadline is None:
        deadline = time.monotonic() + parse_seconds()
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
            if FILEPASS in sample:
                raise ImportFileError(ENCRYPTED.format(name=name))
            return XLS
        if not head.startswith(b"PK\x03\x04"):
            raise ImportFileError(NOT_XLSX.format(name=name))
        try:
            with zipfile.ZipFile(handle) as archive:
                members = archive.infolist()
                kind = _check_members(archive, members, name=name)
                for member in members:
                    if scan and _parsed(member.filename):
                        _scan_part(archive, member, name=name, deadline=deadline)
                return kind
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


# BIFF8's FILEPASS record (type 0x002F) right after the workbook's BOF: an .xls with a
# password. Its two bytes are common, so only a record header of the right length counts.
FILEPASS = b"\x2f\x00\x36\x00\x01\x00"


XML_SUFFIXES = (".xml", ".rels")
# Parts no reader ever opens: document properties, SharePoint's customXml (which carries a
# processing instruction), legacy VML drawings (not even well-formed XML).
_NEVER_PARSED = ("docProps/", "customXml/", "xl/drawings/", "Thumbnails/", "Configurations2/")


def _parsed(filename: str) -> bool:
    """Whether a part is XML that the parser may read, and so is scanned."""
    return filename.endswith(XML_SUFFIXES) and not filename.startswith(_NEVER_PARSED)


# Where a DTD may appear: before the root element, i.e. before the first "<" + name.


def _check_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], *, name: str) -> str:
    if len(members) > MAX_MEMBERS:
        raise ImportFileError(BOMB_MEMBERS.format(name=name, count=len(members)))
    names = {member.filename for member in members}
    if "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") for n in names):
        kind = XLSX
    elif "content.xml" in names and "mimetype" in names:
        if archive.getinfo("mimetype").file_size > 200:
            raise ImportFileError(NOT_A_WORKBOOK.format(name=name))
        if archive.read("mimetype").strip() != ODS_MIMETYPE:
            raise ImportFileError(NOT_A_WORKBOOK.format(name=name))
        kind = ODS
    else:
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
    return kind


# Markup that Office and LibreOffice never write in a workbook's parts: "<!" opens a
# DTD, a comment or a CDATA section; "<?" a processing instruction (the XML declaration
# at the very start of a part is allowed and skipped).
_MARKUP = re.compile(rb"<[!?]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)")
_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^<>]{0,200}\?>")
_DELIMITER = re.compile(rb"[<>]")
_CHUNK = 256 * 1024


def _scan_part(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, name: str, deadline: float
) -> None:
    """Read one XML part once, in chunks, and refuse what could make a parser slow or
    unsafe: a DTD (``UNSAFE_XML``), a comment, a processing instruction or a CDATA
    section anywhere, or a run of more than ``DVK_IMPORT_MAX_TOKEN_BYTES`` between two
    markup delimiters (``UNSAFE_MARKUP``); a part in UTF-16 is refused too (Office writes
    UTF-8). Linear in the part's size; stops at ``deadline``. Every search is a regular
    expression over the chunk, so the cost is the C engine's, not a Python loop's."""
    limit = max_token_bytes()
    long_run = re.compile(rb"[<>][^<>]{%d}" % limit)
    run = 0  # bytes since the last "<" or ">" (a token still open at the chunk's end)
    carry = b""  # the previous chunk's last byte: a "<" there pairs with this chunk's first
    first = True
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if first:
                first = False
                if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]:
                    raise ImportFileError(UNSAFE_XML.format(name=name))
                declaration = _DECLARATION.match(chunk)
                if declaration:
                    chunk = chunk[declaration.end() :]
            window = carry + chunk
            found = _MARKUP.search(window)
            if found:
                if _DTD.match(window, found.start()) or (
                    # "<!D" at a chunk's end could be the start of a DOCTYPE: still refused.
                    window[found.start() : found.start() + 3] == b"<!D"
                ):
                    raise ImportFileError(UNSAFE_XML.format(name=name))
                raise ImportFileError(UNSAFE_MARKUP.format(name=name, member=member.filename))
            first_delimiter = _DELIMITER.search(chunk)
            if first_delimiter is None:
                run += len(chunk)
            else:
                run += first_delimiter.start()
                if run > limit or long_run.search(chunk, first_delimiter.start()):
                    raise ImportFileError(UNSAFE_MARKUP.format(name=name, member=member.filename))
                run = len(chunk) - 1 - max(chunk.rfind(b"<"), chunk.rfind(b">"))
            if run > limit:
                raise ImportFileError(UNSAFE_MARKUP.format(name=name, member=member.filename))
            carry = chunk[-1:]
            if time.monotonic() > deadline:
                raise ImportFileError(over_budget(name))


def over_budget(name: str) -> str:
    return OVER_BUDGET.format(
        name=name, seconds=f"{parse_seconds():g}", memory=_size_text(parse_memory_bytes())
    )
