"""The one writer of the project's workbooks (XlsxWriter underneath).

Every workbook the project hands out — the biểu mẫu export, the inspection results, the
decision's annex, the sơ kết / tổng kết figures — is opened here and its cells go through
here, so that:

- text is never a formula: XlsxWriter is told not to turn strings into formulas, numbers
  or links, and text a spreadsheet would read as one (``=``, ``+``, ``-``, ``@``, a tab
  or carriage return first) is also quote-prefixed, so editing the cell keeps it text;
  text is cut to what a cell holds;
- it prints: Times New Roman throughout (the default font included), every row as tall
  as its wrapped text (``documents.measure``; no office suite re-fits the rows of a
  generated file reliably), A4 landscape fitted to one page wide, the header rows
  repeated on each page and frozen on screen, page numbers in the footer.

``SheetWriter`` does all of that for an ordinary sheet; the biểu mẫu export streams its
rows itself and takes the same pieces from here (``formula_shaped``, ``excel_text``,
``row_height``, ``print_setup``)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from . import measure

FONT = "Times New Roman"
SIZE = 12
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these would be a formula (or DDE) to a spreadsheet that
# re-reads the text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_TEXT_MAX = 32_767
MAX_ROW_PX = 545  # Excel's ceiling: 409 pt
FOOTER = '&C&"Times New Roman,Regular"&11Trang &P/&N'


def formula_shaped(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def excel_text(value: str | None) -> str:
    """``value`` cut to what a cell holds: 32,767 UTF-16 units (an emoji counts two)."""
    value = value or ""
    if len(value) > EXCEL_TEXT_MAX // 2:
        units = value.encode("utf-16-le")
        if len(units) > 2 * EXCEL_TEXT_MAX:
            value = units[: 2 * EXCEL_TEXT_MAX].decode("utf-16-le", errors="ignore")
    return value


def workbook_open(destination: str | Path | io.BytesIO, *, constant_memory: bool = False):
    """A workbook that writes strings as strings, with Times New Roman as its default
    font. ``constant_memory`` streams rows to disk (rows must then be written in order)."""
    options = {
        "constant_memory": constant_memory,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "tmpdir": tempfile.gettempdir(),
        "default_format_properties": {"font_name": FONT, "font_size": SIZE},
    }
    if isinstance(destination, io.BytesIO):
        options["in_memory"] = True
        return xlsxwriter.Workbook(destination, options)
    return xlsxwriter.Workbook(str(destination), options)


def column_px(width: float) -> int:
    """A column's width in pixels, as XlsxWriter converts it (a lower bound of what an
    office suite shows: with a 12 pt default font its character unit is wider)."""
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def text_lines(value, *, width: float, size: float = SIZE, bold: bool = False) -> int:
    if value is None or value == "":
        return 1
    return measure.lines(str(value), width_px=column_px(width) - 8, size=size, bold=bold)


def row_height(
    cells: Sequence[tuple[object, float]], *, size: float = SIZE, bold: bool = False
) -> int:
    """The height in pixels of a row whose wrapped cells are (value, column width)."""
    count = max((text_lines(v, width=w, size=size, bold=bold) for v, w in cells), default=1)
    return min(MAX_ROW_PX, measure.height_px(count, size=size))


def print_setup(sheet, *, header_first: int, header_last: int, margins_cm=(1.5, 1.0, 1.5, 1.5)):
    """A4 landscape, fitted to one page wide, the header rows repeated on every page and
    frozen on screen, "Trang n/m" in the footer."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_first, header_last)
    sheet.freeze_panes(header_last + 1, 0)
    left, right, top, bottom = (value / 2.54 for value in margins_cm)
    sheet.set_margins(left=left, right=right, top=top, bottom=bottom)
    sheet.set_footer(FOOTER, {"margin": 0.3})
    sheet.center_horizontally()


class Styles:
    """Formats by their properties, made once per workbook; text formats have a
    quote-prefixed twin for formula-shaped text."""

    def __init__(self, book) -> None:
        self.book = book
        self._made: dict[tuple, object] = {}

    def get(self, **props):
        props = {"font_name": FONT, "font_size": SIZE, "valign": "top", **props}
        key = tuple(sorted(props.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format(props)
        return self._made[key]


def content_widths(
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    low: float = 6,
    high: float = 48,
    sample: int = 500,
) -> list[float]:
    """Column widths from what they hold: the longest cell of the first ``sample`` rows
    (or the header's longest word, which must not break), within [low, high]."""
    widths = []
    for i, title in enumerate(columns):
        longest_word = max((measure.text_px(w, size=SIZE, bold=True) for w in
                            str(title).split()), default=0)  # fmt: skip
        longest = max(
            (measure.text_px(str(row[i]), size=SIZE) for row in rows[:sample]
             if i < len(row) and row[i] is not None),
            default=0,
        )  # fmt: skip
        header_px = measure.text_px(str(title), size=SIZE, bold=True) / 2  # two lines
        need = max(longest, longest_word, header_px) + 12
        widths.append(round(min(high, max(low, need / 7)), 1))
    return widths


class SheetWriter:
    """One ordinary (not streamed) sheet: title lines across the table, a header row,
    data rows, each row as tall as its wrapped text; ``finish`` sets up printing."""

    def __init__(self, book, styles: Styles, name: str, widths: Sequence[float]) -> None:
        self.sheet = book.add_worksheet(name[:31])
        self.styles = styles
        self.widths = list(widths)
        self.row = 0
        self.header_rows: tuple[int, int] | None = None
        self.heights: dict[int, int] = {}
        for i, width in enumerate(self.widths):
            self.sheet.set_column(i, i, width)

    @property
    def last_col(self) -> int:
        return len(self.widths) - 1

    def _height(self, row: int, px: int) -> None:
        self.heights[row] = px
        self.sheet.set_row_pixels(row, px)

    def _text(self, row: int, col: int, value: str, fmt_props: dict) -> None:
        value = excel_text(value)
        if formula_shaped(value):
            fmt_props = {**fmt_props, "quote_prefix": True}
        self.sheet.write_string(row, col, value, self.styles.get(**fmt_props))

    def line(self, text: str = "", *, bold=False, italic=False, size=SIZE, align="center"):
        """A line of text merged across the table's width, as tall as it wraps."""
        props = {"bold": bold, "italic": italic, "font_size": size, "align": align,
                 "text_wrap": True, "valign": "vcenter"}  # fmt: skip
        if text:
            width = sum(self.widths)
            height = row_height([(text, width)], size=size, bold=bold)
            self._height(self.row, height)
            value = excel_text(text)
            if formula_shaped(value):
                props["quote_prefix"] = True
            if self.last_col:
                self.sheet.merge_range(self.row, 0, self.row, self.last_col, value,
                                       self.styles.get(**props))  # fmt: skip
            else:
                self.sheet.write_string(self.row, 0, value, self.styles.get(**props))
        self.row += 1

    def header(self, titles: Sequence[str]) -> None:
        props = {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                 "border": 1}  # fmt: skip
        height = row_height(list(zip(titles, self.widths, strict=False)), bold=True)
        self._height(self.row, height)
        for col, title in enumerate(titles):
            self._text(self.row, col, str(title), props)
        self.header_rows = (self.row, self.row)
        self.row += 1

    def values(self, values: Sequence, *, bold=False, center: Sequence[int] = (), height=None):
        """A data row: strings as text (never formulas), numbers as numbers, None as an
        empty bordered cell. Returns the row's index."""
        cells = []
        for col, value in enumerate(values):
            props = {"border": 1, "text_wrap": True, "bold": bold}
            if col in center or isinstance(value, int | float):
                props["align"] = "center"
            if value is None or value == "":
                self.sheet.write_blank(self.row, col, None, self.styles.get(**props))
            elif isinstance(value, bool) or not isinstance(value, int | float):
                self._text(self.row, col, str(value), props)
                cells.append((str(value), self.widths[col]))
            else:
                if isinstance(value, float):
                    props["num_format"] = "0.0"
                self.sheet.write_number(self.row, col, value, self.styles.get(**props))
        px = row_height(cells, bold=bold)
        self._height(self.row, max(px, height or 0))
        self.row += 1
        return self.row - 1

    def merge_down(self, first: int, last: int, col: int, value: str) -> None:
        """Merge ``col`` over rows first..last holding ``value``; the last row grows if
        the rows together are too short for it."""
        heights = [self.heights.get(row, 20) for row in range(first, last + 1)]
        props = {"border": 1, "text_wrap": True, "valign": "vcenter"}
        value = excel_text(value)
        if formula_shaped(value):
            props["quote_prefix"] = True
        need = row_height([(value, self.widths[col])])
        if need > sum(heights):
            self._height(last, heights[-1] + need - sum(heights))
        if last > first:
            self.sheet.merge_range(first, col, last, col, value, self.styles.get(**props))
        else:
            self.sheet.write_string(first, col, value, self.styles.get(**props))

    def finish(self) -> None:
        first, last = self.header_rows or (0, 0)
        print_setup(self.sheet, header_first=first, header_last=last)


def book_bytes(build) -> bytes:
    """Run ``build(book, styles)`` on a new in-memory workbook and return its bytes."""
    out = io.BytesIO()
    book = workbook_open(out)
    build(book, Styles(book))
    book.close()
    return out.getvalue()
