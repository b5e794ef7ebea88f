"""Carrying last year's models over into this year's campaign: the service and its page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from models_registry.models import Campaign, Initiative, RecognitionLevel
from models_registry.services.carry_over import (
    carry_over_eligible,
    initiative_carry_over,
    shift_years,
)
from models_registry.services.initiatives import initiative_create, initiative_update
from tests.factories import make_draft
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.models import TransitionLog
from workflow.services import transition_apply


@pytest.fixture
def last_year(world):
    campaign = Campaign.objects.create(
        year=2022,
        name="Phong trào thi đua “Dân vận khéo” năm 2022",
        registration_deadline=datetime.date(2022, 3, 15),
    )
    RecognitionLevel.objects.create(campaign=campaign, rank=1, name="Cấp cơ sở")
    RecognitionLevel.objects.create(campaign=campaign, rank=2, name="Cấp huyện, thành phố")
    return campaign


def old_case(world, campaign, *, unit=None, state=State.IN_PROGRESS, **overrides):
    """A case of ``campaign`` brought to ``state`` through the workflow service."""
    officer = world.officer_b if unit in (world.ward_b, world.ward_b_sub) else world.officer_a
    data = {
        "name": "Dân vận khéo trong xây dựng khu dân cư văn minh",
        "goals": "100% hộ gia đình đạt danh hiệu gia đình văn hóa",
        "field_culture_society": True,
        "field_political_system": True,
        "subject": "collective",
        "start_date": datetime.date(campaign.year, 2, 28),
        "end_date": datetime.date(campaign.year, 11, 30),
        "target_level": campaign.levels.get(rank=2),
    }
    data.update(overrides)
    case = initiative_create(
        actor=officer, campaign=campaign, unit=unit or world.ward_a_sub, **data
    )
    submitted_on = datetime.date(campaign.year, 2, 1)
    if state == State.DRAFT:
        return case
    transition_apply(case=case, name="submit", actor=officer, today=submitted_on)
    if state == State.REGISTERED:
        return case
    if state == State.WITHDRAWN:
        transition_apply(case=case, name="withdraw", actor=officer, reason="Dừng.")
        return case
    transition_apply(case=case, name="start", actor=None, today=case.start_date)
    return case


@pytest.fixture
def source(world, last_year):
    return old_case(world, last_year)


def test_officer_carries_last_years_model_over_as_a_prefilled_linked_draft(world, source):
    draft = initiative_carry_over(actor=world.officer_a, source=source, campaign=world.campaign)

    draft.refresh_from_db()
    assert (draft.campaign, draft.unit, draft.continues_from, draft.state, draft.created_by) == (
        world.campaign,
        source.unit,
        source,
        State.DRAFT,
        world.officer_a,
    )
    assert (draft.name, draft.goals, draft.subject) == (source.name, source.goals, "collective")
    assert draft.fields == source.fields
    assert (draft.start_date, draft.end_date) == (
        datetime.date(2023, 2, 28),
        datetime.date(2023, 11, 30),
    )
    # The level of the same rank, in this year's ladder.
    assert draft.target_level == world.level_city
    assert not TransitionLog.objects.filter(case=draft).exists()
    source.refresh_from_db()
    assert source.state == State.IN_PROGRESS
    assert list(source.continuations.all()) == [draft]


def test_dates_move_on_by_the_difference_in_years_and_29_february_survives():
    assert shift_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert shift_years(datetime.date(2021, 12, 31), 2) == datetime.date(2023, 12, 31)
    assert shift_years(None, 1) is None


def test_a_model_is_carried_over_only_once_into_a_campaign(world, source):
    first = initiative_carry_over(actor=world.officer_a, source=source, campaign=world.campaign)
    initiative_update(
        actor=world.officer_a, initiative=first, name="Khu dân cư văn minh — giai đoạn 2"
    )
    with pytest.raises(WorkflowError) as caught:
        initiative_carry_over(actor=world.officer_a, source=source, campaign=world.campaign)
    assert "đã được duy trì sang năm 2023" in str(caught.value)
    assert "Khu dân cư văn minh — giai đoạn 2" in str(caught.value)
    assert world.campaign.initiatives.count() == 1


def test_a_same_named_model_already_registered_this_year_is_not_duplicated(world, source):
    make_draft(world, unit=source.unit, name=source.name.upper())
    with pytest.raises(WorkflowError, match="đã có mô hình"):
        initiative_carry_over(actor=world.officer_a, source=source, campaign=world.campaign)
    assert world.campaign.initiatives.count() == 1


@pytest.mark.parametrize("who", ["officer_b", "secretariat", "viewer", "outsider"])
def test_only_an_officer_of_the_models_unit_may_carry_it_over(world, source, who):
    with pytest.raises(WorkflowError, match="Chỉ cán bộ của đơn vị đăng ký"):
        initiative_carry_over(actor=getattr(world, who), source=source, campaign=world.campaign)
    assert not world.campaign.initiatives.exists()


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (State.DRAFT, "Bản nháp"),
        (State.REGISTERED, "Đã đăng ký"),
        (State.WITHDRAWN, "Đã rút đăng ký"),
    ],
)
def test_a_model_that_never_ran_cannot_be_carried_over(world, last_year, state, label):
    case = old_case(world, last_year, state=state)
    with pytest.raises(WorkflowError) as caught:
        initiative_carry_over(actor=world.officer_a, source=case, campaign=world.campaign)
    assert f"đang ở trạng thái “{label}”" in str(caught.value)
    assert not world.campaign.initiatives.exists()


def test_the_rule_admits_inspected_recognised_and_not_recognised_models(world, last_year):
    for state in (State.INSPECTED, State.RECOGNIZED, State.NOT_RECOGNIZED, State.IN_PROGRESS):
        assert carry_over_eligible(Initiative(campaign=last_year, state=state), world.campaign)
    for state in (State.DRAFT, State.REGISTERED, State.WITHDRAWN):
        assert not carry_over_eligible(Initiative(campaign=last_year, state=state), world.campaign)
    running_now = Initiative(campaign=world.campaign, state=State.RECOGNIZED)
    assert not carry_over_eligible(running_now, world.campaign)


def test_a_model_cannot_be_carried_into_its_own_or_an_earlier_campaign(world, last_year):
    this_year = old_case(world, world.campaign)
    with pytest.raises(WorkflowError, match="năm 2023, kế hoạch chọn là năm 2023"):
        initiative_carry_over(actor=world.officer_a, source=this_year, campaign=world.campaign)
    with pytest.raises(WorkflowError, match="kế hoạch chọn là năm 2022"):
        initiative_carry_over(actor=world.officer_a, source=this_year, campaign=last_year)
    assert last_year.initiatives.count() == 0


def test_a_carried_model_can_be_carried_on_again_next_year(world, source):
    draft = initiative_carry_over(actor=world.officer_a, source=source, campaign=world.campaign)
    transition_apply(
        case=draft, name="submit", actor=world.officer_a, today=datetime.date(2023, 2, 1)
    )
    transition_apply(case=draft, name="start", actor=None, today=draft.start_date)
    next_year = Campaign.objects.create(
        year=2024, name="Năm 2024", registration_deadline=datetime.date(2024, 3, 1)
    )
    again = initiative_carry_over(actor=world.officer_a, source=draft, campaign=next_year)
    assert again.continues_from == draft
    assert again.target_level is None  # 2024 has no ladder yet
    assert again.start_date == datetime.date(2024, 2, 28)


def test_a_unit_that_ceased_before_the_new_campaign_is_refused_naming_its_successor(world, source):
    unit = source.unit
    unit.active_to = datetime.date(2022, 12, 31)
    unit.successor = world.ward_a
    unit.save()
    with pytest.raises(WorkflowError) as caught:
        initiative_carry_over(actor=world.officer_a, source=source, campaign=world.campaign)
    assert "đã ngừng hoạt động từ 31/12/2022" in str(caught.value)
    assert "“Đảng ủy phường Đông Ngàn”" in str(caught.value)
    assert not world.campaign.initiatives.exists()


# --- the page ---


def test_the_page_lists_last_years_models_the_officer_may_carry_over(client, world, last_year):
    mine = old_case(world, last_year, name="Mô hình chạy năm 2022")
    old_case(world, last_year, name="Bản nháp bỏ dở", state=State.DRAFT)
    old_case(world, last_year, name="Đã rút", state=State.WITHDRAWN)
    old_case(world, last_year, name="Của Tam Sơn", unit=world.ward_b)
    client.force_login(world.officer_a)

    response = client.get(reverse("models_registry:carry_over_list"))

    assert [case.name for case in response.context["page"].object_list] == [mine.name]
    html = response.content.decode()
    assert "Duy trì, phát triển mô hình năm 2022 sang năm 2023" in html
    assert "Duy trì, phát triển sang năm 2023" in html
    assert "Của Tam Sơn" not in html


def test_the_button_creates_the_draft_and_opens_it_for_editing(client, world, source):
    client.force_login(world.officer_a)
    response = client.post(reverse("models_registry:initiative_carry_over", args=[source.pk]))
    draft = world.campaign.initiatives.get()
    assert response["Location"] == reverse("models_registry:initiative_edit", args=[draft.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Đã tạo bản nháp năm 2023 duy trì, phát triển mô hình" in page
    assert f'value="{source.name}"' in page

    listing = client.get(reverse("models_registry:carry_over_list")).content.decode()
    assert "Đã duy trì sang năm 2023" in listing
    assert reverse("models_registry:initiative_detail", args=[draft.pk]) in listing


def test_the_case_pages_link_a_model_and_its_continuation_both_ways(client, world, source):
    client.force_login(world.officer_a)
    before = client.get(source.get_absolute_url()).content.decode()
    assert 'id="carry-over"' in before

    draft = initiative_carry_over(actor=world.officer_a, source=source, campaign=world.campaign)
    old_page = client.get(source.get_absolute_url()).content.decode()
    assert "Được duy trì sang năm 2023" in old_page
    assert draft.get_absolute_url() in old_page
    assert 'id="carry-over"' not in old_page
    new_page = client.get(draft.get_absolute_url()).content.decode()
    assert "Duy trì, phát triển từ" in new_page
    assert source.get_absolute_url() in new_page


def test_a_refused_carry_over_from_the_page_says_why(client, world, last_year):
    case = old_case(world, last_year, state=State.WITHDRAWN)
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:initiative_carry_over", args=[case.pk]), follow=True
    )
    assert "Chỉ duy trì, phát triển được mô hình đã triển khai" in response.content.decode()
    assert not world.campaign.initiatives.exists()


def test_carry_over_of_a_case_outside_the_officers_scope_is_a_404(client, world, last_year):
    case = old_case(world, last_year, unit=world.ward_b)
    client.force_login(world.officer_a)
    response = client.post(reverse("models_registry:initiative_carry_over", args=[case.pk]))
    assert response.status_code == 404
    assert not world.campaign.initiatives.exists()


def test_carry_over_needs_a_post(client, world, source):
    client.force_login(world.officer_a)
    response = client.get(reverse("models_registry:initiative_carry_over", args=[source.pk]))
    assert response.status_code == 405


def test_a_user_who_is_not_an_officer_sees_an_explanation(client, world, source):
    client.force_login(world.viewer)
    response = client.get(reverse("models_registry:carry_over_list"))
    assert "Chỉ cán bộ đơn vị mới duy trì" in response.content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_carry_over_page_costs_the_same_queries_for_5_rows_and_50(
    client, world, last_year, settings, django_assert_max_num_queries
):
    settings.CASES_PER_PAGE = 100
    url = reverse("models_registry:carry_over_list")
    for i in range(5):
        old_case(world, last_year, name=f"Mô hình số {i}")
    client.force_login(world.officer_a)
    client.get(url)  # warm the session
    five = _count_queries(client, url)
    for i in range(5, 50):
        case = old_case(world, last_year, name=f"Mô hình số {i}")
        if i % 3 == 0:
            initiative_carry_over(actor=world.officer_a, source=case, campaign=world.campaign)
    client.get(url)  # again: a minute may have passed, the session's "seen" stamp is due
    with django_assert_max_num_queries(five):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert five <= 10  # 8 today: session, user, memberships, campaigns, count, rows
