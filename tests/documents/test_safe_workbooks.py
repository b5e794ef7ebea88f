"""Every workbook the project writes goes through one safe writer (documents.xlsx; issue
15, finding 8): no other module opens a workbook for writing, and the writer keeps
formula-shaped text as text, quote-prefixed, with rows as tall as their wrapped text."""

import ast
import io
from pathlib import Path

from openpyxl import load_workbook

from documents import xlsx as sheets

ROOT = Path(__file__).resolve().parents[2]
APPS = ("committees", "dashboards", "inspections", "models_registry", "notifications",
        "units", "workflow", "demo", "config")  # fmt: skip


def _opens_a_workbook(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "Workbook":
                return True
    return False


def test_no_module_but_the_safe_writer_opens_a_workbook_to_write():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            if _opens_a_workbook(ast.parse(path.read_text(encoding="utf-8"))):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    assert _opens_a_workbook(ast.parse((ROOT / "documents" / "xlsx.py").read_text()))


def test_the_writer_keeps_formula_shaped_text_as_quoted_text_on_rows_that_fit():
    texts = ['=HYPERLINK("http://x";"Bấm")', "+84 912", "-1", "@SUM(A1)", "\tTab", "Bình thường"]

    def build(book, styles):
        sheet = sheets.SheetWriter(book, styles, "Thử", [10, 30])
        sheet.header(["STT", "Nội dung"])
        for i, text in enumerate(texts, start=1):
            sheet.values([i, text * 3])
        sheet.finish()

    book = load_workbook(io.BytesIO(sheets.book_bytes(build)))
    sheet = book.active
    cells = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(texts))]
    assert [c.value for c in cells] == [t * 3 for t in texts]
    assert all(c.data_type == "s" for c in cells)
    assert [bool(c.quotePrefix) for c in cells] == [True] * 5 + [False]
    # Long text wraps, and its row is taller than one line; a short one stays one line.
    assert sheet.row_dimensions[2].height > 2 * 15
    assert sheet.row_dimensions[4].height < 20
    # Printing: A4 landscape, one page wide, the header repeated, a page number.
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, left unwritten
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.freeze_panes == "A2"
    assert "&P" in sheet.oddFooter.center.text
