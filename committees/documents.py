"""The papers of a recognition decision: the decision itself followed by its annex
(phụ lục) — the list of the models it recognises, by unit — as a Word document, the
annex as an Excel workbook, and a certificate (giấy chứng nhận) per recognised model,
laid out differently for a collective (tập thể) and an individual (cá nhân).

Every Word file takes the issuing unit's letterhead and signature block from
``documents`` (one format for every document of the BCĐ); the workbook goes through the
project's one safe writer (``documents.xlsx``): a model named "=HYPERLINK(...)" stays
text. Built from the decision's awarded rounds and their cases; nothing here writes to
the database.
"""

from dataclasses import dataclass
from itertools import groupby

from docx.shared import Cm, Pt

from documents import word
from documents import xlsx as sheets
from documents.issuer import Issuer, issuer_get
from models_registry.models import Initiative, Subject

from .case_selectors import decision_awarded_rounds
from .models import RecognitionDecision, VoteRound

XLSX_TYPE = sheets.XLSX_TYPE
DOCX_TYPE = word.DOCX_TYPE

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

DECISION = "QUYẾT ĐỊNH"
DECISION_SUBJECT = "công nhận mô hình, điển hình “Dân vận khéo”\ntiêu biểu {level} năm {year}"
DECISION_BASIS = (
    "Căn cứ Kế hoạch số {plan} của {issuer} về thực hiện phong trào thi đua "
    "“Dân vận khéo” năm {year};"
)
DECISION_BASIS_NO_PLAN = (
    "Căn cứ kế hoạch thực hiện phong trào thi đua “Dân vận khéo” năm {year} của {issuer};"
)
DECISION_REVIEW = "Căn cứ kết quả kiểm tra thực tế và kết quả biểu quyết của {committee};"
DECISION_PROPOSAL = "Xét đề nghị của Thường trực Ban Chỉ đạo,"
DECISION_ARTICLE_1 = (
    "Điều 1. Công nhận {total} mô hình, điển hình “Dân vận khéo” tiêu biểu {level} năm "
    "{year} ({collective} tập thể, {individual} cá nhân) (có danh sách kèm theo)."
)
DECISION_ARTICLE_2 = (
    "Điều 2. Các tập thể, cá nhân có tên tại Điều 1 được cấp Giấy chứng nhận mô hình, "
    "điển hình “Dân vận khéo” tiêu biểu; tiếp tục duy trì, phát huy và nhân rộng mô hình."
)
DECISION_ARTICLE_3 = (
    "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Thường trực Ban Chỉ đạo, các đơn vị, "
    "tập thể và cá nhân có tên tại Điều 1 căn cứ Quyết định thi hành."
)
DECISION_RECIPIENTS = ("Như Điều 3;", "Thường trực Thành ủy (để báo cáo);", "Lưu VP.")

CERTIFICATE = "GIẤY CHỨNG NHẬN"
CERT_COLLECTIVE_KIND = "MÔ HÌNH “DÂN VẬN KHÉO” TIÊU BIỂU {level} NĂM {year}"
CERT_INDIVIDUAL_KIND = "ĐIỂN HÌNH “DÂN VẬN KHÉO” TIÊU BIỂU {level} NĂM {year}"
CERT_CERTIFIES = "chứng nhận"
CERT_COLLECTIVE_WHO = "Tập thể: {unit}"
CERT_COLLECTIVE_WHAT = "Với mô hình: “{name}”"
CERT_INDIVIDUAL_WHO = "Ông (bà): {person}"
CERT_INDIVIDUAL_UNIT = "Đơn vị: {unit}"
CERT_INDIVIDUAL_WHAT = "Thành tích: {achievement}"
CERT_FIELDS = "Lĩnh vực: {fields}"
CERT_BASIS = (
    "Đã được công nhận là {kind} “Dân vận khéo” tiêu biểu {level} năm {year}\n"
    "(Quyết định số {number} ngày {date} của {issuer})."
)
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
    plan: str = ""

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
    def counts(self) -> dict[str, int]:
        collective = sum(row.collective for row in self.rows)
        return {
            "total": len(self.rows),
            "collective": collective,
            "individual": len(self.rows) - collective,
        }

    @property
    def total(self) -> str:
        return TOTAL.format(**self.counts)

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
    campaign = decision.level.campaign
    plan = ""
    if campaign.plan_number:
        plan = campaign.plan_number
        if campaign.plan_date:
            plan += f" ngày {campaign.plan_date:%d/%m/%Y}"
    return Annex(
        decision=decision,
        issuer=_issuer(decision, cases),
        year=campaign.year,
        level=level.lower(),
        rows=rows,
        plan=plan,
    )


# --- the annex as a workbook ---

ANNEX_WIDTHS = (6, 30, 48, 8, 8, 24, 16)


def annex_xlsx(annex: Annex) -> bytes:
    """The annex as an .xlsx workbook: title block, header, one row per model with the
    unit's cell merged over its models, and the total; it prints on A4 landscape."""

    def build(book, styles):
        sheet = sheets.SheetWriter(book, styles, "Phụ lục", ANNEX_WIDTHS)
        sheet.line(ANNEX_TITLE, bold=True, size=13)
        sheet.line(annex.subtitle, bold=True)
        sheet.line(annex.reference, italic=True)
        sheet.line()
        sheet.header(HEADERS)
        for unit, rows in annex.by_unit():
            first = sheet.row
            for item in rows:
                sheet.values(
                    [
                        item.number,
                        "",
                        item.name,
                        MARK if item.collective else None,
                        None if item.collective else MARK,
                        item.fields,
                        item.level,
                    ],
                    center=(0, 3, 4),
                )
            sheet.merge_down(first, sheet.row - 1, 1, unit)
        if not annex.rows:
            sheet.line(EMPTY, italic=True, align="left")
        sheet.line(annex.total, bold=True, align="left")
        sheet.finish()

    return sheets.book_bytes(build)


# --- the decision and its annex as a Word document ----------------------------------------


def _signer_name(issuer: Issuer, decision: RecognitionDecision) -> str:
    """The configured signer, else the person who recorded the decision."""
    if issuer.signer_name:
        return issuer.signer_name
    user = decision.signed_by
    return user.get_full_name() or user.username


def _decision_pages(document, annex: Annex, issuer: Issuer) -> None:
    std = issuer.standard
    decision = annex.decision
    word.letterhead(
        document,
        issuer=issuer,
        day=decision.date,
        number=issuer.number("QĐ", decision.number),
    )
    word.title(
        document,
        issuer=issuer,
        kind=DECISION,
        subject=DECISION_SUBJECT.format(level=annex.level, year=annex.year),
    )
    word.paragraph(
        document, issuer.name.replace("\n", " ").upper(), size=std.text_size, bold=True,
        align=word.CENTER, after=6,
    )  # fmt: skip
    basis = (
        DECISION_BASIS.format(plan=annex.plan, issuer=annex.issuer, year=annex.year)
        if annex.plan
        else DECISION_BASIS_NO_PLAN.format(issuer=annex.issuer, year=annex.year)
    )
    for line in (basis, DECISION_REVIEW.format(committee=decision.committee.name),
                 DECISION_PROPOSAL):  # fmt: skip
        word.body(document, line, size=std.text_size, italic=True)
    word.paragraph(
        document, "QUYẾT ĐỊNH:", size=std.text_size, bold=True, align=word.CENTER, after=6
    )
    articles = (
        DECISION_ARTICLE_1.format(level=annex.level, year=annex.year, **annex.counts),
        DECISION_ARTICLE_2,
        DECISION_ARTICLE_3,
    )
    for article in articles:
        head, _, rest = article.partition(". ")
        para = word.body(document, "", size=std.text_size)
        para.add_run(head + ". ").bold = True
        para.add_run(rest)
        for run in para.runs:
            run.font.size = Pt(std.text_size)
    word.paragraph(document, "", after=6)
    word.recipients_and_signature(
        document,
        issuer=issuer,
        recipients=DECISION_RECIPIENTS,
        signer_name=_signer_name(issuer, decision),
    )


def _annex_pages(document, annex: Annex, issuer: Issuer) -> None:
    std = issuer.standard
    word.paragraph(document, ANNEX_TITLE, size=std.type_size, bold=True, align=word.CENTER)
    word.paragraph(document, annex.subtitle, size=std.subject_size, bold=True, align=word.CENTER)
    word.paragraph(document, annex.reference, size=std.subject_size, italic=True,
                   align=word.CENTER)  # fmt: skip
    word.paragraph(document, "-----", align=word.CENTER, after=6)
    rows = [
        [
            item.number,
            item.unit,
            item.name,
            MARK if item.collective else "",
            "" if item.collective else MARK,
            item.fields,
            item.level,
        ]
        for item in annex.rows
    ]
    if rows:
        word.table(document, HEADERS, rows, size=std.table_size, center=(0, 3, 4), merge_down=1)
    else:
        word.paragraph(document, EMPTY, italic=True)
    word.paragraph(document, annex.total, size=std.table_size + 1, bold=True, before=6)


def annex_docx(annex: Annex) -> bytes:
    """The decision, as the BCĐ issues it (letterhead, number, basis, articles, "Nơi
    nhận", signature), followed by its annex on landscape pages: the table by unit (unit
    cells merged over their models; header repeated, rows never split) and the total."""
    issuer = issuer_get()
    document = word.document_new(issuer=issuer)
    _decision_pages(document, annex, issuer)
    word.page_break(document, landscape=True)
    _annex_pages(document, annex, issuer)
    return word.document_bytes(document)


# --- certificates -------------------------------------------------------------------------


def _person_and_achievement(case: Initiative) -> tuple[str, str]:
    """An exemplar is registered as "<person> — <what they did>" (the form has no
    separate name column); otherwise the whole name is the person."""
    person, sep, achievement = case.name.partition(" — ")
    return (person.strip(), achievement.strip()) if sep else (case.name, case.name)


def certificate_docx(*, decision: RecognitionDecision, round_: VoteRound) -> bytes:
    """The certificate of one recognised model: one landscape A4 page in a frame, the
    BCĐ's letterhead, the title, who is recognised (the collective and its model, or the
    person, their unit and achievement, beside a photo box), the decision it rests on,
    place and date, and the BCĐ's signature block."""
    issuer = issuer_get()
    std = issuer.standard
    case = round_.case
    level = decision.level.name.lower()
    year = case.campaign.year
    basis = {
        "level": level,
        "year": year,
        "number": decision.number,
        "date": decision.date.strftime("%d/%m/%Y"),
        "issuer": case.campaign.issuer or DEFAULT_ISSUER,
    }
    document = word.document_new(issuer=issuer, landscape=True)
    section = document.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.6)
    section.left_margin = section.right_margin = Cm(2.2)
    word.page_border(section)
    word.letterhead(document, issuer=issuer, day=None)
    word.paragraph(document, CERTIFICATE, size=34, bold=True, align=word.CENTER, before=18,
                   color=word.RED)  # fmt: skip
    individual = case.subject == Subject.INDIVIDUAL
    kind = CERT_INDIVIDUAL_KIND if individual else CERT_COLLECTIVE_KIND
    word.paragraph(document, kind.format(level=level.upper(), year=year), size=16, bold=True,
                   align=word.CENTER, before=4)  # fmt: skip
    word.paragraph(
        document, f"{issuer.name.replace(chr(10), ' ')} {CERT_CERTIFIES}", size=std.text_size,
        italic=True, align=word.CENTER, before=14, after=8,
    )  # fmt: skip
    if individual:
        person, achievement = _person_and_achievement(case)
        lines = [
            (CERT_INDIVIDUAL_WHO.format(person=person), 20, True),
            (CERT_INDIVIDUAL_UNIT.format(unit=case.unit.name), std.text_size, False),
            (CERT_INDIVIDUAL_WHAT.format(achievement=achievement), std.text_size, False),
        ]
        kind_word = "điển hình"
    else:
        lines = [
            (CERT_COLLECTIVE_WHO.format(unit=case.unit.name), 20, True),
            (CERT_COLLECTIVE_WHAT.format(name=case.name), std.text_size + 1, True),
        ]
        kind_word = "mô hình"
    lines.append((CERT_FIELDS.format(fields=case.fields_display), std.text_size, False))
    if individual:
        _individual_block(document, lines)
    else:
        for text, size, bold in lines:
            word.paragraph(document, text, size=size, bold=bold, align=word.CENTER, after=4)
    word.paragraph(document, CERT_BASIS.format(kind=kind_word, **basis), size=std.text_size,
                   italic=True, align=word.CENTER, before=10, after=10)  # fmt: skip
    word.recipients_and_signature(
        document,
        issuer=issuer,
        recipients=None,
        place_date=issuer.place_date(decision.date),
        signer_name=_signer_name(issuer, decision),
    )
    return word.document_bytes(document)


def _individual_block(document, lines) -> None:
    """A 3 × 4 photo box at the left of the person's lines."""
    total = word.text_width(document)
    photo_width = int(Cm(3.6))
    grid = document.add_table(rows=1, cols=2)
    word.borderless(grid)
    word.fixed_widths(grid, [photo_width, total - photo_width])
    photo, text = grid.rows[0].cells
    word.boxed(photo, CERT_PHOTO, size=11, height_cm=4.4)
    for i, (line, size, bold) in enumerate(lines):
        para = text.paragraphs[0] if i == 0 else text.add_paragraph()
        para.alignment = word.CENTER
        para.paragraph_format.space_after = Pt(4)
        run = para.add_run(line)
        run.bold = bold
        run.font.size = Pt(size)


def certificate_filename(round_: VoteRound) -> str:
    kind = "ca-nhan" if round_.case.subject == Subject.INDIVIDUAL else "tap-the"
    return f"giay-chung-nhan-{kind}-{round_.case_id}.docx"
