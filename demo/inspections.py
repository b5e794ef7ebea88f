"""Demo inspections for Từ Sơn 2023, built through the inspection services so that every
inspected case has its visit, scores and transition log. Idempotent: the criteria are
completed if missing; the inspections are made once (none exist for 2023 yet)."""

import datetime
import random

from django.contrib.auth import get_user_model

from inspections.models import Criterion, Inspection, Verdict
from inspections.services.scheduling import inspection_schedule
from inspections.services.visits import VisitInput, visit_complete, visit_save_draft
from models_registry.models import Campaign, Initiative, Subject
from units.models import Membership
from workflow.lifecycle import Role, State
from workflow.services import transition_apply

from .backdate import Stamps

# DESIGN.md §3, as practised in Lâm Đồng: five criteria each, 20 points each.
CRITERIA = {
    Subject.COLLECTIVE: [
        (
            "Cách làm sáng tạo, hiệu quả, tiết kiệm thời gian và chi phí",
            "Có cách làm mới, phù hợp thực tế; rút ngắn thời gian, giảm chi phí so với trước.",
        ),
        (
            "Người đứng đầu gương mẫu, thuyết phục được nhân dân tự nguyện, tự giác chấp hành",
            "Cấp ủy, người đứng đầu trực tiếp vận động; nhân dân đồng thuận, không khiếu kiện.",
        ),
        (
            "Huy động được nhiều lực lượng cùng tham gia",
            "MTTQ, các đoàn thể, doanh nghiệp và nhân dân cùng góp công, góp sức, góp kinh phí.",
        ),
        (
            "Hài hòa lợi ích của tập thể, cá nhân và xã hội",
            "Mang lại lợi ích thiết thực cho người dân và cộng đồng, không làm thiệt hại ai.",
        ),
        (
            "Mô hình có tính bền vững, được duy trì và nhân rộng",
            "Duy trì thường xuyên, có cơ chế tự vận hành; có khả năng nhân rộng ra nơi khác.",
        ),
    ],
    Subject.INDIVIDUAL: [
        (
            "Gương mẫu, có uy tín, được nhân dân tin tưởng",
            "Chấp hành tốt chủ trương, chính sách; được cộng đồng nơi cư trú, công tác ghi nhận.",
        ),
        (
            "Cách làm sáng tạo, phù hợp với thực tiễn địa phương, đơn vị",
            "Có sáng kiến, cách làm hay, tiết kiệm thời gian và chi phí.",
        ),
        (
            "Vận động, thuyết phục được nhân dân tự nguyện cùng tham gia",
            "Số người, số hộ được vận động tham gia; mức độ đồng thuận.",
        ),
        (
            "Kết quả cụ thể, mang lại lợi ích thiết thực cho cộng đồng",
            "Kết quả đo đếm được so với mục tiêu đăng ký.",
        ),
        (
            "Duy trì thường xuyên, có sức lan tỏa trong cộng đồng",
            "Được tuyên truyền, học tập và làm theo.",
        ),
    ],
}

ROUND_1 = "Đợt 1 — tháng 10/2023"
ROUND_2 = "Đợt 2 — tháng 11/2023"


def criteria_seed(campaign: Campaign) -> int:
    """The Lâm Đồng criteria for ``campaign``; returns how many were added."""
    added = 0
    for subject, items in CRITERIA.items():
        for order, (name, description) in enumerate(items, start=1):
            _, created = Criterion.objects.get_or_create(
                campaign=campaign,
                subject=subject,
                name=name,
                defaults={"order": order, "description": description, "max_points": 20},
            )
            added += created
    return added


def _second_inspector(city, logins):
    from .registry import DEMO_PASSWORD

    # As the other demo users: the whole Vietnamese name, family name first, in first_name.
    user, created = get_user_model().objects.get_or_create(
        username="kiemtra2",
        defaults={"first_name": "Phạm Văn Đức", "email": "kiemtra2@tuson.example"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, unit=city, role=Role.INSPECTOR)
    logins.rows.append((Role.INSPECTOR.label, "kiemtra2", "Phạm Văn Đức"))
    return user


def _visit(case: Initiative, rng: random.Random, criteria: list[Criterion], *, strong: bool):
    scores = {c.pk: rng.randint(15, 20) if strong else rng.randint(8, 14) for c in criteria}
    passed = sum(scores.values()) >= 70
    return VisitInput(
        visit_date=None,
        people_met=(
            "Đồng chí Bí thư Đảng ủy phường; Chủ tịch UBMTTQ phường; "
            "đại diện các đoàn thể; 6 hộ dân tham gia mô hình."
        ),
        findings=(
            "Đơn vị triển khai đúng kế hoạch đăng ký, có sổ theo dõi và số liệu minh chứng. "
            + (
                "Nhân dân đồng thuận cao, mô hình lan tỏa tốt, có khả năng nhân rộng."
                if passed
                else "Kết quả chưa đạt chỉ tiêu đề ra; cần bổ sung giải pháp duy trì."
            )
        ),
        scores=scores,
        verdict=Verdict.PASSED if passed else Verdict.FAILED,
        recommended_level=case.target_level if passed else None,
    )


def inspections_seed(
    *, people: dict, logins, city, c2022: Campaign, c2023: Campaign, stamps: Stamps
) -> int:
    """Criteria for 2022 and 2023; then, once, two rounds of 2023 inspections: most of the
    first round logged (cases become "inspected"), one draft, one re-inspection asked,
    and a second round booked. Returns how many inspections it booked."""
    criteria_seed(c2022)
    criteria_seed(c2023)
    lead = people["inspector"]
    second = _second_inspector(city, logins)
    if Inspection.objects.filter(case__campaign=c2023).exists():
        return 0
    secretariat = people["secretariat"]
    rng = random.Random(2023)
    running = list(
        Initiative.objects.filter(campaign=c2023, state=State.IN_PROGRESS)
        .select_related("unit", "target_level")
        .order_by("end_date", "pk")[:14]
    )
    if len(running) < 10:
        return 0
    first, later = running[:10], running[10:]
    day_1 = datetime.date(2023, 10, 20)
    booked = inspection_schedule(
        actor=secretariat,
        cases=first,
        planned_date=day_1,
        team=[lead, second],
        lead=lead,
        round_label=ROUND_1,
        confirm=True,
        today=datetime.date(2023, 10, 5),
    ).inspections
    stamps.acted(datetime.date(2023, 10, 5))
    criteria = {
        subject: list(Criterion.objects.filter(campaign=c2023, subject=subject).order_by("order"))
        for subject in Subject
    }
    for index, inspection in enumerate(booked):
        case = inspection.case
        data = _visit(case, rng, criteria[case.subject], strong=index % 4 != 3)
        data.visit_date = day_1
        if index == len(booked) - 1:
            visit_save_draft(actor=second, inspection=inspection, data=data, today=day_1)
            continue
        visit_complete(actor=lead, inspection=inspection, data=data, today=day_1)
        stamps.acted(day_1)
    # The committee wants a second look at one weak result: it waits to be booked.
    weak = booked[3].case
    weak.refresh_from_db()
    if weak.state == State.INSPECTED:
        transition_apply(
            case=weak,
            name="request_reinspection",
            actor=secretariat,
            reason="Kết quả chấm điểm thấp, đề nghị kiểm tra lại sau khi đơn vị bổ sung giải pháp.",
            today=datetime.date(2023, 10, 25),
        )
        stamps.acted(datetime.date(2023, 10, 25))
    booked += inspection_schedule(
        actor=secretariat,
        cases=later,
        planned_date=datetime.date(2023, 11, 15),
        team=[second],
        lead=second,
        round_label=ROUND_2,
        confirm=True,
        today=datetime.date(2023, 11, 1),
    ).inspections
    stamps.acted(datetime.date(2023, 11, 1))
    return len(booked)
