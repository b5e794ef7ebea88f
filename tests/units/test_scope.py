"""Every list is scoped to what the user may see; every case URL 404s outside it."""

import pytest
from django.urls import reverse

from tests.factories import BEFORE_DEADLINE, make_draft
from workflow.services import transition_apply


@pytest.fixture
def case_of_ward_b(world):
    return make_draft(
        world,
        actor=world.officer_b,
        unit=world.ward_b_sub,
        name="Camera an ninh - Mắt thần khu phố Tam Sơn",
    )


def case_urls(case):
    return [
        ("get", reverse("models_registry:initiative_detail", args=[case.pk])),
        ("get", reverse("models_registry:initiative_edit", args=[case.pk])),
        ("post", reverse("models_registry:initiative_edit", args=[case.pk])),
    ]


TRANSITIONS = [
    "submit",
    "return_for_revision",
    "start",
    "withdraw",
    "record_inspection",
    "request_reinspection",
    "recognize",
    "reject",
    "upgrade",
]


def test_officer_of_ward_a_gets_404_on_every_url_of_a_ward_b_case(client, world, case_of_ward_b):
    client.force_login(world.officer_a)
    for method, url in case_urls(case_of_ward_b):
        response = getattr(client, method)(url, {"name": "x"} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    url = reverse("models_registry:initiative_transition", args=[case_of_ward_b.pk])
    for name in TRANSITIONS:
        response = client.post(url, {"transition": name, "expected_state": "draft", "reason": "x"})
        assert response.status_code == 404, name
    case_of_ward_b.refresh_from_db()
    assert case_of_ward_b.state == "draft"
    assert case_of_ward_b.name == "Camera an ninh - Mắt thần khu phố Tam Sơn"


def test_a_ward_b_case_never_appears_in_ward_as_list_or_search(client, world, case_of_ward_b):
    mine = make_draft(world, name="Khu phố văn minh Đông Ngàn")
    client.force_login(world.officer_a)
    listing = reverse("models_registry:initiative_list")
    for params in [
        {},
        {"q": "camera"},
        {"q": "Tam Sơn"},
        {"unit": world.ward_b.pk},
        {"state": "draft"},
        {"campaign": world.campaign.pk},
    ]:
        response = client.get(listing, params)
        assert response.status_code == 200
        shown = [case.pk for case in response.context["page"].object_list]
        assert case_of_ward_b.pk not in shown, params
        assert case_of_ward_b.name not in response.content.decode()
    shown = [c.pk for c in client.get(listing).context["page"].object_list]
    assert shown == [mine.pk]


def test_the_secretariat_and_viewer_see_every_unit(client, world, case_of_ward_b, draft):
    for user in (world.secretariat, world.viewer):
        client.force_login(user)
        page = client.get(reverse("models_registry:initiative_list")).context["page"]
        assert {c.pk for c in page.object_list} == {case_of_ward_b.pk, draft.pk}


def test_a_user_with_no_role_sees_nothing(client, world, draft):
    client.force_login(world.outsider)
    response = client.get(reverse("models_registry:initiative_list"))
    assert list(response.context["page"].object_list) == []
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_committee_members_see_cases_awaiting_or_past_a_decision_only(client, world, draft):
    client.force_login(world.chair)
    assert client.get(draft.get_absolute_url()).status_code == 404
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_search_ignores_diacritics_and_case(client, world):
    make_draft(world, name="Đông Ngàn: phân loại rác tại nguồn")
    make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Camera an ninh")
    client.force_login(world.secretariat)
    listing = reverse("models_registry:initiative_list")
    for query in ("dong ngan", "ĐÔNG NGÀN", "phan loai rac", "Phân Loại"):
        names = [c.name for c in client.get(listing, {"q": query}).context["page"].object_list]
        assert names == ["Đông Ngàn: phân loại rác tại nguồn"], query


def test_unit_filter_includes_sub_units(client, world):
    top = make_draft(world, name="Mô hình của Đảng ủy")
    sub = make_draft(world, unit=world.ward_a_sub, name="Mô hình của UBND phường")
    make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Mô hình Tam Sơn")
    client.force_login(world.secretariat)
    listing = reverse("models_registry:initiative_list")
    page = client.get(listing, {"unit": world.ward_a.pk}).context["page"]
    assert {c.pk for c in page.object_list} == {top.pk, sub.pk}
    page = client.get(listing, {"unit": world.ward_a_sub.pk}).context["page"]
    assert [c.pk for c in page.object_list] == [sub.pk]


def test_field_subject_level_and_state_filters(client, world):
    economy = make_draft(world, name="Kinh tế tập thể")
    person = make_draft(
        world,
        name="Cá nhân điển hình",
        subject="individual",
        field_economy=False,
        field_culture_society=True,
        target_level=world.level_city,
    )
    transition_apply(case=person, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    client.force_login(world.secretariat)
    listing = reverse("models_registry:initiative_list")

    def shown(**params):
        return {c.pk for c in client.get(listing, params).context["page"].object_list}

    assert shown(field="economy") == {economy.pk}
    assert shown(field="culture_society") == {person.pk}
    assert shown(subject="individual") == {person.pk}
    assert shown(target_level=world.level_city.pk) == {person.pk}
    assert shown(state="registered") == {person.pk}
    assert shown(state="draft") == {economy.pk}


def test_an_officer_who_is_also_secretariat_can_filter_by_any_unit(client, world):
    from units.models import Membership
    from workflow.lifecycle import Role

    Membership.objects.create(user=world.officer_a, unit=world.city, role=Role.SECRETARIAT)
    make_draft(world, name="Mô hình Đông Ngàn")
    theirs = make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Mô hình Tam Sơn")
    client.force_login(world.officer_a)
    response = client.get(reverse("models_registry:initiative_list"), {"unit": world.ward_b.pk})
    assert [c.pk for c in response.context["page"].object_list] == [theirs.pk]
