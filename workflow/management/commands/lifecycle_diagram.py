from django.core.management.base import BaseCommand

from workflow.lifecycle import mermaid_diagram


class Command(BaseCommand):
    help = "In sơ đồ vòng đời hồ sơ (Mermaid), sinh từ bảng chuyển trạng thái trong mã nguồn."

    def handle(self, *args, **options) -> None:
        self.stdout.write(mermaid_diagram())
