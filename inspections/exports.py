"""The inspection results of a campaign or a round as an Excel workbook: one sheet per
subject (collective models, individual exemplars), one column per criterion; written
through the project's one safe writer (text is never a formula, rows as tall as their
text, A4 landscape one page wide)."""

import datetime
from collections.abc import Iterable

from documents import xlsx as sheets
from models_registry.models import Campaign, Subject

from .models import Criterion, Inspection, InspectionStatus, VisitStatus
from .selectors import _with_details, inspection_list

XLSX_TYPE = sheets.XLSX_TYPE


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


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _sheet(book, styles, title: str, criteria: list[Criterion], rows: Iterable[Inspection]):
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
    widths = [5, 20, 30, 10, 11, 16, 20, *([11] * len(criteria)), 8, 8, 10, 13, 36]
    sheet = sheets.SheetWriter(book, styles, title, widths)
    sheet.header(header)
    date_format = styles.get(border=1, align="center", num_format="dd/mm/yyyy")
    for number, inspection in enumerate(rows, start=1):
        visit = inspection.visit
        scores = {score.criterion_id: score.points for score in visit.scores.all()}
        day = visit.visit_date or inspection.planned_date
        row = sheet.values(
            [
                number,
                inspection.case.unit.name,
                inspection.case.name,
                inspection.round_label,
                None,
                _name(inspection.lead),
                ", ".join(_name(member) for member in inspection.team.all()),
                *(scores.get(c.pk) for c in criteria),
                visit.total_points,
                visit.max_points,
                visit.get_verdict_display(),
                visit.recommended_level.name if visit.recommended_level else "",
                visit.findings,
            ]
        )
        if day:
            stamp = datetime.datetime.combine(day, datetime.time())
            sheet.sheet.write_datetime(row, 4, stamp, date_format)
    sheet.finish()


def results_xlsx(*, actor, campaign: Campaign, round_label: str = "") -> bytes:
    """The workbook's bytes. Dates are real Excel dates shown dd/mm/yyyy."""
    inspections = list(results_queryset(actor=actor, campaign=campaign, round_label=round_label))
    criteria = list(Criterion.objects.filter(campaign=campaign).order_by("order", "pk"))

    def build(book, styles):
        for subject in Subject:
            _sheet(
                book,
                styles,
                subject.label,
                [c for c in criteria if c.subject == subject],
                [i for i in inspections if i.case.subject == subject],
            )

    return sheets.book_bytes(build)


def results_filename(*, campaign: Campaign, round_label: str = "") -> str:
    suffix = f"-{round_label}" if round_label else ""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in suffix)
    return f"ket-qua-kiem-tra-{campaign.year}{safe}.xlsx"
