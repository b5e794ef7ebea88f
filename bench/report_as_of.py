"""Benchmark: the sơ kết / tổng kết built as of a past day (each case's state then, read
from the transition log) beside the same report counted as things stand now.

    createdb -h 127.0.0.1 -U postgres dvk_bench_report
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk_bench_report .venv/bin/python \
        bench/report_as_of.py --load [--communes 1000] [--years 3] [--per-unit 10] [--runs 5]
    dropdb -h 127.0.0.1 -U postgres dvk_bench_report

``--load`` fills the database as ``bench/dashboard.py --load`` does (cases in every state
with their transition log). Then, for the latest campaign and the whole country, the
report of each kind — ``report_build`` and its Word and Excel files — is built ``--runs``
times now and as of the campaign's mid-year day; the medians (ms) and the number of
queries are printed. Not a test: nothing is asserted.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import dashboard as national  # noqa: E402  (bench/dashboard.py: sets Django up, loads)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from dashboards.management.commands.dashboard_report import SystemReader  # noqa: E402
from dashboards.reports import (  # noqa: E402
    REPORT_KINDS,
    report_build,
    report_docx,
    report_xlsx,
)
from dashboards.scope import scope_from_request  # noqa: E402
from models_registry.models import Campaign, Initiative  # noqa: E402
from workflow.models import TransitionLog  # noqa: E402


def build(*, campaign, kind: str, as_of: datetime.date | None) -> tuple[float, int]:
    actor = SystemReader()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        scope = scope_from_request(actor=actor, params={"campaign": str(campaign.pk)}, as_of=as_of)
        report = report_build(scope, actor=actor, kind=kind)
        report_docx(report)
        report_xlsx(report)
    return (time.perf_counter() - started) * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--communes", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--per-unit", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.load:
        national.load(communes=args.communes, years=args.years, per_unit=args.per_unit)
    campaign = Campaign.objects.order_by("-year").first()
    day = min(
        campaign.mid_year_report_due or datetime.date(campaign.year, 6, 30),
        timezone.localdate() - datetime.timedelta(days=1),
    )
    cases = Initiative.objects.filter(campaign=campaign).count()
    print(
        f"{cases:,} cases in campaign {campaign.year}, {TransitionLog.objects.count():,} log "
        f"rows; load average {os.getloadavg()[0]:.2f}; {args.runs} runs each"
    )
    for kind, label in REPORT_KINDS:
        for name, as_of in (("now", None), (f"as of {day:%d/%m/%Y}", day)):
            build(campaign=campaign, kind=kind, as_of=as_of)  # warm-up
            times, count = [], 0
            for _ in range(args.runs):
                ms, count = build(campaign=campaign, kind=kind, as_of=as_of)
                times.append(ms)
            print(
                f"  {label:8} {name:18} median {statistics.median(times):8.0f} ms  "
                f"(min {min(times):.0f}, max {max(times):.0f}), {count} queries"
            )


if __name__ == "__main__":
    main()
