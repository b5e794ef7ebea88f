"""The secretariat's "Cần kiểm tra": filtered and grouped by ward or by unit, each group
with its count; the booking panel is part of the list's form, beside the list."""

import datetime
import re

import pytest
from django.utils import timezone

from inspections.selectors import CITY_KEY, CITY_LEVEL, to_inspect_board
from tests.factories import BEFORE_DEADLINE, make_draft, make_user
from units.models import Unit, UnitKind
from workflow.lifecycle import Role
from workflow.services import transition_apply

from .helpers import make_running

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    end = timezone.localdate() + datetime.timedelta(days=7)
    body = Unit.objects.create(name="Phòng Kinh tế", kind=UnitKind.BODY, parent=world.city)
    officer = make_user("canbo.kinhte", (Role.UNIT_OFFICER, body))
    city_case = make_draft(
        world, actor=officer, unit=body, name="Mô hình Phòng Kinh tế", end_date=end
    )
    transition_apply(case=city_case, name="submit", actor=officer, today=BEFORE_DEADLINE)
    transition_apply(case=city_case, name="start", actor=None, today=city_case.start_date)
    return {
        "ward_a": make_running(world, name="Mô hình Đảng ủy A", unit=world.ward_a, end_date=end),
        "ward_a_sub": [
            make_running(world, name=f"Mô hình UBND A {i}", unit=world.ward_a_sub, end_date=end)
            for i in range(2)
        ],
        "ward_b_sub": make_running(
            world, name="Mô hình UBND B", unit=world.ward_b_sub, end_date=end
        ),
        "body": city_case,
        "body_unit": body,
    }


def board(world, **kw):
    return to_inspect_board(
        actor=world.secretariat, today=timezone.localdate(), within_days=30, **kw
    )


def test_grouped_by_ward_each_ward_holds_its_units_cases_and_city_bodies_come_last(world, cases):
    found = board(world, group_by="ward")

    assert [(g.label, len(g.cases)) for g in found.groups] == [
        ("Đảng ủy phường Đông Ngàn", 3),
        ("Đảng ủy phường Tam Sơn", 1),
        (CITY_LEVEL, 1),
    ]
    assert [(o.label, o.count) for o in found.wards] == [
        ("Đảng ủy phường Đông Ngàn", 3),
        ("Đảng ủy phường Tam Sơn", 1),
        (CITY_LEVEL, 1),
    ]
    assert found.total == found.shown == 5


def test_grouped_by_unit_names_the_ward_of_a_ward_body(world, cases):
    found = board(world, group_by="unit")

    by_label = {g.label: g for g in found.groups}
    assert len(by_label["UBND phường Đông Ngàn"].cases) == 2
    assert by_label["UBND phường Đông Ngàn"].note == "Đảng ủy phường Đông Ngàn"
    assert by_label["Đảng ủy phường Đông Ngàn"].note == ""
    assert by_label["Phòng Kinh tế"].note == ""


def test_filtered_by_ward_or_unit_only_their_cases_show_and_the_total_is_kept(world, cases):
    by_ward = board(world, group_by="ward", ward=str(world.ward_b.pk))
    by_unit = board(world, group_by="none", unit=str(world.ward_a_sub.pk))
    city = board(world, group_by="ward", ward=CITY_KEY)

    assert [c.name for g in by_ward.groups for c in g.cases] == ["Mô hình UBND B"]
    assert (by_ward.shown, by_ward.total) == (1, 5)
    assert sorted(c.name for g in by_unit.groups for c in g.cases) == [
        "Mô hình UBND A 0",
        "Mô hình UBND A 1",
    ]
    assert [c.name for g in city.groups for c in g.cases] == ["Mô hình Phòng Kinh tế"]


def test_the_page_shows_groups_with_counts_and_the_booking_panel_with_the_list(
    client, world, cases
):
    client.force_login(world.secretariat)

    page = client.get("/kiem-tra/can-kiem-tra/", {"ward": world.ward_a.pk}).content.decode()

    assert "3/5 mô hình cần lên lịch (đang lọc)" in page
    groups = re.findall(r'<details class="card case-group" id="group-(\w+)" open>', page)
    assert groups == [str(world.ward_a.pk)]
    assert '<span class="badge group-count">3 mô hình</span>' in page
    # The panel is inside the booking form, after the list: one form, no scrolling past it.
    form = page[page.index('id="schedule-form"') :]
    assert form.index('id="booking-panel"') < form.index("</form>")
    assert 'id="schedule-submit"' in form and 'name="planned_date"' in form


def test_a_filter_that_matches_nothing_says_so_and_offers_to_clear_it(client, world, cases):
    client.force_login(world.secretariat)

    page = client.get("/kiem-tra/can-kiem-tra/", {"unit": "999999"}).content.decode()

    assert "Không có mô hình nào khớp bộ lọc." in page and 'name="cases"' not in page
