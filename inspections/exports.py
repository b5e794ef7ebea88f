"""The inspection results of a campaign or a round as an Excel workbook: one sheet per
subject (collective models, individual exemplars), one column per criterion."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from models_registry.models import Campaign, Subject

from .models import Criterion, Inspection, InspectionStatus, VisitStatus
from .selectors import _with_details, inspection_list

FORMULA_STARTS = ("=", "+", "-", "@")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(sheet, value, *, bold: bool = False, wrap: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # Text typed by a person is never run as a formula by the spreadsheet.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _date(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "DD/MM/YYYY"
    return cell


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def results_queryset(*, actor, campaign: Campaign, round_label: str = ""):
    """Inspections carried out (completed record) for ``campaign``, visible to ``actor``."""
    qs = inspection_list(actor=actor).filter(
        case__campaign=campaign,
        status=InspectionStatus.DONE,
        visit__status=VisitStatus.COMPLETED,
    )
    if round_label:
        qs = qs.filter(round_label=round_label)
    return _with_details(qs).order_by("case__unit__path", "case__name", "pk")


def _sheet(workbook: Workbook, title: str, criteria: list[Criterion], rows: Iterable[Inspection]):
    sheet = workbook.create_sheet(title=title)
    header = [
        "STT",
        "Đơn vị",
        "Tên mô hình, điển hình",
        "Đợt kiểm tra",
        "Ngày kiểm tra",
        "Trưởng đoàn",
        "Đoàn kiểm tra",
        *(f"{c.order}. {c.name} (tối đa {c.max_points})" for c in criteria),
        "Tổng điểm",
        "Điểm tối đa",
        "Kết luận",
        "Đề nghị công nhận",
        "Nhận xét",
    ]
    sheet.append([_cell(sheet, text, bold=True, wrap=True) for text in header])
    for number, inspection in enumerate(rows, start=1):
        visit = inspection.visit
        scores = {score.criterion_id: score.points for score in visit.scores.all()}
        sheet.append(
            [
                number,
                _cell(sheet, inspection.case.unit.name),
                _cell(sheet, inspection.case.name, wrap=True),
                _cell(sheet, inspection.round_label),
                _date(sheet, visit.visit_date or inspection.planned_date),
                _cell(sheet, _name(inspection.lead)),
                _cell(sheet, ", ".join(_name(member) for member in inspection.team.all())),
                *(scores.get(c.pk) for c in criteria),
                visit.total_points,
                visit.max_points,
                _cell(sheet, visit.get_verdict_display()),
                _cell(sheet, visit.recommended_level.name if visit.recommended_level else ""),
                _cell(sheet, visit.findings, wrap=True),
            ]
        )
    return sheet


def results_xlsx(*, actor, campaign: Campaign, round_label: str = "") -> bytes:
    """The workbook's bytes. Dates are real Excel dates shown dd/mm/yyyy."""
    inspections = list(results_queryset(actor=actor, campaign=campaign, round_label=round_label))
    criteria = list(Criterion.objects.filter(campaign=campaign).order_by("order", "pk"))
    workbook = Workbook(write_only=True)
    for subject in Subject:
        _sheet(
            workbook,
            subject.label,
            [c for c in criteria if c.subject == subject],
            [i for i in inspections if i.case.subject == subject],
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def results_filename(*, campaign: Campaign, round_label: str = "") -> str:
    suffix = f"-{round_label}" if round_label else ""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in suffix)
    return f"ket-qua-kiem-tra-{campaign.year}{safe}.xlsx"
