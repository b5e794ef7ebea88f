"""The papers of a recognition decision: its annex (phụ lục) — the list of the models it
recognises, by unit — as an Excel workbook and as a Word document, and a certificate
(giấy chứng nhận) per recognised model, laid out differently for a collective (tập thể)
and an individual (cá nhân).

Built from the decision's awarded rounds (``workflow.models.VoteRound``) and their cases;
nothing here writes to the database. Every text cell of the workbook is a string, never a
formula: a model named "=HYPERLINK(...)" stays text.
"""

import io
from dataclasses import dataclass
from itertools import groupby

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from models_registry.models import Initiative, Subject

from .case_selectors import decision_awarded_rounds
from .models import RecognitionDecision, VoteRound

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
ANNEX_TITLE = "PHỤ LỤC"
ANNEX_SUBTITLE = "DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” TIÊU BIỂU {level} NĂM {year}"
ANNEX_REFERENCE = "(Kèm theo Quyết định số {number} ngày {date} của {issuer})"
HEADERS = (
    "STT",
    "Tên đơn vị",
    "Tên mô hình, điển hình",
    "Tập thể",
    "Cá nhân",
    "Lĩnh vực",
    "Cấp công nhận",
)
TOTAL = "Tổng cộng: {total} mô hình, điển hình ({collective} tập thể, {individual} cá nhân)"
EMPTY = "Quyết định chưa công nhận mô hình nào."
MARK = "x"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CERTIFICATE = "GIẤY CHỨNG NHẬN"
CERT_COLLECTIVE_KIND = "Mô hình “Dân vận khéo” tiêu biểu {level} năm {year}"
CERT_INDIVIDUAL_KIND = "Điển hình “Dân vận khéo” tiêu biểu {level} năm {year}"
CERT_COLLECTIVE_WHO = "Chứng nhận tập thể: {unit}"
CERT_COLLECTIVE_WHAT = "Đã xây dựng mô hình: “{name}”"
CERT_INDIVIDUAL_WHO = "Chứng nhận cá nhân: {person}"
CERT_INDIVIDUAL_UNIT = "Đơn vị: {unit}"
CERT_INDIVIDUAL_WHAT = "Thành tích: {achievement}"
CERT_FIELDS = "Lĩnh vực: {fields}"
CERT_BASIS = (
    "Được công nhận là {kind} “Dân vận khéo” tiêu biểu {level} theo Quyết định số {number} "
    "ngày {date} của {issuer}."
)
CERT_PLACE_DATE = "{place}, {date}"
CERT_SIGNER_ROLE = "TM. {committee}\nCHỦ TỊCH"
CERT_PHOTO = "Ảnh\n3 × 4"
DEFAULT_ISSUER = "Ban Chỉ đạo phong trào thi đua “Dân vận khéo”"


def date_words(day) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


@dataclass(frozen=True)
class AnnexRow:
    number: int
    unit: str
    name: str
    collective: bool
    fields: str
    level: str


@dataclass(frozen=True)
class Annex:
    decision: RecognitionDecision
    issuer: str
    year: int
    level: str
    rows: list[AnnexRow]

    @property
    def subtitle(self) -> str:
        return ANNEX_SUBTITLE.format(level=self.level.upper(), year=self.year)

    @property
    def reference(self) -> str:
        return ANNEX_REFERENCE.format(
            number=self.decision.number,
            date=self.decision.date.strftime("%d/%m/%Y"),
            issuer=self.issuer,
        )

    @property
    def total(self) -> str:
        collective = sum(row.collective for row in self.rows)
        return TOTAL.format(
            total=len(self.rows), collective=collective, individual=len(self.rows) - collective
        )

    def by_unit(self) -> list[tuple[str, list[AnnexRow]]]:
        return [(unit, list(rows)) for unit, rows in groupby(self.rows, key=lambda r: r.unit)]


def _issuer(decision: RecognitionDecision, cases: list[Initiative]) -> str:
    campaign = cases[0].campaign if cases else None
    return (campaign.issuer if campaign else "") or DEFAULT_ISSUER


def annex_build(*, decision: RecognitionDecision, rounds: list[VoteRound] | None = None) -> Annex:
    """The annex's rows: one per recognised model, by unit (directory order), collective
    before individual, numbered from 1."""
    rounds = decision_awarded_rounds(decision=decision) if rounds is None else rounds
    cases = [r.case for r in rounds]
    level = decision.level.name
    rows = [
        AnnexRow(
            number=i,
            unit=case.unit.name,
            name=case.name,
            collective=case.subject == Subject.COLLECTIVE,
            fields=case.fields_display,
            level=level,
        )
        for i, case in enumerate(cases, start=1)
    ]
    return Annex(
        decision=decision,
        issuer=_issuer(decision, cases),
        year=decision.level.campaign.year,
        level=level.lower(),
        rows=rows,
    )


# --- the annex as a workbook --------------------------------------------------------------


def _text(cell, value: str) -> None:
    cell.value = value
    if value.startswith(FORMULA_TRIGGERS):
        # Stored as a string, and quote-prefixed so that editing the cell keeps it text.
        cell.data_type = "s"
        cell.quotePrefix = True


def annex_xlsx(annex: Annex) -> bytes:
    """The annex as an .xlsx workbook: title block, header, one row per model with the
    unit's cell merged over its models, and the total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục"
    width = len(HEADERS)
    last = get_column_letter(width)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    for row, (text, font) in enumerate(
        [
            (ANNEX_TITLE, Font(bold=True, size=13)),
            (annex.subtitle, Font(bold=True, size=12)),
            (annex.reference, Font(italic=True)),
        ],
        start=1,
    ):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1)
        _text(cell, text)
        cell.font = font
        cell.alignment = center

    header_row = 5
    for column, title in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=title)
        cell.font = bold
        cell.alignment = center
        cell.border = box

    row = header_row + 1
    for unit, rows in annex.by_unit():
        first = row
        for item in rows:
            values = [
                item.number,
                unit if row == first else None,
                item.name,
                MARK if item.collective else None,
                None if item.collective else MARK,
                item.fields,
                item.level,
            ]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column)
                if isinstance(value, str):
                    _text(cell, value)
                else:
                    cell.value = value
                cell.border = box
                cell.alignment = center if column in (1, 4, 5) else wrap
            row += 1
        if row - 1 > first:
            sheet.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
    if not annex.rows:
        sheet.merge_cells(f"A{row}:{last}{row}")
        _text(sheet.cell(row=row, column=1), EMPTY)
        row += 1
    sheet.merge_cells(f"A{row}:{last}{row}")
    total = sheet.cell(row=row, column=1)
    _text(total, annex.total)
    total.font = bold

    for column, size in enumerate((6, 30, 48, 9, 9, 28, 22), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the annex as a Word document ---------------------------------------------------------


def _paragraph(container, text: str, *, bold=False, italic=False, size=13, align=None):
    paragraph = container.add_paragraph()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()
        run.bold = bold
        run.italic = italic
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(2)
    return paragraph


def _lines(cell, lines: list[tuple[str, bool]], *, size=12) -> None:
    """Fill ``cell`` with centred lines, each (text, bold)."""
    first = cell.paragraphs[0]
    for i, (text, bold) in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)


def _document(*, landscape: bool) -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    return document


def _letterhead(document, issuer: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _lines(left, [(issuer.upper(), True)], size=12)
    _lines(right, [(NATION, True), (MOTTO, True)], size=12)


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def annex_docx(annex: Annex) -> bytes:
    """The annex as a Word document, in the usual form: letterhead, title, reference to
    the decision, the table by unit (unit cells merged over their models), the total."""
    document = _document(landscape=True)
    _letterhead(document, annex.issuer)
    _paragraph(document, "", size=6)
    _paragraph(document, ANNEX_TITLE, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, annex.subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, annex.reference, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, HEADERS, strict=True):
        _lines(cell, [(title, True)], size=12)
    for unit, rows in annex.by_unit():
        first = None
        for item in rows:
            cells = table.add_row().cells
            values = [
                str(item.number),
                unit if first is None else "",
                item.name,
                MARK if item.collective else "",
                "" if item.collective else MARK,
                item.fields,
                item.level,
            ]
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(12)
            for index in (0, 3, 4):
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if first is None:
                first = cells[1]
            else:
                first = first.merge(cells[1])
                # merge() joins the texts; the unit's name is written once.
                first.text = unit
    if not annex.rows:
        _paragraph(document, EMPTY, italic=True)
    _paragraph(document, annex.total, bold=True)
    return _save(document)


# --- certificates -------------------------------------------------------------------------


def _person_and_achievement(case: Initiative) -> tuple[str, str]:
    """An exemplar is registered as "<person> — <what they did>" (the form has no
    separate name column); otherwise the whole name is the person."""
    person, sep, achievement = case.name.partition(" — ")
    return (person.strip(), achievement.strip()) if sep else (case.name, case.name)


def _signature(document, *, place: str, decision: RecognitionDecision, committee: str) -> None:
    table = document.add_table(rows=1, cols=2)
    _, right = table.rows[0].cells
    _lines(
        right,
        [
            (CERT_PLACE_DATE.format(place=place, date=date_words(decision.date)), False),
            *(
                (line, True)
                for line in CERT_SIGNER_ROLE.format(committee=committee.upper()).split("\n")
            ),
            ("", False),
            ("", False),
            (decision.signed_by.get_full_name() or decision.signed_by.username, True),
        ],
        size=13,
    )


def certificate_docx(*, decision: RecognitionDecision, round_: VoteRound) -> bytes:
    """The certificate of one recognised model: a framed portrait page for a collective,
    a landscape page with a photo box for an individual."""
    case = round_.case
    committee = decision.committee
    issuer = case.campaign.issuer or DEFAULT_ISSUER
    level = decision.level.name.lower()
    year = case.campaign.year
    basis_common = {
        "level": level,
        "number": decision.number,
        "date": decision.date.strftime("%d/%m/%Y"),
        "issuer": issuer,
    }
    if case.subject == Subject.INDIVIDUAL:
        document = _document(landscape=True)
        _letterhead(document, issuer)
        _paragraph(document, "", size=6)
        _paragraph(document, CERTIFICATE, bold=True, size=28, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(
            document,
            CERT_INDIVIDUAL_KIND.format(level=level, year=year),
            bold=True,
            size=15,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        person, achievement = _person_and_achievement(case)
        body = document.add_table(rows=1, cols=2)
        body.style = "Table Grid"
        photo, text = body.rows[0].cells
        photo.width, text.width = Cm(4), Cm(21)
        _lines(photo, [(CERT_PHOTO, False)], size=11)
        text.paragraphs[0].add_run(CERT_INDIVIDUAL_WHO.format(person=person)).bold = True
        for line in (
            CERT_INDIVIDUAL_UNIT.format(unit=case.unit.name),
            CERT_INDIVIDUAL_WHAT.format(achievement=achievement),
            CERT_FIELDS.format(fields=case.fields_display),
            CERT_BASIS.format(kind="điển hình", **basis_common),
        ):
            text.add_paragraph(line)
    else:
        document = _document(landscape=False)
        frame = document.add_table(rows=1, cols=1)
        frame.style = "Table Grid"
        cell = frame.rows[0].cells[0]
        _lines(
            cell,
            [
                (NATION, True),
                (MOTTO, True),
                ("", False),
                (issuer.upper(), True),
                ("", False),
                (CERTIFICATE, True),
                (CERT_COLLECTIVE_KIND.format(level=level, year=year), True),
                ("", False),
                (CERT_COLLECTIVE_WHO.format(unit=case.unit.name), True),
                (CERT_COLLECTIVE_WHAT.format(name=case.name), False),
                (CERT_FIELDS.format(fields=case.fields_display), False),
                (CERT_BASIS.format(kind="mô hình", **basis_common), False),
            ],
            size=14,
        )
        certificate_run = cell.paragraphs[5].runs[0]
        certificate_run.font.size = Pt(30)
        certificate_run.font.color.rgb = RGBColor(0xB9, 0x1C, 0x1C)
    _paragraph(document, "", size=6)
    _signature(document, place=committee.unit.name, decision=decision, committee=committee.name)
    return _save(document)


def certificate_filename(round_: VoteRound) -> str:
    kind = "ca-nhan" if round_.case.subject == Subject.INDIVIDUAL else "tap-the"
    return f"giay-chung-nhan-{kind}-{round_.case_id}.docx"
