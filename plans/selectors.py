"""Reads of the yearly plan, for the secretariat's pages."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from committees.models import Committee
from inspections.models import Criterion
from models_registry.models import Campaign, DeadlineExtension, Initiative


def _count(queryset: QuerySet, outer: str = "campaign") -> Subquery:
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def campaign_list() -> QuerySet[Campaign]:
    """Every campaign, newest first, with how many cases, levels and extensions in force
    it has (one query whatever the number of campaigns)."""
    return Campaign.objects.annotate(
        case_count=_count(Initiative.objects.all()),
        extension_count=_count(DeadlineExtension.objects.filter(revoked_at__isnull=True)),
    ).order_by("-year")


def campaign_latest() -> Campaign | None:
    return Campaign.objects.order_by("-year").first()


def campaign_parts(campaign: Campaign) -> dict:
    """What a campaign's page shows besides its fields: levels, criteria by subject,
    committees (with their chair and member count)."""
    return {
        "levels": list(campaign.levels.order_by("rank")),
        "criteria": list(Criterion.objects.filter(campaign=campaign).order_by("subject", "order")),
        "committees": list(
            Committee.objects.filter(level__campaign=campaign)
            .select_related("level", "unit", "chair")
            .annotate(member_count=Count("members"))
            .order_by("level__rank", "name")
        ),
    }


def extension_list(*, campaign: Campaign, include_revoked: bool = True) -> QuerySet:
    """The campaign's extensions, in force first, newest first."""
    queryset = DeadlineExtension.objects.filter(campaign=campaign)
    if not include_revoked:
        queryset = queryset.filter(revoked_at__isnull=True)
    return queryset.select_related("unit", "granted_by", "revoked_by").order_by(
        "revoked_at", "-granted_at", "-id"
    )


def extension_get(pk: int) -> DeadlineExtension:
    return DeadlineExtension.objects.select_related("campaign", "unit").get(pk=pk)
