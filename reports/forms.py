"""The forms only shape the input; what is allowed is decided by ``reports.services``."""

from django import forms

from models_registry.forms import DateInput
from models_registry.models import Campaign, CampaignStatus
from models_registry.services.progress import DOCX, PDF
from units.models import Unit, UnitKind

from .models import NUMBER_FIELDS, Audience, ReportAnswer, ReportKind

REPORT_FILE_ACCEPT = ",".join(sorted({*PDF.extensions, *DOCX.extensions}))


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Campaign) -> str:
        return f"Năm {obj.year} — {obj.name}"


class ReportRequestForm(forms.Form):
    campaign = CampaignChoiceField(
        label="Kế hoạch năm",
        queryset=Campaign.objects.exclude(status=CampaignStatus.CLOSED).order_by("-year"),
        empty_label=None,
    )
    kind = forms.ChoiceField(label="Loại báo cáo", choices=ReportKind.choices)
    title = forms.CharField(
        label="Tên báo cáo",
        required=False,
        max_length=255,
        help_text="Để trống thì hệ thống đặt tên theo loại báo cáo và năm; bắt buộc với báo cáo khác.",
    )
    year_from = forms.IntegerField(
        label="Giai đoạn từ năm",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Chỉ với tổng kết giai đoạn, ví dụ 2021–2023.",
    )
    year_to = forms.IntegerField(
        label="Giai đoạn đến năm", required=False, min_value=2000, max_value=2100
    )
    due_date = forms.DateField(label="Hạn gửi báo cáo", widget=DateInput())
    audience = forms.ChoiceField(
        label="Đơn vị phải báo cáo",
        choices=Audience.choices,
        initial=Audience.ALL,
        widget=forms.RadioSelect,
    )
    audience_unit = forms.ModelChoiceField(
        label="Đơn vị (cùng các đơn vị trực thuộc)",
        queryset=Unit.objects.order_by("path"),
        required=False,
        help_text="Khi chọn “Một đơn vị và các đơn vị trực thuộc”.",
    )
    audience_kind = forms.ChoiceField(
        label="Loại đơn vị",
        choices=[("", "—"), *UnitKind.choices],
        required=False,
        help_text="Khi chọn “Một loại đơn vị”.",
    )
    instructions = forms.CharField(
        label="Nội dung, yêu cầu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportAnswerForm(forms.Form):
    results = forms.CharField(
        label=ReportAnswer._meta.get_field("results").verbose_name,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    lessons = forms.CharField(
        label=ReportAnswer._meta.get_field("lessons").verbose_name,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposals = forms.CharField(
        label=ReportAnswer._meta.get_field("proposals").verbose_name,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(
        label="Báo cáo có chữ ký (PDF hoặc Word .docx)",
        required=False,
        widget=forms.FileInput(attrs={"accept": REPORT_FILE_ACCEPT}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        numbers = {
            name: forms.IntegerField(
                label=ReportAnswer._meta.get_field(name).verbose_name,
                min_value=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )
            for name in NUMBER_FIELDS
        }
        self.fields = {**numbers, **self.fields}

    def text_fields(self):
        return [self[name] for name in ("results", "lessons", "proposals")]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Lý do trả lại", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
