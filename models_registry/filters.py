"""The case list's filters: the same ones drive the page, the export and the dashboard
links, so a number and the list it counts can never disagree."""

import datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from workflow.lifecycle import State

from .dashboards.conditions import Attention, Stage, attention_filter, stage_filter
from .models import FIELD_FLAGS, Campaign, Field, Initiative, RecognitionLevel, Subject, Unit
from .selectors import initiative_search

OWN_UNIT = "own"

# A drop-down of every unit is fine for a city (about 120) but not for a country (tens
# of thousands of communes, rendered on every list page). Beyond this many, it offers
# the top two levels; a deeper unit is reached from the dashboard's links or by search.
UNIT_OPTIONS_MAX = 300
TOP_TWO_LEVELS = r"^/[0-9]+/([0-9]+/)?$"


class UnitChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = list(self.queryset[: UNIT_OPTIONS_MAX + 1])
        if len(units) > UNIT_OPTIONS_MAX:
            units = list(self.queryset.filter(path__regex=TOP_TWO_LEVELS)[:UNIT_OPTIONS_MAX])
        for unit in units:
            yield self.choice(unit)


class UnitSelect(forms.Select):
    """Keeps the chosen unit among the options even when the list was cut short."""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        chosen = [v for v in value if v]
        shown = any(option["selected"] for _, options, _ in groups for option in options)
        if chosen and not shown:
            unit = Unit.objects.filter(pk=chosen[0]).first() if chosen[0].isdigit() else None
            if unit is not None:
                option = self.create_option(name, unit.pk, unit.name, True, len(groups))
                groups.append((None, [option], len(groups)))
        return groups


class UnitChoiceField(ModelChoiceField):
    iterator = UnitChoiceIterator
    widget = UnitSelect


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm kiếm", method="filter_text")
    campaign = django_filters.ModelChoiceFilter(
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
        label="Lĩnh vực", choices=Field.choices, method="filter_field", empty_label="Tất cả"
    )
    subject = django_filters.ChoiceFilter(
        label="Đối tượng", choices=Subject.choices, empty_label="Tất cả"
    )
    target_level = django_filters.ModelChoiceFilter(
        label="Đăng ký đạt cấp",
        queryset=RecognitionLevel.objects.select_related("campaign"),
        empty_label="Tất cả",
    )
    state = django_filters.ChoiceFilter(
        label="Trạng thái", choices=State.choices, empty_label="Tất cả"
    )
    # Added for the dashboards (issue 7): every dashboard number links here with these.
    year = django_filters.RangeFilter(label="Năm (từ – đến)", field_name="campaign__year")
    recognized_level = django_filters.ModelChoiceFilter(
        label="Cấp được công nhận",
        queryset=RecognitionLevel.objects.select_related("campaign"),
        empty_label="Tất cả",
    )
    stage = django_filters.ChoiceFilter(
        label="Giai đoạn", choices=Stage.choices, method="filter_stage", empty_label="Tất cả"
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
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        # "Overdue" is relative to a day: the page's today unless a caller fixes one;
        # "awaits your vote" to a person: the request's user unless one is given.
        self.today = today or timezone.localdate()
        self.user = user or getattr(self.request, "user", None)
        if units is not None:
            self.filters["unit"].queryset = units
        level_field = self.form.fields["target_level"]
        level_field.label_from_instance = lambda level: f"{level.name} ({level.campaign.year})"
        self.form.fields["recognized_level"].label_from_instance = level_field.label_from_instance

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
