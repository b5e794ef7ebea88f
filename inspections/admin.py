"""Inspections in the admin: shown for support, never edited there (scheduling, visits and
criteria change through the pages and their services, which check and notify)."""

from django.contrib import admin

from .models import Criterion, FieldVisit, Inspection


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Criterion)
class CriterionAdmin(ReadOnly):
    list_display = ["campaign", "subject", "order", "name", "max_points"]
    list_filter = ["campaign", "subject"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnly):
    list_display = ["case", "planned_date", "status", "lead", "round_label"]
    list_filter = ["status", "round_label"]
    list_select_related = ["case", "lead"]
    search_fields = ["case__name", "place"]
    date_hierarchy = "planned_date"


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnly):
    list_display = ["inspection", "visit_date", "status", "verdict", "total_points", "max_points"]
    list_filter = ["status", "verdict"]
    list_select_related = ["inspection__case"]
