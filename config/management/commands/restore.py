from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và thư mục tệp tải lên từ một bản sao lưu (thay toàn bộ "
        "dữ liệu hiện có), rồi đối chiếu số dòng từng bảng với bản sao lưu."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="Thư mục bản sao lưu (lệnh backup).")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Xác nhận thay toàn bộ dữ liệu hiện có (bắt buộc).",
        )

    def handle(self, *args, source: Path, yes: bool, **options) -> None:
        if not yes:
            raise CommandError(
                "Khôi phục sẽ thay toàn bộ dữ liệu hiện có: chạy lại với --yes để xác nhận."
            )
        try:
            result = backup_restore(source=source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result.differences:
            raise CommandError(
                "Đã khôi phục nhưng số liệu không khớp bản sao lưu:\n"
                + "\n".join(result.differences)
            )
        rows = sum(result.tables.values())
        self.stdout.write(
            f"Đã khôi phục từ {source}: {len(result.tables)} bảng, {rows} dòng, "
            f"{result.media['files']} tệp — khớp với bản sao lưu."
        )
