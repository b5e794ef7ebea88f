"""The project's two form widgets: the unit picker and the date input.

Both are plain HTML first (a ``<select>``, a text input) that work without JavaScript;
``units/static/dvk/widgets.js`` (linked from base.html) enhances them: the select becomes a
searchable picker, the date input gains a small calendar. They live here because ``units``
is the lowest app with forms: every app that asks for a unit or a date may import it.
"""

from django import forms

# A date is shown and typed as dd/mm/yyyy; the formats a DateField accepts (d/m/yyyy,
# dd-mm-yyyy, dd.mm.yyyy too) are DATE_INPUT_FORMATS of config/formats/vi/formats.py.
DATE_DISPLAY_FORMAT = "%d/%m/%Y"
DATE_PLACEHOLDER = "dd/mm/yyyy"


def unit_depth(path: str) -> int:
    """The depth of a unit in the tree from its ``path`` ("/1/" is 0, "/1/14/" is 1)."""
    return max(path.count("/") - 2, 0)


class UnitPicker(forms.Select):
    """A ``<select>`` of units in tree order, marked for the searchable picker.

    Each option carries its depth (``data-depth``): the picker rebuilds the tree from the
    order and the depths, and groups the units under their top-level parent. A
    ModelChoiceField's options give the depth from their unit; a field whose choices are
    bare ``(pk, name)`` pairs passes ``depths`` (pk as text -> depth) instead.
    """

    template_name = "units/widgets/unit_picker.html"
    depths: dict[str, int] | None = None

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-unit-picker"] = True
        return attrs

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        if unit is not None:
            option["attrs"]["data-depth"] = unit_depth(unit.path)
        elif self.depths and str(value) in self.depths:
            option["attrs"]["data-depth"] = self.depths[str(value)]
        return option


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy in a text input, whatever the browser's language (a
    native ``type=date`` shows mm/dd/yyyy in an English browser)."""

    input_type = "text"

    def __init__(self, attrs=None) -> None:
        attrs = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            "data-date-input": True,
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format=DATE_DISPLAY_FORMAT)
