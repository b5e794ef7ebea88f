"""Hostile workbooks, crafted in memory: zips that lie about their sizes, parts that hold
what Office and LibreOffice never write, and the 1.1 MB upload with a 186 MB XML comment
of issue 15 (finding 1). Shared by the tests and ``bench/import_hostile.py``."""

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator

MB = 1024 * 1024


def deflate(chunks: Iterable[bytes]) -> tuple[bytes, int, int]:
    """Raw-deflate an iterable of chunks: (compressed, crc32, size), never all in memory
    uncompressed."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        out.append(compressor.compress(chunk))
    out.append(compressor.flush())
    return b"".join(out), crc, size


def raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from (name, deflated bytes, crc, declared size, declared crc-checked size):
    the sizes written in the headers are whatever the entry declares, true or not. A
    member called ``mimetype`` (an OpenDocument file's first) is stored, not deflated."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, declared, _ in entries:
        offset = body.tell()
        encoded = name.encode()
        method = 0 if name == "mimetype" else 8
        body.write(
            struct.pack(
                "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(data),
                declared, len(encoded), 0,
            )
        )  # fmt: skip
        body.write(encoded + data)
        central.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc,
                len(data), declared, len(encoded), 0, 0, 0, 0, 0, offset,
            )
        )  # fmt: skip
        central.write(encoded)
    directory = central.getvalue()
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory),
        body.tell(), 0,
    )  # fmt: skip
    return body.getvalue() + directory + end


def package_with(base: bytes, member: str, chunks: Iterable[bytes], *, declared=None) -> bytes:
    """The zip ``base`` (an .xlsx or .ods) with ``member`` replaced by ``chunks``,
    optionally lying about its size in the headers."""
    source = zipfile.ZipFile(io.BytesIO(base))
    entries = []
    for info in source.infolist():
        lie = None
        if info.filename == "mimetype":  # stored, as OpenDocument requires
            data = b"".join(chunks) if member == "mimetype" else source.read(info)
            crc, size = zlib.crc32(data), len(data)
        elif info.filename == member:
            data, crc, size = deflate(chunks)
            lie = declared
        else:
            data, crc, size = deflate([source.read(info)])
        entries.append((info.filename, data, crc, lie or size, size))
    return raw_zip(entries)


def zeros(megabytes: int) -> Iterator[bytes]:
    block = b"\0" * MB
    for _ in range(megabytes):
        yield block


def comment_filler(size: int, *, seed: int = 15) -> Iterator[bytes]:
    """``size`` bytes of comment text that deflate about 180 times: under the ratio
    limit (200), so only the scan of the part itself can refuse it."""
    rnd = random.Random(seed)
    block = 1 << 16
    filler = b"a" * block
    for _ in range(size // block):
        chunk = bytearray(filler)
        for _ in range(90):
            chunk[rnd.randrange(block)] = rnd.randrange(97, 123)
        yield bytes(chunk)


def inside(xml: bytes, marker: bytes, middle: Iterable[bytes]) -> Iterator[bytes]:
    """``xml`` with ``middle`` streamed in right after ``marker``."""
    at = xml.index(marker) + len(marker)
    yield xml[:at]
    yield from middle
    yield xml[at:]


def with_comment(base: bytes, member: str, marker: bytes, size: int) -> bytes:
    """``base`` with an XML comment of ``size`` bytes in ``member`` after ``marker``."""
    xml = zipfile.ZipFile(io.BytesIO(base)).read(member)
    middle = [b"<!--", *comment_filler(size), b"-->"]
    return package_with(base, member, inside(xml, marker, middle))


def xlsx_comment_bomb(base: bytes, size: int = 186 * MB) -> bytes:
    """Issue 15, finding 1: a unit's own form with a ``size``-byte comment inside
    ``<sheetData>``; 186 MB makes a 1.1 MB upload whose declared size and ratio pass."""
    return with_comment(base, "xl/worksheets/sheet1.xml", b"<sheetData>", size)
