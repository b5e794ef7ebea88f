"""Export of any filtered list of cases in the official layout of the registration form
(biểu mẫu, DESIGN.md §5), so that the Ban Dân vận downloads what units used to send.

Written with XlsxWriter in ``constant_memory`` mode: each row goes to disk as soon as
the next one starts, and strings are written inline rather than into a shared-string
table, so memory stays flat however many rows there are (bench/import_export.py
measures it against openpyxl's write-only mode and django-import-export). The title
block, headers and totals use XlsxWriter's API; the case rows go through ``_RowStream``
(see there why). No cell is ever a formula: a name such as ``=HYPERLINK(...)`` is text.
"""

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from django.db.models import QuerySet

from documents import measure
from documents.xlsx import (
    FORMULA_TRIGGERS,
    column_px,
    excel_text,
    formula_shaped,
    print_setup,
    row_height,
    workbook_open,
)
from units.access import memberships_of
from units.models import Unit
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

from ...models import FIELD_FLAGS, Campaign, Initiative, RecognitionLevel, Subject
from . import layout as F

# FORMULA_TRIGGERS (documents.xlsx): a cell starting with one of these gets Excel's
# "quote prefix", so an edit keeps it text.
__all__ = ["FORMULA_TRIGGERS", "letterhead_unit", "registrations_export"]
MARK = "x"
# Excel stores a date as days since 30/12/1899 (with its 1900 leap-year quirk, which
# only matters before March 1900).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
COLUMN_WIDTHS = {"stt": 5, "unit": 24, "name": 40, "goals": 40, "mark": 8, "date": 11, "level": 12}
HEADER_SIZE = 11

EXCEL_MAX_ROWS = 1_048_576
TOO_MANY_ROWS = (
    "Danh sách có hơn {limit} hồ sơ của một năm, quá số dòng của một trang tính Excel; "
    "vui lòng lọc bớt (theo đơn vị, trạng thái…) rồi xuất lại."
)


@dataclass
class _Formats:
    letterhead: object
    title: object
    subtitle: object
    header: object
    text: object
    text_quoted: object
    center: object
    date: object
    total: object
    total_label: object
    cell: object  # the border of an empty table cell (a conditional format)


@dataclass
class _SheetLayout:
    """Column positions on an exported sheet (0-based), for one campaign's levels."""

    levels: list[RecognitionLevel]
    marks: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.marks = [(choice, subject) for choice in F.FIELD_HEADERS for subject in F.SUBJECTS]

    stt = 0
    unit = 1
    name = 2
    goals = 3
    first_mark = 4

    @property
    def start(self) -> int:
        return self.first_mark + len(self.marks)

    @property
    def end(self) -> int:
        return self.start + 1

    @property
    def first_level(self) -> int:
        return self.end + 1

    @property
    def last(self) -> int:
        return self.first_level + max(len(self.levels), 1) - 1


def _formats(book) -> _Formats:
    border = {"border": 1, "valign": "vcenter", "font_name": "Times New Roman", "font_size": 12}
    return _Formats(
        letterhead=book.add_format({"bold": True, "font_name": "Times New Roman", "font_size": 12}),
        title=book.add_format(
            {"bold": True, "align": "center", "font_name": "Times New Roman", "font_size": 13}
        ),
        subtitle=book.add_format(
            {"italic": True, "align": "center", "font_name": "Times New Roman", "font_size": 12}
        ),
        header=book.add_format(
            {**border, "bold": True, "align": "center", "text_wrap": True}
            | {"font_size": HEADER_SIZE}
        ),
        text=book.add_format({**border, "text_wrap": True, "valign": "top"}),
        text_quoted=book.add_format(
            {**border, "text_wrap": True, "valign": "top", "quote_prefix": True}
        ),
        center=book.add_format({**border, "align": "center", "valign": "top"}),
        date=book.add_format(
            {**border, "align": "center", "valign": "top", "num_format": "dd/mm/yyyy"}
        ),
        total=book.add_format({**border, "bold": True, "align": "center"}),
        total_label=book.add_format({**border, "bold": True}),
        cell=book.add_format({"border": 1}),
    )


# Excel's own escapes for what XML 1.0 cannot carry (a control character becomes
# _xHHHH_, and a literal "_xHHHH_" gets its underscore escaped as _x005F_); the import
# decodes them back (parse._text).
_ESCAPE_LITERAL = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    if "_x" in value:
        value = _ESCAPE_LITERAL.sub(r"_x005F\1", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


class _RowStream:
    """Appends the case rows' XML to the sheet's row stream, in XlsxWriter's own form.

    Why not ``write_string`` and friends: at about 20 µs a cell through XlsxWriter's
    API, 100,000 rows of eight cells took 25 s, most of it there; one string per row
    takes a fraction of that (bench/import_export.py). And why it is safe:
    - constant_memory mode streams rows, in order, into one file handle (``sheet.fh``);
      the row XlsxWriter still holds is flushed first (``_write_single_row``), the rows
      are appended after it, and the sheet's dimensions are extended to cover them;
    - the XML is what XlsxWriter writes for the same cells (test_export compares the
      two), except that text is *always* escaped: XlsxWriter writes a string that
      starts with ``<r>`` and ends with ``</r>`` verbatim, as rich text, which from a
      case name would be XML (a formula even) injected into the sheet.
    It relies on XlsxWriter 3.3's ``fh``, ``_write_single_row``, ``_check_dimensions``
    and ``Format._get_xf_index``; requirements.txt pins the version."""

    FLUSH_EVERY = 500

    def __init__(self, sheet, first_row: int, formats: _Formats) -> None:
        sheet._write_single_row(first_row)
        self.sheet = sheet
        self.first_row = first_row
        self.last_row = first_row - 1
        self.last_col = 0
        self.buffer: list[str] = []
        self.text = formats.text._get_xf_index()
        self.quoted = formats.text_quoted._get_xf_index()
        self.center = formats.center._get_xf_index()
        self.date = formats.date._get_xf_index()
        from xlsxwriter.utility import xl_col_to_name

        self.letters = [xl_col_to_name(col) for col in range(32)]

    def number(self, r: str, col: int, value: int, style: int) -> str:
        return f'<c r="{self.letters[col]}{r}" s="{style}"><v>{value}</v></c>'

    def string(self, r: str, col: int, value: str, style: int) -> str:
        preserve = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return (
            f'<c r="{self.letters[col]}{r}" s="{style}" t="inlineStr">'
            f"<is><t{preserve}>{_xml_text(value)}</t></is></c>"
        )

    def text_cell(self, r: str, col: int, value: str | None) -> str:
        value = excel_text(value)
        if not value:
            return ""
        style = self.quoted if formula_shaped(value) else self.text
        return self.string(r, col, value, style)

    def row(self, row: int, cells: list[str], last_col: int, height: int | None = None) -> None:
        """``height``: in pixels, as XlsxWriter's ``set_row_pixels`` takes it."""
        if row >= EXCEL_MAX_ROWS:
            raise WorkflowError(TOO_MANY_ROWS.format(limit=EXCEL_MAX_ROWS - self.first_row - 2))
        if height is None or height == self.sheet.default_row_height:  # as XlsxWriter
            self.buffer.append(f'<row r="{row + 1}">{"".join(cells)}</row>')
        else:
            self.buffer.append(
                f'<row r="{row + 1}" ht="{height * 0.75:.16g}" customHeight="1">'
                f"{''.join(cells)}</row>"
            )
        self.last_row = row
        self.last_col = max(self.last_col, last_col)
        if len(self.buffer) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.sheet.fh.write("".join(self.buffer))
            self.buffer = []

    def close(self) -> None:
        self.flush()
        if self.last_row >= self.first_row:
            self.sheet._check_dimensions(self.last_row, self.last_col)


# What one exported row needs, read as plain tuples (no model instances: 100,000 rows).
_COLUMNS = (
    "campaign_id",
    "unit__name",
    "name",
    "goals",
    *FIELD_FLAGS,
    "subject",
    "start_date",
    "end_date",
    "target_level_id",
)


def _rows(queryset: QuerySet[Initiative]) -> Iterator[tuple]:
    ordered = queryset.order_by("campaign__year", "campaign_id", "unit__path", "id")
    return ordered.values_list(*_COLUMNS).iterator(chunk_size=2000)


def letterhead_unit(*, actor, unit: Unit | None) -> str:
    """Whose list this is: the filtered unit, else the unit the actor works for, else the
    root of the directory."""
    if unit is not None:
        return unit.name
    memberships = memberships_of(actor)
    for role in (Role.UNIT_OFFICER, Role.SECRETARIAT, Role.VIEWER):
        for membership in memberships:
            if membership.role == role:
                return membership.unit.name
    root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return root.name if root else ""


def registrations_export(
    *,
    actor,
    queryset: QuerySet[Initiative],
    destination: str | Path,
    unit: Unit | None = None,
    campaign: Campaign | None = None,
) -> int:
    """Write ``queryset`` (already scoped with ``initiative_list(actor=...)`` and
    filtered) to ``destination`` as the official form; returns the number of cases.

    Guarantees: one sheet per campaign in the list (the title block names its plan
    number, date and year; the level columns are that campaign's levels), each with the
    two merged header rows, STT, one row per case ordered by unit, and the "Tổng" row of
    counts; an empty list still gives the form (for ``campaign``, or the latest one).
    Memory does not grow with the number of rows. No cell is ever a formula."""
    campaigns = {c.pk: c for c in _campaigns(queryset, campaign)}
    levels: dict[int, list[RecognitionLevel]] = {pk: [] for pk in campaigns}
    for level in RecognitionLevel.objects.filter(campaign_id__in=campaigns).order_by("rank"):
        levels[level.campaign_id].append(level)
    owner = letterhead_unit(actor=actor, unit=unit)
    book = workbook_open(destination, constant_memory=True)
    formats = _formats(book)
    written = 0
    seen: set[int] = set()
    for campaign_id, rows in groupby(_rows(queryset), key=lambda row: row[0]):
        seen.add(campaign_id)
        written += _write_sheet(
            book, campaigns[campaign_id], levels[campaign_id], rows, owner, formats
        )
    if not seen:
        fallback = next(iter(campaigns.values()), None)
        _write_sheet(
            book, fallback, levels.get(fallback.pk, []) if fallback else [], [], owner, formats
        )
    book.close()
    return written


def _campaigns(queryset: QuerySet[Initiative], campaign: Campaign | None) -> list[Campaign]:
    found = list(
        Campaign.objects.filter(pk__in=queryset.order_by().values("campaign_id")).order_by("year")
    )
    if not found:
        fallback = campaign or Campaign.objects.order_by("-year").first()
        found = [fallback] if fallback else []
    return found


def _write_sheet(
    book,
    campaign: Campaign | None,
    levels: list[RecognitionLevel],
    rows: Iterable[tuple],
    owner: str,
    formats: _Formats,
) -> int:
    year = campaign.year if campaign else datetime.date.today().year
    sheet = book.add_worksheet(f"Năm {year}")
    layout = _SheetLayout(levels)
    _set_columns(sheet, layout)
    _write_title(sheet, campaign, year, owner, layout, formats)
    _write_headers(sheet, year, layout, formats)
    first = 8  # 0-based row of the first case (sheet row 9, as in the plan's annex)
    counts = [0] * (layout.last + 1)
    level_column = {level.pk: layout.first_level + i for i, level in enumerate(levels)}
    mark_column = {key: layout.first_mark + i for i, key in enumerate(layout.marks)}
    flag_fields = [choice.value for choice in FIELD_FLAGS.values()]
    # The empty mark and date cells are not written: one conditional format over the
    # table (below) gives them their borders.
    stream = _RowStream(sheet, first, formats)
    wrap = _RowHeights()
    number = 0
    for number, values in enumerate(rows, start=1):
        row = first + number - 1
        r = str(row + 1)
        (_, unit_name, name, goals, *flags, subject, start, end, level_id) = values
        subject = subject or Subject.COLLECTIVE
        marked = sorted(
            mark_column[(field_name, subject)]
            for field_name, flag in zip(flag_fields, flags, strict=True)
            if flag
        )
        cells = [
            stream.number(r, layout.stt, number, stream.center),
            stream.text_cell(r, layout.unit, unit_name),
            stream.text_cell(r, layout.name, name),
            stream.text_cell(r, layout.goals, goals),
        ]
        for column in marked:
            cells.append(stream.string(r, column, MARK, stream.center))
            counts[column] += 1
        if start:
            cells.append(stream.number(r, layout.start, (start - EXCEL_EPOCH).days, stream.date))
        if end:
            cells.append(stream.number(r, layout.end, (end - EXCEL_EPOCH).days, stream.date))
        column = level_column.get(level_id)
        if column is not None:
            cells.append(stream.string(r, column, MARK, stream.center))
            counts[column] += 1
        stream.row(row, cells, layout.last, wrap.height(unit_name, name, goals))
    stream.close()
    if number:
        sheet.conditional_format(
            first, 0, first + number - 1, layout.last, {"type": "blanks", "format": formats.cell}
        )
    total_row = first + number
    sheet.write_string(total_row, layout.stt, F.TOTAL_LABEL, formats.total_label)
    for column in (layout.unit, layout.name, layout.goals, layout.start, layout.end):
        sheet.write_blank(total_row, column, None, formats.total)
    for column in [*mark_column.values(), *range(layout.first_level, layout.last + 1)]:
        sheet.write_number(total_row, column, counts[column], formats.total)
    return number


class _RowHeights:
    """A case row's height from its three wrapped texts (unit, name, goals). Most rows
    are short: a text narrower than its column in the widest letters costs nothing."""

    SIZE = 12

    def __init__(self) -> None:
        self.columns = [(column_px(COLUMN_WIDTHS[key]) - 8) for key in ("unit", "name", "goals")]
        # At most this many characters always fit on one line (M is the widest letter).
        em = measure.text_px("M", size=self.SIZE)
        self.safe = [int(px // em) for px in self.columns]
        self.one_line = measure.height_px(1, size=self.SIZE)
        self.units: dict[str, int] = {}

    def height(self, unit: str | None, name: str | None, goals: str | None) -> int:
        count = 1
        if unit and len(unit) > self.safe[0]:
            # Few units, many rows: each unit's name is measured once.
            unit_lines = self.units.get(unit)
            if unit_lines is None:
                unit_lines = measure.lines(unit, width_px=self.columns[0], size=self.SIZE)
                if len(self.units) < 4096:
                    self.units[unit] = unit_lines
            count = unit_lines
        for text, width, safe in ((name, self.columns[1], self.safe[1]),
                                  (goals, self.columns[2], self.safe[2])):  # fmt: skip
            if text and (len(text) > safe or "\n" in text or "\r" in text):
                count = max(count, measure.lines(text, width_px=width, size=self.SIZE))
        return min(545, measure.height_px(count, size=self.SIZE)) if count > 1 else self.one_line


def _set_columns(sheet, layout: _SheetLayout) -> None:
    sheet.set_column(layout.stt, layout.stt, COLUMN_WIDTHS["stt"])
    sheet.set_column(layout.unit, layout.unit, COLUMN_WIDTHS["unit"])
    sheet.set_column(layout.name, layout.name, COLUMN_WIDTHS["name"])
    sheet.set_column(layout.goals, layout.goals, COLUMN_WIDTHS["goals"])
    sheet.set_column(layout.first_mark, layout.start - 1, COLUMN_WIDTHS["mark"])
    sheet.set_column(layout.start, layout.end, COLUMN_WIDTHS["date"])
    sheet.set_column(layout.first_level, layout.last, COLUMN_WIDTHS["level"])
    print_setup(sheet, header_first=6, header_last=7)


def _write_title(sheet, campaign, year, owner, layout, formats) -> None:
    sheet.write_string(0, 0, F.LETTERHEAD.format(unit=owner), formats.letterhead)
    for row, line in enumerate(F.TITLE_LINES, start=1):
        sheet.merge_range(row, 0, row, layout.last, line.format(year=year), formats.title)
    issuer = (campaign.issuer if campaign else "") or F.DEFAULT_ISSUER
    if campaign and campaign.plan_number:
        when = campaign.plan_date.strftime("%d/%m/%Y") if campaign.plan_date else "…"
        line = F.PLAN_LINE.format(number=campaign.plan_number, date=when, issuer=issuer)
    else:
        line = F.PLAN_LINE_NO_NUMBER.format(issuer=issuer, year=year)
    sheet.merge_range(4, 0, 4, layout.last, line, formats.subtitle)


def _header_heights(sheet, year: int, layout: _SheetLayout, top: int, sub: int) -> None:
    """Both header rows as tall as their wrapped texts; the texts merged over both rows
    (STT, unit, name, goals) fit in the two together."""
    mark, date, level = COLUMN_WIDTHS["mark"], COLUMN_WIDTHS["date"], COLUMN_WIDTHS["level"]
    levels = max(len(layout.levels), 1)
    top_px = row_height(
        [
            *((text, 2 * mark) for text in F.FIELD_HEADERS.values()),
            (F.PERIOD_HEADER.format(year=year), 2 * date),
            (F.LEVELS_HEADER.format(year=year), levels * level),
        ],
        size=HEADER_SIZE,
        bold=True,
    )
    sub_px = row_height(
        [
            *((text, mark) for text in F.SUBJECT_HEADERS.values()),
            (F.COL_START, date),
            (F.COL_END, date),
            *((lv.name, level) for lv in layout.levels),
        ],
        size=HEADER_SIZE,
        bold=True,
    )
    tall_px = row_height(
        [
            (F.COL_STT, COLUMN_WIDTHS["stt"]),
            (F.COL_UNIT, COLUMN_WIDTHS["unit"]),
            (F.COL_NAME, COLUMN_WIDTHS["name"]),
            (F.GOALS_HEADER.format(year=year), COLUMN_WIDTHS["goals"]),
        ],
        size=HEADER_SIZE,
        bold=True,
    )
    sub_px = max(sub_px, tall_px - top_px)
    sheet.set_row_pixels(top, top_px)
    sheet.set_row_pixels(sub, sub_px)


def _write_headers(sheet, year: int, layout: _SheetLayout, formats: _Formats) -> None:
    top, sub = 6, 7
    _header_heights(sheet, year, layout, top, sub)
    tall = (
        (layout.stt, F.COL_STT),
        (layout.unit, F.COL_UNIT),
        (layout.name, F.COL_NAME),
        (layout.goals, F.GOALS_HEADER.format(year=year)),
    )
    # constant_memory writes a row out once a later row is touched, so everything is
    # written in row order: the top row (with its horizontal merges), then the second.
    for column, text in tall:
        sheet.write_string(top, column, text, formats.header)
    for i, choice in enumerate(F.FIELD_HEADERS):
        first = layout.first_mark + 2 * i
        sheet.merge_range(top, first, top, first + 1, F.FIELD_HEADERS[choice], formats.header)
    sheet.merge_range(
        top, layout.start, top, layout.end, F.PERIOD_HEADER.format(year=year), formats.header
    )
    levels_header = F.LEVELS_HEADER.format(year=year)
    if layout.last > layout.first_level:
        sheet.merge_range(top, layout.first_level, top, layout.last, levels_header, formats.header)
    else:
        sheet.write_string(top, layout.first_level, levels_header, formats.header)
    for column, _text in tall:
        sheet.write_blank(sub, column, None, formats.header)
    for i, (_choice, subject) in enumerate(layout.marks):
        sheet.write_string(sub, layout.first_mark + i, F.SUBJECT_HEADERS[subject], formats.header)
    sheet.write_string(sub, layout.start, F.COL_START, formats.header)
    sheet.write_string(sub, layout.end, F.COL_END, formats.header)
    for i, level in enumerate(layout.levels):
        sheet.write_string(sub, layout.first_level + i, level.name, formats.header)
    for column, _text in tall:
        # merge_range would write its blank padding into the top row again, after it
        # was flushed (and dropped); the cells are in place, so only record the range,
        # exactly as merge_range itself stores it.
        sheet.merge.append([top, column, sub, column])
