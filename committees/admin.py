from django.contrib import admin

from .models import Committee, RecognitionDecision, Vote, VoteRound
from .services import committee_members_set


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "unit", "chair"]
    list_select_related = ["level", "unit", "chair"]
    search_fields = ["name"]
    autocomplete_fields = ["chair", "members"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The chair votes like every member: keep them on the list.
        committee_members_set(committee=form.instance, members=form.instance.members.all())


class ReadOnlyAdmin(admin.ModelAdmin):
    """Votes, rounds and decisions are written by the committee's pages only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VoteInline(admin.TabularInline):
    model = Vote
    extra = 0
    fields = ["member", "in_favour", "comment", "cast_at", "changed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VoteRound)
class VoteRoundAdmin(ReadOnlyAdmin):
    list_display = ["case", "committee", "status", "outcome", "votes_for", "votes_against"]
    list_filter = ["status", "outcome", "committee"]
    list_select_related = ["case", "committee"]
    inlines = [VoteInline]


@admin.register(RecognitionDecision)
class RecognitionDecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "date", "committee", "level", "signed_by"]
    list_select_related = ["committee", "level", "signed_by"]
    search_fields = ["number"]
