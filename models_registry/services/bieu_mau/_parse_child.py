"""Run as a child process by ``reader``, never imported: read one workbook (.xlsx, .xls
or .ods) from stdin with calamine and print its worksheets' cells as JSON.

It limits itself first (address space and CPU time, from its arguments), so a file that
makes the parser run long or allocate much kills this process, not the web or Celery
worker that asked. Only the standard library and python-calamine are imported.

    python -I _parse_child.py MEMORY_BYTES CPU_SECONDS ROW_LIMIT COLUMN_LIMIT < file
"""

import datetime
import io
import json
import resource
import sys


def _other(value):
    """What JSON cannot carry (called by the encoder for those cells only)."""
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return str(value)  # a time or a duration


def _write(result: dict, out) -> None:
    """``result`` as one JSON document, its rows encoded a thousand at a time by json's C
    encoder: ``json.dump`` to a stream encodes in Python (under cProfile, 0.53 of this
    process's 0.60 seconds at 5,000 rows), and one ``json.dumps`` of everything would
    hold the whole text twice (+57 MB at 50,000 rows)."""
    encode = json.JSONEncoder(default=_other, separators=(",", ":"), ensure_ascii=False).encode
    out.write(b'{"sheets":[')
    for index, sheet in enumerate(result["sheets"]):
        head = {"title": sheet["title"], "truncated": sheet["truncated"]}
        out.write(b"," * (index > 0) + encode(head)[:-1].encode() + b',"rows":[')
        rows = sheet["rows"]
        for start in range(0, len(rows), 1000):
            out.write(b"," * (start > 0) + encode(rows[start : start + 1000])[1:-1].encode())
        out.write(b"]}")
    out.write(b"]}")


def main() -> int:
    memory, seconds, row_limit, column_limit = (int(a) for a in sys.argv[1:5])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    import python_calamine

    data = sys.stdin.buffer.read()
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows, truncated = [], False
            for index, row in enumerate(sheet.iter_rows()):
                if index >= row_limit:
                    truncated = any(v != "" for v in row) or truncated
                    if truncated:
                        break
                    continue
                rows.append(row[:column_limit])
            while rows and all(v == "" for v in rows[-1]):
                rows.pop()
            sheets.append({"title": meta.name, "rows": rows, "truncated": truncated})
    except python_calamine.PasswordError:
        print(json.dumps({"error": "encrypted"}))
        return 0
    except (python_calamine.CalamineError, ValueError, KeyError, IndexError) as exc:
        print(json.dumps({"error": "corrupt", "detail": str(exc)[:200]}))
        return 0
    _write({"sheets": sheets}, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
