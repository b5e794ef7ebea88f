"""Deadline extensions (grant, revoke, the unit told through the outbox) and the
resubmission period after a return: the deadline rule of the case."""

import datetime

import pytest

from audit.models import AuditEntry
from models_registry.models import DeadlineExtension
from notifications.models import Notification
from plans import services
from tests.factories import AFTER_DEADLINE, BEFORE_DEADLINE, DEADLINE
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.services import transition_apply


def grant(world, unit=None, until=datetime.date(2023, 3, 20)):
    return services.extension_grant(
        actor=world.secretariat,
        campaign=world.campaign,
        unit=unit or world.ward_a,
        until=until,
        reason="Đơn vị mới kiện toàn nhân sự",
    )


def test_a_grant_lets_the_unit_and_its_sub_units_submit_and_tells_its_officers(world, draft):
    extension = grant(world)

    notices = Notification.objects.filter(kind="extension_granted")
    assert {n.user for n in notices if n.user} == {world.officer_a}
    assert {n.email for n in notices if not n.user} == {world.ward_a.email}
    notice = notices.filter(user=world.officer_a).get()
    assert "đến hết ngày 20/03/2023" in notice.body_text
    assert "Đơn vị mới kiện toàn nhân sự" in notice.body_text
    assert "Đảng ủy phường Đông Ngàn" in notice.subject

    entry = AuditEntry.objects.get(action="extension.grant")
    assert entry.target_id == str(extension.pk) and entry.before == {}
    assert entry.after == {
        "unit": "Đảng ủy phường Đông Ngàn",
        "until": "20/03/2023",
        "reason": "Đơn vị mới kiện toàn nhân sự",
    }

    transition_apply(case=draft, name="submit", actor=world.officer_a, today=AFTER_DEADLINE)
    assert draft.state == State.REGISTERED


def test_a_revoked_extension_stays_listed_and_no_longer_helps(world, draft):
    extension = grant(world)
    services.extension_revoke(actor=world.secretariat, extension=extension, reason="Cấp nhầm")

    extension.refresh_from_db()
    assert extension.revoked_by == world.secretariat and extension.revoked_at is not None
    assert DeadlineExtension.objects.filter(pk=extension.pk).exists()
    entry = AuditEntry.objects.get(action="extension.revoke")
    assert entry.before == {"revoked_at": None, "revoked_by": None}
    assert entry.after["revoked_by"] == str(world.secretariat)
    assert entry.reason == "Cấp nhầm"
    assert Notification.objects.filter(kind="extension_revoked", user=world.officer_a).exists()

    with pytest.raises(WorkflowError, match="quá hạn đăng ký"):
        transition_apply(case=draft, name="submit", actor=world.officer_a, today=AFTER_DEADLINE)
    with pytest.raises(WorkflowError, match="đã được thu hồi"):
        services.extension_revoke(actor=world.secretariat, extension=extension)
    assert AuditEntry.objects.filter(action="extension.revoke").count() == 1


def test_an_extension_to_another_ward_or_one_the_deadline_covers_is_no_help(world, draft):
    grant(world, unit=world.ward_b)
    with pytest.raises(WorkflowError, match="quá hạn đăng ký"):
        transition_apply(case=draft, name="submit", actor=world.officer_a, today=AFTER_DEADLINE)
    with pytest.raises(WorkflowError, match="phải sau hạn đăng ký"):
        grant(world, until=DEADLINE)


@pytest.mark.parametrize("who", ["officer_a", "inspector", "chair", "viewer"])
def test_only_the_secretariat_grants_or_revokes(world, who):
    with pytest.raises(WorkflowError):
        services.extension_grant(
            actor=getattr(world, who),
            campaign=world.campaign,
            unit=world.ward_a,
            until=datetime.date(2023, 3, 20),
            reason="Tự gia hạn",
        )
    extension = grant(world)
    with pytest.raises(WorkflowError):
        services.extension_revoke(actor=getattr(world, who), extension=extension)
    assert not Notification.objects.filter(kind="extension_revoked").exists()


def submitted(world, draft, on=BEFORE_DEADLINE):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=on)
    return draft


def test_a_case_returned_after_the_deadline_may_be_sent_again_within_the_period(world, draft):
    submitted(world, draft)
    returned_on = datetime.date(2023, 3, 20)
    transition_apply(
        case=draft,
        name="return_for_revision",
        actor=world.secretariat,
        reason="Bổ sung số liệu",
        today=returned_on,
    )
    assert draft.resubmit_until == datetime.date(2023, 3, 27)  # 7 days, the default
    assert draft.transition_logs.last().payload == {"resubmit_until": "2023-03-27"}

    notice = Notification.objects.get(kind="case_returned", user=world.officer_a)
    assert "gửi lại chậm nhất ngày 27/03/2023" in notice.body_text
    assert "06/03/2023" not in notice.body_text
    assert "27/03/2023" in notice.body_html

    transition_apply(
        case=draft, name="submit", actor=world.officer_a, today=datetime.date(2023, 3, 27)
    )
    assert draft.state == State.REGISTERED


def test_past_the_period_the_case_waits_for_an_extension(world, draft):
    world.campaign.resubmit_days = 3
    world.campaign.save()
    submitted(world, draft)
    transition_apply(
        case=draft,
        name="return_for_revision",
        actor=world.secretariat,
        reason="Bổ sung",
        today=datetime.date(2023, 3, 20),
    )
    with pytest.raises(WorkflowError) as refused:
        transition_apply(
            case=draft, name="submit", actor=world.officer_a, today=datetime.date(2023, 3, 24)
        )
    assert refused.value.messages == [
        "Đã quá hạn đăng ký (06/03/2023) và quá hạn gửi lại hồ sơ bị trả lại (23/03/2023). "
        "Cần Ban Dân vận cho phép đơn vị nộp muộn."
    ]


def test_a_return_before_the_deadline_keeps_at_least_the_deadline(world, draft):
    submitted(world, draft, on=datetime.date(2023, 2, 1))
    transition_apply(
        case=draft,
        name="return_for_revision",
        actor=world.secretariat,
        reason="Bổ sung",
        today=datetime.date(2023, 2, 2),
    )
    assert draft.resubmit_until == DEADLINE
