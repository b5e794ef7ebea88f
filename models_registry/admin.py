from django.contrib import admin

from .models import Campaign, DeadlineExtension, Initiative, Membership, RecognitionLevel, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "email", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "name_key"]
    autocomplete_fields = ["parent", "successor"]
    list_select_related = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


class RecognitionLevelInline(admin.TabularInline):
    model = RecognitionLevel
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "plan_number", "registration_deadline", "recognition_date"]
    inlines = [RecognitionLevelInline]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "unit", "until", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


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
