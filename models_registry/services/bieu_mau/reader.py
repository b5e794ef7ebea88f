"""Step 1b: parse a checked workbook (.xlsx, .xls or .ods) into its sheets' cells.

calamine (Rust, through python-calamine) reads all three formats; it parses the .xlsx
10–19 times faster than openpyxl's read-only mode (5,000 rows: 0.07–0.58 s against
1.36–8.39 s; 50,000 rows: 0.70 s against 7.42 s; bench/import_bulk.py prints both, on a
loaded machine), so it reads .xlsx too. It runs in a child process
(``_parse_child.py``) that limits its own address space and CPU time, with a wall-clock
timeout on top: whatever a hostile file makes the parser do, the web or Celery worker
that asked only waits ``DVK_IMPORT_PARSE_SECONDS`` at most and never grows."""

import datetime
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .limits import HEADER_SCAN_ROWS, max_columns, max_rows, parse_memory_bytes, parse_seconds
from .results import ImportFileError
from .safety import CORRUPT, ENCRYPTED, over_budget

CHILD = Path(__file__).with_name("_parse_child.py")


@dataclass
class Sheet:
    title: str
    rows: list[list]
    # Rows were left out past the limit (the form is then too long to import).
    truncated: bool = False


def _date(obj: dict) -> Any:
    if "d" in obj:
        return datetime.date.fromisoformat(obj["d"])
    if "t" in obj:
        return datetime.datetime.fromisoformat(obj["t"])
    return obj


def row_limit() -> int:
    # The letterhead and headers, the data rows, and room for blank and "..." rows.
    return 2 * max_rows() + HEADER_SCAN_ROWS + 1000


def workbook_read(handle: IO[bytes], *, name: str) -> list[Sheet]:
    """The worksheets of the workbook in ``handle`` (already checked by
    ``registration_file_check``), each as rows of cell values: text, numbers, booleans,
    ``datetime.date`` / ``datetime.datetime`` for cells formatted as dates, ``None`` for
    blanks. At most ``row_limit()`` rows and ``DVK_IMPORT_MAX_COLUMNS`` columns of each
    sheet are kept. Raises ``ImportFileError`` for a damaged or encrypted file and for
    one that needs more than ``DVK_IMPORT_PARSE_SECONDS`` or
    ``DVK_IMPORT_PARSE_MEMORY_BYTES`` to parse."""
    handle.seek(0)
    data = handle.read()
    handle.seek(0)
    seconds = parse_seconds()
    command = [
        sys.executable,
        "-I",
        str(CHILD),
        str(parse_memory_bytes()),
        str(max(1, int(seconds))),
        str(row_limit()),
        str(max_columns()),
    ]
    try:
        finished = subprocess.run(
            command, input=data, capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise ImportFileError(over_budget(name)) from None
    if finished.returncode != 0:
        # Killed by its CPU limit (SIGXCPU/SIGKILL), out of address space (a MemoryError,
        # or Rust aborting on a failed allocation): the file asked for too much.
        # Anything else that crashed the parser is a damaged file.
        stderr = finished.stderr[-2000:]
        if finished.returncode < 0 or b"MemoryError" in stderr or b"memory allocation" in stderr:
            raise ImportFileError(over_budget(name))
        raise ImportFileError(CORRUPT.format(name=name))
    try:
        result = json.loads(finished.stdout, object_hook=_date)
    except ValueError:
        raise ImportFileError(CORRUPT.format(name=name)) from None
    if result.get("error") == "encrypted":
        raise ImportFileError(ENCRYPTED.format(name=name))
    if "error" in result:
        raise ImportFileError(CORRUPT.format(name=name))
    return [
        Sheet(
            sheet["title"],
            sheet["rows"],
            sheet["truncated"],
        )
        for sheet in result["sheets"]
    ]
