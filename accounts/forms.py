"""The administration pages' forms, and the password reset form that writes to the outbox."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.db.models import Q

from audit.services import action_choices
from units.models import Unit
from units.widgets import DateInput, UnitPicker, unit_depth
from workflow.lifecycle import Role

from .services.mail import password_reset_queue

ACTIVE_CHOICES = [("", "Tất cả"), ("1", "Đang sử dụng"), ("0", "Đã ngừng")]


class UnitField(forms.TypedChoiceField):
    """A unit picked from the tree (the options read in one query, the unit in one more),
    with the searchable picker."""

    widget = UnitPicker

    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)

    def units_offer(self, empty_label: str) -> None:
        """Every unit as an option, after ``empty_label`` (one query)."""
        rows = Unit.objects.order_by("path").values_list("pk", "name", "path")
        self.choices = [("", empty_label), *((pk, name) for pk, name, _path in rows)]
        self.widget.depths = {str(pk): unit_depth(path) for pk, _name, path in rows}

    def clean(self, value):
        pk = super().clean(value)
        if pk in (None, ""):
            return None
        try:
            return Unit.objects.get(pk=pk)
        except Unit.DoesNotExist:
            raise forms.ValidationError("Đơn vị không có trong danh mục.") from None


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="Tìm", required=False)
    unit = UnitField(label="Đơn vị", required=False)
    role = forms.ChoiceField(label="Vai trò", required=False)
    active = forms.ChoiceField(label="Trạng thái", choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].units_offer("Mọi đơn vị")
        self.fields["role"].choices = [("", "Mọi vai trò"), *Role.choices]
        self.fields["q"].widget.attrs["placeholder"] = "Họ tên, tên đăng nhập, email"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        active = {"1": True, "0": False}.get(data.get("active") or "")
        return {
            "text": data.get("q") or "",
            "unit": data.get("unit"),
            "role": data.get("role") or "",
            "active": active,
        }


class AccountCreateForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Email")
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        required=False,
        help_text="Để trống thì dùng địa chỉ email làm tên đăng nhập.",
    )
    unit = UnitField(label="Đơn vị")
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    invite = forms.BooleanField(label="Gửi thư mời đặt mật khẩu ngay", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].units_offer("— Chọn đơn vị —")


class AccountUpdateForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Email")


class RoleAddForm(forms.Form):
    unit = UnitField(label="Đơn vị")
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].units_offer("— Chọn đơn vị —")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccountsFileForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách (Excel .xlsx hoặc CSV)",
        help_text="Các cột: Họ và tên, Email, Đơn vị, Vai trò (thêm cột Tên đăng nhập nếu muốn).",
    )
    invite = forms.BooleanField(
        label="Gửi thư mời đặt mật khẩu cho từng người", required=False, initial=True
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Thao tác", required=False)
    who = forms.CharField(label="Người thực hiện", required=False)
    target = forms.CharField(label="Đối tượng", required=False)
    date_from = forms.DateField(label="Từ ngày", required=False, widget=DateInput())
    date_to = forms.DateField(label="Đến ngày", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Mọi thao tác"), *action_choices()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


# --- signing in without a password ---------------------------------------------------


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form, with its message written to the outbox instead of sent at once.

    Whatever is typed, the page answers the same (no one learns which addresses have
    an account). An invited person who never set a password may use it too: the link
    sets the first one."""

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        return (
            user
            for user in User._default_manager.filter(
                Q(**{f"{email_field}__iexact": email}), is_active=True
            )
            if user.email and user.email.lower() == email.lower()
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        # Called by Django's save() once per account, with the uid and token it made.
        password_reset_queue(user=context["user"], uid=context["uid"], token=context["token"])
