"""python manage.py import_registrations FILE --campaign YEAR [--as-drafts] [--dry-run]
[--user USERNAME]

Imports a filled registration form (biểu mẫu) exactly as the upload page does: all rows
or none. Prints what it created (or, with --dry-run, what it would do); on any problem
prints every one, by row and column, creates nothing and exits with status 1."""

import os

from django.core.management.base import BaseCommand, CommandError

from models_registry.models import Campaign
from models_registry.services.bieu_mau import (
    ImportPlan,
    registration_import_apply,
    registration_import_plan,
)
from workflow.errors import WorkflowError

from ._registrations import USER_HELP, command_actor

NO_CAMPAIGN = "Không có kế hoạch năm {year}."
NO_FILE = "Không tìm thấy tệp “{path}”."
FAILED = "Không nhập được: {count} lỗi, không có hồ sơ nào được tạo hay thay đổi."


class Command(BaseCommand):
    # The system checks (URLs, templates, every app's models) cost more than the start
    # of the work itself; `manage.py check` runs them, and so does every deployment.
    requires_system_checks = []
    help = (
        "Nhập biểu mẫu đăng ký mô hình “Dân vận khéo” (.xlsx, .xls, .ods). Mặc định gửi đăng ký luôn; "
        "--as-drafts để lưu bản nháp; --dry-run để chỉ kiểm tra. Có lỗi thì không nhập gì."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Tệp biểu mẫu .xlsx, .xls hoặc .ods")
        parser.add_argument("--campaign", type=int, required=True, metavar="YEAR", help="Năm")
        parser.add_argument(
            "--as-drafts", action="store_true", help="Lưu dưới dạng bản nháp, không gửi."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra và in kết quả, không lưu."
        )
        parser.add_argument("--user", metavar="USERNAME", help=USER_HELP)

    def handle(self, *args, **options) -> None:
        campaign = Campaign.objects.filter(year=options["campaign"]).first()
        if campaign is None:
            raise CommandError(NO_CAMPAIGN.format(year=options["campaign"]))
        actor = command_actor(options["user"])
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(NO_FILE.format(path=path))
        arguments = {
            "actor": actor,
            "campaign": campaign,
            "source": path,
            "name": path.rsplit("/", 1)[-1],
            "submit": not options["as_drafts"],
        }
        try:
            if options["dry_run"]:
                result = registration_import_plan(**arguments)
                problems = result.problems
            else:
                result = registration_import_apply(**arguments)
                problems = result.problems
        except WorkflowError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(FAILED.format(count=len(error.messages)), returncode=1) from None
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(FAILED.format(count=len(problems)), returncode=1)
        if options["dry_run"]:
            self._print_plan(result)
        else:
            self._print_outcome(result)

    def _print_plan(self, plan: ImportPlan) -> None:
        self.stdout.write(f"Kiểm tra (không lưu) — {len(plan.rows)} dòng, không có lỗi:")
        for row in plan.rows:
            label = row.as_dict(submit=plan.submit)["action_label"]
            unit = row.unit.name if row.unit else row.unit_text
            self.stdout.write(f"  Dòng {row.row}: {label} — {unit} — {row.name}")

    def _print_outcome(self, outcome) -> None:
        for title, cases in (
            ("Tạo mới", outcome.created),
            ("Cập nhật bản nháp", outcome.updated),
            ("Gửi đăng ký", outcome.submitted),
            ("Không thay đổi (bản nháp)", outcome.unchanged),
        ):
            for case in cases:
                self.stdout.write(f"  {title}: #{case.pk} {case.unit.name} — {case.name}")
        for row in outcome.existing:
            self.stdout.write(
                f"  Đã có, giữ nguyên: #{row.existing_id} {row.unit.name} — {row.name}"
            )
        self.stdout.write(
            f"Đã nhập: tạo mới {len(outcome.created)}, cập nhật {len(outcome.updated)}, "
            f"gửi đăng ký {len(outcome.submitted)}, không đổi {len(outcome.unchanged)}, "
            f"đã có {len(outcome.existing)} hồ sơ."
        )
