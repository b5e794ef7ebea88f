from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...registry import DEMO_PASSWORD, seed_demo

REFUSED_IN_PRODUCTION = (
    "Không chạy seed_demo với cấu hình production (DJANGO_PRODUCTION=1): lệnh này tạo lại "
    "tài khoản admin với mật khẩu công khai trong README. Nếu thật sự cần (máy thử "
    "nghiệm), chạy lại với --force-production."
)


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu Từ Sơn 2023 (chạy lại nhiều lần không tạo trùng)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force-production",
            action="store_true",
            help="Chạy cả khi DJANGO_PRODUCTION=1 (chỉ cho máy thử nghiệm).",
        )

    def handle(self, *args, **options) -> None:
        # The demo recreates `admin` with the README's password: never on a real site
        # unless someone asks for it in so many words.
        if settings.PRODUCTION and not options["force_production"]:
            raise CommandError(REFUSED_IN_PRODUCTION)
        logins, created = seed_demo()
        self.stdout.write(f"Dữ liệu mẫu Từ Sơn 2023: tạo mới {created} hồ sơ.")
        self.stdout.write(f"Tài khoản đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        for role, username, full_name in logins.rows:
            self.stdout.write(f"  {role:<45} {username:<20} {full_name}")
