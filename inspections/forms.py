"""Forms shape the input; the rules live in the services."""

from django import forms
from django.db.models import QuerySet

from models_registry.models import Campaign, RecognitionLevel, Subject
from units.widgets import DateInput

from .models import Criterion, Verdict


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


class LeadChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


class ScheduleForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label="Mô hình", queryset=None, widget=forms.MultipleHiddenInput
    )
    planned_date = forms.DateField(label="Ngày kiểm tra", widget=DateInput())
    place = forms.CharField(
        label="Địa điểm",
        required=False,
        max_length=300,
        help_text="Để trống: lấy tên đơn vị đăng ký của từng mô hình.",
    )
    team = PersonChoice(label="Đoàn kiểm tra", queryset=None, widget=forms.CheckboxSelectMultiple)
    lead = LeadChoice(label="Trưởng đoàn", queryset=None, empty_label="— Chọn trưởng đoàn —")
    round_label = forms.CharField(
        label="Đợt kiểm tra",
        required=False,
        max_length=100,
        help_text="Ví dụ: “Đợt 1 — tháng 10/2023”; dùng để lọc và xuất kết quả theo đợt.",
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cases: QuerySet, inspectors: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["team"].queryset = inspectors
        self.fields["lead"].queryset = inspectors


class MoveForm(forms.Form):
    planned_date = forms.DateField(label="Ngày kiểm tra mới", widget=DateInput())
    place = forms.CharField(label="Địa điểm", required=False, max_length=300)
    reason = forms.CharField(label="Lý do dời lịch", widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy", widget=forms.Textarea(attrs={"rows": 3}))


class ReinspectionForm(forms.Form):
    reason = forms.CharField(
        label="Lý do yêu cầu kiểm tra lại", widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)


class VisitForm(forms.Form):
    """The visit record. Scores are ``score_<criterion id>`` fields, bounded in the page
    for the phone's keyboard and checked again by the service."""

    visit_date = forms.DateField(label="Ngày kiểm tra thực tế", required=False, widget=DateInput())
    people_met = forms.CharField(
        label="Thành phần làm việc",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Họ tên, chức vụ những người đã gặp"}
        ),
    )
    findings = forms.CharField(
        label="Kết quả kiểm tra, nhận xét",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    verdict = forms.ChoiceField(
        label="Kết luận",
        required=False,
        choices=Verdict.choices,
        widget=forms.RadioSelect,
    )
    recommended_level = forms.ModelChoiceField(
        label="Đề nghị công nhận cấp",
        required=False,
        queryset=RecognitionLevel.objects.none(),
        empty_label="— Không đề nghị —",
    )

    def __init__(self, *args, criteria: list[Criterion], levels: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["recommended_level"].queryset = levels
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": criterion.max_points,
                        "step": 1,
                        "inputmode": "numeric",
                        "class": "score",
                        "data-max": criterion.max_points,
                    }
                ),
            )

    def score_fields(self):
        return [(criterion, self[f"score_{criterion.pk}"]) for criterion in self.criteria]

    @property
    def scores(self) -> dict[int, str]:
        return {
            criterion.pk: (self.cleaned_data.get(f"score_{criterion.pk}") or "").strip()
            for criterion in self.criteria
        }


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["subject", "order", "name", "max_points", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CampaignChoiceForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label="Kế hoạch năm", queryset=Campaign.objects.order_by("-year"), empty_label=None
    )
    subject = forms.ChoiceField(label="Đối tượng", choices=Subject.choices, required=False)
