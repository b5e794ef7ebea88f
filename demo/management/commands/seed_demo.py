from django.core.management.base import BaseCommand

from ...registry import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu Từ Sơn 2023 (chạy lại nhiều lần không tạo trùng)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-mail",
            action="store_true",
            help=(
                "Gửi thật các email mà dữ liệu mẫu tạo ra (mặc định: chỉ hiện trong hộp thư "
                "thông báo, không gửi đi)."
            ),
        )

    def handle(self, *args, send_mail: bool, **options) -> None:
        logins, created = seed_demo(send_mail=send_mail)
        self.stdout.write(f"Dữ liệu mẫu Từ Sơn 2023: tạo mới {created} hồ sơ.")
        if not send_mail:
            self.stdout.write("Email của dữ liệu mẫu không được gửi đi (--send-mail để gửi).")
        self.stdout.write(f"Tài khoản đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        for role, username, full_name in logins.rows:
            self.stdout.write(f"  {role:<45} {username:<20} {full_name}")
