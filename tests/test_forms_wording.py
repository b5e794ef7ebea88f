"""The project's own Vietnamese for Django's stock messages (config/locale), its formats
(dd/mm/yyyy, config/formats) and its two widgets (units/widgets.py)."""

import datetime
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from accounts.forms import AccountFilterForm
from models_registry.filters import InitiativeFilter
from models_registry.models import Campaign, Initiative
from units.forms import UnitCreateForm
from units.widgets import DateInput

PO = Path(settings.BASE_DIR) / "config" / "locale" / "vi" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


class Everything(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=100)
    share = forms.DecimalField(max_digits=4, decimal_places=1, required=False)
    name = forms.CharField(max_length=5, min_length=2)
    day = forms.DateField(widget=DateInput())
    kind = forms.ChoiceField(choices=[("a", "A")])
    email = forms.EmailField(required=False)


def errors_of(data: dict) -> dict[str, list[str]]:
    form = Everything(data)
    assert not form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def test_the_validators_speak_the_projects_vietnamese():
    errors = errors_of(
        {
            "count": "101",
            "share": "123.45",
            "name": "abcdefg",
            "day": "31/02/2026",
            "kind": "z",
            "email": "khong-phai-email",
        }
    )
    assert errors == {
        "count": ["Giá trị tối đa là 100."],
        "share": ["Tối đa 4 chữ số."],
        "name": ["Tối đa 5 ký tự (đang có 7)."],
        "day": ["Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 25/03/2026."],
        "kind": ["“z” không có trong danh sách để chọn."],
        "email": ["Địa chỉ email không hợp lệ, ví dụ: ten@donvi.gov.vn."],
    }
    errors = errors_of({"count": "0", "name": "a", "day": "", "kind": ""})
    assert errors["count"] == ["Giá trị tối thiểu là 1."]
    assert errors["name"] == ["Tối thiểu 2 ký tự (đang có 1)."]
    assert errors["day"] == errors["kind"] == ["Mục này không được để trống."]
    assert errors_of({"count": "mười"})["count"] == ["Nhập một số nguyên, ví dụ 12."]


def test_no_stock_phrase_is_left_in_the_messages_users_meet():
    errors = errors_of({"count": "1000", "name": "abcdefgh", "day": "x", "kind": "?"})
    text = " ".join(message for messages in errors.values() for message in messages)
    for stock in ("Đảm bảo", "Trường này", "Hãy chọn", "khả thi", "Nhập một ngày", " ."):
        assert stock not in text


def test_a_unique_field_and_a_model_choice_say_it_plainly(world):
    class CampaignForm(forms.ModelForm):
        class Meta:
            model = Campaign
            fields = ["year"]

    form = CampaignForm({"year": world.campaign.year})
    assert not form.is_valid()
    assert form.errors["year"][0].startswith("Đã có ")
    assert "đã tồn tại" not in form.errors["year"][0]

    form = UnitCreateForm({"name": "X", "kind": "ward", "parent": "999999"})
    assert not form.is_valid()
    assert form.errors["parent"] == [
        "Lựa chọn này không có trong danh sách (có thể vừa bị gỡ): vui lòng chọn lại."
    ]


def test_the_compiled_catalogue_carries_every_entry_of_the_po_file():
    """The .mo is committed with the .po: an edit compiled with `make messages` only."""
    text = PO.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, flags=re.MULTILINE)
    assert len(pairs) > 20
    for msgid, msgstr in pairs:
        assert translation.gettext(msgid) == msgstr, msgid


def test_dates_are_shown_and_typed_as_dd_mm_yyyy():
    day = datetime.date(2026, 3, 5)
    rendered = Template('{{ day }}|{{ day|date }}|{{ day|date:"SHORT_DATE_FORMAT" }}').render(
        Context({"day": day})
    )
    assert rendered == "05/03/2026|05/03/2026|05/03/2026"

    field = forms.DateField(widget=DateInput())
    for typed in ("05/03/2026", "5/3/2026", " 5/3/2026 ", "05-03-2026", "05.03.2026", "2026-03-05"):
        assert field.clean(typed) == day, typed
    with pytest.raises(forms.ValidationError):
        field.clean("03/25/2026")  # month 25: the US order is refused, not guessed

    html = DateInput().render("day", day)
    assert 'type="text"' in html
    assert 'value="05/03/2026"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'inputmode="numeric"' in html


def test_no_form_of_the_project_uses_the_browsers_date_picker(world):
    """Every date field of a page is the project's widget (a native type=date shows
    mm/dd/yyyy in an English browser)."""
    for app in ("accounts", "committees", "inspections", "models_registry", "plans", "units"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            assert '"type": "date"' not in source, path
            assert 'input_type = "date"' not in source, path
    for path in (Path(settings.BASE_DIR)).glob("*/templates/**/*.html"):
        assert 'type="date"' not in path.read_text(encoding="utf-8"), path


def test_every_unit_choice_is_the_picker_with_the_depth_of_each_unit(world):
    filterset = InitiativeFilter({}, queryset=Initiative.objects.all())
    html = str(filterset.form["unit"])
    assert "data-unit-picker" in html
    assert f'value="{world.city.pk}" data-depth="0"' in html
    assert f'value="{world.ward_a_sub.pk}" data-depth="2"' in html

    html = str(AccountFilterForm()["unit"])
    assert "data-unit-picker" in html
    assert f'value="{world.ward_b.pk}" data-depth="1"' in html

    html = str(UnitCreateForm()["parent"])
    assert "data-unit-picker" in html
    assert f'value="{world.ward_b.pk}" data-depth="1"' in html
