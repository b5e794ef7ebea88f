"""The named people and things every test shares, built through the app's services.

Ward A is Đông Ngàn, ward B is Tam Sơn; each has its party committee and a sub-unit.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from models_registry.models import Campaign, RecognitionLevel
from models_registry.services.initiatives import initiative_create
from units.models import Membership, Unit, UnitKind
from workflow.lifecycle import Role

PASSWORD = "Mat-khau-thu-nghiem-2023"

DEADLINE = datetime.date(2023, 3, 6)
BEFORE_DEADLINE = datetime.date(2023, 3, 1)
AFTER_DEADLINE = datetime.date(2023, 3, 10)


@dataclass
class World:
    city: Unit
    ward_a: Unit
    ward_a_sub: Unit
    ward_b: Unit
    ward_b_sub: Unit
    campaign: Campaign
    level_base: RecognitionLevel
    level_city: RecognitionLevel
    officer_a: object
    officer_b: object
    secretariat: object
    inspector: object
    chair: object
    members: list
    viewer: object
    outsider: object


def make_user(username: str, *roles: tuple[str, Unit], full_name: str = ""):
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.test",
        first_name=full_name or username,
    )
    for role, unit in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def build_world() -> World:
    city = Unit.objects.create(name="Thành phố Từ Sơn", kind=UnitKind.CITY)
    ward_a = Unit.objects.create(
        name="Đảng ủy phường Đông Ngàn", kind=UnitKind.WARD, parent=city,
        email="dangUy.dongngan@example.test",
    )  # fmt: skip
    ward_a_sub = Unit.objects.create(
        name="UBND phường Đông Ngàn", kind=UnitKind.WARD_BODY, parent=ward_a
    )
    ward_b = Unit.objects.create(name="Đảng ủy phường Tam Sơn", kind=UnitKind.WARD, parent=city)
    ward_b_sub = Unit.objects.create(
        name="UBND phường Tam Sơn", kind=UnitKind.WARD_BODY, parent=ward_b
    )
    campaign = Campaign.objects.create(
        year=2023,
        name="Phong trào thi đua “Dân vận khéo” năm 2023",
        plan_number="47-KH/BCĐ",
        plan_date=datetime.date(2023, 1, 12),
        registration_deadline=DEADLINE,
        mid_year_report_due=datetime.date(2023, 6, 30),
        year_end_report_due=datetime.date(2023, 11, 30),
        recognition_date=datetime.date(2023, 10, 15),
    )
    level_base = RecognitionLevel.objects.create(campaign=campaign, rank=1, name="Cấp cơ sở")
    level_city = RecognitionLevel.objects.create(
        campaign=campaign, rank=2, name="Cấp huyện, thành phố"
    )
    return World(
        city=city,
        ward_a=ward_a,
        ward_a_sub=ward_a_sub,
        ward_b=ward_b,
        ward_b_sub=ward_b_sub,
        campaign=campaign,
        level_base=level_base,
        level_city=level_city,
        officer_a=make_user("canbo.a", (Role.UNIT_OFFICER, ward_a), full_name="Cán bộ Đông Ngàn"),
        officer_b=make_user("canbo.b", (Role.UNIT_OFFICER, ward_b), full_name="Cán bộ Tam Sơn"),
        secretariat=make_user("bandanvan", (Role.SECRETARIAT, city), full_name="Ban Dân vận"),
        inspector=make_user("kiemtra", (Role.INSPECTOR, city), full_name="Cán bộ kiểm tra"),
        chair=make_user("chutich", (Role.COMMITTEE, city), full_name="Chủ tịch hội đồng"),
        members=[
            make_user(f"thanhvien{i}", (Role.COMMITTEE, city), full_name=f"Thành viên {i}")
            for i in (1, 2, 3)
        ],
        viewer=make_user("lanhdao", (Role.VIEWER, city), full_name="Lãnh đạo"),
        outsider=make_user("nguoingoai"),
    )


def make_draft(world: World, *, actor=None, unit=None, **overrides):
    """A complete draft, ready to submit, registered by ward A's officer by default."""
    data = {
        "name": "Dân vận khéo trong vận động hiến đất mở đường",
        "goals": "100% hộ dân đồng thuận",
        "field_economy": True,
        "subject": "collective",
        "start_date": datetime.date(2023, 3, 1),
        "end_date": datetime.date(2023, 11, 30),
        "target_level": world.level_base,
    }
    data.update(overrides)
    return initiative_create(
        actor=actor or world.officer_a,
        campaign=world.campaign,
        unit=unit or world.ward_a,
        **data,
    )
