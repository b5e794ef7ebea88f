"""Forms of the committee's actions: a vote, and the chair's close."""

from django import forms

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
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Ngày ký quyết định không hợp lệ (ngày/tháng/năm)."},
    )
    reason = forms.CharField(
        label="Ý kiến của Chủ tịch (ghi vào lý do không công nhận)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
