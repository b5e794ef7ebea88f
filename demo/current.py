"""The demo's live year: a campaign for the current year, made from the 2023 plan by the
plans service (as the secretariat would), with its dates set around ``today`` so that
whoever starts the demo, on whatever date, finds every button live:

- registration open (the deadline two weeks ahead), drafts ready to submit, among them
  one for each ward's own officer;
- cases in every state: registered, running, returned for revision (within their
  resubmission period), withdrawn, inspected, recognised, not recognised;
- field visits booked for next week, a round open for votes, inspected cases waiting in
  the committee's queue.

Idempotent: the campaign is made once per year; its cases are made when missing, the
inspections and decisions once."""

import datetime

from committees.models import Committee, VoteRound
from committees.services import rounds_close, vote_cast
from inspections.models import Criterion, Inspection, Verdict
from inspections.services.scheduling import inspection_schedule
from inspections.services.visits import VisitInput, visit_complete
from models_registry.models import Campaign, CampaignStatus, Initiative, Subject
from models_registry.services.initiatives import initiative_create
from plans.services import campaign_create_from
from units.text import fold
from workflow.services import transition_apply

from .backdate import Stamps

DAY = datetime.timedelta(days=1)

# (unit, model, subject, fields, the state it is brought to)
CURRENT_MODELS = [
    ("Đảng ủy phường Đông Ngàn", "Chợ văn minh, không rác thải nhựa", "culture_society", "draft"),
    (
        "UBND phường Đông Ngàn",
        "Một cửa thân thiện, trả kết quả tận nhà",
        "political_system",
        "draft",
    ),
    ("Đảng ủy phường Tam Sơn", "Ngõ xóm sáng - xanh - sạch - đẹp", "culture_society", "draft"),
    ("Hội LHPN phường Châu Khê", "Phụ nữ tiết kiệm giúp nhau giảm nghèo", "economy", "registered"),
    (
        "Đoàn Thanh niên phường Đình Bảng",
        "Thanh niên với văn minh đô thị",
        "culture_society",
        "registered",
    ),
    ("Phòng Kinh tế", "Hỗ trợ hộ làng nghề chuyển đổi số", "economy", "returned"),
    ("Hội Nông dân phường Phù Khê", "Cánh đồng mẫu, liên kết tiêu thụ", "economy", "returned"),
    ("Công an phường Trang Hạ", "Camera an ninh kết nối khu phố", "defence_security", "withdrawn"),
    ("UBMTTQ phường Hương Mạc", "Mặt trận lắng nghe dân nói", "political_system", "in_progress"),
    (
        "Hội Cựu chiến binh phường Tân Hồng",
        "Cựu chiến binh hòa giải ở cơ sở",
        "defence_security",
        "in_progress",
    ),
    ("Thành đoàn", "Ngày thứ bảy tình nguyện", "culture_society", "in_progress"),
    ("Hội LHPN thành phố", "Bữa cơm yêu thương cho người bệnh", "culture_society", "in_progress"),
    (
        "Đảng ủy phường Đồng Kỵ",
        "Dân vận khéo trong giải phóng mặt bằng",
        "economy",
        "visit_next_week",
    ),
    (
        "Đảng ủy phường Đồng Nguyên",
        "Khu dân cư an toàn phòng cháy",
        "defence_security",
        "visit_next_week",
    ),
    ("Đảng ủy phường Phù Chẩn", "Hiến đất mở rộng đường làng", "economy", "recognized"),
    (
        "Đảng ủy phường Tương Giang",
        "Chi bộ 4 tốt gắn với dân vận khéo",
        "political_system",
        "recognized",
    ),
    ("Hội Nông dân thành phố", "Vườn mẫu nông thôn mới", "economy", "not_recognized"),
    ("Liên đoàn Lao động thành phố", "Mái ấm công đoàn", "culture_society", "voting"),
    ("Ủy ban MTTQ thành phố", "Quỹ vì người nghèo minh bạch", "economy", "awaiting_votes"),
    ("Phòng Y tế", "Tiêm chủng đủ mũi, không bỏ sót", "culture_society", "awaiting_votes"),
]

RETURN_REASON = "Mục tiêu chưa có chỉ tiêu cụ thể, đề nghị đơn vị bổ sung số liệu theo quý."


def current_campaign(*, people: dict, source: Campaign, today: datetime.date) -> Campaign:
    """This year's campaign, made from ``source`` once, with dates around ``today``."""
    existing = Campaign.objects.filter(year=today.year).first()
    if existing is not None:
        return existing
    result = campaign_create_from(
        actor=people["secretariat"],
        source=source,
        year=today.year,
        levels=list(source.levels.order_by("rank").values_list("name", flat=True)),
        status=CampaignStatus.OPEN,
        name=f"Phong trào thi đua “Dân vận khéo” năm {today.year}",
        plan_number=f"{source.plan_number or '47-KH/BCĐ'}".replace("47", "52", 1),
        plan_date=today - 45 * DAY,
        issuer=source.issuer,
        registration_deadline=today + 14 * DAY,
        mid_year_report_due=today + 60 * DAY,
        year_end_report_due=today + 150 * DAY,
        recognition_date=today + 120 * DAY,
        decision_wait_days=source.decision_wait_days,
        resubmit_days=source.resubmit_days,
    )
    return result.campaign


def _visit(case: Initiative, *, passed: bool, day: datetime.date) -> VisitInput:
    criteria = Criterion.objects.filter(campaign=case.campaign, subject=case.subject)
    return VisitInput(
        visit_date=day,
        people_met="Bí thư Đảng ủy; Chủ tịch UBMTTQ; đại diện các đoàn thể và 5 hộ dân.",
        findings=(
            "Mô hình triển khai đúng kế hoạch, có số liệu minh chứng, nhân dân đồng tình."
            if passed
            else "Kết quả chưa đạt chỉ tiêu đăng ký; cần bổ sung giải pháp duy trì."
        ),
        scores={c.pk: (17 if passed else 9) for c in criteria},
        verdict=Verdict.PASSED if passed else Verdict.FAILED,
        recommended_level=case.target_level if passed else None,
    )


def current_seed(
    *, people: dict, units: dict, source: Campaign, today: datetime.date, stamps: Stamps
) -> int:
    """The live year (see the module). Returns how many cases it created."""
    from .registry import _officer_for

    campaign = current_campaign(people=people, source=source, today=today)
    level = campaign.levels.order_by("rank").first()
    secretariat = people["secretariat"]
    cases: dict[str, list[Initiative]] = {}
    created = 0
    for index, (unit_name, name, field, target) in enumerate(CURRENT_MODELS):
        unit = units[unit_name]
        if Initiative.objects.filter(campaign=campaign, unit=unit, name_key=fold(name)).exists():
            continue
        officer = _officer_for(unit, people)
        running = target not in ("draft", "registered", "returned", "withdrawn")
        start = today - (40 - index) * DAY if running else today + (20 + index) * DAY
        case = initiative_create(
            actor=officer,
            campaign=campaign,
            unit=unit,
            name=name,
            goals="Trên 90% hộ dân trên địa bàn đồng thuận, tham gia; có số liệu theo quý.",
            subject=Subject.COLLECTIVE,
            start_date=start,
            end_date=today + (200 + index) * DAY,
            target_level=level,
            **{f"field_{field}": True},
        )
        created += 1
        cases.setdefault(target, []).append(case)
        submitted_on = min(start - 2 * DAY, today - 3 * DAY) if running else today - 3 * DAY
        # Written two days before it was sent (a draft: two days ago).
        stamps.created(case, (today if target == "draft" else submitted_on) - 2 * DAY)
        if target == "draft":
            continue
        transition_apply(case=case, name="submit", actor=officer, today=submitted_on)
        stamps.acted(submitted_on)
        if target == "returned":
            transition_apply(
                case=case,
                name="return_for_revision",
                actor=secretariat,
                reason=RETURN_REASON,
                today=today - DAY,
            )
            stamps.acted(today - DAY)
        elif target == "withdrawn":
            transition_apply(
                case=case,
                name="withdraw",
                actor=officer,
                reason="Đơn vị gộp nhiệm vụ vào mô hình khác.",
                today=today - DAY,
            )
            stamps.acted(today - DAY)
        elif running:
            transition_apply(case=case, name="start", actor=None, today=start)
            stamps.acted(start)
    if created:
        _inspections_and_votes(
            people=people, campaign=campaign, cases=cases, today=today, stamps=stamps
        )
    return created


def _inspections_and_votes(
    *, people: dict, campaign: Campaign, cases: dict, today, stamps: Stamps
) -> None:
    if Inspection.objects.filter(case__campaign=campaign).exists():
        return
    inspector, secretariat = people["inspector"], people["secretariat"]
    decided = cases.get("recognized", []) + cases.get("not_recognized", [])
    queued = cases.get("voting", []) + cases.get("awaiting_votes", [])
    visited = decided + queued
    visit_day = today - 7 * DAY
    if visited:
        booked = inspection_schedule(
            actor=secretariat,
            cases=visited,
            planned_date=visit_day,
            team=[inspector],
            lead=inspector,
            round_label=f"Đợt 1 — năm {campaign.year}",
            confirm=True,
            today=visit_day - 7 * DAY,
        ).inspections
        stamps.acted(visit_day - 7 * DAY)
        failing = {c.pk for c in cases.get("not_recognized", [])}
        for inspection in booked:
            passed = inspection.case_id not in failing
            data = _visit(inspection.case, passed=passed, day=visit_day)
            visit_complete(actor=inspector, inspection=inspection, data=data, today=visit_day)
            stamps.acted(visit_day)
    if cases.get("visit_next_week"):
        inspection_schedule(
            actor=secretariat,
            cases=cases["visit_next_week"],
            planned_date=today + 7 * DAY,
            team=[inspector],
            lead=inspector,
            round_label=f"Đợt 2 — năm {campaign.year}",
            confirm=True,
            today=today,
        )
        stamps.acted(today)
    committee = (
        Committee.objects.filter(level__campaign=campaign).order_by("level__rank", "pk").first()
    )
    if committee is None or VoteRound.objects.filter(committee=committee).exists():
        return
    members = list(committee.members.order_by("pk"))
    for case in decided:
        in_favour = case in cases.get("recognized", [])
        for member in members:
            vote_cast(actor=member, committee=committee, case=case, in_favour=in_favour)
    if decided:
        ids = [
            VoteRound.objects.get(committee=committee, case=c, status="open").pk for c in decided
        ]
        rounds_close(
            actor=committee.chair,
            committee=committee,
            round_ids=ids,
            decision_number=f"15-QĐ/BCĐ/{campaign.year}",
            decision_date=today - 2 * DAY,
            reason="",
            today=today - 2 * DAY,
        )
        stamps.acted(today - 2 * DAY)
    # One round open halfway: two members have voted, the others can press the buttons.
    others = [m for m in members if m.pk != committee.chair_id]
    for case in cases.get("voting", []):
        for member, in_favour in zip(others[:2], (True, True), strict=False):
            vote_cast(actor=member, committee=committee, case=case, in_favour=in_favour)
