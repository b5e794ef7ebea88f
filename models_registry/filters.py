"""The case list's filters: the same ones drive the page, the export and the dashboard
links, so a number and the list it counts can never disagree."""

import django_filters
from django.db.models import QuerySet

from workflow.lifecycle import State

from .models import FIELD_FLAGS, Campaign, Field, Initiative, RecognitionLevel, Subject, Unit
from .selectors import initiative_search


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm kiếm", method="filter_text")
    campaign = django_filters.ModelChoiceFilter(
        label="Kế hoạch năm", queryset=Campaign.objects.all(), empty_label="Tất cả các năm"
    )
    unit = django_filters.ModelChoiceFilter(
        label="Đơn vị (gồm đơn vị trực thuộc)",
        queryset=Unit.objects.all(),
        method="filter_unit",
        empty_label="Tất cả đơn vị",
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

    class Meta:
        model = Initiative
        fields = ["q", "campaign", "unit", "field", "subject", "target_level", "state"]

    def __init__(self, *args, units: QuerySet[Unit] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units
        level_field = self.form.fields["target_level"]
        level_field.label_from_instance = lambda level: f"{level.name} ({level.campaign.year})"

    def filter_text(self, queryset, name, value):
        return initiative_search(queryset, value)

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path)

    def filter_field(self, queryset, name, value):
        flag = next(flag for flag, field in FIELD_FLAGS.items() if field == value)
        return queryset.filter(**{flag: True})
