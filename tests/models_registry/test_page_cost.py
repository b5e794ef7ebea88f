"""What the list and the dashboards read and show: each list row's columns, the
filters' chosen options, the units table's rows and figures, escaped, as the pages render
them through their templates and widgets; the links the dashboard makes; what a page
already read is not read again."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse

from dashboards.figures import Number, overview
from dashboards.roles import officer_todo, todo_counted
from dashboards.scope import Scope, case_list_url, scope_from_request
from dashboards.views import _ancestors
from models_registry import filters
from models_registry.filters import unit_options
from models_registry.models import Campaign, Initiative
from tests.dashboards.dashboard_data import many_cases
from tests.factories import BEFORE_DEADLINE, make_draft
from units.access import units_for_officer
from units.models import Unit, UnitKind
from workflow.lifecycle import State
from workflow.services import transition_apply

TRICKY = "Đông Ngàn & <Tam Sơn> \"P. 1\" 'x'"
TRICKY_HTML = "Đông Ngàn &amp; &lt;Tam Sơn&gt; &quot;P. 1&quot; &#x27;x&#x27;"
LIST = reverse("models_registry:initiative_list")
DASHBOARD = reverse("dashboards:dashboard")

# --- the list's rows -------------------------------------------------------------------


def list_rows(page: str) -> list[dict[str, str]]:
    """Each row of the case table: its cells' inner HTML by their ``data-label``."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [
        dict(re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_a_list_row_shows_its_columns_escaped_and_reads_nothing_more(
    client, world, django_assert_num_queries
):
    tricky = make_draft(world, name=TRICKY, unit=world.ward_a_sub)
    alone = make_draft(
        world,
        name="Cá nhân tiêu biểu",
        subject="individual",
        field_economy=False,
        field_political_system=True,
        target_level=None,
    )
    both = make_draft(world, name="Hai lĩnh vực", field_culture_society=True)
    # The row is under test here, not the workflow: the state is written as is.
    Initiative.objects.filter(pk=both.pk).update(
        state=State.RECOGNIZED, recognized_level=world.level_city
    )
    client.force_login(world.secretariat)
    # session, user, memberships, unread count, count, page, and the filter choices (4),
    # as for 5 rows and for 50 (test_pages)
    with django_assert_num_queries(10):
        response = client.get(LIST)
    page = response.content.decode()
    assert TRICKY not in page
    assert (
        "<thead><tr><th>Tên mô hình</th><th>Đơn vị</th><th>Lĩnh vực</th><th>Đối tượng</th>"
        "<th>Cấp đăng ký</th><th>Trạng thái</th></tr></thead>"
    ) in page
    rows = {row["Tên mô hình"]: row for row in list_rows(page)}
    assert len(rows) == 3

    def name_cell(case, name):
        url = reverse("models_registry:initiative_detail", args=[case.pk])
        return f'<a href="{url}">{name}</a><div class="muted small">Năm 2023</div>'

    assert list(rows[name_cell(tricky, TRICKY_HTML)].values())[1:] == [
        "UBND phường Đông Ngàn",
        "Kinh tế",
        "Tập thể",
        "Cấp cơ sở",
        '<span class="badge state-draft">Bản nháp</span>',
    ]
    assert list(rows[name_cell(alone, "Cá nhân tiêu biểu")].values())[1:] == [
        "Đảng ủy phường Đông Ngàn",
        "Xây dựng hệ thống chính trị",
        "Cá nhân",
        "—",
        '<span class="badge state-draft">Bản nháp</span>',
    ]
    assert list(rows[name_cell(both, "Hai lĩnh vực")].values())[1:] == [
        "Đảng ủy phường Đông Ngàn",
        "Kinh tế; Văn hóa - xã hội",
        "Tập thể",
        "Cấp cơ sở",
        '<span class="badge state-recognized">Đã công nhận</span> '
        '<span class="small">Cấp huyện, thành phố</span>',
    ]
    assert [list(row) for row in rows.values()] == [
        ["Tên mô hình", "Đơn vị", "Lĩnh vực", "Đối tượng", "Cấp đăng ký", "Trạng thái"]
    ] * 3


# --- the list's selects ---------------------------------------------------------------


def selects(page: str) -> dict[str, list[tuple[str, str, bool]]]:
    """Each ``<select>`` of the page: its options as (value, label, chosen)."""
    found = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        # A unit's option carries its depth in the tree too (units.widgets.UnitPicker).
        options = re.findall(
            r'<option value="([^"]*)"( selected)?(?: data-depth="\d+")?>([^<]*)</option>', body
        )
        found[name] = [(value, label, bool(chosen)) for value, chosen, label in options]
    return found


def chosen(options) -> list[str]:
    return [label for _, label, on in options if on]


def test_every_select_of_the_list_offers_its_choices_and_marks_the_chosen_one(client, world):
    Unit.objects.filter(pk=world.ward_b_sub.pk).update(name=TRICKY)
    client.force_login(world.secretariat)
    response = client.get(
        LIST, {"campaign": world.campaign.pk, "unit": world.ward_a.pk, "state": "draft"}
    )
    page = response.content.decode()
    form = response.context["filter"].form
    assert [bf.name for bf in form if isinstance(bf.field.widget, forms.Select)] == [
        "campaign",
        "unit",
        "unit_scope",
        "field",
        "subject",
        "target_level",
        "state",
        "recognized_level",
        "stage",
        "attention",
    ]
    found = selects(page)
    assert list(found) == [bf.name for bf in form if isinstance(bf.field.widget, forms.Select)]
    assert '<select name="unit" id="id_unit" data-unit-picker>' in page
    assert found["campaign"] == [
        ("", "Tất cả các năm", False),
        (str(world.campaign.pk), str(world.campaign), True),
    ]
    assert found["unit"] == [
        ("", "Tất cả đơn vị", False),
        (str(world.city.pk), "Thành phố Từ Sơn", False),
        (str(world.ward_a.pk), "Đảng ủy phường Đông Ngàn", True),
        (str(world.ward_a_sub.pk), "UBND phường Đông Ngàn", False),
        (str(world.ward_b.pk), "Đảng ủy phường Tam Sơn", False),
        (str(world.ward_b_sub.pk), TRICKY_HTML, False),
    ]
    assert found["unit_scope"] == [
        ("", "Gồm cả đơn vị trực thuộc", True),
        ("own", "Chỉ hồ sơ do chính đơn vị đăng ký", False),
    ]
    assert chosen(found["state"]) == ["Bản nháp"]
    assert [label for _, label, _ in found["state"]] == ["Tất cả"] + [
        label for _, label in State.choices
    ]
    assert found["target_level"][1:] == [
        (str(world.level_base.pk), "Cấp cơ sở (2023)", False),
        (str(world.level_city.pk), "Cấp huyện, thành phố (2023)", False),
    ]
    for name in ("field", "subject", "target_level", "recognized_level", "stage", "attention"):
        assert chosen(found[name]) == ["Tất cả"], name


@pytest.mark.parametrize(
    "query,expected",
    [
        ("", "Năm 2023"),
        ("campaign=all&year_min=2021", "Nhiều năm (chọn khoảng năm)"),
        ("campaign=x", None),
    ],
)
def test_the_dashboards_campaign_select_marks_the_period_chosen(client, world, query, expected):
    older = Campaign.objects.create(
        year=2022, name="Năm 2022", registration_deadline=BEFORE_DEADLINE
    )
    client.force_login(world.secretariat)
    page = client.get(f"{DASHBOARD}?{query}").content.decode()
    options = selects(page)["campaign"]
    assert options == [
        ("all", "Nhiều năm (chọn khoảng năm)", expected == "Nhiều năm (chọn khoảng năm)"),
        (str(world.campaign.pk), "Năm 2023", expected == "Năm 2023"),
        (str(older.pk), "Năm 2022", False),
    ]


@pytest.mark.parametrize("value", ["", "abc", "999999", " 1", "0"])
def test_a_campaign_is_accepted_or_refused_as_django_would(world, value):
    if value.strip() == "1":
        value = f" {world.campaign.pk}"
    django_field = forms.ModelChoiceField(queryset=Campaign.objects.all(), required=False)
    ours = filters.InitiativeFilter({"campaign": value}).form.fields["campaign"]
    try:
        expected = django_field.clean(value)
    except forms.ValidationError:
        with pytest.raises(forms.ValidationError):
            ours.clean(value)
    else:
        assert ours.clean(value) == expected


def _top_two_levels_by_path(units) -> list[tuple[int, str]]:
    # What the drop-down offered before: a pattern on the path.
    top = units.filter(path__regex=r"^/[0-9]+/([0-9]+/)?$").order_by("path")
    return list(top.values_list("pk", "name")[: filters.UNIT_OPTIONS_MAX])


def test_a_long_directory_offers_the_same_top_two_levels(world, monkeypatch):
    Unit.objects.create(name="Phường thứ ba", kind="ward", parent=world.city)
    every = Unit.objects.all()  # six units, four in the top two levels
    monkeypatch.setattr(filters, "UNIT_OPTIONS_MAX", 4)
    assert unit_options(every) == _top_two_levels_by_path(every)
    assert len(unit_options(every)) == 4
    assert unit_options(every)[:2] == [
        (world.city.pk, world.city.name),
        (world.ward_a.pk, world.ward_a.name),
    ]
    monkeypatch.setattr(filters, "UNIT_OPTIONS_MAX", 3)  # cut short, as before
    assert unit_options(every) == _top_two_levels_by_path(every)
    assert len(unit_options(every)) == 3
    theirs = units_for_officer(world.officer_a)  # ward A and its sub-unit
    monkeypatch.setattr(filters, "UNIT_OPTIONS_MAX", 1)
    assert (
        unit_options(theirs)
        == _top_two_levels_by_path(theirs)
        == [(world.ward_a.pk, world.ward_a.name)]
    )
    monkeypatch.setattr(filters, "UNIT_OPTIONS_MAX", 300)
    assert unit_options(theirs) == [
        (world.ward_a.pk, world.ward_a.name),
        (world.ward_a_sub.pk, world.ward_a_sub.name),
    ]


# --- the dashboard's numbers and rows --------------------------------------------------


def unit_rows(page: str) -> dict[int, tuple[str, str]]:
    """The units table's rows by unit pk: (the row's class, its inner HTML)."""
    found = re.findall(r'<tr class="([^"]*)" data-unit="(\d+)">(.*?)</tr>', page, re.S)
    return {int(pk): (css, body) for css, pk, body in found}


def cells(body: str) -> list[str]:
    return [" ".join(cell.split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]


def figure_html(key: str, label: str, value: int, url: str) -> str:
    url = url.replace("&", "&amp;")
    return (
        f'<a class="figure" href="{url}" data-figure="{key}" '
        f'aria-label="{label}: {value} hồ sơ">{value}</a>'
    )


@pytest.mark.parametrize("deadline_passed", [True, False])
def test_the_units_table_shows_each_unit_its_share_its_numbers_and_whether_it_registered(
    client, world, deadline_passed
):
    if not deadline_passed:
        Campaign.objects.filter(pk=world.campaign.pk).update(
            registration_deadline=datetime.date(2999, 1, 1)
        )
    Unit.objects.filter(pk=world.ward_b.pk).update(name=TRICKY)
    quiet = Unit.objects.create(
        name="Đảng ủy phường Hương Mạc", kind=UnitKind.WARD, parent=world.city
    )
    for i in range(2):
        case = make_draft(world, name=f"Mô hình {i}")
        transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    make_draft(world, name="Bản nháp", unit=world.ward_a_sub)
    make_draft(world, name="Bản nháp", unit=world.ward_b, actor=world.officer_b)
    client.force_login(world.secretariat)
    campaign = world.campaign.pk
    late = " — quá hạn" if deadline_passed else ""

    def numbers(unit_pk, total, submitted, drafts, own=False):
        base = f"{LIST}?campaign={campaign}&unit={unit_pk}" + ("&unit_scope=own" if own else "")
        return [
            figure_html("total", "Tổng số", total, base),
            figure_html("submitted", "Đã gửi đăng ký", submitted, f"{base}&stage=submitted"),
            figure_html("drafts", "Bản nháp", drafts, f"{base}&state=draft"),
            figure_html("recognized", "Được công nhận", 0, f"{base}&state=recognized"),
        ]

    def bar(share):
        # SVG, not a style attribute: the Content-Security-Policy allows no inline style.
        return (
            '<svg class="bar" aria-hidden="true" focusable="false" viewBox="0 0 100 1" '
            f'preserveAspectRatio="none"><rect width="{share}" height="1"/></svg>'
        )

    rows = unit_rows(client.get(DASHBOARD, {"campaign": campaign}).content.decode())
    assert list(rows) == [world.ward_a.pk, quiet.pk, world.ward_b.pk]  # by name
    query = f"campaign={campaign}&"  # the separator the template writes
    assert rows[world.ward_a.pk][0] == ""
    assert cells(rows[world.ward_a.pk][1]) == [
        f'<a href="?{query}unit={world.ward_a.pk}">Đảng ủy phường Đông Ngàn</a> {bar("100.0")}',
        *numbers(world.ward_a.pk, 3, 2, 1),
        '<span class="badge state-recognized">Đã đăng ký</span>',
    ]
    assert rows[world.ward_b.pk][0] == "missing"
    assert cells(rows[world.ward_b.pk][1]) == [
        f'<a href="?{query}unit={world.ward_b.pk}">{TRICKY_HTML}</a> {bar("33.3")}',
        *numbers(world.ward_b.pk, 1, 0, 1),
        '<span class="badge state-in_progress">Có bản nháp, chưa gửi</span>',
    ]
    assert rows[quiet.pk][0] == "missing"
    assert cells(rows[quiet.pk][1]) == [
        f'<a href="?{query}unit={quiet.pk}">Đảng ủy phường Hương Mạc</a> {bar("0.0")}',
        *numbers(quiet.pk, 0, 0, 0),
        f'<span class="badge state-not_recognized">Chưa đăng ký{late}</span>',
    ]
    # Narrowed to ward A: its own cases first, then its sub-unit's (no other parameter).
    rows = unit_rows(client.get(DASHBOARD, {"unit": world.ward_a.pk}).content.decode())
    assert list(rows) == [world.ward_a.pk, world.ward_a_sub.pk]
    assert rows[world.ward_a.pk][0] == ""
    assert cells(rows[world.ward_a.pk][1]) == [
        f'Đảng ủy phường Đông Ngàn <span class="muted small">(chính đơn vị)</span> {bar("100.0")}',
        *numbers(world.ward_a.pk, 2, 2, 0, own=True),
        "—",
    ]
    assert rows[world.ward_a_sub.pk][0] == "missing"
    assert cells(rows[world.ward_a_sub.pk][1])[0] == (
        f'<a href="?unit={world.ward_a_sub.pk}">UBND phường Đông Ngàn</a> {bar("50.0")}'
    )


def test_a_figure_is_its_number_linked_to_its_list_and_labelled():
    number = Number(TRICKY, 1234, f"/ho-so/?q={TRICKY}&state=draft", "state:draft")
    rendered = Template("{% load dashboard_tags %}{% figure n %}").render(Context({"n": number}))
    assert rendered == (
        f'<a class="figure" href="/ho-so/?q={TRICKY_HTML}&amp;state=draft" '
        f'data-figure="state:draft" aria-label="{TRICKY_HTML}: 1234 hồ sơ">1234</a>'
    )


# --- the links --------------------------------------------------------------------------


def test_a_link_adds_to_the_scope_and_the_last_word_on_a_parameter_wins():
    scope = Scope(
        today=datetime.date(2023, 6, 1),
        campaign=SimpleNamespace(pk=3),
        unit=SimpleNamespace(pk=5),
    )
    assert case_list_url({}) == LIST == "/ho-so/"
    assert case_list_url({"year_min": "2021", "campaign": None, "q": ""}) == "/ho-so/?year_min=2021"
    assert scope.link() == "/ho-so/?campaign=3&unit=5"
    assert scope.link(state="draft", recognized_level="") == "/ho-so/?campaign=3&unit=5&state=draft"
    assert scope.link(q=TRICKY) == (
        "/ho-so/?campaign=3&unit=5"
        "&q=%C4%90%C3%B4ng+Ng%C3%A0n+%26+%3CTam+S%C6%A1n%3E+%22P.+1%22+%27x%27"
    )
    row = scope.linker(unit="7", unit_scope="own")
    assert row() == "/ho-so/?campaign=3&unit=7&unit_scope=own"
    assert row(stage="submitted", subject="collective") == (
        "/ho-so/?campaign=3&unit=7&unit_scope=own&stage=submitted&subject=collective"
    )
    assert row(unit="9") == "/ho-so/?campaign=3&unit=9&unit_scope=own"
    years = Scope(today=datetime.date(2023, 6, 1), year_min=2021, year_max=2023)
    assert years.linker(unit="7")(state="draft") == (
        "/ho-so/?year_min=2021&year_max=2023&unit=7&state=draft"
    )


# --- the officer's to-do -----------------------------------------------------------------


def test_the_officers_to_do_is_one_query_and_each_number_is_its_list(
    client, world, django_assert_num_queries
):
    many_cases(world, 12)
    scope = scope_from_request(actor=world.officer_a, params=QueryDict(""))
    cases = scope.cases(actor=world.officer_a)
    with django_assert_num_queries(1):
        todo = officer_todo(scope, cases)
    assert [n.key for n in todo.numbers] == [
        "draft",
        "returned",
        "mid_year_report_missing",
        "year_end_report_missing",
        "visit_upcoming",
        "past_end_uninspected",
    ]
    assert any(n.value for n in todo.numbers)
    client.force_login(world.officer_a)
    for number in todo.numbers:
        response = client.get(number.url)
        assert response.context["page"].paginator.count == number.value, number.key
    # On the dashboard, the overview has counted the drafts and the runs ended without
    # an inspection already: the same numbers, not counted again.
    counted = todo_counted(overview(scope, actor=world.officer_a))
    assert counted == {
        "draft": todo.numbers[0].value,
        "past_end_uninspected": todo.numbers[5].value,
    }
    with django_assert_num_queries(1):
        again = officer_todo(scope, cases, counted=counted)
    assert again == todo
    everything = {str(n.key): n.value for n in todo.numbers}
    with django_assert_num_queries(0):
        assert officer_todo(scope, cases, counted=everything) == todo


def test_the_crumbs_read_only_the_units_not_read_yet(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert _ancestors(world.ward_a, known=[world.city]) == [world.city, world.ward_a]
    with django_assert_num_queries(1):
        crumbs = _ancestors(world.ward_a_sub, known=[world.ward_b])
    assert crumbs == [world.city, world.ward_a, world.ward_a_sub]
    assert [unit.name for unit in crumbs] == [
        "Thành phố Từ Sơn",
        "Đảng ủy phường Đông Ngàn",
        "UBND phường Đông Ngàn",
    ]
