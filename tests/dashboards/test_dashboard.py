"""The dashboard: each number equals the count of the case list it links to (on data
built here and on the demo), the figures mean what they say, and the page runs a fixed
number of queries whatever the number of cases."""

import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from models_registry.conditions import Attention, Stage
from tests.demo_data import demo_load
from tests.factories import make_user
from units.models import Unit
from workflow.lifecycle import Role, State

from .dashboard_data import build_cases, many_cases

FIGURE = re.compile(r'<a class="figure" href="([^"]*)" data-figure="([^"]*)"[^>]*>(\d+)</a>')
DASHBOARD = "dashboards:dashboard"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def figures(response) -> list[tuple[str, str, int]]:
    """(key, link, value) of every number on the page."""
    assert response.status_code == 200
    found = FIGURE.findall(response.content.decode())
    return [(key, html.unescape(url), int(value)) for url, key, value in found]


def first_values(response) -> dict[str, int]:
    """Each key's first number (rows of the units table repeat the keys)."""
    values: dict[str, int] = {}
    for key, _, value in figures(response):
        values.setdefault(key, value)
    return values


def figure(response, key: str) -> tuple[str, int]:
    matches = [(url, value) for k, url, value in figures(response) if k == key]
    assert matches, f"no figure {key!r} on the page"
    return matches[0]


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    filterset = response.context["filter"]
    assert not filterset.is_bound or filterset.is_valid(), filterset.errors
    return response.context["page"].paginator.count


def assert_every_number_is_its_list(client, user, query: dict | None = None) -> int:
    client.force_login(user)
    response = client.get(reverse(DASHBOARD), query or {})
    checked = 0
    for key, url, value in figures(response):
        assert list_count(client, url) == value, f"{key}: {value} on the dashboard, list {url}"
        checked += 1
    return checked


@pytest.fixture
def built(world, monkeypatch):
    return build_cases(world, monkeypatch)


# --- every number is the count of its list -------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"campaign": "all"},
        {"campaign": "all", "year_min": "2022", "year_max": "2023"},
        "ward_a",
        "ward_a_sub",
    ],
)
@pytest.mark.parametrize("who", ["secretariat", "viewer"])
def test_every_number_of_the_overview_equals_the_list_it_links_to(client, world, built, who, query):
    if isinstance(query, str):
        query = {"unit": getattr(world, query).pk}
    checked = assert_every_number_is_its_list(client, getattr(world, who), query)
    assert checked > 25


@pytest.mark.parametrize("who", ["officer_a", "officer_b", "inspector", "chair", "member"])
def test_every_number_of_each_role_equals_the_list_it_links_to(client, world, built, who):
    user = world.members[0] if who == "member" else getattr(world, who)
    assert_every_number_is_its_list(client, user)


@pytest.mark.long
@pytest.mark.django_db
def test_every_number_equals_its_list_on_the_demo_data(client):
    demo_load()
    users = get_user_model().objects
    ward = Unit.objects.get(name="Đảng ủy phường Đông Ngàn")
    total = 0
    for username, query in [
        ("bandanvan", {}),
        ("bandanvan", {"campaign": "all"}),
        ("bandanvan", {"unit": ward.pk}),
        ("lanhdao", {}),
        ("canbo.dongngan", {}),
        ("canbo.thanhpho", {}),
        ("kiemtra", {}),
        ("kiemtra2", {}),
        ("chutich.bcd", {}),
    ]:
        total += assert_every_number_is_its_list(client, users.get(username=username), query)
    assert total > 300


# --- the figures mean what they say ---------------------------------------------------


def test_the_overview_counts_states_fields_subjects_and_levels(client, world, built):
    client.force_login(world.secretariat)
    response = client.get(reverse(DASHBOARD))
    values = first_values(response)
    assert values["total"] == 12
    assert values["submitted"] == 10
    assert {s: values[f"state:{s}"] for s in State} == {
        State.DRAFT: 2,
        State.REGISTERED: 1,
        State.IN_PROGRESS: 4,
        State.INSPECTED: 2,
        State.RECOGNIZED: 1,
        State.NOT_RECOGNIZED: 1,
        State.WITHDRAWN: 1,
    }
    assert values["field:economy"] == 12 and values["field:culture_society"] == 0
    assert values["subject:collective"] == 12 and values["subject:individual"] == 0
    assert values[f"target:{world.level_base.pk}"] == 12
    assert values[f"target:{world.level_city.pk}"] == 0
    assert values[f"recognized:{world.level_base.pk}"] == 1
    assert values[f"recognized:{world.level_city.pk}"] == 0


def test_units_that_sent_nothing_are_listed_as_not_registered(client, world, built):
    client.force_login(world.secretariat)
    response = client.get(reverse(DASHBOARD))
    table = response.context["overview"].units
    assert table.parent == world.city
    rows = {row.unit: row for row in table.rows}
    assert set(rows) == {world.ward_a, world.ward_b}
    assert (rows[world.ward_a].total.value, rows[world.ward_a].submitted.value) == (12, 10)
    assert rows[world.ward_a].recognized.value == 1
    assert rows[world.ward_a].drafts.value == 2
    assert [row.unit for row in table.not_registered] == [world.ward_b]
    assert table.deadline_passed
    page = response.content.decode()
    assert "Chưa đăng ký — quá hạn" in page
    assert 'id="units-missing" class="error">1<' in page


def test_a_unit_whose_cases_are_only_drafts_has_not_registered(client, world):
    from tests.factories import make_draft

    make_draft(world, unit=world.ward_b, actor=world.officer_b)
    client.force_login(world.secretariat)
    table = client.get(reverse(DASHBOARD)).context["overview"].units
    ward_b = next(row for row in table.rows if row.unit == world.ward_b)
    assert (ward_b.total.value, ward_b.submitted.value, ward_b.registered) == (1, 0, False)
    assert ward_b in table.not_registered


def test_drilling_into_a_unit_shows_its_own_cases_and_each_sub_unit(client, world, built):
    client.force_login(world.secretariat)
    response = client.get(reverse(DASHBOARD), {"unit": world.ward_a.pk})
    rows = response.context["overview"].units.rows
    assert [(row.unit, row.own) for row in rows] == [
        (world.ward_a, True),
        (world.ward_a_sub, False),
    ]
    own, sub = rows
    assert own.total.value + sub.total.value == 12
    assert "unit_scope=own" in own.total.url
    assert list_count(client, own.total.url) == own.total.value == 7


def test_overdue_work_as_of_today(client, world, built):
    client.force_login(world.secretariat)
    values = first_values(client.get(reverse(DASHBOARD)))
    assert values[Attention.DRAFT_LATE] == 2
    assert values[Attention.MID_YEAR_REPORT_OVERDUE] == 3  # the reported one is not late
    assert values[Attention.YEAR_END_REPORT_OVERDUE] == 4
    assert values[Attention.PAST_END_UNINSPECTED] == 4
    assert values[Attention.VISIT_MISSED] == 1
    assert values[Attention.DECISION_OVERDUE] == 2
    assert values["waiting"] == 2


def test_the_medians_come_from_the_transition_log(client, world, built):
    client.force_login(world.secretariat)
    response = client.get(reverse(DASHBOARD))
    spans = response.context["overview"].durations
    assert spans.to_inspection_days == pytest.approx(25.0)  # 10, 20, 30 and 40 days
    assert spans.to_inspection_cases == 4
    assert spans.to_decision_days == pytest.approx(55.0)  # 50 and 60 days
    assert spans.to_decision_cases == 2
    url, value = figure(response, "to_inspection")
    assert f"stage={Stage.INSPECTED}" in url and value == 4
    url, value = figure(response, "to_decision")
    assert f"stage={Stage.DECIDED}" in url and value == 2


def test_the_years_chart_spans_every_campaign_and_links_each_band(client, world, built):
    client.force_login(world.secretariat)
    response = client.get(reverse(DASHBOARD))
    columns = response.context["overview"].years
    assert [(c.year, c.total.value) for c in columns] == [(2022, 1), (2023, 12)]
    assert "<svg" in response.content.decode()
    chart = response.context["year_chart"]
    tallest = max(chart.columns, key=lambda c: c.total.value)
    assert sum(s.height for s in tallest.segments) == pytest.approx(300 - 24 - 40, abs=0.1)
    for column in columns:
        for segment in column.segments:
            assert list_count(client, segment.url) == segment.value


def test_a_range_of_years_counts_every_campaign_in_it(client, world, built):
    client.force_login(world.secretariat)
    response = client.get(
        reverse(DASHBOARD), {"campaign": "all", "year_min": 2022, "year_max": 2023}
    )
    assert response.context["scope"].label == "giai đoạn 2022–2023"
    url, value = figure(response, "total")
    assert value == 13 and "year_min=2022" in url and "year_max=2023" in url


def test_an_inverted_range_of_years_is_a_readable_error(client, world):
    client.force_login(world.secretariat)
    response = client.get(
        reverse(DASHBOARD), {"campaign": "all", "year_min": 2024, "year_max": 2021}
    )
    assert response.status_code == 200
    assert "năm bắt đầu phải không sau năm kết thúc" in response.content.decode()


def test_a_unit_officer_sees_their_unit_and_what_is_due(client, world, built):
    client.force_login(world.officer_a)
    response = client.get(reverse(DASHBOARD))
    assert response.context["scope"].unit == world.ward_a
    values = first_values(response)
    assert values["draft"] == 2
    assert values[Attention.RETURNED] == 1
    assert values[Attention.MID_YEAR_REPORT_MISSING] == 3
    assert values[Attention.YEAR_END_REPORT_MISSING] == 4
    assert values[Attention.VISIT_UPCOMING] == 1
    assert values["total"] == 12
    labels = [d.label for d in response.context["todo"].dates]
    assert labels == [
        "Hạn đăng ký",
        "Hạn báo cáo sơ kết",
        "Hạn báo cáo tổng kết",
        "Ngày xét công nhận",
    ]


def test_a_unit_officer_sees_nothing_of_another_unit(client, world, built):
    client.force_login(world.officer_b)
    response = client.get(reverse(DASHBOARD), {"unit": world.ward_a.pk})
    assert response.context["scope"].unit == world.ward_b  # the foreign unit is ignored
    values = first_values(response)
    assert values["total"] == 0
    assert "Đông Ngàn" not in response.content.decode()


def test_an_inspector_sees_their_upcoming_visits(client, world, built):
    client.force_login(world.inspector)
    response = client.get(reverse(DASHBOARD))
    agenda = response.context["agenda"]
    assert (agenda.upcoming.value, agenda.missed.value) == (1, 1)
    assert [v.case for v in agenda.visits] == [built.cases["upcoming"]]
    assert agenda.visits[0].i_lead and agenda.visits[0].days_left == 5
    assert "overview" not in response.context
    assert "Bạn là trưởng đoàn" in response.content.decode()


def test_a_user_without_a_role_is_told_so(client, world):
    client.force_login(world.outsider)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    assert "chưa được phân quyền" in response.content.decode()
    assert not figures(response)


def test_the_dashboard_needs_a_login(client, world):
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_nav_leads_to_the_dashboard(client, world):
    client.force_login(world.secretariat)
    page = client.get(reverse("models_registry:initiative_list")).content.decode()
    assert f'href="{reverse(DASHBOARD)}" id="nav-dashboard">Tổng quan<' in page


# --- the filters the numbers link with ------------------------------------------------


def test_the_new_list_filters_select_what_they_name(client, world, built):
    client.force_login(world.secretariat)
    url = reverse("models_registry:initiative_list")

    def names(**params):
        response = client.get(url, params)
        return {case.name for case in response.context["filter"].qs}

    assert names(stage="submitted", campaign=world.campaign.pk) == {
        c.name for k, c in built.cases.items() if k not in ("draft", "returned", "year_2022")
    }
    assert names(stage="inspected") == {
        "Kiểm tra sau 10 ngày",
        "Kiểm tra sau 20 ngày",
        "Được công nhận",
        "Không được công nhận",
    }
    assert names(stage="decided") == {"Được công nhận", "Không được công nhận"}
    assert names(attention="returned") == {"Bị trả lại"}
    assert names(attention="visit_missed") == {"Quá ngày kiểm tra"}
    assert names(attention="visit_upcoming") == {"Sắp kiểm tra"}
    assert "Đang chạy, đã báo cáo sơ kết" not in names(attention="mid_year_report_overdue")
    assert names(year_min=2022, year_max=2022) == {"Mô hình năm 2022"}
    assert names(unit=world.ward_a.pk, unit_scope="own") == {
        c.name for c in built.cases.values() if c.unit_id == world.ward_a.pk
    }


def test_the_export_follows_the_new_filters(client, world, built):
    client.force_login(world.secretariat)
    response = client.get(reverse("models_registry:export"), {"attention": "visit_missed"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)
    assert "Quá ngày kiểm tra" in text
    assert "Sắp kiểm tra" not in text


# --- a fixed number of queries ---------------------------------------------------------


def _dashboard_queries(client, user, django_assert_num_queries, expected):
    client.force_login(user)
    with django_assert_num_queries(expected):
        response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # session, user, memberships, unread count, campaigns (the scope's, which the
        # campaign filter takes too), levels, the tally's fold, all counts, the 6
        # overdue counts (one statement), medians, root units, their children, the
        # units table, the years, the library's replications per year; the secretariat
        # also the open report requests (app reports; their late units would be one
        # more, when there are some); and, the tally keeping no "ever sent", the cases
        # withdrawn without ever being sent: their count, and per row of the units table
        ("secretariat", 18),
        ("viewer", 17),
        # as above but no root units (their unit comes with their memberships, and the
        # unit filter takes it); + the crumbs and the six numbers of what is due, and
        # the unit's reports to give (app reports), its returned drafts (two, when there
        # are some)
        ("officer_a", 19),
        # session, user, memberships, unread count, campaigns, 2 counts (one
        # statement), visits, team
        ("inspector", 8),
        # session, user, memberships, unread count, campaigns, their committees (for
        # the filter, and for the links), the reach of their committees (the case
        # scope), count, rows
        ("chair", 10),
    ],
)
def test_the_dashboard_query_count_does_not_grow_with_cases(
    client, world, count, who, expected, django_assert_num_queries
):
    many_cases(world, count)
    response = _dashboard_queries(client, getattr(world, who), django_assert_num_queries, expected)
    running = len(range(2, count, 3))
    if who == "inspector":
        assert response.context["agenda"].upcoming.value == (running + 1) // 2
    if who == "chair":
        assert response.context["desk"].awaited.value == running // 2


def test_a_committee_member_without_other_roles_sees_no_overview(client, world):
    client.force_login(world.members[0])
    response = client.get(reverse(DASHBOARD))
    assert "overview" not in response.context


def test_an_officer_of_several_units_gets_a_row_per_unit(client, world, built):
    both = make_user(
        "canbo.hai", (Role.UNIT_OFFICER, world.ward_a), (Role.UNIT_OFFICER, world.ward_b)
    )
    client.force_login(both)
    response = client.get(reverse(DASHBOARD))
    rows = response.context["overview"].units.rows
    assert [(row.unit, row.total.value) for row in rows] == [(world.ward_a, 12), (world.ward_b, 0)]
    assert_every_number_is_its_list(client, both)


def test_a_committee_member_sees_what_awaits_their_vote(client, world, built):
    voted_first = world.members[0]
    for user, expected in (
        (voted_first, ["Kiểm tra sau 20 ngày"]),
        (world.members[1], ["Kiểm tra sau 10 ngày", "Kiểm tra sau 20 ngày"]),
    ):
        client.force_login(user)
        response = client.get(reverse(DASHBOARD))
        desk = response.context["desk"]
        assert sorted(case.name for case in desk.cases) == expected
        assert desk.awaited.value == len(expected)
        assert list_count(client, desk.awaited.url) == len(expected)
        assert desk.committees == [built.committee]
        assert reverse("committees:review", args=[built.committee.pk]) in response.content.decode()


def test_someone_outside_the_committees_awaits_no_vote(client, world, built):
    client.force_login(world.secretariat)
    url = reverse("models_registry:initiative_list")
    assert client.get(url, {"attention": "vote_awaited"}).context["page"].paginator.count == 0


def test_a_long_unit_directory_offers_its_top_levels_and_keeps_the_chosen_unit(
    client, world, built, monkeypatch
):
    from models_registry import filters

    monkeypatch.setattr(filters, "UNIT_OPTIONS_MAX", 3)  # the test world has five units
    client.force_login(world.secretariat)
    url = reverse("models_registry:initiative_list")
    page = client.get(url, {"unit": world.ward_a_sub.pk}).content.decode()
    select = page[page.index('name="unit"') : page.index("</select>", page.index('name="unit"'))]
    options = re.findall(
        r'<option value="(\d*)"( selected)?(?: data-depth="\d+")?>([^<]*)</option>', select
    )
    assert [(name, bool(chosen)) for _, chosen, name in options] == [
        ("Tất cả đơn vị", False),
        (world.city.name, False),
        (world.ward_a.name, False),
        (world.ward_b.name, False),
        (world.ward_a_sub.name, True),  # deeper than two levels, but chosen
    ]
    assert list_count(client, f"{url}?unit={world.ward_a_sub.pk}") == 5
