"""Every change to an account is made by the secretariat or the superuser, through a
service, and writes one row of the administration log with the fields before and after."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services.accounts import (
    AccountData,
    account_create,
    account_deactivate,
    account_invite,
    account_reactivate,
    membership_add,
    membership_remove,
)
from audit.models import AuditEntry
from notifications.models import Notification
from units.models import Membership
from workflow.errors import WorkflowError
from workflow.lifecycle import Role


def data(world, **overrides):
    values = {
        "full_name": "Nguyễn Thị Hoa",
        "email": "Hoa.NT@Example.test",
        "unit": world.ward_a_sub,
        "role": Role.UNIT_OFFICER,
    }
    return AccountData(**{**values, **overrides})


def entries(user):
    return list(
        AuditEntry.objects.filter(target_type="auth.user", target_id=str(user.pk)).order_by("pk")
    )


def test_creating_an_account_logs_it_and_queues_one_invitation(world):
    user = account_create(actor=world.secretariat, data=data(world))

    assert user.username == "hoa.nt@example.test"
    assert user.email == "Hoa.NT@Example.test"
    assert user.get_full_name() == "Nguyễn Thị Hoa"
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, unit=world.ward_a_sub, role="unit_officer").exists()
    create, invite = entries(user)
    assert create.action == "account.create"
    assert create.actor == world.secretariat
    assert create.before == {}
    assert create.after == {
        "username": "hoa.nt@example.test",
        "email": "Hoa.NT@Example.test",
        "is_active": True,
        "full_name": "Nguyễn Thị Hoa",
        "roles": ["Cán bộ đơn vị — UBND phường Đông Ngàn"],
    }
    assert (invite.action, invite.after) == ("account.invite", {"email": "Hoa.NT@Example.test"})
    row = Notification.objects.get(kind="account_invitation")
    # The link is a key to the account: e-mail only, never copied into an inbox.
    assert row.user is None and row.email == "Hoa.NT@Example.test"
    assert "/tai-khoan/loi-moi/" in row.body_text


def test_creating_without_invitation_queues_nothing(world):
    user = account_create(actor=world.secretariat, data=data(world), invite=False)
    assert [e.action for e in entries(user)] == ["account.create"]
    assert not Notification.objects.exists()


def test_an_address_or_sign_in_name_already_used_is_refused_whatever_its_case(world):
    account_create(actor=world.secretariat, data=data(world))
    with pytest.raises(WorkflowError) as refused:
        account_create(actor=world.secretariat, data=data(world, email="hoa.nt@example.TEST"))
    assert "đã thuộc về tài khoản “hoa.nt@example.test”" in str(refused.value)
    with pytest.raises(WorkflowError, match="đã có người dùng"):
        account_create(
            actor=world.secretariat, data=data(world, email="khac@example.test", username="canbo.a")
        )
    assert get_user_model().objects.filter(email__iexact="hoa.nt@example.test").count() == 1


@pytest.mark.parametrize("who", ["officer_a", "inspector", "chair", "viewer", "outsider"])
def test_only_the_secretariat_or_the_superuser_manages_accounts(world, who):
    actor = getattr(world, who)
    with pytest.raises(WorkflowError, match="Chỉ Ban Dân vận và quản trị hệ thống"):
        account_create(actor=actor, data=data(world))
    with pytest.raises(WorkflowError):
        account_deactivate(actor=actor, user=world.officer_b)
    with pytest.raises(WorkflowError):
        membership_add(actor=actor, user=world.officer_b, unit=world.city, role=Role.SECRETARIAT)
    assert not AuditEntry.objects.exists()
    assert world.officer_b.memberships.count() == 1


def test_the_superuser_may_and_a_secretariat_may_not_touch_a_superuser(world, superuser):
    with pytest.raises(WorkflowError, match="Chỉ quản trị hệ thống"):
        account_deactivate(actor=world.secretariat, user=superuser)
    account_create(actor=superuser, data=data(world))
    account_deactivate(actor=superuser, user=world.secretariat, reason="Chuyển công tác")
    world.secretariat.refresh_from_db()
    assert not world.secretariat.is_active


def test_deactivation_keeps_the_account_and_logs_before_and_after(world):
    account_deactivate(actor=world.secretariat, user=world.officer_a, reason="Nghỉ hưu")
    world.officer_a.refresh_from_db()
    assert not world.officer_a.is_active
    assert world.officer_a.memberships.count() == 1  # nothing deleted
    (entry,) = entries(world.officer_a)
    assert (entry.action, entry.before, entry.after, entry.reason) == (
        "account.deactivate",
        {"is_active": True},
        {"is_active": False},
        "Nghỉ hưu",
    )
    with pytest.raises(WorkflowError, match="đã ngừng sử dụng từ trước"):
        account_deactivate(actor=world.secretariat, user=world.officer_a)
    with pytest.raises(WorkflowError, match="Tài khoản đã ngừng sử dụng"):
        account_invite(actor=world.secretariat, user=world.officer_a)

    account_reactivate(actor=world.secretariat, user=world.officer_a)
    world.officer_a.refresh_from_db()
    assert world.officer_a.is_active
    last = entries(world.officer_a)[-1]
    assert (last.action, last.before, last.after) == (
        "account.reactivate",
        {"is_active": False},
        {"is_active": True},
    )
    assert len(entries(world.officer_a)) == 2


def test_no_one_deactivates_their_own_account(world):
    with pytest.raises(WorkflowError, match="chính mình"):
        account_deactivate(actor=world.secretariat, user=world.secretariat)


def test_roles_added_and_removed_are_logged_as_the_list_before_and_after(world):
    membership = membership_add(
        actor=world.secretariat, user=world.officer_a, unit=world.city, role=Role.INSPECTOR
    )
    entry = entries(world.officer_a)[-1]
    assert entry.action == "account.role_add"
    assert entry.before == {"roles": ["Cán bộ đơn vị — Đảng ủy phường Đông Ngàn"]}
    assert entry.after == {
        "roles": [
            "Cán bộ kiểm tra — Thành phố Từ Sơn",
            "Cán bộ đơn vị — Đảng ủy phường Đông Ngàn",
        ]
    }
    with pytest.raises(WorkflowError, match="đã có vai trò"):
        membership_add(
            actor=world.secretariat, user=world.officer_a, unit=world.city, role=Role.INSPECTOR
        )

    membership_remove(actor=world.secretariat, membership=membership)
    entry = entries(world.officer_a)[-1]
    assert entry.action == "account.role_remove"
    assert entry.after == {"roles": ["Cán bộ đơn vị — Đảng ủy phường Đông Ngàn"]}
    assert len(entries(world.officer_a)) == 2


def test_an_invitation_sent_again_is_a_new_message_and_a_new_log_row(world):
    user = account_create(actor=world.secretariat, data=data(world))
    account_invite(actor=world.secretariat, user=user)
    assert Notification.objects.filter(kind="account_invitation").count() == 2
    assert [e.action for e in entries(user)] == [
        "account.create",
        "account.invite",
        "account.invite",
    ]


def test_the_action_names_are_registered_in_vietnamese(world):
    from audit.services import action_label

    assert action_label("account.deactivate") == "Ngừng sử dụng tài khoản"
    assert action_label("account.create") == "Tạo tài khoản"


def test_correcting_the_name_and_address_is_logged_and_the_address_stays_unique(world):
    from accounts.services.accounts import account_update

    account_update(
        actor=world.secretariat,
        user=world.officer_a,
        full_name="  Nguyễn   Văn An ",
        email="an.nv@example.test",
    )
    world.officer_a.refresh_from_db()
    assert (world.officer_a.get_full_name(), world.officer_a.email) == (
        "Nguyễn Văn An",
        "an.nv@example.test",
    )
    (entry,) = entries(world.officer_a)
    assert (entry.action, entry.before, entry.after) == (
        "account.update",
        {"full_name": "Cán bộ Đông Ngàn", "email": "canbo.a@example.test"},
        {"full_name": "Nguyễn Văn An", "email": "an.nv@example.test"},
    )
    with pytest.raises(WorkflowError, match=r"đã thuộc về tài khoản “canbo\.b”"):
        account_update(
            actor=world.secretariat,
            user=world.officer_a,
            full_name="Nguyễn Văn An",
            email="CANBO.B@example.test",
        )
    # Saving without a change writes nothing more.
    account_update(
        actor=world.secretariat,
        user=world.officer_a,
        full_name="Nguyễn Văn An",
        email="an.nv@example.test",
    )
    assert len(entries(world.officer_a)) == 1


def test_an_address_too_long_to_be_a_sign_in_name_asks_for_one(world):
    long_address = "a" * 140 + "@example.test"
    with pytest.raises(WorkflowError, match="Tên đăng nhập dài quá 150 ký tự"):
        account_create(actor=world.secretariat, data=data(world, email=long_address))
    user = account_create(
        actor=world.secretariat, data=data(world, email=long_address, username="can.bo.moi")
    )
    assert user.username == "can.bo.moi"
