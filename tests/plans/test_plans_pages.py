"""The secretariat's plan pages: who may open them, what they cost in queries, and
what they say when a plan is closed or a registration is returned after the deadline."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from models_registry.models import Campaign, CampaignStatus, DeadlineExtension
from plans import services
from tests.factories import BEFORE_DEADLINE, make_user
from units.models import Unit, UnitKind
from workflow.services import transition_apply


def urls(world, extension=None):
    pk = world.campaign.pk
    pages = [
        ("get", reverse("plans:campaign_list")),
        ("get", reverse("plans:campaign_create")),
        ("get", reverse("plans:campaign_detail", args=[pk])),
        ("get", reverse("plans:campaign_edit", args=[pk])),
        ("get", reverse("plans:extension_list", args=[pk])),
        ("post", reverse("plans:campaign_open", args=[pk])),
        ("post", reverse("plans:campaign_close", args=[pk])),
        ("post", reverse("plans:extension_list", args=[pk])),
    ]
    if extension is not None:
        pages.append(("post", reverse("plans:extension_revoke", args=[extension.pk])))
    return pages


@pytest.fixture
def extension(world):
    return services.extension_grant(
        actor=world.secretariat,
        campaign=world.campaign,
        unit=world.ward_a,
        until=datetime.date.today() + datetime.timedelta(days=5),
        reason="Nộp bổ sung",
    )


@pytest.mark.parametrize("who", ["officer_a", "inspector", "chair", "viewer", "outsider"])
def test_every_plan_page_is_a_404_for_anyone_but_the_secretariat(client, world, extension, who):
    client.force_login(getattr(world, who))
    for method, url in urls(world, extension):
        response = getattr(client, method)(url, {"reason": "x", "unit": world.ward_b.pk})
        assert response.status_code == 404, (method, url)
    extension.refresh_from_db()
    world.campaign.refresh_from_db()
    assert extension.revoked_at is None and world.campaign.status == CampaignStatus.OPEN
    assert DeadlineExtension.objects.count() == 1


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_sign_in_page(client, world, extension):
    for method, url in urls(world, extension):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("who", ["secretariat", "superuser"])
def test_the_secretariat_and_the_superuser_open_every_page(client, world, who):
    user = world.secretariat
    if who == "superuser":
        user = make_user("quantri")
        user.is_superuser = True
        user.save()
    client.force_login(user)
    for method, url in urls(world):
        if method == "get":
            assert client.get(url).status_code == 200, url
    hub = client.get(reverse("accounts:hub")).content.decode()
    assert 'id="hub-plans"' in hub


def test_the_menu_leads_only_the_secretariat_to_the_plans(client, world):
    client.force_login(world.officer_a)
    page = client.get(reverse("models_registry:initiative_list")).content.decode()
    assert 'id="nav-manage"' not in page
    client.force_login(world.secretariat)
    page = client.get(reverse("models_registry:initiative_list")).content.decode()
    assert 'id="nav-manage"' in page


def _campaigns(world, count):
    for year in range(2024, 2024 + count):
        Campaign.objects.create(
            year=year, name=f"Năm {year}", registration_deadline=datetime.date(year, 3, 1)
        )


@pytest.mark.parametrize("count", [2, 20])
def test_the_campaign_list_costs_the_same_for_few_and_many(
    client, world, count, django_assert_num_queries
):
    _campaigns(world, count)
    client.force_login(world.secretariat)
    # session, user, memberships, campaigns with their counts, unread count
    with django_assert_num_queries(5):
        response = client.get(reverse("plans:campaign_list"))
    assert len(response.context["campaigns"]) == count + 1


@pytest.mark.parametrize("count", [2, 20])
def test_the_extension_list_costs_the_same_for_few_and_many(
    client, world, count, django_assert_num_queries
):
    for index in range(count):
        unit = Unit.objects.create(
            name=f"Tổ dân phố {index}", kind=UnitKind.WARD_BODY, parent=world.ward_b
        )
        services.extension_grant(
            actor=world.secretariat,
            campaign=world.campaign,
            unit=unit,
            until=datetime.date.today() + datetime.timedelta(days=3),
            reason="Nộp bổ sung",
        )
    client.force_login(world.secretariat)
    # session, user, memberships, campaign, extensions with units and people, the units
    # of the form's choice, unread count
    with django_assert_num_queries(7):
        response = client.get(reverse("plans:extension_list", args=[world.campaign.pk]))
    assert len(response.context["extensions"]) == count


def test_the_campaign_page_costs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    client.force_login(world.secretariat)
    # session, user, memberships, campaign, levels, criteria, committees, extensions
    # in force, unread count
    with django_assert_num_queries(9):
        client.get(reverse("plans:campaign_detail", args=[world.campaign.pk]))


def test_creating_next_year_from_the_page(client, world):
    client.force_login(world.secretariat)
    form = client.get(reverse("plans:campaign_create")).context["form"]
    assert form.initial["year"] == 2024
    assert form.initial["registration_deadline"] == datetime.date(2024, 3, 6)
    data = {
        "source": world.campaign.pk,
        "year": 2024,
        "name": "Phong trào thi đua “Dân vận khéo” năm 2024",
        "plan_number": "52-KH/BCĐ",
        "plan_date": "2024-01-10",
        "issuer": "BCĐ",
        "registration_deadline": "2024-03-08",
        "mid_year_report_due": "2024-06-30",
        "year_end_report_due": "2024-11-30",
        "recognition_date": "2024-10-15",
        "decision_wait_days": 30,
        "resubmit_days": 7,
        "levels": "Cấp cơ sở\nCấp xã, phường",
        "copy_criteria": "on",
    }
    response = client.post(reverse("plans:campaign_create"), data)
    campaign = Campaign.objects.get(year=2024)
    assert response["Location"] == reverse("plans:campaign_detail", args=[campaign.pk])
    assert campaign.status == CampaignStatus.PREPARING
    response = client.post(reverse("plans:campaign_create"), data)
    assert "Đã có kế hoạch năm 2024." in response.content.decode()


def test_a_closed_plan_cannot_be_edited_and_the_page_says_why(client, world):
    services.campaign_close(actor=world.secretariat, campaign=world.campaign)
    client.force_login(world.secretariat)
    response = client.get(reverse("plans:campaign_edit", args=[world.campaign.pk]), follow=True)
    assert (
        "Kế hoạch năm 2023 đã đóng nên chỉ xem được, không sửa được." in response.content.decode()
    )
    response = client.post(
        reverse("plans:extension_list", args=[world.campaign.pk]),
        {"unit": world.ward_a.pk, "until": "2099-01-01", "reason": "x"},
        follow=True,
    )
    assert "đã đóng" in response.content.decode()
    assert not DeadlineExtension.objects.exists()
    assert AuditEntry.objects.filter(action="campaign.close").count() == 1


def test_the_return_form_says_until_when_the_unit_may_send_again(client, world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    client.force_login(world.secretariat)
    page = client.get(draft.get_absolute_url()).content.decode()
    until = datetime.date.today() + datetime.timedelta(days=7)
    assert "Đã qua hạn đăng ký (06/03/2023)" in page
    assert f"đến hết ngày <strong>{until:%d/%m/%Y}</strong>" in page
