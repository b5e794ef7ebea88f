"""Loading a real directory of units from CSV: `python manage.py import_units FILE.csv`."""

import io

import pytest
from django.core.management import call_command

from demo import registry as demo
from units.models import Unit, UnitKind
from units.services import units_import
from workflow.errors import WorkflowError


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.lstrip("\n").encode(encoding)


def snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("pk").values_list(
            "pk", "name", "kind", "parent_id", "path", "email", "aliases"
        )
    )


def problems(data: bytes, **kwargs) -> list[str]:
    with pytest.raises(WorkflowError) as caught:
        units_import(data=data, **kwargs)
    return caught.value.messages


SMALL = """
name,parent,kind,email,aliases
UBND phường Hạp Lĩnh,Đảng ủy phường Hạp Lĩnh,ward_body,ubnd.haplinh@example.vn,Ủy ban nhân dân phường Hạp Lĩnh; P. Hạp Lĩnh UBND
Đảng ủy phường Hạp Lĩnh,Thành phố Bắc Ninh,"Đảng ủy phường, xã",,Phường Hạp Lĩnh|Hạp Lĩnh
Thành phố Bắc Ninh,,city,bandanvan@bacninh.example.vn,
Hội LHPN phường Hạp Lĩnh,Phường Hạp Lĩnh,ward_body,,"Hội Liên hiệp Phụ nữ phường Hạp Lĩnh
Hội Phụ nữ phường Hạp Lĩnh"
"""


def test_a_directory_loads_with_parents_listed_after_their_children(db):
    result = units_import(data=csv_bytes(SMALL))

    assert [line for line, _ in result.created] == [4, 3, 2, 5]  # parents first
    city = Unit.objects.get(name="Thành phố Bắc Ninh")
    ward = Unit.objects.get(name="Đảng ủy phường Hạp Lĩnh")
    ubnd = Unit.objects.get(name="UBND phường Hạp Lĩnh")
    women = Unit.objects.get(name="Hội LHPN phường Hạp Lĩnh")
    assert (city.parent, city.kind, city.email) == (
        None,
        UnitKind.CITY,
        "bandanvan@bacninh.example.vn",
    )
    assert (ward.parent, ward.kind) == (city, UnitKind.WARD)  # kind given by its label
    assert (ubnd.parent, ubnd.kind, ubnd.email) == (
        ward,
        UnitKind.WARD_BODY,
        "ubnd.haplinh@example.vn",
    )
    assert women.parent == ward  # its parent was written as one of the ward's aliases
    assert ward.alias_list == ["Phường Hạp Lĩnh", "Hạp Lĩnh"]
    assert ubnd.alias_list == ["P. Hạp Lĩnh UBND"]  # the other alias is the name itself
    # "Hội Liên hiệp Phụ nữ …" is its name with the abbreviation spelled out: not kept.
    assert women.alias_list == ["Hội Phụ nữ phường Hạp Lĩnh"]
    assert ubnd.path == f"/{city.pk}/{ward.pk}/{ubnd.pk}/"
    assert ward.contains(women)


def test_loading_the_same_file_twice_changes_nothing_the_second_time(db):
    units_import(data=csv_bytes(SMALL))
    before = snapshot()
    again = units_import(data=csv_bytes(SMALL))
    assert (again.created, again.updated) == ([], [])
    assert len(again.unchanged) == 4
    assert snapshot() == before


def test_units_already_there_are_matched_however_the_file_writes_them(world):
    before = Unit.objects.count()
    data = csv_bytes(
        """
name,parent,kind,email,aliases
Ủy ban nhân dân phường Đông Ngàn,Đảng ủy P. Đông Ngàn,,ubnd.dongngan@example.vn,UBND P. Đông Ngàn;Chính quyền phường Đông Ngàn
DANG UY PHUONG TAM SON,thanh pho tu son,,,
"""
    )
    result = units_import(data=data)

    assert result.created == []
    assert [(line, name) for line, name, _ in result.updated] == [(2, "UBND phường Đông Ngàn")]
    assert result.unchanged == [(3, "Đảng ủy phường Tam Sơn")]
    assert Unit.objects.count() == before
    world.ward_a_sub.refresh_from_db()
    assert world.ward_a_sub.name == "UBND phường Đông Ngàn"  # the name is kept
    assert world.ward_a_sub.email == "ubnd.dongngan@example.vn"
    # "UBND P. Đông Ngàn" is the name spelled otherwise; only the new alias is added.
    assert world.ward_a_sub.alias_list == ["Chính quyền phường Đông Ngàn"]


def test_every_problem_is_reported_with_its_line_and_nothing_is_written(world):
    before = snapshot()
    data = csv_bytes(
        """
name,parent,kind,email,aliases
Phòng Văn hóa - Thông tin,Thành phố Từ Sơn,phong ban,,
,Thành phố Từ Sơn,body,,
Phòng Y tế,Thành phố Từ Sơn,body,yte@@example,
Công an phường Đông Ngàn,Đảng ủy phường Đông Nàgn,ward_body,,
Hội Nông dân phường Tam Sơn,Đảng ủy phường Tam Sơn,ward_body,,
hoi nong dan phuong tam son,Dang uy phuong Tam Son,ward_body,,
Tổ A,Tổ B,other,,
Tổ B,Tổ A,other,,
Phòng Nội vụ,Thành phố Từ Sơn,,,
"""
    )
    messages = problems(data)

    assert messages == [
        "Dòng 2, cột “kind”: loại đơn vị “phong ban” không hợp lệ. Dùng một trong: "
        "city (Thành phố / huyện); body (Cơ quan, ban, ngành cấp thành phố); "
        "organisation (MTTQ, tổ chức chính trị - xã hội); ward (Đảng ủy phường, xã); "
        "ward_body (Đơn vị thuộc phường, xã); other (Khác).",
        "Dòng 3, cột “name”: chưa có tên đơn vị.",
        "Dòng 4, cột “email”: địa chỉ email “yte@@example” không hợp lệ.",
        "Dòng 5, cột “parent”: không tìm thấy đơn vị cấp trên “Đảng ủy phường Đông Nàgn” "
        "trong tệp hay trong danh mục. Có phải là: “Đảng ủy phường Đông Ngàn”, "
        "“Đảng ủy phường Tam Sơn”, “UBND phường Đông Ngàn”?",
        "Dòng 7, cột “name”: đơn vị “hoi nong dan phuong tam son” đã có ở dòng 6 với cùng "
        "đơn vị cấp trên.",
        "Dòng 8, cột “parent”: đơn vị cấp trên tạo thành vòng lặp (dòng 8 → dòng 9 → dòng 8).",
    ]
    assert snapshot() == before


def test_a_new_unit_needs_a_kind_but_an_existing_one_does_not(world):
    messages = problems(
        csv_bytes(
            """
name,parent,kind
UBND phường Đông Ngàn,Đảng ủy phường Đông Ngàn,
Phòng Nội vụ,Thành phố Từ Sơn,
"""
        )
    )
    assert messages == ["Dòng 3, cột “kind”: chưa có loại đơn vị (bắt buộc với đơn vị mới)."]


def test_an_ambiguous_parent_names_the_candidates(world):
    Unit.objects.create(name="Tổ dân phố số 1", kind=UnitKind.OTHER, parent=world.ward_a)
    Unit.objects.create(name="Tổ dân phố số 1", kind=UnitKind.OTHER, parent=world.ward_b)
    messages = problems(csv_bytes("name,parent,kind\nChi hội phụ nữ tổ 1,Tổ dân phố số 1,other\n"))
    assert messages == [
        "Dòng 2, cột “parent”: tên đơn vị cấp trên “Tổ dân phố số 1” trùng với nhiều đơn vị: "
        "“Tổ dân phố số 1” (thuộc Đảng ủy phường Đông Ngàn), "
        "“Tổ dân phố số 1” (thuộc Đảng ủy phường Tam Sơn)."
    ]


def test_headers_may_be_vietnamese_and_the_file_semicolon_separated(db):
    data = csv_bytes(
        "\ufeffTên đơn vị;Đơn vị cấp trên;Loại đơn vị;Email;Tên gọi khác\n"
        "Huyện Tiên Du;;Thành phố / huyện;;Tiên Du|H. Tiên Du\n"
        "Xã Lạc Vệ;Tiên Du;Khác;;\n"
    )
    result = units_import(data=data)
    assert len(result.created) == 2
    assert Unit.objects.get(name="Xã Lạc Vệ").parent.name == "Huyện Tiên Du"


def test_unknown_or_missing_columns_are_refused_before_any_row(db):
    assert problems(csv_bytes("ten,cap tren,ghi chu\nA,,\n")) == [
        "Dòng 1: không nhận ra cột “ghi chu”. Các cột hợp lệ: name, parent, kind, email, aliases."
    ]
    assert problems(csv_bytes("parent,kind\n,city\n")) == ["Dòng 1: thiếu cột “name” (tên đơn vị)."]
    assert not Unit.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_with_the_way_to_fix_it(db):
    messages = problems(csv_bytes("name,kind\nThành phố Từ Sơn,city\n", encoding="utf-16"))
    assert "CSV UTF-8" in messages[0]
    assert not Unit.objects.exists()


def test_line_numbers_count_the_lines_of_multi_line_cells(db):
    data = csv_bytes('name,parent,kind,aliases\nA,,city,"một\nhai\nba"\nB,A,khong ro,\n')
    assert problems(data)[0].startswith("Dòng 5, cột “kind”")


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(world):
    before = snapshot()
    result = units_import(
        data=csv_bytes(
            "name,parent,kind,email\n"
            "Phòng Nội vụ,Thành phố Từ Sơn,body,\n"
            "Tổ công nghệ số,Phòng Nội vụ,other,\n"
            "UBND phường Tam Sơn,Đảng ủy phường Tam Sơn,,ubnd.tamson@example.vn\n"
        ),
        dry_run=True,
    )
    assert result.created == [(2, "Phòng Nội vụ"), (3, "Tổ công nghệ số")]
    assert result.updated == [(4, "UBND phường Tam Sơn", ["email: ubnd.tamson@example.vn"])]
    assert snapshot() == before


def test_only_the_secretariat_may_load_units_from_the_web(world):
    data = csv_bytes("name,kind\nĐơn vị mới,other\n")
    assert problems(data, actor=world.officer_a) == ["Chỉ Ban Dân vận được nạp danh mục đơn vị."]
    assert units_import(data=data, actor=world.secretariat).created == [(2, "Đơn vị mới")]


def demo_directory_csv() -> bytes:
    """The whole Từ Sơn directory of the demo, written as a unit would write it."""
    out = io.StringIO()
    out.write("name,parent,kind,email,aliases\n")
    for ward in reversed(demo.WARDS):  # children before their parents, on purpose
        for template, aliases in demo.WARD_BODIES:
            alias_text = "|".join(a.format(w=ward) for a in aliases)
            out.write(f'"{template.format(w=ward)}",P. {ward},ward_body,,"{alias_text}"\n')
        out.write(f"Đảng ủy phường {ward},TP Từ Sơn,ward,,Phường {ward}\n")
    for name, kind in demo.CITY_BODIES:
        out.write(f'"{name}",Thành phố Từ Sơn,{kind.value},,\n')
    out.write("Thành phố Từ Sơn,,city,,TP Từ Sơn;Từ Sơn\n")
    return out.getvalue().encode()


def test_the_real_tu_son_directory_loads_and_the_demo_then_finds_every_unit(db):
    result = units_import(data=demo_directory_csv())
    expected = 1 + len(demo.CITY_BODIES) + len(demo.WARDS) * (1 + len(demo.WARD_BODIES))
    assert len(result.created) == expected == Unit.objects.count()
    assert Unit.objects.get(name="Hội LHPN phường Tương Giang").parent.name == (
        "Đảng ủy phường Tương Giang"
    )
    demo.build_directory()
    assert Unit.objects.count() == expected


def test_the_command_prints_what_it_did_and_is_idempotent(db, tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_bytes(SMALL))
    out = io.StringIO()
    call_command("import_units", str(path), stdout=out)
    assert "Đã tạo (dòng 4): Thành phố Bắc Ninh" in out.getvalue()
    assert "Tạo mới 4 đơn vị, cập nhật 0, giữ nguyên 0." in out.getvalue()
    out = io.StringIO()
    call_command("import_units", str(path), stdout=out)
    assert "Tạo mới 0 đơn vị, cập nhật 0, giữ nguyên 4." in out.getvalue()
    assert Unit.objects.count() == 4


def test_the_command_prints_every_problem_and_exits_1(world, tmp_path):
    path = tmp_path / "loi.csv"
    path.write_bytes(csv_bytes("name,parent,kind\nA,Không có,other\nB,,la\n"))
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import_units", str(path), stderr=err)
    assert exited.value.code == 1
    lines = err.getvalue().splitlines()
    assert lines[0] == "Tệp “loi.csv” có lỗi; không ghi gì vào danh mục:"
    assert lines[1].startswith("  Dòng 2, cột “parent”: không tìm thấy đơn vị cấp trên “Không có”")
    assert lines[2].startswith("  Dòng 3, cột “kind”: loại đơn vị “la” không hợp lệ.")
    assert snapshot() == before


def test_the_command_dry_run_says_so(world, tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_bytes("name,parent,kind\nPhòng Nội vụ,Thành phố Từ Sơn,body\n"))
    out = io.StringIO()
    call_command("import_units", str(path), "--dry-run", stdout=out)
    assert "Sẽ tạo (dòng 2): Phòng Nội vụ" in out.getvalue()
    assert (
        out.getvalue()
        .rstrip()
        .endswith("Chạy thử, chưa ghi gì. Tạo mới 1 đơn vị, cập nhật 0, giữ nguyên 0.")
    )
    assert not Unit.objects.filter(name="Phòng Nội vụ").exists()
