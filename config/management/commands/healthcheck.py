import json

from django.core.management.base import BaseCommand, CommandError

from config.health import CHECKS, health_report


class Command(BaseCommand):
    help = (
        "Kiểm tra tình trạng hệ thống (cơ sở dữ liệu, broker, hàng đợi email, worker, beat) "
        "như /healthz; mã thoát 1 nếu có phần không ổn."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            default="",
            help=f"Chỉ kiểm tra các phần này, cách nhau bởi dấu phẩy: {', '.join(CHECKS)}.",
        )

    def handle(self, *args, only: str, **options) -> None:
        names = [name.strip() for name in only.split(",") if name.strip()]
        unknown = sorted(set(names) - set(CHECKS))
        if unknown:
            raise CommandError(f"Không có phần kiểm tra: {', '.join(unknown)}.")
        report = health_report(only=names or None)
        self.stdout.write(json.dumps(report, ensure_ascii=False))
        if report["status"] != "ok":
            raise CommandError("Hệ thống chưa ổn.", returncode=1)
