"""The compliance table of a request as an Excel workbook, through the project's one safe
writer (``documents.xlsx``: text never a formula, rows as tall as their text, A4
landscape one page wide)."""

import datetime

from django.utils import timezone

from documents import xlsx as sheets

from .models import COUNTED, NUMBER_FIELDS, ReportAnswer, ReportRequest

XLSX_TYPE = sheets.XLSX_TYPE

COLUMNS = [
    "STT",
    "Đơn vị",
    "Tình trạng",
    "Gửi lúc",
    "Thời hạn",
    *(str(ReportAnswer._meta.get_field(name).verbose_name) for name in NUMBER_FIELDS),
    "Tệp báo cáo",
    "Ghi chú",
]
WIDTHS = [5, 30, 12, 16, 18, *([12] * len(NUMBER_FIELDS)), 22, 30]
HEADER_ROW = 3  # 0-based: the title, the request's line, a blank line, then the header


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _note(answer: ReportAnswer) -> str:
    if answer.returned_reason and answer.status == "returned":
        return f"Trả lại ngày {timezone.localtime(answer.returned_at):%d/%m/%Y}: {answer.returned_reason}"
    if answer.accepted_at and answer.status == "accepted":
        return f"Tiếp nhận ngày {timezone.localtime(answer.accepted_at):%d/%m/%Y} ({_name(answer.accepted_by)})"
    return ""


def compliance_xlsx(
    report: ReportRequest, *, rows: list[ReportAnswer], totals: dict, today: datetime.date
) -> bytes:
    """One sheet: a row per unit asked (``rows`` from ``selectors.compliance_rows``),
    then the sums of the reports sent or accepted (``selectors.request_totals``)."""

    def build(book, styles):
        sheet = sheets.SheetWriter(book, styles, "Báo cáo của đơn vị", WIDTHS)
        sheet.line(report.title, bold=True, size=13)
        sheet.line(
            f"Kế hoạch năm {report.campaign.year}; hạn gửi {report.due_date:%d/%m/%Y}; "
            f"tình hình đến ngày {today:%d/%m/%Y}.",
            italic=True,
        )
        sheet.line()
        sheet.header(COLUMNS)
        sent_format = styles.get(border=1, align="center", num_format="dd/mm/yyyy hh:mm")
        for number, answer in enumerate(rows, start=1):
            sent = timezone.localtime(answer.sent_at) if answer.sent_at else None
            row = sheet.values(
                [
                    number,
                    answer.unit.name,
                    answer.get_status_display(),
                    None,
                    answer.timeliness_label,
                    *(
                        getattr(answer, name) if answer.status in COUNTED else None
                        for name in NUMBER_FIELDS
                    ),
                    answer.file_name,
                    _note(answer),
                ]
            )
            if sent is not None:
                sheet.sheet.write_datetime(row, 3, sent.replace(tzinfo=None), sent_format)
        sheet.values(
            [
                "",
                f"Tổng ({totals['answers']} báo cáo đã gửi, đã tiếp nhận)",
                "",
                "",
                "",
                *(totals[name] for name in NUMBER_FIELDS),
                "",
                "",
            ],
            bold=True,
        )
        sheet.finish()

    return sheets.book_bytes(build)
