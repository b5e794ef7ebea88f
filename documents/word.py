"""Word documents in one format: the issuing unit's letterhead, the standard's sizes and
margins, Times New Roman everywhere (the styles Word's template names by theme
included), tables that print (widths from content, header rows repeated on each page,
rows never split across pages), the "Nơi nhận" and signature blocks."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from . import measure
from .issuer import Issuer

FONT = "Times New Roman"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
CELL_PADDING_CM = 0.5  # Word's default left + right cell margins (0.38), and some slack
RED = RGBColor(0xC0, 0x00, 0x00)


def _fonts(element) -> None:
    """Times New Roman for every script of ``element``'s run properties; no theme font."""
    rpr = element.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        element.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _times(fonts)


def _times(fonts) -> None:
    for attr in list(fonts.attrib):
        if "theme" in attr.lower():  # asciiTheme, hAnsiTheme, eastAsiaTheme, cstheme
            del fonts.attrib[attr]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), FONT)


def document_new(*, issuer: Issuer, landscape: bool = False) -> Document:
    """An empty A4 document in the issuer's standard: margins, Times New Roman at the
    text size in every style (Word's template names Calibri and Cambria through its
    theme; none of them is left)."""
    std = issuer.standard
    document = Document()
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _fonts(defaults)
    # Styles only refine the default: their theme fonts are rewritten where they are.
    for fonts in styles.iter(qn("w:rFonts")):
        _times(fonts)
    for color in list(styles.iter(qn("w:color"))):
        if color.get(qn("w:themeColor")):  # the headings' blue
            color.getparent().remove(color)
    normal = document.styles["Normal"]
    normal.font.size = Pt(std.text_size)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    top, bottom, left, right = std.margins
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        top, bottom, left, right = 2.0, 2.0, 2.0, 2.0
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    section.header_distance = section.footer_distance = Cm(1)
    return document


def page_numbers(document) -> None:
    """The page number at the top centre from the second page on (as both standards
    place it)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    _field(run, "PAGE")
    run.font.size = Pt(13)


def _field(run, code: str) -> None:
    begin, text, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, end):
        run._r.append(element)


def text_width(document) -> Emu:
    section = document.sections[-1]
    return Emu(section.page_width - section.left_margin - section.right_margin)


def paragraph(
    container,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align=None,
    indent: float | None = None,
    before: float = 0,
    after: float = 0,
    color: RGBColor | None = None,
):
    """A paragraph of runs; "\\n" in ``text`` is a line break."""
    para = container.add_paragraph()
    if text:
        lines = text.split("\n")
        for i, line in enumerate(lines):
            run = para.add_run(line)
            run.bold, run.italic, run.underline = bold, italic, underline
            if size:
                run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
            if i < len(lines) - 1:
                run.add_break()
    fmt = para.paragraph_format
    if align is not None:
        para.alignment = align
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    return para


def body(container, text: str, *, size: float, **kw):
    """A paragraph of running text: justified, first line indented, a little apart."""
    return paragraph(container, text, size=size, align=JUSTIFY, indent=1.0, after=6, **kw)


def _cell_lines(cell, lines: Sequence[tuple[str, float, bool, bool, bool]]) -> None:
    """``lines``: (text, size, bold, italic, underline), each its own centred paragraph."""
    for i, (text, size, bold, italic, underline) in enumerate(lines):
        para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        para.alignment = CENTER
        para.paragraph_format.space_after = Pt(0)
        if text:
            run = para.add_run(text)
            run.bold, run.italic, run.underline = bold, italic, underline
            run.font.size = Pt(size)


def borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def fixed_widths(table, widths: Sequence[int]) -> None:
    """Column widths that hold: a fixed layout, the grid and every cell told."""
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Emu(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Emu(width)


def two_blocks(document, left_lines, right_lines, *, share: float = 0.45):
    """Two side-by-side blocks without borders (letterhead, signature)."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borderless(table)
    total = text_width(document)
    fixed_widths(table, [int(total * share), total - int(total * share)])
    left, right = table.rows[0].cells
    _cell_lines(left, left_lines)
    _cell_lines(right, right_lines)
    return table


def letterhead(
    document,
    *,
    issuer: Issuer,
    day: datetime.date | None,
    number: str | None = None,
    body_lines: Sequence[str] | None = None,
) -> None:
    """The issuing body (its parent above it, a "*" under a Party body), the "Số" line
    when the document type has one; the national heading and the place and date."""
    std = issuer.standard
    left = []
    if issuer.parent:
        left.append((issuer.parent.upper(), std.parent_size, False, False, False))
    for line in body_lines or issuer.name.upper().split("\n"):
        left.append((line, std.body_size, True, False, False))
    if std.star:
        left.append(("*", std.body_size, False, False, False))
    if number:
        left.append((number, std.number_size, False, False, False))
    right = [
        (text, size, bold, False, std.nation_underlined and i == len(std.nation) - 1)
        for i, (text, size, bold) in enumerate(std.nation)
    ]
    if day is not None:
        right.append(("", 6, False, False, False))
        right.append((issuer.place_date(day), std.place_size, False, True, False))
    two_blocks(document, left, right, share=0.5)


def title(document, *, issuer: Issuer, kind: str, subject: str = "", before: float = 12) -> None:
    """The document type ("BÁO CÁO", "QUYẾT ĐỊNH"…) and what it is about, centred."""
    std = issuer.standard
    paragraph(document, kind, size=std.type_size, bold=True, align=CENTER, before=before)
    if subject:
        paragraph(document, subject, size=std.subject_size, bold=True, align=CENTER)
    paragraph(document, "-----", size=std.subject_size, align=CENTER, after=6)


def heading(document, text: str, *, issuer: Issuer):
    """A section heading: bold Times New Roman at the text size (never Word's styles)."""
    return paragraph(
        document, text, size=issuer.standard.text_size, bold=True, align=JUSTIFY,
        indent=1.0, before=6, after=6,
    )  # fmt: skip


def _column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], total: int, size: float
) -> list[int]:
    """Each column gets at least its longest word (and the header's), and what is left
    goes to the columns whose text is long, in proportion to what they lack."""
    pad = Cm(CELL_PADDING_CM)
    emu_per_px = 9525
    low, high = [], []
    for i, name in enumerate(columns):
        texts = [str(name)] + [str(r[i]) for r in rows[:500] if r[i] not in (None, "")]
        words = [w for t in texts for w in t.split()] or [""]
        word = max(measure.text_px(w, size=size, bold=True) for w in words)
        line = max(measure.text_px(t, size=size) for t in texts[1:] or [""])
        header = measure.text_px(str(name), size=size, bold=True)
        low.append(int(word * emu_per_px) + pad)
        # A header may take two lines; a cell's text wants its one line.
        high.append(int(max(line, header / 2, word) * emu_per_px) + pad)
    if sum(high) <= total:
        spare = total - sum(high)
        return [h + spare * h // sum(high) for h in high]
    if sum(low) >= total:
        return [total * x // sum(low) for x in low]
    # Water-filling: a column that wants less than an equal share of what is left gets
    # what it wants; the long ones share the rest equally (never under their longest
    # word), so one long column does not squeeze the others to their minimum.
    widths: dict[int, int] = {}
    open_cols = list(range(len(columns)))
    remaining = total
    while open_cols:
        share = remaining // len(open_cols)
        fits = [i for i in open_cols if high[i] <= share]
        if not fits:
            break
        for i in fits:
            widths[i] = high[i]
            remaining -= high[i]
        open_cols = [i for i in open_cols if i not in fits]
    if open_cols:
        share = remaining // len(open_cols)
        wide = {i: max(low[i], share) for i in open_cols}
        scale = remaining / sum(wide.values())
        widths.update({i: int(w * scale) for i, w in wide.items()})
    return [widths[i] for i in range(len(columns))]


def table(
    document,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    size: float,
    total: Sequence | None = None,
    center: Sequence[int] = (),
    merge_down: int | None = None,
):
    """A bordered table: widths from its content, the header row repeated on every page,
    no row split across pages. ``merge_down``: a column whose equal consecutive values
    are merged into one cell (the unit over its models)."""
    text_rows = [["" if v is None else str(v) for v in row] for row in rows]
    sized = text_rows + ([["" if v is None else str(v) for v in total]] if total else [])
    widths = _column_widths(columns, sized, text_width(document), size)
    grid = document.add_table(rows=1 + len(text_rows) + (total is not None), cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed_widths(grid, widths)
    all_rows = [(list(columns), True), *((r, False) for r in text_rows)]
    if total is not None:
        all_rows.append((["" if v is None else str(v) for v in total], True))
    for index, ((values, bold), row) in enumerate(zip(all_rows, grid.rows, strict=True)):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            para = cell.paragraphs[0]
            if index == 0 or i in center:
                para.alignment = CENTER
            if value:
                run = para.add_run(value)
                run.bold = bold
                run.font.size = Pt(size)
    header = grid.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    if merge_down is not None:
        _merge_equal(grid, merge_down, first=1, last=len(text_rows))
    return grid


def _merge_equal(grid, col: int, *, first: int, last: int) -> None:
    start = first
    for index in range(first, last + 2):
        same = index <= last and grid.rows[index].cells[col].text == (
            grid.rows[start].cells[col].text
        )
        if same:
            continue
        if index - 1 > start:
            text = grid.rows[start].cells[col].text
            merged = grid.rows[start].cells[col].merge(grid.rows[index - 1].cells[col])
            for para in merged.paragraphs[1:]:
                para._p.getparent().remove(para._p)
            merged.paragraphs[0].runs[0].text = text
            for run in merged.paragraphs[0].runs[1:]:
                run._r.getparent().remove(run._r)
        start = index


def boxed(cell, text: str, *, size: float, height_cm: float) -> None:
    """``cell`` framed, at least ``height_cm`` tall, its text centred (a photo box)."""
    props = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "6")
        borders.append(element)
    props.append(borders)
    valign = OxmlElement("w:vAlign")
    valign.set(qn("w:val"), "center")
    props.append(valign)
    row = cell._tc.getparent()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Cm(height_cm).twips)))
    height.set(qn("w:hRule"), "atLeast")
    row.get_or_add_trPr().append(height)
    _cell_lines(cell, [(line, size, False, False, False) for line in text.split("\n")])


def recipients_and_signature(
    document,
    *,
    issuer: Issuer,
    recipients: Sequence[str] | None,
    authority_lines: Sequence[str] | None = None,
    signer_name: str = "",
    place_date: str = "",
) -> None:
    """ "Nơi nhận" (when the document type has it) at the left, the signature block at the
    right: on behalf of the body, the signer's title, room to sign, the name."""
    std = issuer.standard
    left = []
    if recipients:
        party = issuer.system == "party"
        left.append(("Nơi nhận:", std.recipients_title_size, not party, not party, party))
        left.extend((f"- {r}", std.recipients_size, False, False, False) for r in recipients)
    authority = list(authority_lines or [issuer.on_behalf, issuer.signer_title.upper()])
    right = [(place_date, std.place_size, False, True, False)] if place_date else []
    right += [(line, std.signer_size, True, False, False) for line in authority]
    right += [("", std.signer_size, False, False, False)] * 3
    right.append((signer_name or issuer.signer_name, std.signer_size, True, False, False))
    table = two_blocks(document, left, right, share=0.45)
    if recipients:
        for para in table.rows[0].cells[0].paragraphs:
            para.alignment = LEFT
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def page_break(document, *, landscape: bool | None = None):
    """A new page; with ``landscape`` set, a new section turned that way."""
    if landscape is None:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        return document.sections[-1]
    previous = document.sections[-1]
    section = document.add_section(WD_SECTION.NEW_PAGE)
    if landscape and previous.orientation != WD_ORIENT.LANDSCAPE:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = previous.page_height, previous.page_width
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2)
    return section


def page_border(section, *, style: str = "thinThickSmallGap", size: int = 24) -> None:
    """A frame around the page (a certificate's)."""
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), style)
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "24")
        element.set(qn("w:color"), "B91C1C")
        borders.append(element)
    sect = section._sectPr
    # pgBorders goes after pgMar (schema order): before cols/docGrid if present.
    anchor = sect.find(qn("w:cols"))
    if anchor is None:
        anchor = sect.find(qn("w:docGrid"))
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        sect.append(borders)


def document_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
