"""The progress report form. It only shapes the input: what is allowed (dates, the
percentage, the files' types and sizes) is decided by ``services.progress``."""

from django import forms
from django.utils import timezone

from units.widgets import DateInput

from .models import ProgressKind
from .services.progress import ACCEPT_ATTRIBUTE


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadedFilesField(forms.Field):
    """Every file chosen, as a list; judged later by the service, not here."""

    widget = MultipleFileInput

    def to_python(self, data):
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


class ProgressReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại báo cáo",
        choices=ProgressKind.choices,
        initial=ProgressKind.UPDATE,
    )
    report_date = forms.DateField(label="Ngày báo cáo", widget=DateInput())
    achievements = forms.CharField(
        label="Kết quả đạt được so với mục tiêu",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    percent_complete = forms.IntegerField(
        label="Mức độ hoàn thành (%)",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )
    files = UploadedFilesField(
        label="Tệp đính kèm",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("report_date", timezone.localdate())
        super().__init__(*args, **kwargs)
