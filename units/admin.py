from django.contrib import admin

from .models import Membership, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """The unit's own fields are read-only here: the directory is changed on the
    secretariat's pages (/don-vi/), which keep the tree, the aliases and the
    administration log right. The memberships inline stays editable."""

    list_display = ["name", "kind", "parent", "email", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "name_key"]
    list_select_related = ["parent"]
    inlines = [MembershipInline]
    readonly_fields = [
        "name", "short_name", "kind", "parent", "aliases", "email", "active_from",
        "active_to", "successor",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
