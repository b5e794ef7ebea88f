"""Recount the dashboard's tally (dashboards/tally.py) from the cases, on PostgreSQL.

    python manage.py tally_rebuild

Never needed in normal work (the triggers keep the tally, and moving a unit recounts
by itself); for after a restore of only some tables, or a change of cases made with
the triggers disabled. Safe while people work: the recount is one snapshot, and what
they change meanwhile is folded on top.
"""

import time

from django.core.management.base import BaseCommand

from ...tally import tally_available, tally_rebuild

NOT_USED = (
    "Cơ sở dữ liệu này (SQLite) không dùng số liệu tổng hợp: bảng điều khiển đếm trực "
    "tiếp các hồ sơ, không có gì để tính lại."
)
DONE = "Đã tính lại số liệu tổng hợp từ các hồ sơ: {rows} dòng, trong {seconds} giây."


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp của bảng điều khiển từ toàn bộ hồ sơ (PostgreSQL)."

    def handle(self, *args, **options) -> None:
        if not tally_available():
            self.stdout.write(NOT_USED)
            return
        started = time.perf_counter()
        rows = tally_rebuild()
        seconds = time.perf_counter() - started
        # Vietnamese numbers: "." between thousands, "," before decimals.
        self.stdout.write(
            DONE.format(
                rows=f"{rows:,}".replace(",", "."), seconds=f"{seconds:.1f}".replace(".", ",")
            )
        )
