"""Importing the registration form (biểu mẫu) as units really fill it: the shared
fixtures on the demo data, all-or-nothing, re-imports, scope, submission and the many
ways a form is typed."""

import datetime
import io
import json

import pytest

from models_registry.models import Field, Initiative, RecognitionLevel, Subject
from models_registry.services.bieu_mau import (
    Action,
    ImportFileError,
    parse,
    registration_import_apply,
    registration_import_plan,
    results,
)
from models_registry.services.bieu_mau.plan import NO_LEVEL
from models_registry.services.initiatives import deadline_extension_grant
from units.models import Unit
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .bieu_mau import (
    BEFORE_DEADLINE,
    CO_LOI,
    CO_LOI_EXPECTED,
    DONG_NGAN,
    HEADERS_SUB,
    Row,
    form_xlsx,
    seeded_demo,
)

AFTER_DEADLINE = datetime.date(2023, 3, 10)


def apply(actor, campaign, source, *, submit=False, today=BEFORE_DEADLINE, name="bieu-mau.xlsx"):
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    return registration_import_apply(
        actor=actor, campaign=campaign, source=source, name=name, submit=submit, today=today
    )


def plan(actor, campaign, source, *, submit=False, today=BEFORE_DEADLINE):
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    return registration_import_plan(
        actor=actor,
        campaign=campaign,
        source=source,
        name="bieu-mau.xlsx",
        submit=submit,
        today=today,
    )


def where(problems) -> list[tuple[int | None, str]]:
    return [(p.row, p.column) for p in problems]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    yield from seeded_demo(django_db_blocker)


@pytest.fixture
def d(demo_data, db):
    return demo_data


EXPECTED_DONG_NGAN = [
    # unit, fields, subject, start, end, level rank
    ("Đảng ủy phường Đông Ngàn", {Field.ECONOMY}, Subject.COLLECTIVE, (3, 1), (11, 30), 2),
    ("UBMTTQ phường Đông Ngàn", {Field.CULTURE_SOCIETY}, Subject.COLLECTIVE, (3, 1), (11, 30), 1),
    ("Công an phường Đông Ngàn", {Field.DEFENCE_SECURITY}, Subject.COLLECTIVE, (4, 1), (12, 15), 1),
    ("Hội LHPN phường Đông Ngàn", {Field.ECONOMY}, Subject.INDIVIDUAL, (3, 15), (11, 15), 1),
    ("UBND phường Đông Ngàn", {Field.POLITICAL_SYSTEM}, Subject.COLLECTIVE, (2, 15), (12, 31), 2),
    (
        "Đoàn Thanh niên phường Đông Ngàn",
        {Field.CULTURE_SOCIETY, Field.POLITICAL_SYSTEM},
        Subject.COLLECTIVE,
        (3, 4),
        (12, 30),
        1,
    ),
]


def test_the_dong_ngan_form_creates_its_six_cases_with_the_right_units_fields_and_dates(d):
    before = Initiative.objects.count()

    outcome = apply(d.officer, d.campaign, DONG_NGAN)

    assert outcome.ok, [str(p) for p in outcome.problems]
    assert len(outcome.created) == 6
    assert Initiative.objects.count() == before + 6
    created = Initiative.objects.filter(pk__in=[c.pk for c in outcome.created]).order_by("pk")
    for case, (unit, fields, subject, start, end, rank) in zip(
        created, EXPECTED_DONG_NGAN, strict=True
    ):
        assert case.campaign == d.campaign
        assert case.unit.name == unit
        assert set(case.fields) == fields
        assert case.subject == subject
        assert case.start_date == datetime.date(2023, *start)
        assert case.end_date == datetime.date(2023, *end)
        assert case.target_level.rank == rank
        assert case.state == State.DRAFT
        assert case.created_by == d.officer
        assert case.goals
    assert created[0].name == (
        "Dân vận khéo trong vận động nhân dân hiến đất mở rộng đường Lý Thánh Tông"
    )


def test_importing_the_dong_ngan_form_again_creates_nothing(d):
    first = apply(d.officer, d.campaign, DONG_NGAN, submit=True)
    assert first.ok and len(first.created) == 6 and len(first.submitted) == 6
    count, logs = Initiative.objects.count(), TransitionLog.objects.count()

    again = apply(d.officer, d.campaign, DONG_NGAN, submit=True)
    as_drafts = apply(d.officer, d.campaign, DONG_NGAN)

    for outcome in (again, as_drafts):
        assert outcome.ok
        assert outcome.created == [] and outcome.submitted == []
        assert len(outcome.existing) == 6
    assert Initiative.objects.count() == count
    assert TransitionLog.objects.count() == logs
    assert set(
        Initiative.objects.filter(pk__in=[c.pk for c in first.created]).values_list(
            "state", flat=True
        )
    ) == {State.REGISTERED}


@pytest.mark.parametrize("submit", [False, True])
def test_the_form_with_errors_creates_nothing_and_reports_exactly_its_six_problems(d, submit):
    expected = json.loads(CO_LOI_EXPECTED.read_text())
    before = Initiative.objects.count()

    outcome = apply(d.officer, d.campaign, CO_LOI, submit=submit)

    assert not outcome.ok
    assert outcome.created == []
    assert Initiative.objects.count() == before == expected["created"] + before
    assert where(outcome.problems) == [(e["row"], e["column"]) for e in expected["errors"]]
    # Row 1 is the first data row; the sheet row is given too (the headers end on row 8).
    assert [p.sheet_row for p in outcome.problems] == [e["row"] + 8 for e in expected["errors"]]
    messages = [p.message for p in outcome.problems]
    assert messages[0] == parse.NAME_EMPTY
    assert messages[1].startswith("Thời gian kết thúc (01/03/2023) trước")
    assert "Phòng Không Tồn Tại" in messages[2] and "Có phải là" in messages[2]
    assert messages[3] == parse.NO_FIELD_MARKED
    assert "Cấp cơ sở" in messages[4] and "Cấp huyện, thành phố" in messages[4]
    assert "sau Tết" in messages[5]
    assert len(plan(d.officer, d.campaign, CO_LOI.read_bytes()).rows) == expected["rows_in_file"]


def test_submitting_after_the_deadline_is_refused_row_by_row_and_nothing_is_created(d):
    before = Initiative.objects.count()

    outcome = apply(d.officer, d.campaign, DONG_NGAN, submit=True, today=AFTER_DEADLINE)

    assert not outcome.ok and outcome.created == []
    assert Initiative.objects.count() == before
    assert [p.row for p in outcome.problems] == [1, 2, 3, 4, 5, 6]
    assert {p.column for p in outcome.problems} == {results.WHOLE_ROW}
    assert all("Đã quá hạn đăng ký (06/03/2023)" in p.message for p in outcome.problems)


def test_a_deadline_extension_lets_the_import_submit_late(d):
    ward = Unit.objects.get(name="Đảng ủy phường Đông Ngàn")
    deadline_extension_grant(
        actor=d.secretariat,
        campaign=d.campaign,
        unit=ward,
        until=datetime.date(2023, 3, 31),
        reason="Đơn vị nộp bổ sung.",
    )

    outcome = apply(d.officer, d.campaign, DONG_NGAN, submit=True, today=AFTER_DEADLINE)

    assert outcome.ok, [str(p) for p in outcome.problems]
    cases = Initiative.objects.filter(pk__in=[c.pk for c in outcome.created])
    assert {case.state for case in cases} == {State.REGISTERED}
    assert TransitionLog.objects.filter(case__in=cases, transition="submit").count() == 6


def test_a_unit_officer_cannot_import_for_units_outside_their_own(d):
    before = Initiative.objects.count()

    outcome = apply(d.other_officer, d.campaign, DONG_NGAN)

    assert not outcome.ok
    assert where(outcome.problems) == [(row, "Tên đơn vị đăng ký") for row in range(1, 7)]
    assert all("không thuộc phạm vi" in p.message for p in outcome.problems)
    assert Initiative.objects.count() == before


def test_reimporting_a_changed_row_updates_the_draft_instead_of_adding_a_case(d):
    rows = [Row(name="Tổ tự quản đường làng xanh sạch", goals="Trồng 500 cây xanh")]
    first = apply(d.officer, d.campaign, form_xlsx(rows))
    case = first.created[0]
    count = Initiative.objects.count()

    # The same model, typed in capitals without diacritics, with new goals and level.
    rows = [
        Row(
            name="TO TU QUAN DUONG LANG XANH SACH",
            goals="Trồng 800 cây xanh",
            levels=(None, "x"),
        )
    ]
    again = apply(d.officer, d.campaign, form_xlsx(rows))

    assert again.ok and again.created == [] and [c.pk for c in again.updated] == [case.pk]
    assert Initiative.objects.count() == count
    case.refresh_from_db()
    assert (case.goals, case.target_level.rank, case.state) == ("Trồng 800 cây xanh", 2, "draft")


def test_reimporting_a_registered_case_reports_it_and_leaves_it_alone(d):
    rows = [Row(name="Tổ tự quản đường làng xanh sạch", goals="Trồng 500 cây xanh")]
    case = apply(d.officer, d.campaign, form_xlsx(rows), submit=True).created[0]

    changed = [Row(name="Tổ tự quản đường làng xanh sạch", goals="Trồng 900 cây xanh")]
    preview = plan(d.officer, d.campaign, form_xlsx(changed))
    outcome = apply(d.officer, d.campaign, form_xlsx(changed))

    assert [r.action for r in preview.rows] == [Action.EXISTS]
    assert preview.as_dict()["rows"][0]["existing_state"] == "Đã đăng ký"
    assert outcome.ok and [r.existing_id for r in outcome.existing] == [case.pk]
    case.refresh_from_db()
    assert (case.goals, case.state) == ("Trồng 500 cây xanh", State.REGISTERED)


def test_the_secretariat_records_drafts_for_any_unit_but_cannot_submit_for_it(d):
    drafts = apply(d.secretariat, d.campaign, DONG_NGAN)
    assert drafts.ok and len(drafts.created) == 6
    assert {c.created_by for c in drafts.created} == {d.secretariat}

    submitted = apply(d.secretariat, d.campaign, DONG_NGAN, submit=True)

    assert not submitted.ok
    assert all("Chỉ cán bộ của đơn vị" in p.message for p in submitted.problems)
    assert set(
        Initiative.objects.filter(pk__in=[c.pk for c in drafts.created]).values_list(
            "state", flat=True
        )
    ) == {State.DRAFT}


def test_the_officer_submits_drafts_the_secretariat_recorded(d):
    apply(d.secretariat, d.campaign, DONG_NGAN)

    outcome = apply(d.officer, d.campaign, DONG_NGAN, submit=True)

    assert outcome.ok and outcome.created == [] and len(outcome.submitted) == 6


def test_a_form_filled_the_way_units_really_fill_it_is_read(d):
    rows = [
        # Blank unit cell on the first row: the letterhead's unit.
        Row(unit=None, name="Dòng dùng tên đơn vị ở tiêu đề", marks={(0, "c"): "X"}),
        Row(
            unit="ubmttq P. Dong Ngan",
            name="Dấu tích và tháng/năm",
            marks={(1, "c"): "✓"},
            start="3/2023",
            end="tháng 11/2023",
        ),
        # Merged unit cells read as blank below their first row: the unit above.
        Row(
            unit=None,
            name="Ô đơn vị gộp",
            marks={(2, "i"): " v "},
            start="ngày 15 tháng 3 năm 2023",
        ),
        Row(
            unit="Hội Liên hiệp Phụ nữ phường Đông Ngàn",
            name="Ngày dạng số và văn bản",
            marks={(3, "c"): "V"},
            start=44986,  # an Excel serial date: 01/03/2023
            end="31/12/2023",
            levels=(None, "x"),
        ),
    ]
    data = form_xlsx(
        rows,
        title="Mẫu đăng ký",
        before_sheets=("Hướng dẫn",),
        blank_rows_before_header=3,
        numbering_row=True,
        extra_after_total=(("Người lập biểu",), ("(Ký, ghi rõ họ tên)",)),
        top=[
            "STT",
            "TÊN ĐƠN VỊ ĐĂNG KÝ",
            "Ten mo hinh cong tac DVK",
            "Mục tiêu",
            "Lĩnh vực kinh tế",
            None,
            "Lĩnh vực văn hóa - xã hội",
            None,
            "Lĩnh vực quốc phòng - an ninh",
            None,
            "Lĩnh vực xây dựng hệ thống chính trị",
            None,
            "Thời gian",
            None,
            "Đăng ký đạt",
            None,
        ],
        sub=[
            *(None, None, None, None),
            *(
                "Tập thê",
                "Cá nhân",
                "tap the",
                "CÁ NHÂN",
                "Tâp thể",
                "Cá nhan",
                "Tập thể",
                "Cá nhân",
            ),
            *("Bắt đầu", "Kết thúc", "Cấp cơ sở", "Cấp huyện, thành phố"),
        ],
    )

    outcome = apply(d.officer, d.campaign, data)

    assert outcome.ok, [str(p) for p in outcome.problems]
    cases = {c.name: Initiative.objects.get(pk=c.pk) for c in outcome.created}
    assert len(cases) == 4
    first = cases["Dòng dùng tên đơn vị ở tiêu đề"]
    assert first.unit.name == "Đảng ủy phường Đông Ngàn" and first.fields == [Field.ECONOMY]
    second = cases["Dấu tích và tháng/năm"]
    assert second.unit.name == "UBMTTQ phường Đông Ngàn"
    assert (second.start_date, second.end_date) == (
        datetime.date(2023, 3, 1),  # a month alone starts on its first day
        datetime.date(2023, 11, 30),  # and ends on its last
    )
    third = cases["Ô đơn vị gộp"]
    assert third.unit.name == "UBMTTQ phường Đông Ngàn"
    assert (third.subject, third.fields) == (Subject.INDIVIDUAL, [Field.DEFENCE_SECURITY])
    assert third.start_date == datetime.date(2023, 3, 15)
    fourth = cases["Ngày dạng số và văn bản"]
    assert fourth.unit.name == "Hội LHPN phường Đông Ngàn"
    assert (fourth.start_date, fourth.end_date) == (
        datetime.date(2023, 3, 1),
        datetime.date(2023, 12, 31),
    )
    assert fourth.target_level.rank == 2
    # Row numbers count from the first data row, after the (1) (2) … numbering row.
    # (letterhead, four title lines, three blank rows, two header rows, numbering row)
    assert [(r.row, r.sheet_row) for r in outcome.plan.rows] == [(1, 12), (2, 13), (3, 14), (4, 15)]


def test_marks_in_both_subject_columns_are_an_error_at_the_field_columns(d):
    rows = [Row(marks={(0, "c"): "x", (1, "i"): "x"})]

    outcome = apply(d.officer, d.campaign, form_xlsx(rows))

    assert where(outcome.problems) == [(1, "Lĩnh vực")]
    assert outcome.problems[0].message == parse.BOTH_SUBJECTS
    assert outcome.problems[0].letter == "E–L"


def test_an_odd_mark_an_impossible_date_and_a_misspelt_unit_are_reported_at_their_cells(d):
    rows = [
        Row(name="Dấu lạ", marks={(0, "c"): "có?"}),
        Row(name="Ngày không có thật", start="31/02/2023"),
        Row(name="Đơn vị viết sai", unit="UBND phường Đông Ngàm"),
        Row(name="Không đánh dấu cấp khi gửi", levels=(None, None)),
    ]

    outcome = apply(d.officer, d.campaign, form_xlsx(rows), submit=True)

    assert where(outcome.problems) == [
        (1, "Lĩnh vực"),
        (2, "Thời gian bắt đầu"),
        (3, "Tên đơn vị đăng ký"),
        (4, "Đăng ký đạt"),
    ]
    odd, impossible, unit, level = outcome.problems
    assert "Ô E9" in odd.message and "có?" in odd.message
    assert impossible.message == "Ngày “31/02/2023” không có thật."
    assert "Có phải là" in unit.message and "UBND phường Đông Ngàn" in unit.message
    assert level.message == NO_LEVEL
    assert Initiative.objects.filter(name__in=[r.name for r in rows]).count() == 0


def test_the_same_model_twice_in_one_file_is_an_error_on_the_second_row(d):
    rows = [Row(name="Mô hình trùng"), Row(name="MÔ HÌNH TRÙNG"), Row(name="Mô hình khác")]

    outcome = apply(d.officer, d.campaign, form_xlsx(rows))

    assert where(outcome.problems) == [(2, "Tên mô hình công tác “DVK”")]
    assert "dòng 1" in outcome.problems[0].message
    assert Initiative.objects.filter(name__startswith="Mô hình").count() == 0


def test_a_form_missing_columns_is_refused_naming_them(d):
    sub = (
        [None, None, None, None]
        + ["Tập thể", None] * 4
        + [
            "Thời gian bắt đầu",
            "Thời gian kết thúc",
            "Cấp cơ sở",
            "Cấp huyện, thành phố",
        ]
    )

    with pytest.raises(ImportFileError) as caught:
        plan(d.officer, d.campaign, form_xlsx([Row()], sub=sub))

    message = caught.value.messages[0]
    assert message.startswith("Trang tính “Biểu mẫu” của biểu mẫu thiếu cột:")
    assert "Lĩnh vực Kinh tế – Cá nhân" in message


def test_a_level_column_the_campaign_does_not_have_is_refused(d):
    sub = list(HEADERS_SUB)
    sub[-1] = "Cấp tỉnh"

    with pytest.raises(ImportFileError) as caught:
        plan(d.officer, d.campaign, form_xlsx([Row()], sub=sub))

    assert "“Cấp tỉnh” (P)" in caught.value.messages[0]
    assert "Cấp cơ sở; Cấp huyện, thành phố" in caught.value.messages[0]


def test_the_preview_plan_writes_nothing(d):
    before = (Initiative.objects.count(), TransitionLog.objects.count())

    preview = plan(d.officer, d.campaign, DONG_NGAN.read_bytes(), submit=True)

    assert preview.ok and preview.counts()["create"] == 6
    assert (Initiative.objects.count(), TransitionLog.objects.count()) == before
    assert RecognitionLevel.objects.filter(campaign=d.campaign).count() == 2


def test_a_row_of_a_unit_whose_name_starts_with_tong_is_data_not_the_total_row(d):
    rows = [
        Row(name="Trước"),
        Row(stt="", unit="Tổng đội Thanh niên xung phong", name="Mô hình của tổng đội"),
    ]

    preview = plan(d.officer, d.campaign, form_xlsx(rows))

    assert [r.name for r in preview.rows] == ["Trước", "Mô hình của tổng đội"]
    assert where(preview.problems) == [(2, "Tên đơn vị đăng ký")]


def test_an_unknown_unit_is_answered_with_units_of_the_officers_own_scope_only(d):
    # "Tam Sơm" is nearest to Tam Sơn's units, which the Đông Ngàn officer may not see.
    rows = [Row(name="Đơn vị lạ", unit="UBND phường Tam Sơm")]

    (officers,) = plan(d.officer, d.campaign, form_xlsx(rows)).problems
    (secretariats,) = plan(d.secretariat, d.campaign, form_xlsx(rows)).problems

    assert officers.message.startswith("Không tìm thấy đơn vị “UBND phường Tam Sơm”")
    assert "Tam Sơn" not in officers.message
    suggested = officers.message.partition("Có phải là: ")[2]
    assert all("Đông Ngàn" in name for name in suggested.split("”, “") if name)
    assert "“UBND phường Tam Sơn”" in secretariats.message
