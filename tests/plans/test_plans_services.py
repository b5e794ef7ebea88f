"""The yearly plan's services: a campaign from last year's, edits, open and close, the
read-only closed campaign, and the administration log they write."""

import datetime
from fractions import Fraction

import pytest

from audit.models import AuditEntry
from committees.models import Committee
from committees.services import committee_create
from inspections.models import Criterion
from models_registry.models import CampaignStatus
from models_registry.services.initiatives import initiative_create, initiative_update
from plans import services
from tests.factories import BEFORE_DEADLINE, make_draft
from workflow.errors import WorkflowError
from workflow.services import transition_apply

NEXT_YEAR = {
    "name": "Phong trào thi đua “Dân vận khéo” năm 2024",
    "plan_number": "52-KH/BCĐ",
    "plan_date": datetime.date(2024, 1, 10),
    "issuer": "Ban Chỉ đạo thành phố Từ Sơn",
    "registration_deadline": datetime.date(2024, 3, 8),
    "mid_year_report_due": datetime.date(2024, 6, 30),
    "year_end_report_due": datetime.date(2024, 11, 30),
    "recognition_date": datetime.date(2024, 10, 15),
    "decision_wait_days": 30,
    "resubmit_days": 10,
}


@pytest.fixture
def sheet(world):
    """Last year's criteria and committees, to be copied."""
    for order, name in enumerate(["Sáng tạo, tiết kiệm", "Bền vững, nhân rộng"], start=1):
        Criterion.objects.create(
            campaign=world.campaign, subject="collective", order=order, name=name, max_points=20
        )
    Criterion.objects.create(
        campaign=world.campaign, subject="individual", order=1, name="Gương mẫu", max_points=50
    )
    committee_create(
        name="Hội đồng xét công nhận cấp cơ sở năm 2023",
        level=world.level_base,
        unit=world.city,
        chair=world.chair,
        members=world.members,
        quorum=Fraction(3, 4),
        approval=Fraction(9, 10),
    )
    return world


def create_next(world, **overrides):
    data = {**NEXT_YEAR, **overrides}
    levels = data.pop("levels", ["Cấp cơ sở", "Cấp xã, phường"])
    return services.campaign_create_from(
        actor=world.secretariat, source=world.campaign, year=2024, levels=levels, **data
    )


def test_a_new_year_is_made_from_the_last_in_one_step_with_everything_copied(sheet):
    result = create_next(sheet)
    campaign = result.campaign

    assert campaign.status == CampaignStatus.PREPARING
    assert (campaign.plan_number, campaign.registration_deadline) == (
        "52-KH/BCĐ",
        datetime.date(2024, 3, 8),
    )
    assert list(campaign.levels.values_list("rank", "name")) == [
        (1, "Cấp cơ sở"),
        (2, "Cấp xã, phường"),
    ]
    copied = Criterion.objects.filter(campaign=campaign)
    assert sorted(copied.values_list("subject", "order", "name", "max_points")) == [
        ("collective", 1, "Sáng tạo, tiết kiệm", 20),
        ("collective", 2, "Bền vững, nhân rộng", 20),
        ("individual", 1, "Gương mẫu", 50),
    ]
    committee = Committee.objects.get(level__campaign=campaign)
    assert committee.name == "Hội đồng xét công nhận cấp cơ sở năm 2024"
    assert committee.level.rank == 1 and committee.chair == sheet.chair
    assert set(committee.members.all()) == {sheet.chair, *sheet.members}
    assert (committee.quorum, committee.approval) == (Fraction(3, 4), Fraction(9, 10))
    # Last year's is untouched.
    assert Criterion.objects.filter(campaign=sheet.campaign).count() == 3
    assert Committee.objects.filter(level__campaign=sheet.campaign).count() == 1

    entry = AuditEntry.objects.get(action="campaign.create")
    assert entry.actor == sheet.secretariat and entry.before == {}
    assert entry.after["year"] == 2024
    assert entry.after["registration_deadline"] == "08/03/2024"
    assert entry.after["levels"] == ["Cấp cơ sở", "Cấp xã, phường"]
    assert (entry.after["criteria"], entry.after["committees"]) == (3, 1)


def test_the_draft_of_a_new_year_moves_every_date_on_a_year(world):
    draft = services.campaign_draft_from(world.campaign)
    assert draft["year"] == 2024
    assert draft["name"] == "Phong trào thi đua “Dân vận khéo” năm 2024"
    assert draft["registration_deadline"] == datetime.date(2024, 3, 6)
    assert draft["recognition_date"] == datetime.date(2024, 10, 15)
    assert draft["levels"] == ["Cấp cơ sở", "Cấp huyện, thành phố"]


@pytest.mark.parametrize("who", ["officer_a", "inspector", "chair", "viewer", "outsider"])
def test_only_the_secretariat_makes_a_plan(world, who):
    with pytest.raises(WorkflowError, match="Chỉ Ban Dân vận"):
        services.campaign_create_from(
            actor=getattr(world, who),
            source=world.campaign,
            year=2024,
            levels=["Cấp cơ sở"],
            **NEXT_YEAR,
        )
    assert not AuditEntry.objects.exists()


def test_a_year_that_exists_or_dates_out_of_order_are_refused_with_nothing_written(world):
    create_next(world)
    with pytest.raises(WorkflowError, match="Đã có kế hoạch năm 2024"):
        create_next(world)
    with pytest.raises(WorkflowError) as refused:
        services.campaign_create_from(
            actor=world.secretariat,
            source=world.campaign,
            year=2025,
            levels=["Cấp cơ sở", "cấp cơ sở"],
            **{**NEXT_YEAR, "mid_year_report_due": datetime.date(2024, 2, 1)},
        )
    assert "Hạn báo cáo sơ kết phải sau hạn đăng ký." in refused.value.messages
    assert "Hai cấp công nhận trùng tên “cấp cơ sở”." in refused.value.messages
    assert AuditEntry.objects.filter(action="campaign.create").count() == 1


def test_an_edit_logs_only_what_changed_and_an_edit_without_change_logs_nothing(world):
    campaign = create_next(world).campaign
    services.campaign_update(
        actor=world.secretariat,
        campaign=campaign,
        registration_deadline=datetime.date(2024, 3, 15),
        resubmit_days=7,
        levels=["Cấp cơ sở", "Cấp xã, phường", "Cấp tỉnh"],
    )
    update = AuditEntry.objects.get(action="campaign.update")
    assert update.before == {"registration_deadline": "08/03/2024", "resubmit_days": 10}
    assert update.after == {"registration_deadline": "15/03/2024", "resubmit_days": 7}
    levels = AuditEntry.objects.get(action="campaign.levels")
    assert levels.after == {"levels": ["Cấp cơ sở", "Cấp xã, phường", "Cấp tỉnh"]}
    assert campaign.levels.count() == 3

    services.campaign_update(
        actor=world.secretariat, campaign=campaign, resubmit_days=7, levels=None
    )
    assert AuditEntry.objects.filter(action="campaign.update").count() == 1


def test_opening_and_closing_each_write_one_row_and_a_closed_plan_is_read_only(world, draft):
    campaign = create_next(world).campaign
    services.campaign_open(actor=world.secretariat, campaign=campaign)
    assert campaign.status == CampaignStatus.OPEN
    with pytest.raises(WorkflowError, match="đang mở"):
        services.campaign_open(actor=world.secretariat, campaign=campaign)

    services.campaign_close(actor=world.secretariat, campaign=world.campaign, reason="Hết năm")
    close = AuditEntry.objects.get(action="campaign.close")
    assert (close.before, close.after, close.reason) == (
        {"status": "Đang mở"},
        {"status": "Đã đóng"},
        "Hết năm",
    )
    assert AuditEntry.objects.filter(action="campaign.open").count() == 1

    closed = "Kế hoạch năm 2023 đã đóng"
    with pytest.raises(WorkflowError, match=closed):
        services.campaign_update(actor=world.secretariat, campaign=world.campaign, resubmit_days=3)
    with pytest.raises(WorkflowError, match=closed):
        services.campaign_open(actor=world.secretariat, campaign=world.campaign)
    with pytest.raises(WorkflowError, match=closed):
        make_draft(world, name="Một mô hình mới")
    draft.refresh_from_db()
    with pytest.raises(WorkflowError, match=closed):
        initiative_update(actor=world.officer_a, initiative=draft, goals="Sửa sau khi đóng")
    with pytest.raises(WorkflowError, match=closed):
        transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)


def test_a_plan_being_prepared_takes_no_registration(world):
    campaign = create_next(world).campaign
    with pytest.raises(WorkflowError, match="Kế hoạch năm 2024 chưa mở"):
        initiative_create(
            actor=world.officer_a,
            campaign=campaign,
            unit=world.ward_a,
            name="Đăng ký sớm",
        )


def test_the_scoring_sheet_is_logged_and_frozen_with_its_closed_plan(sheet):
    from inspections.services import criteria as criteria_services

    criterion = Criterion.objects.get(name="Gương mẫu")
    criteria_services.criterion_update(
        actor=sheet.secretariat, criterion=criterion, name="Gương mẫu, có uy tín", max_points=40
    )
    entry = AuditEntry.objects.get(action="criterion.update")
    assert entry.before == {"name": "Gương mẫu", "max_points": 50}
    assert entry.after == {"name": "Gương mẫu, có uy tín", "max_points": 40}

    services.campaign_close(actor=sheet.secretariat, campaign=sheet.campaign)
    criterion.refresh_from_db()
    with pytest.raises(WorkflowError, match="đã đóng"):
        criteria_services.criterion_update(
            actor=sheet.secretariat, criterion=criterion, name="Sửa sau khi đóng", max_points=40
        )
    with pytest.raises(WorkflowError, match="đã đóng"):
        criteria_services.criterion_delete(actor=sheet.secretariat, criterion=criterion)
    assert AuditEntry.objects.filter(action__startswith="criterion.").count() == 1
