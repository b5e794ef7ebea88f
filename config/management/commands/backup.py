from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (pg_dump) và thư mục tệp tải lên vào một thư mục mới, "
        "kèm số dòng của từng bảng để đối chiếu khi khôi phục."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="Thư mục chứa bản sao lưu (tạo mới).")

    def handle(self, *args, output: Path, **options) -> None:
        try:
            manifest = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"Đã sao lưu vào {output}: {len(manifest.tables)} bảng, {rows} dòng; "
            f"{manifest.media['files']} tệp ({manifest.media['bytes']} byte)."
        )
