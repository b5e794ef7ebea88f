"""The case pages: create and edit drafts, the detail page and its buttons, query counts."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import BEFORE_DEADLINE, make_draft
from workflow.lifecycle import State
from workflow.models import TransitionLog
from workflow.services import transition_apply


def form_data(world, **overrides):
    data = {
        "campaign": world.campaign.pk,
        "unit": world.ward_a_sub.pk,
        "name": "Chính quyền thân thiện - công dân hài lòng",
        "goals": "98% hồ sơ giải quyết đúng hạn",
        "field_political_system": "on",
        "subject": "collective",
        "start_date": "2023-02-15",
        "end_date": "2023-12-31",
        "target_level": world.level_city.pk,
    }
    data.update(overrides)
    return data


def test_unit_officer_creates_a_draft_for_a_sub_unit(client, world):
    client.force_login(world.officer_a)
    response = client.post(reverse("models_registry:initiative_create"), form_data(world))
    assert response.status_code == 302
    case = world.campaign.initiatives.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.unit, case.state, case.created_by) == (
        world.ward_a_sub,
        State.DRAFT,
        world.officer_a,
    )
    assert case.field_political_system and not case.field_economy
    assert case.end_date == datetime.date(2023, 12, 31)


def test_create_form_offers_only_the_officers_units(client, world):
    client.force_login(world.officer_a)
    form = client.get(reverse("models_registry:initiative_create")).context["form"]
    assert set(form.fields["unit"].queryset) == {world.ward_a, world.ward_a_sub}
    response = client.post(
        reverse("models_registry:initiative_create"), form_data(world, unit=world.ward_b.pk)
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not world.campaign.initiatives.exists()


def test_end_before_start_is_a_clear_error_and_nothing_is_saved(client, world):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:initiative_create"),
        form_data(world, start_date="2023-09-01", end_date="2023-03-01"),
    )
    assert response.status_code == 200
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in response.content.decode()
    assert not world.campaign.initiatives.exists()


def test_a_duplicate_name_in_the_same_unit_is_refused(client, world):
    make_draft(world, unit=world.ward_a_sub, name="Chính quyền thân thiện - công dân hài lòng")
    client.force_login(world.officer_a)
    response = client.post(
        reverse("models_registry:initiative_create"),
        form_data(world, name="CHINH QUYEN than thien - cong dan hai long"),
    )
    assert response.status_code == 200
    assert "đã có mô hình" in response.content.decode()
    assert world.campaign.initiatives.count() == 1


def test_only_drafts_can_be_edited(client, world, draft):
    client.force_login(world.officer_a)
    edit = reverse("models_registry:initiative_edit", args=[draft.pk])
    assert client.get(edit).status_code == 200
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    response = client.post(edit, form_data(world, name="Đổi tên sau khi gửi"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name != "Đổi tên sau khi gửi"


def test_the_secretariat_cannot_edit_a_units_draft(client, world, draft):
    client.force_login(world.secretariat)
    response = client.post(
        reverse("models_registry:initiative_edit", args=[draft.pk]), form_data(world, name="Sửa hộ")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name != "Sửa hộ"


def test_detail_shows_exactly_the_buttons_the_user_may_press(client, world, draft, settings):
    def buttons(user):
        client.force_login(user)
        context = client.get(draft.get_absolute_url()).context
        names = [a.name for a in context["actions"]]
        # A draft's "Gửi đăng ký" is always shown; pressable only without blockers.
        if context["submit"] and not context["submit"]["blockers"]:
            names.insert(0, "submit")
        return names

    # Today is long past the 2023 deadline: submitting needs an extension.
    world.campaign.registration_deadline = datetime.date.today() + datetime.timedelta(days=1)
    world.campaign.save()
    assert buttons(world.officer_a) == ["submit"]  # a draft is discarded, not withdrawn
    assert buttons(world.secretariat) == []
    transition_apply(case=draft, name="submit", actor=world.officer_a)
    assert buttons(world.secretariat) == ["return_for_revision"]
    assert buttons(world.officer_a) == ["start", "withdraw"]
    assert buttons(world.viewer) == []


def test_returning_with_a_reason_from_the_page_shows_it_in_the_timeline(client, world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    client.force_login(world.secretariat)
    url = reverse("models_registry:initiative_transition", args=[draft.pk])
    response = client.post(
        url,
        {
            "transition": "return_for_revision",
            "expected_state": "registered",
            "reason": "Bổ sung số liệu chỉ tiêu",
        },
        follow=True,
    )
    assert "Đã trả lại hồ sơ" in response.content.decode()
    client.force_login(world.officer_a)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Lý do: Bổ sung số liệu chỉ tiêu" in page
    assert "Trả lại để chỉnh sửa" in page


def test_a_refused_transition_from_the_page_says_why_and_changes_nothing(client, world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    client.force_login(world.secretariat)
    url = reverse("models_registry:initiative_transition", args=[draft.pk])
    response = client.post(
        url,
        {"transition": "return_for_revision", "expected_state": "registered", "reason": ""},
        follow=True,
    )
    assert "Vui lòng ghi rõ lý do" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.REGISTERED
    assert TransitionLog.objects.filter(case=draft).count() == 1


def test_a_stale_button_gives_the_conflict_message(client, world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    client.force_login(world.officer_a)
    url = reverse("models_registry:initiative_transition", args=[draft.pk])
    response = client.post(
        url,
        {"transition": "withdraw", "expected_state": "draft", "reason": "Trang cũ"},
        follow=True,
    )
    # The officer submitted it themselves, in another tab: not "someone else".
    assert "vừa được chính bạn cập nhật trong một thẻ khác" in response.content.decode()
    assert "người khác" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.REGISTERED


def _many_cases(world, count):
    for i in range(count):
        case = make_draft(
            world, name=f"Mô hình số {i}", unit=world.ward_a_sub if i % 2 else world.ward_a
        )
        if i % 3 == 0:
            transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("who", ["officer_a", "secretariat"])
def test_the_list_page_query_count_does_not_grow_with_rows(
    client, world, count, who, django_assert_num_queries
):
    _many_cases(world, count)
    client.force_login(getattr(world, who))
    # session, user, memberships, unread count, count, page, and the filter choices (4:
    # campaigns, units, target levels, recognised levels)
    with django_assert_num_queries(10):
        response = client.get(reverse("models_registry:initiative_list"), {"q": "mo hinh"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize("transitions", [1, 12])
def test_the_case_page_query_count_does_not_grow_with_its_history(
    client, world, draft, transitions, django_assert_num_queries
):
    for _ in range(transitions // 2):
        transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
        transition_apply(
            case=draft, name="return_for_revision", actor=world.secretariat, reason="Bổ sung"
        )
    client.force_login(world.officer_a)
    # session, user, memberships, unread count, case, deadline extension, log with actors,
    # continuations, progress reports (attachments prefetched only when there are reports),
    # inspections; the timeline's progress reports, inspections and committee rounds
    # (models_registry.timeline and its sources). A case returned today needs no
    # extension: its resubmission period answers the deadline rule without a query.
    with django_assert_num_queries(12 if transitions > 1 else 13):
        response = client.get(draft.get_absolute_url())
    assert response.status_code == 200


def test_the_list_reads_each_short_table_once_whatever_is_chosen(
    client, world, monkeypatch, django_assert_num_queries
):
    from models_registry import filters

    _many_cases(world, 5)
    monkeypatch.setattr(filters, "UNIT_OPTIONS_MAX", 3)  # the test world has five units
    client.force_login(world.secretariat)
    query = {
        "campaign": world.campaign.pk,
        "unit": world.ward_a_sub.pk,  # deeper than the two levels offered
        "target_level": world.level_base.pk,
        "recognized_level": world.level_city.pk,
    }
    # session, user, memberships, unread count, count (0: nothing is recognised yet, so no
    # page); the campaigns (options and check), the levels (both selects, both checks),
    # the chosen unit (check and its option), the units' LIMITed count and the two levels
    # offered. Read one by one, these were 15.
    with django_assert_num_queries(10):
        response = client.get(reverse("models_registry:initiative_list"), query)
    page = response.content.decode()
    assert response.context["filter"].is_valid()
    for name, level in (("target_level", world.level_base), ("recognized_level", world.level_city)):
        start = page.index(f'name="{name}"')
        select = page[start : page.index("</select>", start)]
        assert f'<option value="{level.pk}" selected>{level.name} (2023)</option>' in select
        assert select.count("<option") == 3
    assert (
        f'<option value="{world.ward_a_sub.pk}" selected>{world.ward_a_sub.name}</option>' in page
    )
