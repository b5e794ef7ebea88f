"""Finding 5: every query parameter of every list and export answers 400 or is ignored,
never a 500. Hypothesis draws values (text with NUL bytes and stray surrogates of
percent-encoding, huge and negative numbers, words the filters know) for every parameter
the pages read, for several roles; the test client re-raises any server error."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

# Every parameter a list or export reads (models_registry.filters.InitiativeFilter,
# dashboards.scope.ScopeForm, the inspections pages, the paginators).
PARAMS = [
    "q",
    "campaign",
    "unit",
    "unit_scope",
    "field",
    "subject",
    "target_level",
    "state",
    "year_min",
    "year_max",
    "recognized_level",
    "stage",
    "attention",
    "page",
    "days",
    "cases",
    "round",
    "kind",
]

LISTS_AND_EXPORTS = [
    "models_registry:initiative_list",
    "models_registry:export",
    "models_registry:carry_over_list",
    "models_registry:import_upload",
    "dashboards:dashboard",
    "dashboards:dashboard_report_xlsx",
    "dashboards:dashboard_report_docx",
    "inspections:to_inspect",
    "inspections:schedule",
    "inspections:calendar",
    "inspections:mine",
    "inspections:export",
    "inspections:criteria",
    "notifications:inbox",
    "notifications:failed",
    "committees:home",
]

WORDS = [
    "",
    "abc",
    "-1",
    "0",
    "1",
    "2023",
    "1.5",
    "1e9",
    "9" * 30,
    "9" * 5000,
    "own",
    "all",
    "draft",
    "economy",
    "overdue",
    "mid_year",
    "\x00",
    "Đợt 1",
    " ",
    "%",
]

values = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
queries = st.dictionaries(st.sampled_from(PARAMS), st.lists(values, min_size=1, max_size=2))
raw_queries = st.text(alphabet=st.sampled_from("abcdegkmnpqrstuy_=&%0129FZ+;\x00é"), max_size=40)
roles = st.sampled_from(["secretariat", "officer_a", "viewer", "inspector", "chair"])


@pytest.mark.parametrize("url_name", LISTS_AND_EXPORTS)
def test_no_query_string_makes_a_list_or_export_fail(world, url_name):
    clients = {}

    def client_of(role: str) -> Client:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(getattr(world, role))
        return clients[role]

    url = reverse(url_name)

    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(role=roles, query=queries, raw=raw_queries)
    @example(role="secretariat", query={"campaign": ["abc"]}, raw="")
    @example(role="secretariat", query={"round": ["a\x00b"], "campaign": ["1"]}, raw="")
    @example(role="officer_a", query={"unit": ["9" * 30]}, raw="")
    @example(role="secretariat", query={"cases": ["9" * 30, "x"]}, raw="")
    @example(role="secretariat", query={}, raw="campaign=%FF&page=%ZZ")
    def check(role, query, raw):
        client = client_of(role)
        response = client.get(url, query)
        assert response.status_code < 500, (query, response.status_code)
        response = client.get(f"{url}?{raw}")
        assert response.status_code < 500, (raw, response.status_code)

    check()
