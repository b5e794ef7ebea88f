from django.contrib import admin

from .models import TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """The trail is evidence: shown, never edited or deleted."""

    list_display = ["at", "case", "transition", "source", "target", "actor", "actor_role"]
    list_filter = ["transition", "target"]
    search_fields = ["case__name", "actor__username", "reason"]
    list_select_related = ["case", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
