"""The secretariat's account pages: list, create one, create many from a file, and one
account's page (roles, invitation, deactivate, reactivate). Thin: forms, selectors, one
service call, a message, a redirect."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from units.models import Unit
from workflow.errors import WorkflowError

from .. import selectors
from ..access import secretariat_required
from ..forms import (
    AccountCreateForm,
    AccountFilterForm,
    AccountsFileForm,
    AccountUpdateForm,
    ReasonForm,
    RoleAddForm,
)
from ..services.accounts import (
    AccountData,
    account_create,
    account_deactivate,
    account_invite,
    account_reactivate,
    account_update,
    accounts_create_many,
    membership_add,
    membership_remove,
)
from ..services.imports import AccountsFile, FileRow, accounts_file_read, file_rows_check

CREATED = "Đã tạo tài khoản “{username}”."
CREATED_INVITED = "Đã tạo tài khoản “{username}” và gửi thư mời đặt mật khẩu tới {email}."
CREATED_MANY = "Đã tạo {count} tài khoản."
CREATED_MANY_INVITED = "Đã tạo {count} tài khoản và gửi thư mời tới từng người."
UPDATED = "Đã lưu thông tin tài khoản."
INVITED = "Đã gửi thư mời đặt mật khẩu tới {email}."
DEACTIVATED = "Đã ngừng sử dụng tài khoản “{username}”."
REACTIVATED = "Đã cho dùng lại tài khoản “{username}”."
ROLE_ADDED = "Đã thêm vai trò “{role}” tại “{unit}”."
ROLE_REMOVED = "Đã bỏ vai trò “{role}” tại “{unit}”."
FILE_EXPIRED = "Phiên xem trước đã hết hạn hoặc đã được xác nhận: hãy tải tệp lên lại."
SESSION_KEY = "accounts_import"
HISTORY_ROWS = 20


def _errors(request, error: WorkflowError) -> None:
    for message in error.messages:
        messages.error(request, message)


@secretariat_required
def account_list_view(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    accounts = selectors.account_list(actor=request.user, **form.filters())
    page = Paginator(accounts, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/account_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@secretariat_required
def account_create_view(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None, initial={"invite": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_create(
                actor=request.user,
                data=AccountData(
                    full_name=data["full_name"],
                    email=data["email"],
                    unit=data["unit"],
                    role=data["role"],
                    username=data["username"],
                ),
                invite=data["invite"],
            )
        except WorkflowError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            text = CREATED_INVITED if data["invite"] else CREATED
            messages.success(request, text.format(username=user.username, email=user.email))
            return redirect("accounts:detail", pk=user.pk)
    return render(request, "accounts/account_create.html", {"form": form})


@secretariat_required
def account_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    history = list(
        selectors.audit_list(target_type=account._meta.label_lower, target_id=str(account.pk))[
            :HISTORY_ROWS
        ]
    )
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "role_form": RoleAddForm(),
            "update_form": AccountUpdateForm(
                initial={"full_name": account.get_full_name(), "email": account.email}
            ),
            "reason_form": ReasonForm(),
            "history": history,
            "history_more": len(history) == HISTORY_ROWS,
            "password_set": account.has_usable_password(),
            "target_type": account._meta.label_lower,
        },
    )


@secretariat_required
@require_POST
def account_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    form = AccountUpdateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("accounts:detail", pk=account.pk)
    try:
        account_update(
            actor=request.user,
            user=account,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
        )
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(request, UPDATED)
    return redirect("accounts:detail", pk=account.pk)


@secretariat_required
@require_POST
def account_role_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    form = RoleAddForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("accounts:detail", pk=account.pk)
    try:
        membership = membership_add(
            actor=request.user,
            user=account,
            unit=form.cleaned_data["unit"],
            role=form.cleaned_data["role"],
        )
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            ROLE_ADDED.format(role=membership.get_role_display(), unit=membership.unit.name),
        )
    return redirect("accounts:detail", pk=account.pk)


@secretariat_required
@require_POST
def account_role_remove_view(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    membership = selectors.membership_get(actor=request.user, user=account, pk=membership_pk)
    try:
        membership_remove(actor=request.user, membership=membership)
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            ROLE_REMOVED.format(role=membership.get_role_display(), unit=membership.unit.name),
        )
    return redirect("accounts:detail", pk=account.pk)


@secretariat_required
@require_POST
def account_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    try:
        account_invite(actor=request.user, user=account)
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(request, INVITED.format(email=account.email))
    return redirect("accounts:detail", pk=account.pk)


@secretariat_required
@require_POST
def account_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        account_deactivate(
            actor=request.user, user=account, reason=form.cleaned_data.get("reason", "")
        )
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(request, DEACTIVATED.format(username=account.username))
    return redirect("accounts:detail", pk=account.pk)


@secretariat_required
@require_POST
def account_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        account_reactivate(
            actor=request.user, user=account, reason=form.cleaned_data.get("reason", "")
        )
    except WorkflowError as error:
        _errors(request, error)
    else:
        messages.success(request, REACTIVATED.format(username=account.username))
    return redirect("accounts:detail", pk=account.pk)


# --- many accounts from a file: upload → preview → confirm -----------------------------


def _file_rows_to_session(read: AccountsFile, invite: bool) -> dict:
    return {
        "invite": invite,
        "rows": [
            {"line": row.line, "values": row.values, "unit": row.unit.pk, "role": row.role}
            for row in read.rows
        ],
    }


@secretariat_required
def accounts_import_view(request: HttpRequest) -> HttpResponse:
    """Upload: the file is read and checked; with no problem, its rows wait in the
    session for the preview; with any, every problem is shown and nothing is kept."""
    form = AccountsFileForm(request.POST or None, request.FILES or None, initial={"invite": True})
    read = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            read = accounts_file_read(data=upload.read(), name=upload.name)
        except WorkflowError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            if read.ok:
                request.session[SESSION_KEY] = _file_rows_to_session(
                    read, form.cleaned_data["invite"]
                )
                return redirect("accounts:import_confirm")
    return render(request, "accounts/accounts_import.html", {"form": form, "read": read})


@secretariat_required
def accounts_import_confirm_view(request: HttpRequest) -> HttpResponse:
    """The preview (GET) and the confirmation (POST): the rows are checked again against
    the accounts that exist now, then all are created or none."""
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.error(request, FILE_EXPIRED)
        return redirect("accounts:import")
    units = Unit.objects.in_bulk([row["unit"] for row in stored["rows"]])
    rows = [
        FileRow(
            line=row["line"], values=row["values"], unit=units.get(row["unit"]), role=row["role"]
        )
        for row in stored["rows"]
    ]
    if request.method == "POST":
        file_rows_check(rows)  # the directory or the accounts may have changed since the upload
        read = AccountsFile(rows=rows)
        if read.ok:
            try:
                created = accounts_create_many(
                    actor=request.user, rows=[row.data() for row in rows], invite=stored["invite"]
                )
            except WorkflowError as error:
                _errors(request, error)
            else:
                del request.session[SESSION_KEY]
                text = CREATED_MANY_INVITED if stored["invite"] else CREATED_MANY
                messages.success(request, text.format(count=len(created)))
                return redirect("accounts:list")
        return render(
            request,
            "accounts/accounts_import.html",
            {"form": AccountsFileForm(initial={"invite": stored["invite"]}), "read": read},
        )
    return render(
        request,
        "accounts/accounts_import_confirm.html",
        {"rows": rows, "invite": stored["invite"]},
    )
