from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, here as everywhere."""

    list_display = ["at", "actor_name", "action", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_repr", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
