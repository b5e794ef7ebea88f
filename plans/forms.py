import datetime

from django import forms
from django.utils import timezone

from models_registry.models import Campaign
from units.models import Unit
from units.widgets import DateInput, UnitPicker

from .services import EDITABLE_FIELDS

LEVELS_HELP = "Mỗi dòng một cấp, từ thấp đến cao (ví dụ: Cấp cơ sở; Cấp huyện, thành phố)."
UNTIL_PAST = "Ngày được nộp đến không được trước hôm nay."


class CampaignForm(forms.ModelForm):
    """A campaign's plan, dates and periods, with its levels one per line."""

    levels = forms.CharField(
        label="Cấp công nhận",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LEVELS_HELP,
    )

    class Meta:
        model = Campaign
        fields = list(EDITABLE_FIELDS)
        widgets = {
            name: DateInput()
            for name in (
                "plan_date",
                "registration_deadline",
                "mid_year_report_due",
                "year_end_report_due",
                "recognition_date",
            )
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "levels" not in self.initial:
            self.initial["levels"] = "\n".join(
                self.instance.levels.order_by("rank").values_list("name", flat=True)
            )

    def clean_levels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["levels"].splitlines() if line.strip()]

    @property
    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class CampaignCreateForm(CampaignForm):
    """A new year's plan from an earlier one: what to copy, then the same fields."""

    source = forms.ModelChoiceField(
        label="Lập từ kế hoạch", queryset=Campaign.objects.order_by("-year"), empty_label=None
    )
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    copy_criteria = forms.BooleanField(
        label="Chép bộ tiêu chí chấm điểm", required=False, initial=True
    )
    copy_committees = forms.BooleanField(
        label="Chép các hội đồng xét công nhận (thành viên, chủ tịch, quy tắc biểu quyết)",
        required=False,
        initial=True,
    )

    field_order = ["source", "year", *EDITABLE_FIELDS, "levels"]

    def validate_unique(self) -> None:
        # The year's uniqueness is the service's to say, in its own words.
        return None


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ExtensionForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="Đơn vị (cùng các đơn vị trực thuộc)",
        queryset=Unit.objects.none(),
        widget=UnitPicker,
    )
    until = forms.DateField(label="Được nộp đến hết ngày", widget=DateInput())
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, today: datetime.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["unit"].queryset = Unit.objects.filter(active_to__isnull=True).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: (
            "— " * max(unit.path.count("/") - 2, 0) + unit.name
        )

    def clean_until(self) -> datetime.date:
        until = self.cleaned_data["until"]
        if until < self.today:
            raise forms.ValidationError(UNTIL_PAST)
        return until
