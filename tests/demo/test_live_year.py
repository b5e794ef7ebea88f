"""The demo's live year: a campaign for the year of ``--today`` made from the 2023
plan, with its dates around that day, so that every button can be pressed."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from committees.models import RoundStatus, VoteRound
from inspections.models import Inspection
from models_registry.models import Campaign, CampaignStatus, Initiative
from models_registry.services.initiatives import initiative_create
from tests.demo.test_seed_demo import snapshot
from tests.demo_data import DEMO_TODAY, demo_load
from units.models import Unit
from workflow.lifecycle import State
from workflow.services import transition_allowed, transition_apply

DAY = datetime.timedelta(days=1)


@pytest.mark.long
def test_on_any_today_an_officer_creates_and_submits_without_anyone_granting_anything(db):
    today = datetime.date(2031, 8, 20)
    call_command("seed_demo", "--today", today.isoformat(), stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", "--today", today.isoformat(), stdout=StringIO())
    assert snapshot() == first

    campaign = Campaign.objects.get(year=2031)
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.registration_deadline > today
    officer = get_user_model().objects.get(username="canbo.dongngan")
    case = initiative_create(
        actor=officer,
        campaign=campaign,
        unit=Unit.objects.get(name="Hội LHPN phường Đông Ngàn"),
        name="Phụ nữ Đông Ngàn nói không với rác thải nhựa",
        goals="80% hội viên dùng túi vải khi đi chợ",
        field_culture_society=True,
        start_date=today + 10 * DAY,
        end_date=today + 200 * DAY,
        target_level=campaign.levels.get(rank=1),
    )
    assert transition_allowed(case=case, name="submit", actor=officer, today=today)
    transition_apply(case=case, name="submit", actor=officer, today=today)
    assert case.state == State.REGISTERED
    # The officer's ready-made draft can be sent as it is.
    ready = Initiative.objects.get(campaign=campaign, name="Chợ văn minh, không rác thải nhựa")
    transition_apply(case=ready, name="submit", actor=officer, today=today)
    assert ready.state == State.REGISTERED


def test_the_live_year_has_cases_in_every_state_visits_next_week_and_a_round_open(db):
    demo_load()
    campaign = Campaign.objects.get(year=DEMO_TODAY.year)
    assert campaign.plan_number == "52-KH/BCĐ"
    assert campaign.registration_deadline == DEMO_TODAY + 14 * DAY
    assert list(campaign.levels.values_list("name", flat=True)) == [
        "Cấp cơ sở",
        "Cấp huyện, thành phố",
    ]
    assert campaign.criteria.count() == 10
    states = set(Initiative.objects.filter(campaign=campaign).values_list("state", flat=True))
    assert set(State.values) <= states
    returned = Initiative.objects.filter(campaign=campaign, resubmit_until__isnull=False)
    assert returned.exists() and all(c.resubmit_until >= DEMO_TODAY for c in returned)
    next_week = Inspection.objects.filter(
        case__campaign=campaign, planned_date__range=(DEMO_TODAY + DAY, DEMO_TODAY + 7 * DAY)
    )
    assert next_week.count() == 2
    assert VoteRound.objects.filter(case__campaign=campaign, status=RoundStatus.OPEN).exists()
    # The history stays: 2022 closed, 2023 as it was.
    assert Campaign.objects.get(year=2022).status == CampaignStatus.CLOSED
    assert Campaign.objects.get(year=2023).registration_deadline == datetime.date(2023, 3, 6)


def test_a_today_before_2024_is_refused_in_words(db):
    with pytest.raises(CommandError, match="phải sau năm 2023"):
        call_command("seed_demo", "--today", "2023-05-01", stdout=StringIO())


def test_right_after_seeding_on_the_real_date_an_officer_registers_and_submits_on_the_pages(
    client, db
):
    call_command("seed_demo", stdout=StringIO())
    today = datetime.date.today()
    campaign = Campaign.objects.get(year=today.year)
    officer = get_user_model().objects.get(username="canbo.tamson")
    client.force_login(officer)

    form = client.get(reverse("models_registry:initiative_create")).context["form"]
    assert form.initial["campaign"] == campaign
    response = client.post(
        reverse("models_registry:initiative_create"),
        {
            "campaign": campaign.pk,
            "unit": Unit.objects.get(name="Đoàn Thanh niên phường Tam Sơn").pk,
            "name": "Thanh niên Tam Sơn giữ đường làng sạch đẹp",
            "goals": "Mỗi tháng 2 buổi ra quân",
            "field_culture_society": "on",
            "subject": "collective",
            "start_date": (today + 20 * DAY).isoformat(),
            "end_date": (today + 200 * DAY).isoformat(),
            "target_level": campaign.levels.get(rank=1).pk,
        },
    )
    case = Initiative.objects.get(name="Thanh niên Tam Sơn giữ đường làng sạch đẹp")
    assert response["Location"] == case.get_absolute_url()
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-transition="submit"' in page
    client.post(
        reverse("models_registry:initiative_transition", args=[case.pk]),
        {"transition": "submit", "expected_state": State.DRAFT},
    )
    case.refresh_from_db()
    assert case.state == State.REGISTERED
    assert not campaign.deadlineextension_set.exists()
