"""Changes to accounts: create (one or many), invite, deactivate, reactivate, roles.

Only the secretariat (Ban Dân vận) and the superuser act here; only a superuser touches a
superuser's account. An account is never deleted: an officer who leaves is deactivated,
so the transition log and the administration log keep their name. Every change writes
one row of the administration log (``audit.services.record``) in its own transaction,
with the account's fields before and after.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import record, snapshot
from units.access import is_secretariat
from units.models import Membership, Unit
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

from .mail import invitation_queue

ACTIONS = {
    "account.create": "Tạo tài khoản",
    "account.invite": "Gửi thư mời đặt mật khẩu",
    "account.update": "Sửa thông tin tài khoản",
    "account.deactivate": "Ngừng sử dụng tài khoản",
    "account.reactivate": "Cho dùng lại tài khoản",
    "account.role_add": "Thêm vai trò cho tài khoản",
    "account.role_remove": "Bỏ vai trò của tài khoản",
}

ONLY_SECRETARIAT = "Chỉ Ban Dân vận và quản trị hệ thống được quản lý tài khoản."
ONLY_SUPERUSER = "Chỉ quản trị hệ thống được thay đổi tài khoản quản trị hệ thống."
NAME_MISSING = "Chưa nhập họ và tên."
NAME_TOO_LONG = "Họ và tên dài quá 150 ký tự."
EMAIL_MISSING = "Chưa nhập địa chỉ email."
EMAIL_INVALID = "Địa chỉ email “{email}” không hợp lệ."
EMAIL_TAKEN = "Địa chỉ email “{email}” đã thuộc về tài khoản “{username}”."
USERNAME_INVALID = (
    "Tên đăng nhập “{username}” không hợp lệ: chỉ dùng chữ không dấu, số và các ký tự @ . + - _."
)
USERNAME_TOO_LONG = (
    "Tên đăng nhập dài quá 150 ký tự: hãy nhập một tên đăng nhập ngắn hơn địa chỉ email."
)
USERNAME_TAKEN = "Tên đăng nhập “{username}” đã có người dùng."
UNIT_CLOSED = "Đơn vị “{unit}” đã ngừng hoạt động."
CREATED_MEANWHILE = (
    "Một số tài khoản trong tệp vừa được tạo bởi người khác. Không tài khoản nào được tạo: "
    "hãy tải tệp lên lại để kiểm tra."
)
ROLE_UNKNOWN = "Vai trò “{role}” không hợp lệ."
ROLE_HELD = "Tài khoản đã có vai trò “{role}” tại “{unit}”."
NOT_INVITABLE_INACTIVE = "Tài khoản đã ngừng sử dụng: hãy cho dùng lại trước khi gửi thư mời."
NOT_INVITABLE_NO_EMAIL = "Tài khoản chưa có địa chỉ email để gửi thư mời."
ALREADY_INACTIVE = "Tài khoản đã ngừng sử dụng từ trước."
ALREADY_ACTIVE = "Tài khoản đang được sử dụng."
NOT_YOURSELF = "Không thể tự ngừng sử dụng tài khoản của chính mình."

# The fields of an account that the log keeps (the roles as "role — unit" lines).
FIELDS = ["username", "full_name", "email", "is_active", "roles"]


@dataclass(frozen=True)
class AccountData:
    """One account to create, as read from a form or a file's row."""

    full_name: str
    email: str
    unit: Unit
    role: str
    username: str = ""


def _can_manage(actor) -> None:
    if actor is None or not actor.is_active or not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)


def _can_touch(actor, user) -> None:
    _can_manage(actor)
    if user.is_superuser and not actor.is_superuser:
        raise WorkflowError(ONLY_SUPERUSER)


def _role_line(membership: Membership) -> str:
    return f"{membership.get_role_display()} — {membership.unit.name}"


def account_snapshot(user) -> dict:
    """The account as the log keeps it."""
    memberships = Membership.objects.filter(user=user).select_related("unit").order_by("pk")
    return {
        **snapshot(user, ["username", "email", "is_active"]),
        "full_name": user.get_full_name(),
        "roles": sorted(_role_line(m) for m in memberships),
    }


def username_for(email: str) -> str:
    """The sign-in name of an account made from an e-mail address: the address itself,
    lower-cased (unique, and the officer remembers it)."""
    return email.strip().lower()


def account_problems(data: AccountData, *, taken_emails=None, taken_usernames=None) -> dict:
    """What is wrong with ``data``, by field (``full_name``, ``email``, ``username``,
    ``unit``, ``role``), as Vietnamese sentences; empty when it can be created.

    ``taken_emails`` / ``taken_usernames``: {folded value: username} of the accounts that
    exist (read once for a whole file); read here when not given."""
    User = get_user_model()
    problems: dict[str, str] = {}
    full_name = " ".join(data.full_name.split())
    if not full_name:
        problems["full_name"] = NAME_MISSING
    elif len(full_name) > 150:
        problems["full_name"] = NAME_TOO_LONG
    email = data.email.strip()
    if not email:
        problems["email"] = EMAIL_MISSING
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = EMAIL_INVALID.format(email=email)
        else:
            if taken_emails is None:
                owner = User.objects.filter(email__iexact=email).values_list("username", flat=True)
                owner = next(iter(owner), None)
            else:
                owner = taken_emails.get(email.lower())
            if owner is not None:
                problems["email"] = EMAIL_TAKEN.format(email=email, username=owner)
    username = data.username.strip() or (username_for(email) if email else "")
    if len(username) > 150:
        problems["username"] = USERNAME_TOO_LONG
    elif username and "email" not in problems:
        try:
            User.username_validator(username)
        except ValidationError:
            problems["username"] = USERNAME_INVALID.format(username=username)
        else:
            if taken_usernames is None:
                taken = User.objects.filter(username__iexact=username).exists()
            else:
                taken = username.lower() in taken_usernames
            if taken:
                problems["username"] = USERNAME_TAKEN.format(username=username)
    if data.role not in Role.values:
        problems["role"] = ROLE_UNKNOWN.format(role=data.role)
    if data.unit is not None and not data.unit.is_active_on(timezone.localdate()):
        problems["unit"] = UNIT_CLOSED.format(unit=data.unit.name)
    return problems


def _create(*, actor, data: AccountData, invite: bool):
    User = get_user_model()
    email = data.email.strip()
    user = User(
        username=data.username.strip() or username_for(email),
        email=email,
        first_name=" ".join(data.full_name.split()),
        is_active=True,
    )
    # No password until the person sets one from the invitation's link.
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, unit=data.unit, role=data.role)
    record(actor=actor, action="account.create", target=user, after=account_snapshot(user))
    if invite:
        _invite(actor=actor, user=user)
    return user


def _invite(*, actor, user) -> None:
    invitation_queue(user=user, invited_by=actor)
    record(actor=actor, action="account.invite", target=user, after={"email": user.email})


def account_create(*, actor, data: AccountData, invite: bool = True):
    """Create one account with its first role and, with ``invite``, queue the invitation.

    Guarantees: only the secretariat or the superuser; the e-mail address and the sign-in
    name are unique (case ignored), checked again under the transaction; the account has
    no usable password until its owner sets one; one log row for the creation and one for
    the invitation, in the same transaction as the account and the outbox row."""
    _can_manage(actor)
    problems = account_problems(data)
    if problems:
        raise WorkflowError(*problems.values())
    try:
        with transaction.atomic():
            return _create(actor=actor, data=data, invite=invite)
    except IntegrityError:  # the same name created meanwhile
        raise WorkflowError(USERNAME_TAKEN.format(username=data.username or data.email)) from None


def accounts_create_many(*, actor, rows: list[AccountData], invite: bool = True) -> list:
    """Create every account of ``rows`` or none (the caller has checked them with
    ``account_problems``; a row that went wrong meanwhile rolls everything back)."""
    _can_manage(actor)
    try:
        with transaction.atomic():
            return [_create(actor=actor, data=data, invite=invite) for data in rows]
    except IntegrityError:  # someone created one of these names meanwhile
        raise WorkflowError(CREATED_MEANWHILE) from None


def account_invite(*, actor, user) -> None:
    """Queue a new invitation (a fresh one-time link). An earlier link still works until
    it expires or a password is set; the first one used wins."""
    _can_touch(actor, user)
    if not user.is_active:
        raise WorkflowError(NOT_INVITABLE_INACTIVE)
    if not user.email:
        raise WorkflowError(NOT_INVITABLE_NO_EMAIL)
    with transaction.atomic():
        _invite(actor=actor, user=user)


def account_update(*, actor, user, full_name: str, email: str) -> None:
    """Correct the name or the address (an invitation sent to a mistyped address is then
    sent again by hand). The address stays unique; the sign-in name does not change."""
    _can_touch(actor, user)
    full_name = " ".join(full_name.split())
    email = email.strip()
    problems = account_problems(
        AccountData(full_name=full_name, email=email, unit=None, role=Role.VIEWER,
                    username=user.username),
        taken_emails={
            address.lower(): username
            for address, username in type(user)
            .objects.filter(email__iexact=email)
            .exclude(pk=user.pk)
            .values_list("email", "username")
        },
        taken_usernames=set(),
    )  # fmt: skip
    if problems:
        raise WorkflowError(*problems.values())
    with transaction.atomic():
        locked = type(user).objects.select_for_update().get(pk=user.pk)
        before = {"full_name": locked.get_full_name(), "email": locked.email}
        locked.first_name, locked.last_name, locked.email = full_name, "", email
        locked.save(update_fields=["first_name", "last_name", "email"])
        record(
            actor=actor,
            action="account.update",
            target=locked,
            before=before,
            after={"full_name": locked.get_full_name(), "email": locked.email},
        )
    user.first_name, user.last_name, user.email = full_name, "", email


def account_deactivate(*, actor, user, reason: str = "") -> None:
    """The account can no longer sign in (its open sessions end at their next request);
    nothing is deleted, its roles stay for the record."""
    _can_touch(actor, user)
    if user.pk == actor.pk:
        raise WorkflowError(NOT_YOURSELF)
    with transaction.atomic():
        locked = type(user).objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise WorkflowError(ALREADY_INACTIVE)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        record(
            actor=actor,
            action="account.deactivate",
            target=locked,
            before={"is_active": True},
            after={"is_active": False},
            reason=reason.strip(),
        )
    user.is_active = False


def account_reactivate(*, actor, user, reason: str = "") -> None:
    _can_touch(actor, user)
    with transaction.atomic():
        locked = type(user).objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            raise WorkflowError(ALREADY_ACTIVE)
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        record(
            actor=actor,
            action="account.reactivate",
            target=locked,
            before={"is_active": False},
            after={"is_active": True},
            reason=reason.strip(),
        )
    user.is_active = True


def membership_add(*, actor, user, unit: Unit, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``unit`` (a no-op is refused, not silently kept)."""
    _can_touch(actor, user)
    if role not in Role.values:
        raise WorkflowError(ROLE_UNKNOWN.format(role=role))
    with transaction.atomic():
        before = account_snapshot(user)
        membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
        if not created:
            raise WorkflowError(ROLE_HELD.format(role=membership.get_role_display(), unit=unit))
        record(
            actor=actor,
            action="account.role_add",
            target=user,
            before={"roles": before["roles"]},
            after={"roles": account_snapshot(user)["roles"]},
        )
    user.__dict__.pop("_dvk_memberships", None)
    return membership


def membership_remove(*, actor, membership: Membership) -> None:
    user = membership.user
    _can_touch(actor, user)
    with transaction.atomic():
        before = account_snapshot(user)
        deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
        if deleted:
            record(
                actor=actor,
                action="account.role_remove",
                target=user,
                before={"roles": before["roles"]},
                after={"roles": account_snapshot(user)["roles"]},
            )
    user.__dict__.pop("_dvk_memberships", None)
