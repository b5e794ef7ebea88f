"""Step 2: read the form. Headers are found by their text on any sheet; rows, marks,
dates and unit names are read as units really fill them (DESIGN.md §5)."""

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any

from units.text import fold

from ...models import Campaign, RecognitionLevel
from . import layout as F
from .limits import HEADER_SCAN_ROWS, NAME_MAX, max_rows
from .reader import Sheet, workbook_read
from .results import ImportFileError, PlannedRow
from .safety import _binary, registration_file_check

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
MARK_INVALID = "Ô {cell} ghi “{value}”, không phải dấu đánh dấu (hãy dùng x)."
NO_FIELD_MARKED = "Chưa đánh dấu lĩnh vực nào (ở cột “Tập thể” hoặc “Cá nhân”)."
BOTH_SUBJECTS = "Đánh dấu cả cột “Tập thể” và cột “Cá nhân”; một mô hình chỉ thuộc một đối tượng."
SEVERAL_LEVELS = "Đánh dấu nhiều cấp ({levels}); chỉ được chọn một cấp đăng ký."
DATE_UNREADABLE = (
    "Không đọc được ngày “{value}”; hãy ghi theo dạng ngày/tháng/năm (01/03/{year}) "
    "hoặc tháng/năm (3/{year})."
)
DATE_IMPOSSIBLE = "Ngày “{value}” không có thật."
END_BEFORE_START = "Thời gian kết thúc ({end}) trước thời gian bắt đầu ({start})."

# --- step 2: read the form ---


def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", whitespace trimmed. (Excel's
    _xHHHH_ escapes, such as _x000D_ for a carriage return, are decoded by calamine.)"""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


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


def get_column_letter(number: int) -> str:
    """A column's letters from its 1-based number (1 → A, 27 → AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Excel's day 0 in the 1900 system, as every date after 1 March 1900 counts it.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


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
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
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


def _blank(value: Any) -> bool:
    """A cell that leaves its row blank (``_cell``'s None, or a "..." placeholder)."""
    return value is None or (isinstance(value, str) and _is_placeholder(value.strip()))


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
    """What a top header cell names; the order settles overlaps (see layout)."""
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


def _choose_sheet(sheets: list[Sheet], *, campaign: Campaign, name: str) -> _Sheet:
    levels = list(campaign.levels.order_by("rank"))
    candidates: list[_Sheet] = []
    partial: tuple[str, _Header] | None = None
    for sheet in sheets:
        head = sheet.rows[:HEADER_SCAN_ROWS]
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
    text = next((text for text in leading if text), "")
    if text.isdigit():  # the row's number (STT): a data row, no need to fold
        return False
    first = fold(text)
    if first not in F.TOTAL_KEYS and not first.startswith(("tong cong ", "tong so ")):
        return False
    return not name or fold(name) == first or name.replace(".", "").isdigit()


def _read_rows(sheet: Sheet, layout: F.Layout, *, campaign: Campaign, letterhead_unit: str):
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
    for offset, row in enumerate(sheet.rows[layout.first_data_row - 1 :]):
        sheet_row = layout.first_data_row + offset
        if _is_total([_text(_cell(row, c)) for c in leading], _text(_cell(row, layout.name))):
            return
        if all(_blank(_cell(row, c)) for c in data_columns):
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
    if sheet.truncated:  # rows past the parser's limit: the form is too long anyway
        raise ImportFileError(TOO_MANY_ROWS.format(limit=max_rows()))


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
        sheets = workbook_read(handle, name=name)
    chosen = _choose_sheet(sheets, campaign=campaign, name=name)
    sheet = next(s for s in sheets if s.title == chosen.title)
    rows = list(
        _read_rows(sheet, chosen.layout, campaign=campaign, letterhead_unit=chosen.letterhead_unit)
    )
    if not rows:
        raise ImportFileError(NO_ROWS)
    layout = chosen.layout
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
    return _Read(chosen.title, rows, letters)
