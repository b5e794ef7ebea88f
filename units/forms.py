"""Forms of the unit directory's pages (the secretariat's)."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from .models import Unit, UnitKind
from .widgets import DateInput, UnitPicker

DATE_INVALID = "Ngày không hợp lệ (ngày/tháng/năm)."
FILE_TOO_BIG = "Tệp lớn quá {limit} KB."
IMPORT_LIMIT = 1024 * 1024  # a directory of a few thousand units is well under this


class UnitChoiceField(forms.ModelChoiceField):
    """A unit, shown indented by its depth in the tree (the options in tree order), with
    the searchable picker."""

    widget = UnitPicker

    def label_from_instance(self, unit: Unit) -> str:
        depth = max(unit.path.count("/") - 2, 0)
        closed = " (đã ngừng hoạt động)" if unit.active_to else ""
        return f"{'— ' * depth}{unit.name}{closed}"


def _units(*, open_only: bool = True):
    qs = Unit.objects.order_by("path")
    if open_only:
        qs = qs.filter(Q(active_to__isnull=True) | Q(active_to__gte=timezone.localdate()))
    return qs.only("pk", "name", "path", "active_to")


def _date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={"invalid": DATE_INVALID, "required": "Vui lòng nhập ngày."},
    )


class UnitCreateForm(forms.Form):
    name = forms.CharField(label="Tên đơn vị", max_length=255)
    kind = forms.ChoiceField(label="Loại đơn vị", choices=UnitKind.choices)
    parent = UnitChoiceField(label="Đơn vị cấp trên", queryset=Unit.objects.none())
    short_name = forms.CharField(label="Tên viết tắt", max_length=100, required=False)
    email = forms.EmailField(
        label="Email liên hệ",
        required=False,
        error_messages={"invalid": "Địa chỉ email không hợp lệ."},
    )
    active_from = _date_field("Hoạt động từ ngày", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _units()


class UnitEditForm(forms.Form):
    short_name = forms.CharField(label="Tên viết tắt", max_length=100, required=False)
    kind = forms.ChoiceField(label="Loại đơn vị", choices=UnitKind.choices)
    email = forms.EmailField(
        label="Email liên hệ",
        required=False,
        error_messages={"invalid": "Địa chỉ email không hợp lệ."},
    )
    aliases = forms.CharField(
        label="Tên gọi khác",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một tên mà đơn vị hay được gọi; các tệp nhập dùng tên này vẫn nhận ra đơn vị.",
    )


class UnitRenameForm(forms.Form):
    name = forms.CharField(label="Tên mới", max_length=255)
    reason = forms.CharField(label="Căn cứ (không bắt buộc)", required=False, max_length=500)


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(label="Chuyển về trực thuộc", queryset=Unit.objects.none())
    reason = forms.CharField(label="Căn cứ (không bắt buộc)", required=False, max_length=500)

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _units().exclude(path__startswith=unit.path)


class UnitCloseForm(forms.Form):
    on = _date_field("Ngừng hoạt động từ sau ngày")
    successor = UnitChoiceField(
        label="Đơn vị kế thừa (không bắt buộc)", queryset=Unit.objects.none(), required=False
    )
    reason = forms.CharField(label="Căn cứ (số, ngày quyết định)", max_length=500)

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = _units().exclude(path__startswith=unit.path)


class UnitMergeForm(forms.Form):
    into = UnitChoiceField(label="Sáp nhập vào", queryset=Unit.objects.none())
    on = _date_field("Ngày cuối cùng hoạt động riêng")
    reason = forms.CharField(label="Căn cứ (số, ngày quyết định)", max_length=500)

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = _units().exclude(path__startswith=unit.path)


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp CSV danh mục đơn vị",
        help_text="Cột: name (tên đơn vị), parent (đơn vị cấp trên), kind (loại), email, aliases (tên gọi khác). Lưu bằng “CSV UTF-8”.",
        error_messages={"required": "Vui lòng chọn tệp CSV."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_LIMIT:
            raise forms.ValidationError(FILE_TOO_BIG.format(limit=IMPORT_LIMIT // 1024))
        return upload


class UnitImportConfirmForm(forms.Form):
    """The previewed file, carried back for the real run (base64 of the CSV)."""

    data = forms.CharField(widget=forms.HiddenInput, max_length=IMPORT_LIMIT * 2)
    name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)
