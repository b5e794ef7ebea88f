from django.core.management.base import BaseCommand

from ...registry import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu Từ Sơn 2023 (chạy lại nhiều lần không tạo trùng)."

    def handle(self, *args, **options) -> None:
        logins, created = seed_demo()
        self.stdout.write(f"Dữ liệu mẫu Từ Sơn 2023: tạo mới {created} hồ sơ.")
        self.stdout.write(f"Tài khoản đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        for role, username, full_name in logins.rows:
            self.stdout.write(f"  {role:<45} {username:<20} {full_name}")
