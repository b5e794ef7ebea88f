"""Data built for the dashboard tests: one case in each situation a dashboard counts,
made through the services, with the transition log's clock set to chosen days so the
medians are known in advance."""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from committees.services import committee_create, rounds_close, vote_cast
from models_registry.models import Campaign, ProgressKind, RecognitionLevel
from models_registry.services.initiatives import initiative_create
from models_registry.services.progress import progress_report_create
from tests.factories import BEFORE_DEADLINE, make_draft
from tests.inspections.helpers import book, complete, full_visit, make_criteria, make_running
from workflow.services import transition_apply

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
SUBMITTED_ON = datetime.date(2023, 3, 1)


@contextmanager
def clock(monkeypatch, day: datetime.date):
    """Django's clock (and so every ``auto_now_add`` stamp, the log's ``at`` included)
    reads 09:00 local time on ``day`` inside the block."""
    moment = datetime.datetime.combine(day, datetime.time(9), tzinfo=LOCAL)
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


@dataclass
class Built:
    cases: dict
    campaign_2022: Campaign
    committee: object


def build_cases(world, monkeypatch) -> Built:
    """Campaign 2023, all in ward A (ward B registers nothing):

    draft (never sent) · returned (sent, returned) · registered · withdrawn ·
    running without any report · running with its mid-year report · running whose
    booked visit date passed (missed) · running with a visit booked in five days ·
    two inspected (10 and 20 days after registration) waiting for the committee — the
    first member has voted on the first; one recognised (inspected on day 30, decided on
    day 50) and one not recognised (inspected on day 40, decided on day 60).
    And one registered case of ward B in a 2022 campaign (the years chart, the comparison).
    """
    criteria = make_criteria(world.campaign)
    cases = {}
    with clock(monkeypatch, SUBMITTED_ON):
        cases["draft"] = make_draft(world, name="Bản nháp chưa gửi")
        returned = make_draft(world, unit=world.ward_a_sub, name="Bị trả lại")
        transition_apply(case=returned, name="submit", actor=world.officer_a, today=SUBMITTED_ON)
        transition_apply(
            case=returned,
            name="return_for_revision",
            actor=world.secretariat,
            reason="Bổ sung chỉ tiêu",
            today=SUBMITTED_ON,
        )
        cases["returned"] = returned
        registered = make_draft(world, name="Đã đăng ký", start_date=datetime.date(2023, 4, 1))
        transition_apply(
            case=registered, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE
        )
        cases["registered"] = registered
        withdrawn = make_draft(world, name="Rút đăng ký")
        transition_apply(case=withdrawn, name="submit", actor=world.officer_a, today=SUBMITTED_ON)
        transition_apply(
            case=withdrawn,
            name="withdraw",
            actor=world.officer_a,
            reason="Sáp nhập",
            today=SUBMITTED_ON,
        )
        cases["withdrawn"] = withdrawn
        cases["running"] = make_running(
            world, unit=world.ward_a_sub, name="Đang chạy, chưa báo cáo"
        )
        cases["reported"] = make_running(world, name="Đang chạy, đã báo cáo sơ kết")
        cases["missed"] = make_running(world, unit=world.ward_a_sub, name="Quá ngày kiểm tra")
        cases["upcoming"] = make_running(world, name="Sắp kiểm tra")
        cases["inspected_10"] = make_running(world, name="Kiểm tra sau 10 ngày")
        cases["inspected_20"] = make_running(
            world, unit=world.ward_a_sub, name="Kiểm tra sau 20 ngày"
        )
        cases["recognized"] = make_running(world, name="Được công nhận")
        cases["rejected"] = make_running(world, unit=world.ward_a_sub, name="Không được công nhận")
    progress_report_create(
        actor=world.officer_a,
        initiative=cases["reported"],
        kind=ProgressKind.MID_YEAR,
        report_date=datetime.date(2023, 6, 20),
        achievements="Đạt 60% chỉ tiêu",
        percent_complete=60,
    )
    booked = {
        inspection.case_id: inspection
        for inspection in book(
            world,
            [
                cases[k]
                for k in ("inspected_10", "inspected_20", "missed", "recognized", "rejected")
            ],
        )
    }
    for key, days in (
        ("inspected_10", 10),
        ("inspected_20", 20),
        ("recognized", 30),
        ("rejected", 40),
    ):
        inspection = booked[cases[key].pk]
        with clock(monkeypatch, SUBMITTED_ON + datetime.timedelta(days=days)):
            complete(world, inspection, full_visit(criteria, level=world.level_base))
    today = timezone.localdate()
    book(world, [cases["upcoming"]], day=today + datetime.timedelta(days=5), today=today)

    committee = committee_create(
        name="Hội đồng xét công nhận cấp cơ sở năm 2023",
        level=world.level_base,
        unit=world.city,
        chair=world.chair,
        members=world.members,
    )
    everyone = [world.chair, *world.members]
    for key, in_favour, days in (("recognized", True, 50), ("rejected", False, 60)):
        for member in everyone:
            vote_cast(actor=member, committee=committee, case=cases[key], in_favour=in_favour)
        decided_on = SUBMITTED_ON + datetime.timedelta(days=days)
        with clock(monkeypatch, decided_on):
            rounds_close(
                actor=world.chair,
                committee=committee,
                round_ids=[committee.rounds.get(case=cases[key], status="open").pk],
                decision_number=f"{days}-QĐ/BCĐ",
                decision_date=decided_on,
                reason="" if in_favour else "Chưa đạt yêu cầu",
                today=decided_on,
            )
    vote_cast(
        actor=world.members[0], committee=committee, case=cases["inspected_10"], in_favour=True
    )
    for case in cases.values():
        case.refresh_from_db()

    c2022 = Campaign.objects.create(
        year=2022,
        name="Phong trào thi đua “Dân vận khéo” năm 2022",
        registration_deadline=datetime.date(2022, 3, 6),
    )
    level = RecognitionLevel.objects.create(campaign=c2022, rank=1, name="Cấp cơ sở")
    old = initiative_create(
        actor=world.officer_b,
        campaign=c2022,
        unit=world.ward_b,
        name="Mô hình năm 2022",
        goals="Hoàn thành",
        field_economy=True,
        subject="individual",
        start_date=datetime.date(2022, 3, 1),
        end_date=datetime.date(2022, 11, 30),
        target_level=level,
    )
    transition_apply(
        case=old, name="submit", actor=world.officer_b, today=datetime.date(2022, 3, 1)
    )
    cases["year_2022"] = old
    return Built(cases=cases, campaign_2022=c2022, committee=committee)


def many_cases(world, count: int) -> None:
    """``count`` cases in a spread of states across ward A and its sub-unit: a third
    drafts, a third registered, a third running — half of these with a visit booked in a
    week (the inspector's list grows), half inspected and waiting for the committee of
    the base level (the members' list grows)."""
    criteria = make_criteria(world.campaign)
    running = []
    for i in range(count):
        case = make_draft(
            world, name=f"Mô hình số {i}", unit=world.ward_a_sub if i % 2 else world.ward_a
        )
        if i % 3:
            transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
        if i % 3 == 2:
            transition_apply(case=case, name="start", actor=None, today=case.start_date)
            running.append(case)
    today = timezone.localdate()
    upcoming, inspected = running[::2], running[1::2]
    if upcoming:
        book(world, upcoming, day=today + datetime.timedelta(days=7), today=today)
    for inspection in book(world, inspected) if inspected else []:
        complete(world, inspection, full_visit(criteria, level=world.level_base))
    committee_create(
        name="Hội đồng xét công nhận cấp cơ sở năm 2023",
        level=world.level_base,
        unit=world.city,
        chair=world.chair,
        members=world.members,
    )
