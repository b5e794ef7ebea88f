import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflow.deadlines import SweepFailed, deadlines_run


class Command(BaseCommand):
    help = "Chạy ngay các quy tắc nhắc hạn hằng ngày cho một ngày (mặc định: hôm nay)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay).")

    def handle(self, *args, today=None, **options):
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"Ngày không hợp lệ: {today} (cần dạng YYYY-MM-DD).") from exc
        else:
            day = timezone.localdate()
        try:
            results = deadlines_run(today=day)
        except SweepFailed as exc:
            self._print(day, exc.results)
            for name, error in exc.failed.items():
                self.stderr.write(f"  {name}: LỖI {error}")
            raise CommandError("Có quy tắc nhắc hạn bị lỗi (xem ở trên).") from exc
        self._print(day, results)

    def _print(self, day, results):
        self.stdout.write(f"Nhắc hạn ngày {day:%d/%m/%Y}:")
        for name, count in results.items():
            self.stdout.write(f"  {name}: {count}")
