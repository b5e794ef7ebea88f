from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import (
    Campaign,
    DeadlineExtension,
    Initiative,
    ProgressAttachment,
    ProgressReport,
    RecognitionLevel,
)


class RecognitionLevelInline(admin.TabularInline):
    model = RecognitionLevel
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "name",
        "plan_number",
        "registration_deadline",
        "recognition_date",
        "status",
    ]
    # Opening and closing go through the plan's pages (/ke-hoach/), which log them.
    readonly_fields = ["status"]
    inlines = [RecognitionLevelInline]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    """Read-only: extensions are granted and revoked on the plan's pages
    (``/ke-hoach/<campaign>/gia-han/``), which log each change and tell the unit."""

    list_display = ["campaign", "unit", "until", "granted_by", "granted_at", "revoked_at"]
    list_select_related = ["campaign", "unit", "granted_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    """Read-only: cases change through their pages and the workflow service only."""

    list_display = ["name", "unit", "campaign", "subject", "state", "target_level"]
    list_filter = ["campaign", "state", "subject"]
    search_fields = ["name", "search_text", "unit__name"]
    list_select_related = ["unit", "campaign", "target_level"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgressAttachmentInline(admin.TabularInline):
    """Listed, never edited; the file itself only through the download view, which
    checks access (media files are not served publicly)."""

    model = ProgressAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "download"]
    readonly_fields = fields

    @admin.display(description="Tải về")
    def download(self, obj):
        url = reverse(
            "models_registry:progress_attachment_download",
            args=[obj.report.initiative_id, obj.pk],
        )
        return format_html('<a href="{}">Tải về</a>', url)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Read-only: units write reports through the case page and its service."""

    list_display = ["initiative", "kind", "report_date", "percent_complete", "created_by"]
    list_filter = ["kind", "initiative__campaign"]
    search_fields = ["initiative__name", "achievements", "initiative__unit__name"]
    list_select_related = ["initiative", "created_by"]
    date_hierarchy = "report_date"
    inlines = [ProgressAttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
