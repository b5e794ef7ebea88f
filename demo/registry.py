"""Demo data for Từ Sơn, 2023 (DESIGN.md §8), built through the same services the app
uses, so that every demo case has its transition log. Idempotent: what exists is kept."""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from models_registry.models import (
    Campaign,
    CampaignStatus,
    Initiative,
    RecognitionLevel,
    Subject,
)
from models_registry.services.initiatives import initiative_create
from notifications.models import Notification, Status
from units.models import Membership, Unit, UnitKind
from units.text import fold
from workflow.lifecycle import Role, State
from workflow.services import transition_apply

from .backdate import Stamps

DEMO_PASSWORD = "DanVanKheo@2023"
TODAY_TOO_EARLY = "Ngày của dữ liệu mẫu phải sau năm 2023 (năm 2022 và 2023 là các năm đã qua)."

WARDS = [
    "Châu Khê",
    "Đình Bảng",
    "Đồng Kỵ",
    "Đông Ngàn",
    "Đồng Nguyên",
    "Hương Mạc",
    "Phù Chẩn",
    "Phù Khê",
    "Tam Sơn",
    "Tân Hồng",
    "Trang Hạ",
    "Tương Giang",
]

CITY_BODIES = [
    ("Ban Dân vận Thành ủy", UnitKind.BODY),
    ("Văn phòng HĐND - UBND thành phố", UnitKind.BODY),
    ("Phòng Kinh tế", UnitKind.BODY),
    ("Phòng Quản lý đô thị", UnitKind.BODY),
    ("Phòng Văn hóa - Thông tin", UnitKind.BODY),
    ("Phòng Giáo dục và Đào tạo", UnitKind.BODY),
    ("Phòng Y tế", UnitKind.BODY),
    ("Phòng Lao động - Thương binh và Xã hội", UnitKind.BODY),
    ("Phòng Tài nguyên và Môi trường", UnitKind.BODY),
    ("Phòng Tư pháp", UnitKind.BODY),
    ("Phòng Nội vụ", UnitKind.BODY),
    ("Thanh tra thành phố", UnitKind.BODY),
    ("Công an thành phố", UnitKind.BODY),
    ("Ban Chỉ huy Quân sự thành phố", UnitKind.BODY),
    ("Ủy ban MTTQ thành phố", UnitKind.ORGANISATION),
    ("Thành đoàn", UnitKind.ORGANISATION),
    ("Hội LHPN thành phố", UnitKind.ORGANISATION),
    ("Hội Nông dân thành phố", UnitKind.ORGANISATION),
    ("Hội Cựu chiến binh thành phố", UnitKind.ORGANISATION),
    ("Liên đoàn Lao động thành phố", UnitKind.ORGANISATION),
]

# The sub-units of each ward, with the other ways units write their names.
WARD_BODIES = [
    ("UBND phường {w}", ["Ủy ban nhân dân phường {w}"]),
    ("UBMTTQ phường {w}", ["Ủy ban Mặt trận Tổ quốc phường {w}", "MTTQ phường {w}"]),
    ("Công an phường {w}", []),
    ("Đoàn Thanh niên phường {w}", ["Đoàn TN phường {w}", "Phường đoàn {w}"]),
    ("Hội LHPN phường {w}", ["Hội Liên hiệp Phụ nữ phường {w}", "Hội Phụ nữ phường {w}"]),
    ("Hội Cựu chiến binh phường {w}", ["Hội CCB phường {w}"]),
    ("Hội Nông dân phường {w}", ["Hội ND phường {w}"]),
]

# (name, goals, fields) — the kinds of models units really register.
CATALOGUE = [
    (
        "Dân vận khéo trong vận động nhân dân hiến đất làm đường giao thông",
        "100% hộ dân đồng thuận hiến đất; hoàn thành tuyến đường đúng tiến độ",
        ["economy"],
    ),
    (
        "Khu dân cư không rác thải nhựa",
        "90% hộ gia đình không dùng túi ni lông khi đi chợ",
        ["culture_society"],
    ),
    (
        "Tổ tự quản an ninh trật tự kiểu mẫu",
        "Không để xảy ra trọng án; giảm 20% vụ việc mất trật tự",
        ["defence_security"],
    ),
    (
        "Chi bộ “4 tốt” gắn với dân vận khéo",
        "100% đảng viên tham gia sinh hoạt ở khu dân cư",
        ["political_system"],
    ),
    (
        "Bữa cơm nghĩa tình cho người bệnh khó khăn",
        "Tổ chức 12 đợt phát cơm miễn phí trong năm",
        ["culture_society"],
    ),
    (
        "Vận động hội viên phát triển làng nghề gắn với bảo vệ môi trường",
        "Giảm 30% lượng chất thải chưa xử lý của các hộ làng nghề",
        ["economy", "culture_society"],
    ),
    (
        "Camera an ninh khu phố",
        "Lắp đặt camera tại các tuyến ngõ; giảm vụ trộm cắp",
        ["defence_security"],
    ),
    (
        "Tiếp dân, đối thoại định kỳ với nhân dân",
        "Tổ chức 4 buổi đối thoại; 100% kiến nghị được trả lời",
        ["political_system"],
    ),
    ("Quỹ tiết kiệm giúp nhau giảm nghèo", "Giúp 10 hộ thoát nghèo bền vững", ["economy"]),
    (
        "Sân chơi an toàn cho thiếu nhi",
        "Xây dựng 3 sân chơi từ nguồn xã hội hóa",
        ["culture_society"],
    ),
    (
        "Thanh niên tình nguyện xóa quảng cáo rao vặt",
        "Tổ chức 40 buổi ra quân; làm sạch các tuyến phố chính",
        ["culture_society", "political_system"],
    ),
    (
        "Cựu chiến binh tham gia hòa giải ở cơ sở",
        "Hòa giải thành 90% vụ việc mâu thuẫn",
        ["defence_security"],
    ),
    (
        "Cải cách hành chính: một cửa thân thiện",
        "98% hồ sơ giải quyết đúng hạn; 95% người dân hài lòng",
        ["political_system"],
    ),
    (
        "Chuyển đổi số trong thanh toán không dùng tiền mặt",
        "70% hộ kinh doanh tại chợ dùng mã QR",
        ["economy"],
    ),
    (
        "Vận động tiêm chủng và khám sức khỏe định kỳ",
        "95% trẻ em trong độ tuổi được tiêm chủng đầy đủ",
        ["culture_society"],
    ),
]

EXEMPLAR_NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Văn Minh",
    "Phạm Thị Hằng",
    "Nguyễn Thị Thu",
    "Đỗ Văn Tuấn",
    "Ngô Thị Mai",
    "Vũ Văn Long",
    "Hoàng Thị Hoa",
    "Bùi Văn Nam",
]

# The 2023 states, as the year really ends: most run, some are withdrawn or returned.
# Inspected and decided cases come from the inspection and committee screens, which the
# demo drives once those exist.
STATE_WEIGHTS = [
    (State.DRAFT, 10),
    (State.REGISTERED, 15),
    (State.IN_PROGRESS, 65),
    (State.WITHDRAWN, 5),
    ("returned", 5),
]


@dataclass
class DemoLogins:
    rows: list[tuple[str, str, str]] = field(default_factory=list)


def _unit(name, kind, parent, aliases=()):
    unit, _ = Unit.objects.get_or_create(
        parent=parent, name=name, defaults={"kind": kind, "aliases": "\n".join(aliases)}
    )
    return unit


def _user(username, full_name, *, staff=False, superuser=False):
    # The whole Vietnamese name (family name first) in first_name: Django's
    # get_full_name() puts first_name before last_name, the Western order.
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": full_name,
            "is_staff": staff,
            "is_superuser": superuser,
            "email": f"{username}@tuson.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _member(user, unit, role):
    Membership.objects.get_or_create(user=user, unit=unit, role=role)


def build_directory() -> dict[str, Unit]:
    city = _unit("Thành phố Từ Sơn", UnitKind.CITY, None, ["TP Từ Sơn", "Từ Sơn"])
    city.email = city.email or "bandanvan@tuson.example"
    city.save()
    units = {"city": city}
    for name, kind in CITY_BODIES:
        units[name] = _unit(name, kind, city)
    for ward in WARDS:
        party = _unit(f"Đảng ủy phường {ward}", UnitKind.WARD, city, [f"Phường {ward}"])
        units[party.name] = party
        for template, aliases in WARD_BODIES:
            body = _unit(
                template.format(w=ward),
                UnitKind.WARD_BODY,
                party,
                [alias.format(w=ward) for alias in aliases],
            )
            units[body.name] = body
    return units


def build_campaigns() -> tuple[Campaign, Campaign]:
    c2022, _ = Campaign.objects.get_or_create(
        year=2022,
        defaults={
            "name": "Phong trào thi đua “Dân vận khéo” năm 2022",
            "registration_deadline": datetime.date(2022, 3, 15),
            "mid_year_report_due": datetime.date(2022, 6, 30),
            "year_end_report_due": datetime.date(2022, 11, 30),
            "recognition_date": datetime.date(2022, 10, 15),
            "issuer": "Ban Chỉ đạo phong trào thi đua “Dân vận khéo” thành phố Từ Sơn",
        },
    )
    c2023, _ = Campaign.objects.get_or_create(
        year=2023,
        defaults={
            "name": "Phong trào thi đua “Dân vận khéo” năm 2023",
            "plan_number": "47-KH/BCĐ",
            "plan_date": datetime.date(2023, 1, 12),
            "registration_deadline": datetime.date(2023, 3, 6),
            "mid_year_report_due": datetime.date(2023, 6, 30),
            "year_end_report_due": datetime.date(2023, 11, 30),
            "recognition_date": datetime.date(2023, 10, 15),
            "issuer": "Ban Chỉ đạo phong trào thi đua “Dân vận khéo” thành phố Từ Sơn",
        },
    )
    for campaign in (c2022, c2023):
        for rank, name in ((1, "Cấp cơ sở"), (2, "Cấp huyện, thành phố")):
            RecognitionLevel.objects.get_or_create(
                campaign=campaign, rank=rank, defaults={"name": name}
            )
    return c2022, c2023


def build_people(units: dict[str, Unit]) -> tuple[DemoLogins, dict]:
    logins = DemoLogins()
    city = units["city"]
    people = {}

    def add(username, full_name, role_label, **kwargs):
        user = _user(username, full_name, **kwargs)
        logins.rows.append((role_label, username, full_name))
        return user

    people["admin"] = add(
        "admin", "Quản trị hệ thống", "quản trị (admin)", staff=True, superuser=True
    )
    people["secretariat"] = add("bandanvan", "Nguyễn Thị Thanh", Role.SECRETARIAT.label, staff=True)
    _member(people["secretariat"], city, Role.SECRETARIAT)
    people["inspector"] = add("kiemtra", "Trần Văn Bình", Role.INSPECTOR.label)
    _member(people["inspector"], city, Role.INSPECTOR)
    people["chair"] = add("chutich.bcd", "Lê Văn Quang", "chủ tịch hội đồng (BCĐ)")
    _member(people["chair"], city, Role.COMMITTEE)
    for i, name in enumerate(["Phạm Thị Hà", "Đỗ Văn Sơn", "Ngô Thị Hương"], start=1):
        member = add(f"thanhvien{i}.bcd", name, Role.COMMITTEE.label)
        _member(member, city, Role.COMMITTEE)
    people["viewer"] = add("lanhdao", "Vũ Văn Thắng", Role.VIEWER.label)
    _member(people["viewer"], city, Role.VIEWER)

    officers = {}
    for ward in WARDS:
        slug = fold(ward).replace(" ", "")
        shown = ward in ("Đông Ngàn", "Tam Sơn")
        officer = (add if shown else _user)(
            f"canbo.{slug}",
            f"Cán bộ phường {ward}",
            *([f"{Role.UNIT_OFFICER.label} (phường {ward})"] if shown else []),
        )
        _member(officer, units[f"Đảng ủy phường {ward}"], Role.UNIT_OFFICER)
        officers[ward] = officer
    city_officer = add(
        "canbo.thanhpho",
        "Cán bộ các cơ quan thành phố",
        f"{Role.UNIT_OFFICER.label} (cơ quan thành phố)",
    )
    for name, _kind in CITY_BODIES:
        _member(city_officer, units[name], Role.UNIT_OFFICER)
    people["officers"] = officers
    people["city_officer"] = city_officer
    return logins, people


def _officer_for(unit: Unit, people: dict):
    for ward, officer in people["officers"].items():
        if unit.name.endswith(f"phường {ward}"):
            return officer
    return people["city_officer"]


def _drive(
    case: Initiative, target: str, officer, secretariat, rng: random.Random, stamps: Stamps
) -> None:
    """Move a fresh draft to ``target`` through the workflow service, as people would."""
    submitted_on = datetime.date(2023, 2, 20) + datetime.timedelta(days=rng.randrange(14))
    if target == State.DRAFT:
        return
    if target == "returned":
        transition_apply(case=case, name="submit", actor=officer, today=submitted_on)
        stamps.acted(submitted_on)
        transition_apply(
            case=case,
            name="return_for_revision",
            actor=secretariat,
            reason="Mục tiêu chưa có chỉ tiêu cụ thể, đề nghị đơn vị bổ sung số liệu.",
            today=submitted_on,
        )
        stamps.acted(submitted_on)
        return
    transition_apply(case=case, name="submit", actor=officer, today=submitted_on)
    stamps.acted(submitted_on)
    if target == State.REGISTERED:
        return
    if target == State.WITHDRAWN:
        transition_apply(
            case=case,
            name="withdraw",
            actor=officer,
            reason="Đơn vị sáp nhập nhiệm vụ vào mô hình khác.",
            today=submitted_on,
        )
        stamps.acted(submitted_on)
        return
    # Started by the daily sweep on its start date (or, started before it was sent,
    # right after: the stamps keep the case's log in order).
    transition_apply(case=case, name="start", actor=None, today=case.start_date)
    stamps.acted(case.start_date)


# What the outbox rows the demo wrote say instead of a delivery (status "sent", no
# sent_at): the demo's people are invented and its addresses on a reserved domain.
DEMO_NOT_SENT = "(dữ liệu mẫu: chỉ hiển thị trong hộp thư thông báo, không gửi email)"


@transaction.atomic
def seed_demo(
    *, rng_seed: int = 2023, today: datetime.date | None = None, send_mail: bool = False
) -> tuple[DemoLogins, int]:
    """Build (or complete) the demo: 2022 and 2023 as history, and a live campaign for
    ``today``'s year (by default the real today; see ``demo.current``). Returns the
    logins and how many cases it created.

    The e-mails its transitions queue are never sent unless ``send_mail``: their outbox
    rows stay as inbox entries only, marked ``DEMO_NOT_SENT``, so no relay receives the
    demo's few hundred messages (the delivery messages published after commit find
    nothing to send). Its addresses are on ``tuson.example`` anyway (RFC 2606)."""
    today = today or timezone.localdate()
    if today.year <= 2023:
        raise ValueError(TODAY_TOO_EARLY)
    last_row = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    stamps = Stamps()  # the past on its own dates (demo/backdate.py)
    units = build_directory()
    c2022, c2023 = build_campaigns()
    logins, people = build_people(units)
    rng = random.Random(rng_seed)
    levels = {c.pk: list(c.levels.order_by("rank")) for c in (c2022, c2023)}
    created = 0
    registrants = [u for key, u in units.items() if key != "city"]
    states = [s for s, _ in STATE_WEIGHTS]
    weights = [w for _, w in STATE_WEIGHTS]
    for index, unit in enumerate(registrants):
        count = 2 if index % 4 == 0 else 1
        for n in range(count):
            title, goals, fields = CATALOGUE[(index * 3 + n) % len(CATALOGUE)]
            individual = (index + n) % 3 == 2
            if individual:
                person = EXEMPLAR_NAMES[(index + n) % len(EXEMPLAR_NAMES)]
                title = f"{person} — điển hình “{title.lower()}”"
            name = f"{title} ({unit.name})"
            if Initiative.objects.filter(campaign=c2023, unit=unit, name_key=fold(name)).exists():
                continue
            officer = _officer_for(unit, people)
            start = datetime.date(2023, 2, 15) + datetime.timedelta(days=rng.randrange(60))
            end = datetime.date(2023, 10, 31) + datetime.timedelta(days=rng.randrange(60))
            case = initiative_create(
                actor=officer,
                campaign=c2023,
                unit=unit,
                name=name,
                goals=goals,
                subject=Subject.INDIVIDUAL if individual else Subject.COLLECTIVE,
                start_date=start,
                end_date=end,
                target_level=levels[c2023.pk][1 if rng.random() < 0.3 else 0],
                **{f"field_{f}": True for f in fields},
            )
            # Written in the first half of February, before any was sent.
            stamps.created(case, datetime.date(2023, 2, 1) + datetime.timedelta(days=index % 14))
            target = rng.choices(states, weights)[0]
            _drive(case, target, officer, people["secretariat"], rng, stamps)
            created += 1
    from .inspections import inspections_seed  # criteria, inspections, visits (a cycle)

    inspections_seed(
        people=people, logins=logins, city=units["city"], c2022=c2022, c2023=c2023, stamps=stamps
    )
    from .committees import committees_seed  # committees, votes, decisions (issue 6)

    committees_seed(people=people, units=units, c2022=c2022, c2023=c2023, stamps=stamps)
    # 2022 is history: closed, read-only. 2023 stays open, as the plan it was (its
    # deadline long past), for the imports and exports of its forms.
    Campaign.objects.filter(pk=c2022.pk).update(status=CampaignStatus.CLOSED)
    from .current import current_seed  # the live year, made from the 2023 plan

    created += current_seed(people=people, units=units, source=c2023, today=today, stamps=stamps)
    from .library import library_seed  # two recognised models in the library (issue 16)

    library_seed(people=people)
    stamps.apply()
    if not send_mail:
        Notification.objects.filter(pk__gt=last_row, status=Status.PENDING).update(
            status=Status.SENT, last_error=DEMO_NOT_SENT
        )
    return logins, created
