from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.registry import DEMO_NOT_SENT
from models_registry.models import Campaign, Initiative, RecognitionLevel
from notifications.models import Notification, Status
from tests.demo_data import demo_load
from units.models import Membership, Unit
from workflow.lifecycle import State
from workflow.models import TransitionLog


def snapshot():
    return {
        "units": sorted(Unit.objects.values_list("path", "name")),
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
        "memberships": sorted(
            Membership.objects.values_list("user__username", "unit__name", "role")
        ),
        "campaigns": sorted(
            Campaign.objects.values_list("year", "plan_number", "registration_deadline")
        ),
        "levels": sorted(RecognitionLevel.objects.values_list("campaign__year", "rank", "name")),
        "cases": sorted(Initiative.objects.values_list("unit__name", "name", "state")),
        "logs": TransitionLog.objects.count(),
    }


def test_seed_demo_twice_leaves_the_same_data_as_once(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
    text = out.getvalue()
    assert "Email của dữ liệu mẫu không được gửi đi" in text
    for username in ("bandanvan", "canbo.dongngan", "kiemtra", "chutich.bcd", "lanhdao"):
        assert username in text


def test_the_demo_is_tu_son_2023(db):
    demo_load()
    wards = Unit.objects.filter(name__startswith="Đảng ủy phường")
    assert wards.count() == 12
    assert Unit.objects.filter(parent__in=wards).count() == 12 * 7
    campaign = Campaign.objects.get(year=2023)
    assert (campaign.plan_number, f"{campaign.registration_deadline:%d/%m/%Y}") == (
        "47-KH/BCĐ",
        "06/03/2023",
    )
    assert list(campaign.levels.values_list("name", flat=True)) == [
        "Cấp cơ sở",
        "Cấp huyện, thành phố",
    ]
    cases = Initiative.objects.filter(campaign=campaign)
    assert 130 <= cases.count() <= 170
    collective = cases.filter(subject="collective").count()
    assert 0.6 <= collective / cases.count() <= 0.72
    states = set(cases.values_list("state", flat=True))
    assert {State.DRAFT, State.REGISTERED, State.IN_PROGRESS, State.WITHDRAWN} <= states
    # Every state the demo reached, it reached through the workflow service.
    for case in cases.exclude(state=State.DRAFT)[:20]:
        assert TransitionLog.objects.filter(case=case).exists()


def test_the_demo_mails_nobody_its_rows_are_inbox_entries_only(db):
    demo_load()
    rows = Notification.objects.all()
    assert rows.count() > 100
    assert not rows.filter(status__in=[Status.PENDING, Status.SENDING, Status.FAILED]).exists()
    with_address = rows.exclude(email="")
    assert with_address.exists()
    assert set(with_address.values_list("last_error", flat=True)) == {DEMO_NOT_SENT}
    assert all(
        address.endswith(".example") for address in with_address.values_list("email", flat=True)
    )


def test_seed_demo_sends_its_mail_only_when_asked(db):
    out = StringIO()
    call_command("seed_demo", "--send-mail", stdout=out)
    pending = Notification.objects.filter(status=Status.PENDING)
    assert pending.count() > 100
    assert not Notification.objects.filter(last_error=DEMO_NOT_SENT).exists()
    assert "không được gửi" not in out.getvalue()
