from django.contrib import admin

from .models import Committee, RecognitionDecision, Vote, VoteRound


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    """Read-only: committees are set up and composed on the secretariat's pages
    (/hoi-dong/quan-ly/), which write the administration log and keep rounds seated."""

    list_display = ["name", "level", "unit", "chair"]
    list_select_related = ["level", "unit", "chair"]
    search_fields = ["name"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
