from django import forms

from models_registry.models import Field


class LibraryFilterForm(forms.Form):
    """The list's search and filters; the choices are those some published model has."""

    q = forms.CharField(label="Tìm kiếm", required=False, max_length=200)
    field = forms.ChoiceField(label="Lĩnh vực", required=False)
    unit = forms.TypedChoiceField(label="Đơn vị", required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label="Cấp công nhận", required=False)
    year = forms.TypedChoiceField(label="Năm", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, choices: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "Tên mô hình, mục tiêu, đơn vị…"
        self.fields["field"].choices = [("", "Tất cả"), *Field.choices]
        self.fields["unit"].choices = [("", "Tất cả")] + [
            (unit.pk, unit.name) for unit in choices["units"]
        ]
        self.fields["level"].choices = [("", "Tất cả")] + [(n, n) for n in choices["levels"]]
        self.fields["year"].choices = [("", "Tất cả")] + [(y, y) for y in choices["years"]]
