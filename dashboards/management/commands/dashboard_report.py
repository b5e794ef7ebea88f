"""Write the sơ kết / tổng kết report of a campaign or a range of years, for a unit
subtree, as an xlsx workbook and/or a Word draft — the same files as the dashboard's
download buttons.

    python manage.py dashboard_report --campaign 2023 --kind so-ket --docx so-ket-2023.docx
    python manage.py dashboard_report --years 2021-2023 --unit "Đảng ủy phường Đông Ngàn" \\
        --xlsx tong-ket-2021-2023.xlsx --docx tong-ket-2021-2023.docx
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from models_registry.models import Campaign
from units.selectors import unit_match
from workflow.errors import WorkflowError

from ...reports import (
    REPORT_KINDS,
    TONG_KET,
    report_as_of,
    report_build,
    report_docx,
    report_xlsx,
)
from ...scope import ALL_YEARS, scope_from_request


@dataclass(frozen=True)
class SystemReader:
    """Reads every case, as the secretariat does; used when no --user is given."""

    is_superuser: bool = True
    is_authenticated: bool = True
    pk: None = None


class Command(BaseCommand):
    help = "Xuất báo cáo sơ kết / tổng kết (xlsx, docx) cho một năm hoặc một giai đoạn."

    def add_arguments(self, parser) -> None:
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--campaign", type=int, help="Năm của kế hoạch, ví dụ 2023.")
        period.add_argument("--years", help="Khoảng năm, ví dụ 2021-2023.")
        parser.add_argument("--unit", default="", help="Tên (hoặc mã số) đơn vị; mặc định: tất cả.")
        parser.add_argument("--kind", default=TONG_KET, choices=[k for k, _ in REPORT_KINDS])
        parser.add_argument("--xlsx", help="Đường dẫn tệp Excel cần ghi.")
        parser.add_argument("--docx", help="Đường dẫn tệp Word cần ghi.")
        parser.add_argument("--user", help="Tính theo phạm vi xem của người dùng này.")
        parser.add_argument(
            "--as-of",
            help="Tính đến ngày (dd/mm/yyyy); mặc định: hạn báo cáo sơ kết / tổng kết của "
            "kế hoạch năm (hôm nay nếu kế hoạch chưa có ngày đó hoặc ngày đó chưa đến).",
        )

    def handle(self, *args, **options) -> None:
        if not options["xlsx"] and not options["docx"]:
            raise CommandError("Cần ít nhất một trong hai tùy chọn --xlsx hoặc --docx.")
        actor = SystemReader()
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng “{options['user']}”.")
        params: dict[str, str] = {}
        campaign = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(year=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"Không có kế hoạch năm {options['campaign']}.")
            params["campaign"] = str(campaign.pk)
        else:
            low, _, high = options["years"].partition("-")
            if not (low.strip().isdigit() and high.strip().isdigit()):
                raise CommandError("Khoảng năm phải có dạng 2021-2023.")
            params.update(campaign=ALL_YEARS, year_min=low.strip(), year_max=high.strip())
        if options["unit"]:
            unit = options["unit"]
            if not unit.isdigit():
                try:
                    unit = str(unit_match(unit).pk)
                except WorkflowError as error:
                    raise CommandError(" ".join(error.messages)) from error
            params["unit"] = unit
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.datetime.strptime(options["as_of"], "%d/%m/%Y").date()
            except ValueError as error:
                raise CommandError("Ngày phải có dạng dd/mm/yyyy.") from error
        elif campaign is not None:
            as_of = report_as_of(campaign, options["kind"])
        scope = scope_from_request(actor=actor, params=params, as_of=as_of)
        if scope.form is not None and scope.form.errors:
            raise CommandError(" ".join(e for errs in scope.form.errors.values() for e in errs))
        if options["unit"] and scope.unit is None:
            raise CommandError("Không tìm thấy đơn vị, hoặc người dùng không xem được đơn vị này.")
        report = report_build(scope, actor=actor, kind=options["kind"])
        for fmt, build in (("xlsx", report_xlsx), ("docx", report_docx)):
            if options[fmt]:
                path = Path(options[fmt])
                path.write_bytes(build(report))
                self.stdout.write(f"Đã ghi {path} ({report.title}; {report.subtitle}).")
