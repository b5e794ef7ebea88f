"""Every document the project writes, opened in the office suite many public offices run:
each Word file and workbook, made from the demo with its longest names made longer still,
is converted to PDF by LibreOffice headless in one call, and the PDF is checked — it
converts; its fonts are Times New Roman (or, where that font is not installed, its
metric-compatible substitute Liberation Serif: the same widths, so the same pages); every
case name is in its text; it has the pages expected; a workbook prints on A4 landscape.
The first page of each is rendered to PNG (into $DVK_DOC_SHOTS when set) to be looked at.

The fonts the files themselves ask for are checked too: Times New Roman only, in every
run, style and default (Word's template names Calibri and Cambria through its theme), and
in every workbook's font table."""

import datetime
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from PIL import ImageFont

from committees import documents as decision_docs
from committees.case_selectors import decision_awarded_rounds
from committees.models import RecognitionDecision
from dashboards.reports import SO_KET, TONG_KET, report_build, report_docx, report_xlsx
from dashboards.scope import Scope
from inspections import exports
from inspections.documents import visit_record_docx
from inspections.models import Inspection, InspectionStatus, VisitStatus
from models_registry.models import Campaign, Initiative, Subject
from models_registry.selectors import initiative_list
from models_registry.services.bieu_mau import registrations_export
from tests.demo_data import demo_load
from workflow.lifecycle import State

from .office import TIMES_NAMES, Pdf, convert, reads

pytestmark = pytest.mark.timeout(600)

# Longer than anything the demo seeds: what units really type.
LONG_COLLECTIVE = (
    "Mô hình “Dân vận khéo” trong vận động nhân dân tham gia xây dựng khu dân cư văn minh, "
    "sạch đẹp, không rác thải nhựa, phân loại rác tại nguồn gắn với phát triển kinh tế hộ "
    "gia đình và bảo đảm an ninh trật tự ở các khu phố Tân Lập, Đông Ngàn, Xuân Thụ và Tiêu"
)
LONG_EXEMPLAR = (
    "Nguyễn Thị Phương Thảo — điển hình vận động các hộ dân tự nguyện hiến hơn 1.200 m² "
    "đất, tháo dỡ công trình, góp công lao động mở rộng đường liên khu phố, xây dựng "
    "tuyến đường hoa và hệ thống chiếu sáng công cộng"
)
LONG_FINDINGS = (
    "Đơn vị đã xây dựng kế hoạch cụ thể, phân công rõ người, rõ việc, rõ thời gian; "
    "tổ chức tuyên truyền sâu rộng đến từng hộ gia đình qua hệ thống loa truyền thanh, "
    "hội nghị nhân dân và nhóm Zalo của các khu phố.\nKết quả: 96% hộ gia đình thực hiện "
    "phân loại rác tại nguồn; 3 tuyến đường được mở rộng bằng nguồn lực xã hội hóa; "
    "không có đơn thư khiếu nại vượt cấp. Đề nghị tiếp tục duy trì và nhân rộng."
)
# Liberation Serif's glyphs (fonts-liberation2, which `make office` installs; version 1
# lacks Vietnamese letters).
FONT_DIR = next(
    (d for d in map(Path, ("/usr/share/fonts/truetype/liberation2",
                           "/usr/share/fonts/truetype/liberation")) if d.is_dir()),
    Path("/usr/share/fonts/truetype/liberation"),
)  # fmt: skip


@dataclass
class Made:
    path: Path
    names: list[str]  # the case names its text must hold
    pages: int | tuple[int, int]  # expected, or a (low, high) range
    workbook: bool = False
    pdf: Pdf | None = field(default=None, repr=False)


def _lengthen() -> None:
    """The demo's longest recognised collective and individual names made longer still,
    and a completed visit's findings too."""
    recognised = Initiative.objects.filter(campaign__year=2023, state=State.RECOGNIZED)
    for subject, name in ((Subject.COLLECTIVE, LONG_COLLECTIVE), (Subject.INDIVIDUAL,
                                                                  LONG_EXEMPLAR)):  # fmt: skip
        case = max(recognised.filter(subject=subject), key=lambda c: len(c.name))
        Initiative.objects.filter(pk=case.pk).update(name=name)
    visit = (
        Inspection.objects.filter(
            status=InspectionStatus.DONE, visit__status=VisitStatus.COMPLETED,
            case__name=LONG_COLLECTIVE,
        ).first()
        or Inspection.objects.filter(visit__status=VisitStatus.COMPLETED).first()
    )  # fmt: skip
    visit.visit.__class__.objects.filter(pk=visit.visit.pk).update(findings=LONG_FINDINGS)


def _make_all(out: Path) -> list[Made]:
    secretariat = get_user_model().objects.get(username="bandanvan")
    campaign = Campaign.objects.get(year=2023)
    made: list[Made] = []

    def save(name: str, content: bytes, names, pages, workbook=False):
        path = out / name
        path.write_bytes(content)
        made.append(Made(path, list(names), pages, workbook))

    # The decision of 2023 with the most models, its annex, a certificate of each kind.
    decision = max(
        RecognitionDecision.objects.filter(level__campaign=campaign),
        key=lambda d: len(decision_awarded_rounds(decision=d)),
    )
    rounds = decision_awarded_rounds(decision=decision)
    annex = decision_docs.annex_build(decision=decision, rounds=rounds)
    names = [r.case.name for r in rounds]
    assert LONG_COLLECTIVE in names and LONG_EXEMPLAR in names
    save("quyet-dinh-va-phu-luc.docx", decision_docs.annex_docx(annex), names, 2)
    save("phu-luc.xlsx", decision_docs.annex_xlsx(annex), names, 1, workbook=True)
    for r in rounds:
        if r.case.name in (LONG_COLLECTIVE, LONG_EXEMPLAR):
            kind = "ca-nhan" if r.case.subject == Subject.INDIVIDUAL else "tap-the"
            person, _, achievement = r.case.name.partition(" — ")
            save(
                f"giay-chung-nhan-{kind}.docx",
                decision_docs.certificate_docx(decision=decision, round_=r),
                [person, achievement] if achievement else [r.case.name],
                1,
            )

    # The sơ kết and tổng kết reports, as Word drafts and workbooks.
    scope = Scope(
        today=datetime.date(2023, 12, 20),
        campaign=campaign,
        campaigns=list(Campaign.objects.order_by("-year")),
    )
    recognised = list(
        Initiative.objects.filter(campaign=campaign, state=State.RECOGNIZED).values_list(
            "name", flat=True
        )
    )
    # (pages of the Word draft, of the workbook): the tổng kết has the proposals for
    # commendation and the comparison of years besides; both the units' reports.
    pages = {SO_KET: ((4, 5), (10, 11)), TONG_KET: ((5, 6), (12, 13))}
    for kind in (SO_KET, TONG_KET):
        report = report_build(scope, actor=secretariat, kind=kind)
        save(f"bao-cao-{kind}.docx", report_docx(report), recognised, pages[kind][0])
        # (a stem of its own: soffice names each PDF after its file's stem)
        save(f"so-lieu-{kind}.xlsx", report_xlsx(report), recognised, pages[kind][1],
             workbook=True)  # fmt: skip

    # The inspection results, and the field-visit record of the longest findings.
    done = exports.results_queryset(actor=secretariat, campaign=campaign)
    save(
        "ket-qua-kiem-tra.xlsx",
        exports.results_xlsx(actor=secretariat, campaign=campaign),
        [i.case.name for i in done],
        (2, 3),
        workbook=True,
    )
    visited = max(done, key=lambda i: len(i.visit.findings))
    save("bien-ban-kiem-tra.docx", visit_record_docx(inspection=visited), [visited.case.name],
         (1, 2))  # fmt: skip

    # The registration form, every 2023 case of the city.
    cases = initiative_list(actor=secretariat).filter(campaign=campaign)
    path = out / "bieu-mau.xlsx"
    registrations_export(actor=secretariat, queryset=cases, destination=path, campaign=campaign)
    made.append(Made(path, list(cases.values_list("name", flat=True)), (6, 9), workbook=True))
    return made


# --- what the files ask for ------------------------------------------------------------


def _requested_fonts(path: Path) -> set[str]:
    """Every font a Word file's runs, styles and defaults name, theme references included;
    every font of a workbook's styles."""
    with zipfile.ZipFile(path) as archive:
        if path.suffix == ".xlsx":
            styles = archive.read("xl/styles.xml").decode()
            return set(re.findall(r'<name val="([^"]+)"', styles))
        found = set()
        for part in archive.namelist():
            if re.fullmatch(r"word/(document|styles|header\d*|footer\d*)\.xml", part):
                xml = archive.read(part).decode()
                for attrs in re.findall(r"<w:rFonts ([^>]*)/?>", xml):
                    for attr, value in re.findall(r'w:(\w+)="([^"]*)"', attrs):
                        found.add(f"theme:{value}" if attr.endswith("Theme") else value)
        return found


# --- rows of a workbook ---------------------------------------------------------------


def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), round(size * 4 / 3 * 4))  # 4× for precision


def _wrapped_lines(text: str, width_px: float, font) -> int:
    """Greedy word wrap measured with the real glyph advances (at 4× scale)."""
    total = 0
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        count, line = 1, ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) / 4 <= width_px or not line:
                line = candidate
                while font.getlength(line) / 4 > width_px:  # a word longer than the line
                    count += 1
                    line = line[len(line) // 2 :]
            else:
                count += 1
                line = word
        total += count
    return total


def _row_problems(path: Path) -> list[str]:
    """Cells whose wrapped text is taller than the rows they sit on."""
    book = load_workbook(path)
    problems = []
    for sheet in book.worksheets:
        merged = {(r.min_row, r.min_col): r for r in sheet.merged_cells.ranges}

        # A <col> element covers min..max: openpyxl keys it by its first letter only.
        widths = {}
        for dim in list(sheet.column_dimensions.values()):
            for col in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                widths[col] = dim.width

        def col_px(col: int, widths=widths) -> float:
            width = widths.get(col) or 8.43
            return width * 7 - 8  # 7 px a character at the least; the cell's padding

        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                    continue
                span = merged.get((cell.row, cell.column))
                cols = range(cell.column, (span.max_col if span else cell.column) + 1)
                rows = range(cell.row, (span.max_row if span else cell.row) + 1)
                width = sum(col_px(c) for c in cols) + 8 * (len(cols) - 1)
                font = _font(cell.font.sz or 12, bool(cell.font.b))
                lines = _wrapped_lines(cell.value, width, font)
                ascent, descent = font.getmetrics()
                need_pt = lines * (ascent + descent) / 4 * 0.75
                have_pt = sum(sheet.row_dimensions[r].height or 15 for r in rows)
                if have_pt < need_pt:
                    problems.append(
                        f"{path.name} {sheet.title}!{cell.coordinate}: {lines} lines need "
                        f"{need_pt:.0f} pt, the row has {have_pt:.0f} pt"
                    )
    return problems


# --- the test ---------------------------------------------------------------------------


@pytest.mark.long
def test_every_document_converts_in_libreoffice_in_times_with_every_name_and_its_pages(
    db, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()
    _lengthen()
    out = tmp_path / "files"
    out.mkdir()
    made = _make_all(out)
    kinds = {m.path.name for m in made}
    assert len(kinds) == 11, kinds

    for item in made:
        requested = _requested_fonts(item.path)
        assert requested == {"Times New Roman"}, (item.path.name, requested)

    pdfs = convert([m.path for m in made], tmp_path / "pdf", tmp_path / "lo-profile")
    shots = Path(os.environ.get("DVK_DOC_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    failures = []
    for item in made:
        pdf = Pdf(pdfs[item.path])
        assert pdf.path.exists(), f"{item.path.name} did not convert"
        item.pdf = pdf
        fonts = pdf.fonts()
        others = [f for f in fonts if not TIMES_NAMES.match(f)]
        if not fonts or others:
            failures.append(f"{item.path.name}: fonts {fonts}")
        words = pdf.text().split()
        for name in item.names:
            if not reads(words, name):
                failures.append(f"{item.path.name}: “{name[:60]}…” is not in the text")
        pages = pdf.pages()
        low, high = item.pages if isinstance(item.pages, tuple) else (item.pages, item.pages)
        if not low <= pages <= high:
            failures.append(f"{item.path.name}: {pages} pages, expected {item.pages}")
        if item.workbook:
            width, height = pdf.page_size()
            if (round(width), round(height)) != (842, 595):
                failures.append(f"{item.path.name}: page {width} × {height}, not A4 landscape")
            failures += _row_problems(item.path)
        pdf.first_page_png(shots / f"{item.path.stem}.png")
        if os.environ.get("DVK_DOC_SHOTS"):
            shutil.copy(pdf.path, shots / pdf.path.name)
    assert not failures, "\n".join(failures)


def test_the_row_check_fails_on_a_row_too_short_for_its_text(tmp_path):
    """The workbook check above can fail: a wrapped cell on a default-height row."""
    import xlsxwriter

    path = tmp_path / "short.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.set_column(0, 0, 20)
    sheet.write_string(0, 0, LONG_COLLECTIVE, book.add_format({"text_wrap": True}))
    book.close()
    assert _row_problems(path)


def test_the_font_check_sees_the_theme_fonts_of_a_plain_word_document(tmp_path):
    from docx import Document

    path = tmp_path / "plain.docx"
    Document().save(path)
    assert _requested_fonts(path) - {"Times New Roman"}
