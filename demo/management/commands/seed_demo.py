import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...registry import DEMO_PASSWORD, seed_demo

REFUSED_IN_PRODUCTION = (
    "Không chạy seed_demo với cấu hình production (DJANGO_PRODUCTION=1): lệnh này tạo lại "
    "tài khoản admin với mật khẩu công khai trong README. Nếu thật sự cần (máy thử "
    "nghiệm), chạy lại với --force-production."
)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (dạng YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu Từ Sơn: năm 2022, 2023 đã qua và kế hoạch năm nay với các hạn "
        "tính từ hôm nay (chạy lại nhiều lần không tạo trùng)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            type=_date,
            help="Coi ngày này là hôm nay (YYYY-MM-DD), để dữ liệu lặp lại được.",
        )
        parser.add_argument(
            "--force-production",
            action="store_true",
            help="Chạy cả khi DJANGO_PRODUCTION=1 (chỉ cho máy thử nghiệm).",
        )
        parser.add_argument(
            "--send-mail",
            action="store_true",
            help=(
                "Gửi thật các email mà dữ liệu mẫu tạo ra (mặc định: chỉ hiện trong hộp thư "
                "thông báo, không gửi đi)."
            ),
        )

    def handle(
        self,
        *args,
        today: datetime.date | None = None,
        send_mail: bool = False,
        force_production: bool = False,
        **options,
    ) -> None:
        # The demo recreates `admin` with the README's password: never on a real site
        # unless someone asks for it in so many words.
        if settings.PRODUCTION and not force_production:
            raise CommandError(REFUSED_IN_PRODUCTION)
        try:
            logins, created = seed_demo(today=today, send_mail=send_mail)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Dữ liệu mẫu Từ Sơn: tạo mới {created} hồ sơ.")
        if not send_mail:
            self.stdout.write("Email của dữ liệu mẫu không được gửi đi (--send-mail để gửi).")
        self.stdout.write(f"Tài khoản đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        for role, username, full_name in logins.rows:
            self.stdout.write(f"  {role:<45} {username:<20} {full_name}")
