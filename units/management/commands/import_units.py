import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflow.errors import WorkflowError

from ...services import units_import


class Command(BaseCommand):
    help = (
        "Nạp danh mục đơn vị từ tệp CSV (cột: name, parent, kind, email, aliases). "
        "Chạy lại nhiều lần không tạo trùng; có lỗi thì không ghi gì và thoát với mã 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Tệp CSV (UTF-8)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ kiểm tra và cho biết sẽ tạo, cập nhật gì; không ghi vào cơ sở dữ liệu.",
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp “{file}”: {exc.strerror}.") from exc
        try:
            result = units_import(data=data, dry_run=dry_run)
        except WorkflowError as error:
            self.stderr.write(f"Tệp “{path.name}” có lỗi; không ghi gì vào danh mục:")
            for message in error.messages:
                self.stderr.write(f"  {message}")
            sys.exit(1)
        verb = "Sẽ tạo" if dry_run else "Đã tạo"
        for line, name in result.created:
            self.stdout.write(f"  {verb} (dòng {line}): {name}")
        verb = "Sẽ cập nhật" if dry_run else "Đã cập nhật"
        for line, name, changes in result.updated:
            self.stdout.write(f"  {verb} (dòng {line}): {name} — {'; '.join(changes)}")
        summary = (
            f"Tạo mới {len(result.created)} đơn vị, cập nhật {len(result.updated)}, "
            f"giữ nguyên {len(result.unchanged)}."
        )
        if dry_run:
            summary = "Chạy thử, chưa ghi gì. " + summary
        self.stdout.write(summary)
