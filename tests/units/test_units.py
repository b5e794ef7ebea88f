"""Unit names match however units write them; unknown or ambiguous names say which
units are nearest."""

import pytest

from units.models import Unit, UnitKind
from units.selectors import unit_match
from workflow.errors import WorkflowError


@pytest.fixture
def directory(db):
    city = Unit.objects.create(name="Thành phố Từ Sơn", kind=UnitKind.CITY)
    ward = Unit.objects.create(
        name="Đảng ủy phường Đông Ngàn", kind=UnitKind.WARD, parent=city, aliases="Phường Đông Ngàn"
    )
    names = [
        "UBND phường Đông Ngàn",
        "UBMTTQ phường Đông Ngàn",
        "Hội LHPN phường Đông Ngàn",
        "Đoàn Thanh niên phường Đông Ngàn",
        "Hội Cựu chiến binh phường Đông Ngàn",
        "Công an phường Đông Ngàn",
    ]
    units = {n: Unit.objects.create(name=n, kind=UnitKind.WARD_BODY, parent=ward) for n in names}
    units["ward"] = ward
    units["city"] = city
    units["police"] = Unit.objects.create(name="Công an thành phố", kind=UnitKind.BODY, parent=city)
    return units


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Đảng ủy phường Đông Ngàn", "ward"),
        ("DANG UY PHUONG DONG NGAN", "ward"),
        ("dang uy  phuong   dong ngan", "ward"),
        ("Đảng uỷ P. Đông Ngàn", "ward"),
        ("P. Đông Ngàn", "ward"),
        ("Ủy ban nhân dân phường Đông Ngàn", "UBND phường Đông Ngàn"),
        ("UBND P. Đông Ngàn", "UBND phường Đông Ngàn"),
        ("Ủy ban Mặt trận Tổ quốc phường Đông Ngàn", "UBMTTQ phường Đông Ngàn"),
        ("Hội Liên hiệp Phụ nữ phường Đông Ngàn", "Hội LHPN phường Đông Ngàn"),
        ("Đoàn TN phường Đông Ngàn", "Đoàn Thanh niên phường Đông Ngàn"),
        ("Hội CCB phường Đông Ngàn", "Hội Cựu chiến binh phường Đông Ngàn"),
    ],
)
def test_names_match_whatever_way_units_write_them(directory, written, expected):
    assert unit_match(written) == directory[expected]


def test_an_unknown_name_lists_the_nearest_units(directory):
    with pytest.raises(WorkflowError) as excinfo:
        unit_match("Công an phường Đông Ngan A")
    message = str(excinfo.value)
    assert "Không tìm thấy đơn vị “Công an phường Đông Ngan A”" in message
    assert "“Công an phường Đông Ngàn”" in message


def test_a_name_shared_by_two_units_is_ambiguous(directory):
    Unit.objects.create(
        name="Công an phường Đông Ngàn (cũ)",
        kind=UnitKind.OTHER,
        parent=directory["city"],
        aliases="Công an phường Đông Ngàn",
    )
    with pytest.raises(WorkflowError) as excinfo:
        unit_match("CÔNG AN PHƯỜNG ĐÔNG NGÀN")
    assert "trùng với nhiều đơn vị" in str(excinfo.value)
    assert "Công an phường Đông Ngàn (cũ)" in str(excinfo.value)


def test_sub_unit_paths_follow_a_moved_parent(directory):
    ward, sub = directory["ward"], directory["UBND phường Đông Ngàn"]
    new_parent = Unit.objects.create(name="Thị xã mới", kind=UnitKind.CITY)
    ward.parent = new_parent
    ward.save()
    sub.refresh_from_db()
    assert sub.path == f"/{new_parent.pk}/{ward.pk}/{sub.pk}/"
    assert new_parent.contains(sub)
