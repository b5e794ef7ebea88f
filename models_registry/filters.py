"""The case list's filters: the same ones drive the page, the export and the dashboard
links, so a number and the list it counts can never disagree."""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from units.models import Unit
from units.widgets import UnitPicker, unit_depth
from workflow.lifecycle import State

from .conditions import Attention, Stage, attention_filter, stage_filter
from .models import FIELD_FLAGS, Campaign, Field, Initiative, RecognitionLevel, Subject
from .selectors import initiative_search

OWN_UNIT = "own"

# A drop-down of every unit is fine for a city (about 120) but not for a country (tens
# of thousands of communes, rendered on every list page). Beyond this many, it offers
# the top two levels; a deeper unit is reached from the dashboard's links or by search.
UNIT_OPTIONS_MAX = 300


class ListedChoiceIterator(ModelChoiceIterator):
    """The options from the rows the field read once (never a server-side cursor, never a
    COUNT for ``len``)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.field.rows():
            yield self.choice(obj)

    def __len__(self):
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self.field.rows()) + extra

    def __bool__(self):
        return len(self) > 0


class ListedModelChoiceField(ModelChoiceField):
    """A choice among the rows of a short table (campaigns, recognition levels): they are
    read once per form, and serve both the options and the check of the chosen value, which
    Django would make two queries of. Another field over the same rows can share them
    (``share_rows``)."""

    iterator = ListedChoiceIterator
    _rows: list | None = None
    _rows_of: "ListedModelChoiceField | None" = None

    def _set_queryset(self, queryset):
        self._rows = None
        super()._set_queryset(queryset)

    queryset = property(ModelChoiceField._get_queryset, _set_queryset)

    def share_rows(self, other: "ListedModelChoiceField") -> None:
        self._rows_of = other

    def use_rows(self, rows) -> None:
        """Take ``rows`` (the whole queryset, read already by the caller) as the rows."""
        self._rows = list(rows)

    def rows(self) -> list:
        if self._rows_of is not None:
            return self._rows_of.rows()
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.null_label is not None and value == self.null_value:
            return value
        model = self.queryset.model
        if isinstance(value, model):
            value = value.pk
        try:
            pk = model._meta.pk.to_python(value)
        except ValidationError:
            pk = None
        for row in self.rows():
            if row.pk == pk:
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class ListedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedModelChoiceField


def _top_two_levels(units: QuerySet[Unit]) -> QuerySet:
    """``(pk, name, path)`` of the roots and their children among ``units``: two index
    scans on ``parent`` (a pattern on the path reads every unit)."""
    columns = ("pk", "name", "path")
    roots = units.filter(parent__isnull=True).order_by().values_list(*columns)
    children = units.filter(parent__isnull=False, parent__parent__isnull=True)
    children = children.order_by().values_list(*columns)
    return roots.union(children, all=True).order_by("path")


def unit_option_rows(units: QuerySet[Unit]) -> list[tuple[int, str, str]]:
    """``(pk, name, path)`` of the units a drop-down offers, in tree order: every unit of
    ``units`` if there are at most ``UNIT_OPTIONS_MAX``, else the top two levels. A
    LIMITed count decides; only the shown rows are read, as values."""
    if units.order_by()[: UNIT_OPTIONS_MAX + 1].count() <= UNIT_OPTIONS_MAX:
        return list(units.order_by("path").values_list("pk", "name", "path"))
    return list(_top_two_levels(units)[:UNIT_OPTIONS_MAX])


def unit_options(units: QuerySet[Unit]) -> list[tuple[int, str]]:
    """``(pk, name)`` of ``unit_option_rows``."""
    return [(pk, name) for pk, name, _path in unit_option_rows(units)]


class UnitChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.options()

    def __len__(self):
        return len(self.field.options()) + (self.field.empty_label is not None)

    def __bool__(self):
        return len(self) > 0


class UnitSelect(UnitPicker):
    """Keeps the chosen unit among the options even when the list was cut short."""

    # pk (text) -> name of the unit the field last accepted: the form already read it.
    known: dict[str, str] | None = None

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        chosen = [v for v in value if v]
        shown = any(option["selected"] for _, options, _ in groups for option in options)
        if chosen and not shown:
            label = (self.known or {}).get(chosen[0])
            if label is None and chosen[0].isdigit():
                label = Unit.objects.filter(pk=chosen[0]).values_list("name", flat=True).first()
            if label is not None:
                option = self.create_option(name, chosen[0], label, True, len(groups))
                groups.append((None, [option], len(groups)))
        return groups


class UnitChoiceField(ModelChoiceField):
    """The units as ``(pk, name)`` values, not model instances (``label_from_instance``
    is not used): a country has ten thousand of them."""

    iterator = UnitChoiceIterator
    widget = UnitSelect
    _options: list | None = None
    # pk (text) -> unit, read already by the caller: accepted without reading it again.
    known_units: dict[str, Unit] | None = None

    def _set_queryset(self, queryset):
        self._options = None
        super()._set_queryset(queryset)

    queryset = property(ModelChoiceField._get_queryset, _set_queryset)

    def options(self) -> list[tuple[int, str]]:
        if self._options is None:
            rows = unit_option_rows(self.queryset)
            self._options = [(pk, name) for pk, name, _path in rows]
            self.widget.depths = {str(pk): unit_depth(path) for pk, _name, path in rows}
        return self._options

    def to_python(self, value):
        unit = (self.known_units or {}).get(str(value))
        if unit is None:
            unit = super().to_python(value)
        if isinstance(unit, Unit):
            self.widget.known = {str(unit.pk): unit.name}
        return unit


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm kiếm", method="filter_text")
    campaign = ListedChoiceFilter(
        label="Kế hoạch năm", queryset=Campaign.objects.all(), empty_label="Tất cả các năm"
    )
    unit = UnitFilter(
        label="Đơn vị (gồm đơn vị trực thuộc)",
        queryset=Unit.objects.all(),
        method="filter_unit",
        empty_label="Tất cả đơn vị",
    )
    # Static choices (no query): "own" narrows ``unit`` to the cases the unit itself
    # registered, without its sub-units.
    unit_scope = django_filters.ChoiceFilter(
        label="Phạm vi đơn vị",
        choices=[(OWN_UNIT, "Chỉ hồ sơ do chính đơn vị đăng ký")],
        method="filter_unit_scope",
        empty_label="Gồm cả đơn vị trực thuộc",
    )
    field = django_filters.ChoiceFilter(
        label="Lĩnh vực",
        choices=Field.choices,
        method="filter_field",
        empty_label="Tất cả",
    )
    subject = django_filters.ChoiceFilter(
        label="Đối tượng", choices=Subject.choices, empty_label="Tất cả"
    )
    target_level = ListedChoiceFilter(
        label="Đăng ký đạt cấp",
        queryset=RecognitionLevel.objects.select_related("campaign"),
        empty_label="Tất cả",
    )
    state = django_filters.ChoiceFilter(
        label="Trạng thái", choices=State.choices, empty_label="Tất cả"
    )
    # Added for the dashboards (issue 7): every dashboard number links here with these.
    year = django_filters.RangeFilter(label="Năm (từ – đến)", field_name="campaign__year")
    recognized_level = ListedChoiceFilter(
        label="Cấp được công nhận",
        queryset=RecognitionLevel.objects.select_related("campaign"),
        empty_label="Tất cả",
    )
    stage = django_filters.ChoiceFilter(
        label="Giai đoạn",
        choices=Stage.choices,
        method="filter_stage",
        empty_label="Tất cả",
    )
    attention = django_filters.ChoiceFilter(
        label="Cần xử lý",
        choices=Attention.choices,
        method="filter_attention",
        empty_label="Tất cả",
    )

    class Meta:
        model = Initiative
        fields = [
            "q",
            "campaign",
            "unit",
            "unit_scope",
            "field",
            "subject",
            "target_level",
            "state",
            "year",
            "recognized_level",
            "stage",
            "attention",
        ]

    def __init__(
        self,
        *args,
        units: QuerySet[Unit] | None = None,
        today: datetime.date | None = None,
        user=None,
        campaigns: list[Campaign] | None = None,
        known_units: list[Unit] | None = None,
        **kwargs,
    ) -> None:
        """``units``: the units an officer may choose (else any). ``campaigns`` (every
        campaign) and ``known_units`` (any units): rows the caller has read already in
        this request, which the campaign and unit filters take instead of reading them
        again (the dashboard's scope has both)."""
        super().__init__(*args, **kwargs)
        # "Overdue" is relative to a day: the page's today unless a caller fixes one;
        # "awaits your vote" to a person: the request's user unless one is given.
        self.today = today or timezone.localdate()
        self.user = user or getattr(self.request, "user", None)
        if units is not None:
            self.filters["unit"].queryset = units
        elif known_units:
            self.form.fields["unit"].known_units = {str(unit.pk): unit for unit in known_units}
        if campaigns is not None:
            self.form.fields["campaign"].use_rows(campaigns)
        level_field = self.form.fields["target_level"]
        level_field.label_from_instance = lambda level: f"{level.name} ({level.campaign.year})"
        recognized = self.form.fields["recognized_level"]
        recognized.label_from_instance = level_field.label_from_instance
        recognized.share_rows(level_field)  # the same levels: one query for both

    def filter_text(self, queryset, name, value):
        return initiative_search(queryset, value)

    def filter_unit(self, queryset, name, unit):
        if self.form.cleaned_data.get("unit_scope") == OWN_UNIT:
            return queryset.filter(unit=unit)
        return queryset.filter(unit__path__startswith=unit.path)

    def filter_unit_scope(self, queryset, name, value):
        return queryset  # read by filter_unit

    def filter_field(self, queryset, name, value):
        flag = next(flag for flag, field in FIELD_FLAGS.items() if field == value)
        return queryset.filter(**{flag: True})

    def filter_stage(self, queryset, name, value):
        return stage_filter(queryset, value)

    def filter_attention(self, queryset, name, value):
        return attention_filter(queryset, value, today=self.today, user=self.user)
