"""Step 1: is this an xlsx we are willing to open? Size, magic bytes, password
protection and the zip's declared sizes and ratios are checked *before* openpyxl reads a
byte of XML, so a zip bomb or a renamed PDF costs nothing; openpyxl then parses with
defusedxml."""

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.xml
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from openpyxl.utils.exceptions import InvalidFileException

from .limits import (
    MAX_MEMBERS,
    MB,
    RATIO_FLOOR_BYTES,
    max_ratio,
    max_uncompressed_bytes,
    max_upload_bytes,
)
from .results import ImportFileError

# openpyxl parses with defusedxml only when it is importable and not switched off by
# OPENPYXL_DEFUSEDXML=False; without it an uploaded workbook could expand entities.
if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - a misconfigured deployment
    raise ImproperlyConfigured(
        "openpyxl does not use defusedxml (is it installed? is OPENPYXL_DEFUSEDXML off?); "
        "refusing to read uploaded workbooks without it."
    )

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
