"""Demo committees and decisions (issue 6), built through the same services the pages
use, so that every vote, round, decision and recognition has its rows and log.

- A committee for each level of 2022 and 2023, on the city, chaired by chutich.bcd with
  thanhvien1-3.bcd as members (the default rule: 2/3 take part, 70% approve).
- 2022: a few models run, inspected and decided (recognised, one upgraded to city level,
  one not recognised); one recognised model is carried over into 2023, so that the new
  case shows last year's recognition.
- 2023: of the inspected models, some recognised under one decision (one of them then
  upgraded by the city committee), one not recognised, one round left open halfway, the
  rest waiting in the members' queue.

Idempotent: committees are found or made; the 2022 models and the 2023 decisions are
made once. The inspections are logged through the inspection services.
"""

import datetime

from django.contrib.auth import get_user_model

from committees.models import Committee, VoteRound
from committees.services import committee_create, rounds_close, vote_cast
from inspections.models import Criterion, FieldVisit, Verdict, VisitStatus
from inspections.services.scheduling import inspection_schedule
from inspections.services.visits import VisitInput, visit_complete
from models_registry.models import Campaign, Initiative, Subject
from models_registry.services.carry_over import initiative_carry_over
from models_registry.services.initiatives import initiative_create
from units.models import Unit
from workflow.lifecycle import State
from workflow.services import transition_apply

from .backdate import Stamps

MEMBER_USERNAMES = ("thanhvien1.bcd", "thanhvien2.bcd", "thanhvien3.bcd")

# (unit, name, subject, target rank, fields, passes the inspection)
MODELS_2022 = [
    (
        "Đảng ủy phường Đông Ngàn",
        "Dân vận khéo trong xây dựng khu dân cư văn minh, sạch đẹp",
        Subject.COLLECTIVE,
        2,
        ["culture_society"],
        True,
    ),
    (
        "Hội LHPN phường Tam Sơn",
        "Phụ nữ Tam Sơn tiết kiệm vì người nghèo",
        Subject.COLLECTIVE,
        1,
        ["economy"],
        True,
    ),
    (
        "UBMTTQ phường Đình Bảng",
        "Đỗ Thị Nga — điển hình “vận động nhân dân hiến đất mở rộng ngõ xóm”",
        Subject.INDIVIDUAL,
        1,
        ["economy", "political_system"],
        True,
    ),
    (
        "Thành đoàn",
        "Thanh niên tình nguyện giữ gìn trật tự đô thị",
        Subject.COLLECTIVE,
        1,
        ["defence_security"],
        False,
    ),
]
# The 2022 model the demo carries over into 2023.
CARRIED_2022 = "Phụ nữ Tam Sơn tiết kiệm vì người nghèo"


def _committee_name(level) -> str:
    return f"Hội đồng xét công nhận {level.name.lower()} năm {level.campaign.year}"


def committees_ensure(*, city: Unit, chair, members: list) -> dict[tuple[int, int], Committee]:
    """A committee for each level of each campaign, on the city: {(year, rank): committee}."""
    found = {}
    for campaign in Campaign.objects.order_by("year"):
        for level in campaign.levels.order_by("rank"):
            committee = Committee.objects.filter(level=level, unit=city).first()
            if committee is None:
                committee = committee_create(
                    name=_committee_name(level),
                    level=level,
                    unit=city,
                    chair=chair,
                    members=members,
                )
            found[(campaign.year, level.rank)] = committee
    return found


def _vote_all(committee: Committee, case, *, in_favour: bool, comment: str = "") -> None:
    for member in committee.members.order_by("pk"):
        vote_cast(
            actor=member, committee=committee, case=case, in_favour=in_favour, comment=comment
        )


def _close(
    committee: Committee, cases: list, *, number: str, day: datetime.date, stamps: Stamps
) -> None:
    ids = [VoteRound.objects.get(committee=committee, case=c, status="open").pk for c in cases]
    rounds_close(
        actor=committee.chair,
        committee=committee,
        round_ids=ids,
        decision_number=number,
        decision_date=day,
        reason="" if len(cases) > 1 else "Hội đồng đề nghị đơn vị tiếp tục hoàn thiện mô hình.",
        today=day,
    )
    stamps.acted(day)


def _inspect(
    cases: list, *, people: dict, campaign: Campaign, passes: dict, day, stamps: Stamps
) -> None:
    """Book and log one inspection per case through the inspection services."""
    inspector = people["inspector"]
    booked = inspection_schedule(
        actor=people["secretariat"],
        cases=cases,
        planned_date=day,
        team=[inspector],
        lead=inspector,
        round_label=f"Kiểm tra năm {campaign.year}",
        confirm=True,
        today=day - datetime.timedelta(days=10),
    ).inspections
    stamps.acted(day - datetime.timedelta(days=10))
    for inspection in booked:
        case = inspection.case
        passed = passes[case.pk]
        criteria = Criterion.objects.filter(campaign=campaign, subject=case.subject)
        visit_complete(
            actor=inspector,
            inspection=inspection,
            data=VisitInput(
                visit_date=day,
                people_met="Đồng chí Bí thư Đảng ủy phường; đại diện MTTQ và các đoàn thể.",
                findings=(
                    "Mô hình triển khai hiệu quả, được nhân dân đồng tình hưởng ứng."
                    if passed
                    else "Mô hình triển khai chưa đều, kết quả chưa đạt chỉ tiêu đăng ký."
                ),
                scores={c.pk: (17 if passed else 9) for c in criteria},
                verdict=Verdict.PASSED if passed else Verdict.FAILED,
                recommended_level=case.target_level if passed else None,
            ),
            today=day,
        )
        stamps.acted(day)


def _seed_2022(
    *, people: dict, units: dict, campaign: Campaign, committees: dict, stamps: Stamps
) -> list:
    """Run, inspect and decide the 2022 models once. Returns the cases made (or [])."""
    if Initiative.objects.filter(campaign=campaign).exists():
        return []
    from .registry import _officer_for  # the demo's officers, by unit

    levels = {level.rank: level for level in campaign.levels.all()}
    cases, passes = [], {}
    for unit_name, name, subject, rank, fields, passed in MODELS_2022:
        unit = units[unit_name]
        officer = _officer_for(unit, people)
        case = initiative_create(
            actor=officer,
            campaign=campaign,
            unit=unit,
            name=name,
            goals="Duy trì thường xuyên, 100% hộ dân trên địa bàn tham gia",
            subject=subject,
            start_date=datetime.date(2022, 3, 20),
            end_date=datetime.date(2022, 9, 30),
            target_level=levels[rank],
            **{f"field_{f}": True for f in fields},
        )
        stamps.created(case, datetime.date(2022, 2, 21))
        transition_apply(case=case, name="submit", actor=officer, today=datetime.date(2022, 3, 1))
        stamps.acted(datetime.date(2022, 3, 1))
        transition_apply(case=case, name="start", actor=None, today=case.start_date)
        stamps.acted(case.start_date)
        cases.append(case)
        passes[case.pk] = passed
    _inspect(
        cases,
        people=people,
        campaign=campaign,
        passes=passes,
        day=datetime.date(2022, 9, 20),
        stamps=stamps,
    )

    base, city = committees[(2022, 1)], committees[(2022, 2)]
    decided_on = datetime.date(2022, 10, 14)
    for case in cases:
        _vote_all(base, case, in_favour=passes[case.pk], comment="Nhất trí với đoàn kiểm tra.")
    _close(base, cases, number="98-QĐ/BCĐ", day=decided_on, stamps=stamps)
    upgraded = cases[0]  # registered for the city level: the city committee raises it
    _vote_all(city, upgraded, in_favour=True, comment="Mô hình tiêu biểu, đề nghị nâng cấp.")
    _close(city, [upgraded], number="99-QĐ/BCĐ", day=decided_on, stamps=stamps)
    return cases


def _carry_over(*, people: dict, c2022: Campaign, c2023: Campaign, stamps: Stamps) -> None:
    source = Initiative.objects.filter(
        campaign=c2022, name=CARRIED_2022, state=State.RECOGNIZED
    ).first()
    if source is None or Initiative.objects.filter(continues_from=source, campaign=c2023).exists():
        return
    from .registry import _officer_for

    case = initiative_carry_over(
        actor=_officer_for(source.unit, people), source=source, campaign=c2023
    )
    stamps.created(case, datetime.date(2023, 2, 10))  # with the other 2023 drafts


def _seed_2023(*, campaign: Campaign, committees: dict, stamps: Stamps) -> None:
    """Decide some of the inspected 2023 models once, leave the rest to the members."""
    base, city = committees[(campaign.year, 1)], committees[(campaign.year, 2)]
    if VoteRound.objects.filter(committee__in=[base, city]).exists():
        return
    inspected = list(
        Initiative.objects.filter(campaign=campaign, state=State.INSPECTED).order_by("pk")
    )
    verdicts = dict(
        FieldVisit.objects.filter(
            inspection__case__in=inspected, status=VisitStatus.COMPLETED
        ).values_list("inspection__case_id", "verdict")
    )
    passed = [c for c in inspected if verdicts.get(c.pk) == Verdict.PASSED]
    failed = [c for c in inspected if verdicts.get(c.pk) == Verdict.FAILED]
    if len(passed) < 2:
        return
    # Two recognised, one not, one halfway: most inspected models stay in the queue.
    recognised, halfway = passed[:2], passed[2:3]
    decided_on = datetime.date(2023, 10, 30)
    for case in recognised:
        _vote_all(base, case, in_favour=True, comment="Mô hình hiệu quả, lan tỏa tốt.")
    for case in failed[:1]:
        _vote_all(base, case, in_favour=False, comment="Kết quả kiểm tra chưa đạt.")
    _close(base, recognised + failed[:1], number="125-QĐ/BCĐ", day=decided_on, stamps=stamps)
    # One round left open: two of four have voted, the chair's page shows it short.
    members = list(base.members.exclude(pk=base.chair_id).order_by("pk"))
    for case in halfway:
        for member, in_favour in zip(members[:2], (True, False), strict=False):
            vote_cast(actor=member, committee=base, case=case, in_favour=in_favour)
    # The city committee raises the first recognised model to the city level.
    _vote_all(city, recognised[0], in_favour=True, comment="Đề nghị công nhận cấp thành phố.")
    _close(
        city, [recognised[0]], number="131-QĐ/BCĐ", day=datetime.date(2023, 11, 6), stamps=stamps
    )


def committees_seed(
    *, people: dict, units: dict, c2022: Campaign, c2023: Campaign, stamps: Stamps
) -> None:
    """Committees for both levels of 2022 and 2023, and their decisions (see module)."""
    users = get_user_model().objects
    members = list(users.filter(username__in=MEMBER_USERNAMES).order_by("username"))
    committees = committees_ensure(city=units["city"], chair=people["chair"], members=members)
    _seed_2022(people=people, units=units, campaign=c2022, committees=committees, stamps=stamps)
    _carry_over(people=people, c2022=c2022, c2023=c2023, stamps=stamps)
    _seed_2023(campaign=c2023, committees=committees, stamps=stamps)
