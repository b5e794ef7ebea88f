"""Forms of the committee's actions: a vote, and the chair's close."""

from fractions import Fraction

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from models_registry.models import RecognitionLevel
from units.models import Unit
from units.widgets import DateInput, UnitPicker
from workflow.lifecycle import Role

VOTE_CHOICES = [("for", "Tán thành"), ("against", "Không tán thành")]


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="Biểu quyết",
        choices=VOTE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Vui lòng chọn tán thành hoặc không tán thành."},
    )
    comment = forms.CharField(
        label="Ý kiến", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    @property
    def in_favour(self) -> bool:
        return self.cleaned_data["choice"] == "for"


class IdListField(forms.Field):
    """Ids of the checked boxes. Not a choice field: a round closed in another window
    meanwhile must reach the service, which says so in words, not "invalid choice"."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {"invalid": "Yêu cầu không hợp lệ. Vui lòng tải lại trang."}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            return [int(item) for item in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class CloseForm(forms.Form):
    rounds = IdListField(
        label="Hồ sơ kết thúc biểu quyết",
        error_messages={"required": "Chưa chọn hồ sơ nào để kết thúc biểu quyết."},
    )
    decision_number = forms.CharField(label="Số quyết định", required=False, max_length=50)
    decision_date = forms.DateField(
        label="Ngày ký quyết định",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Ngày ký quyết định không hợp lệ (ngày/tháng/năm)."},
    )
    reason = forms.CharField(
        label="Ý kiến của Chủ tịch (ghi vào lý do không công nhận)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


# --- the secretariat's composition pages --------------------------------------------------

SHARE_INVALID = "Tỷ lệ không hợp lệ: ghi dạng 2/3 hoặc 70%."


class ShareField(forms.CharField):
    """A share written as "2/3", "70%", "70" (per cent) or "0,7"."""

    def to_python(self, value):
        text = (super().to_python(value) or "").strip().replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            if text.endswith("%"):
                return Fraction(Fraction(text[:-1]), 100)
            share = Fraction(text)
            return share / 100 if share > 1 else share
        except (ValueError, ZeroDivisionError):
            raise forms.ValidationError(SHARE_INVALID, code="invalid") from None


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class PeopleChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


def _people(extra_pks=()):
    """Who may sit on a committee: active accounts holding the committee role (and the
    current members, whatever happened to their role)."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_active=True, memberships__role=Role.COMMITTEE) | Q(pk__in=list(extra_pks))
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class CompositionForm(forms.Form):
    chair = PersonChoice(label="Chủ tịch hội đồng", queryset=None)
    members = PeopleChoice(
        label="Thành viên",
        queryset=None,
        help_text="Chủ tịch luôn là một thành viên. Chỉ tài khoản có vai trò thành viên BCĐ / hội đồng mới được chọn.",
        error_messages={"required": "Vui lòng chọn ít nhất một thành viên."},
    )
    quorum = ShareField(label="Tỷ lệ tham gia tối thiểu (trên tổng số thành viên)", initial="2/3")
    approval = ShareField(
        label="Tỷ lệ tán thành tối thiểu (trên tổng số thành viên)", initial="70%"
    )

    def __init__(self, *args, current=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = _people(current)
        self.fields["chair"].queryset = people
        self.fields["members"].queryset = people


class CommitteeCreateForm(CompositionForm):
    name = forms.CharField(label="Tên hội đồng", max_length=255)
    level = forms.ModelChoiceField(label="Cấp công nhận", queryset=None)
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=None, widget=UnitPicker)
    field_order = ["name", "level", "unit", "chair", "members", "quorum", "approval"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = RecognitionLevel.objects.select_related(
            "campaign"
        ).order_by("-campaign__year", "rank")
        self.fields["level"].label_from_instance = lambda level: (
            f"{level.name} — năm {level.campaign.year}"
        )
        self.fields["unit"].queryset = Unit.objects.filter(active_to__isnull=True).order_by("path")


class CommitteeChangeForm(CompositionForm):
    effective_on = forms.DateField(
        label="Có hiệu lực từ ngày",
        widget=DateInput(),
        error_messages={
            "invalid": "Ngày không hợp lệ (ngày/tháng/năm).",
            "required": "Vui lòng nhập ngày thay đổi có hiệu lực.",
        },
    )
    reason = forms.CharField(
        label="Căn cứ (số, ngày quyết định kiện toàn)", required=False, max_length=500
    )
