"""What the list and the dashboards cost beyond their SQL: the cheaper rendering of the
list's filters and of the dashboard's numbers writes the markup Django's templates
wrote before, byte for byte; the links are the ones ``urlencode`` made; what a page
already read is not read again."""

import datetime
from types import SimpleNamespace

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from models_registry import filters
from models_registry.dashboards.figures import Number, UnitRow, overview
from models_registry.dashboards.roles import officer_todo, todo_counted
from models_registry.dashboards.scope import Scope, case_list_url, scope_from_request
from models_registry.filters import LeanSelect, unit_options
from models_registry.models import Campaign, Initiative, Unit
from models_registry.selectors import initiative_list, initiative_rows, units_for_officer
from models_registry.templatetags.dashboard_tags import figure_html, unit_row
from models_registry.views.dashboard import _ancestors
from tests.factories import make_draft
from workflow.lifecycle import State

from .dashboard_data import many_cases

TRICKY = "Đông Ngàn & <Tam Sơn> \"P. 1\" 'x'"
LIST = reverse("models_registry:initiative_list")

# --- the list's rows -------------------------------------------------------------------

# The loop initiative_list.html ran before its rows were written by the case_row tag.
ROW_LOOP = Template(
    """{% for case in rows %}
  <tr>
    <td data-label="Tên mô hình"><a href="{{ case.get_absolute_url }}">{{ case.name }}</a>"""
    """<div class="muted small">Năm {{ case.campaign.year }}</div></td>
    <td data-label="Đơn vị">{{ case.unit.name }}</td>
    <td data-label="Lĩnh vực">{{ case.fields_display|default:"—" }}</td>
    <td data-label="Đối tượng">{{ case.get_subject_display }}</td>
    <td data-label="Cấp đăng ký">{{ case.target_level.name|default:"—" }}</td>
    <td data-label="Trạng thái"><span class="badge state-{{ case.state }}">"""
    """{{ case.get_state_display }}</span>{% if case.recognized_level %} """
    """<span class="small">{{ case.recognized_level.name }}</span>{% endif %}</td>
  </tr>
  {% endfor %}"""
)
ROW_TAG = Template("{% load case_list_tags %}{% for case in rows %}{% case_row case %}{% endfor %}")


def test_a_list_row_keeps_its_markup_and_reads_nothing_more(world, django_assert_num_queries):
    make_draft(world, name=TRICKY, unit=world.ward_a_sub)
    make_draft(
        world,
        name="Cá nhân tiêu biểu",
        subject="individual",
        field_economy=False,
        target_level=None,
    )
    both = make_draft(world, name="Hai lĩnh vực", field_culture_society=True)
    # The row's markup is under test here, not the workflow: the state is written as is.
    Initiative.objects.filter(pk=both.pk).update(
        state=State.RECOGNIZED, recognized_level=world.level_city
    )
    rows = list(initiative_rows(initiative_list(actor=world.secretariat)))
    assert len(rows) == 3
    with django_assert_num_queries(0):
        ours = ROW_TAG.render(Context({"rows": rows}))
    assert ours == ROW_LOOP.render(Context({"rows": rows}))
    assert "Đông Ngàn &amp; &lt;Tam Sơn&gt;" in ours
    assert '<span class="small">Cấp huyện, thành phố</span>' in ours


# --- the list's selects ---------------------------------------------------------------

SELECTS = {
    "flat, one chosen": ([("", "Tất cả"), (1, TRICKY), (2, "Cấp cơ sở")], "1"),
    "nothing chosen": ([("", "Tất cả"), ("draft", "Bản nháp")], None),
    "grouped": ([("", "—"), (TRICKY, [(3, "a"), (4, "b & c")]), (5, "d")], "4"),
    "a safe label": ([(1, mark_safe("<b>đậm</b>"))], "1"),
    "a value to escape": ([('a"&<', "lạ")], 'a"&<'),
}


@pytest.mark.parametrize("choices,value", SELECTS.values(), ids=SELECTS.keys())
@pytest.mark.parametrize(
    "attrs",
    [
        {"id": "id_unit"},
        {"id": "id_unit", "required": True, "disabled": False, "data-note": TRICKY},
    ],
)
def test_the_lean_select_writes_djangos_select_markup(choices, value, attrs):
    expected = forms.Select(choices=choices).render("unit", value, attrs)
    assert LeanSelect(choices=choices).render("unit", value, attrs) == expected


def test_every_select_of_the_list_reads_as_djangos(client, world):
    client.force_login(world.secretariat)
    response = client.get(
        reverse("models_registry:initiative_list"),
        {"campaign": world.campaign.pk, "unit": world.ward_a.pk, "state": "draft"},
    )
    form = response.context["filter"].form
    selects = [bf for bf in form if isinstance(bf.field.widget, forms.Select)]
    assert len(selects) == 10
    for bf in selects:
        django_select = forms.Select(choices=list(bf.field.choices))
        assert str(bf) == bf.as_widget(widget=django_select), bf.name
        assert str(bf) in response.content.decode()


@pytest.mark.parametrize("query", ["", "campaign=all&year_min=2021", "campaign=x"])
def test_the_dashboards_campaign_select_reads_as_djangos(world, query):
    form = scope_from_request(actor=world.secretariat, params=QueryDict(query)).form
    field = form["campaign"]
    django_select = forms.Select(choices=list(field.field.choices))
    assert str(field) == field.as_widget(widget=django_select)


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

# The units table's row as the template wrote it before (figures inlined as the
# ``figure`` tag's format_html wrote them).
FIGURE = (
    '<a class="figure" href="{{ n.url }}" data-figure="{{ n.key }}" '
    'aria-label="{{ n.label }}: {{ n.value }} hồ sơ">{{ n.value }}</a>'
)
ROW_TEMPLATE = (
    """<tr class="{% if not row.own and not row.registered %}missing{% endif %}" data-unit="{{ row.unit.pk }}">
        <td>{% if row.own %}{{ row.unit.name }} <span class="muted small">(chính đơn vị)</span>{% else %}<a href="?{{ scope_query }}{% if scope_query %}&{% endif %}unit={{ row.unit.pk }}">{{ row.unit.name }}</a>{% endif %}
          <span class="bar" aria-hidden="true"><span style="width: {{ row.total.share|stringformat:'.1f' }}%"></span></span></td>
        <td>{% with n=row.total %}FIGURE{% endwith %}</td>
        <td>{% with n=row.submitted %}FIGURE{% endwith %}</td>
        <td class="col-drafts">{% with n=row.drafts %}FIGURE{% endwith %}</td>
        <td>{% with n=row.recognized %}FIGURE{% endwith %}</td>
        <td>{% if row.own %}—{% elif row.registered %}<span class="badge state-recognized">Đã đăng ký</span>{% elif row.drafts.value %}<span class="badge state-in_progress">Có bản nháp, chưa gửi</span>{% else %}<span class="badge state-not_recognized">Chưa đăng ký{% if deadline_passed %} — quá hạn{% endif %}</span>{% endif %}</td>
      </tr>"""
).replace("FIGURE", FIGURE)


def _row(*, own: bool, submitted: int, drafts: int) -> UnitRow:
    url = f"/ho-so/?campaign=1&unit=7&q={TRICKY}"

    def n(value, key):
        return Number(f"{key} {TRICKY}", value, f"{url}&{key}=1", key)

    total = n(submitted + drafts, "total")
    total.share = 100.0 / 3
    return UnitRow(
        unit=Unit(pk=7, name=TRICKY),
        own=own,
        total=total,
        submitted=n(submitted, "submitted"),
        drafts=n(drafts, "drafts"),
        recognized=n(0, "recognized"),
    )


@pytest.mark.parametrize(
    "row",
    [
        _row(own=True, submitted=2, drafts=1),
        _row(own=False, submitted=2, drafts=0),  # registered
        _row(own=False, submitted=0, drafts=3),  # only drafts
        _row(own=False, submitted=0, drafts=0),  # nothing
    ],
    ids=["own", "registered", "drafts", "missing"],
)
@pytest.mark.parametrize("scope_query", ["", "campaign=1&year_min=2021"])
@pytest.mark.parametrize("deadline_passed", [False, True])
def test_a_units_table_row_keeps_its_markup(row, scope_query, deadline_passed):
    context = {"row": row, "scope_query": scope_query, "deadline_passed": deadline_passed}
    expected = Template(ROW_TEMPLATE).render(Context(context))
    assert unit_row(row, scope_query, deadline_passed) == expected


def test_a_figure_keeps_its_markup():
    number = Number(TRICKY, 1234, f"/ho-so/?q={TRICKY}&state=draft", "state:draft")
    assert figure_html(number) == format_html(
        '<a class="figure" href="{}" data-figure="{}" aria-label="{}: {} hồ sơ">{}</a>',
        number.url,
        number.key,
        number.label,
        number.value,
        number.value,
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
