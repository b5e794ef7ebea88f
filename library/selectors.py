"""Reads of the library. Everything the library shows starts from ``library_models``:
recognised cases with a live publication, and nothing else — a draft, a registered, a
rejected or an unpublished case is not in it, whoever asks and however (list, search,
a guessed id)."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from committees.models import AWARDED, VoteRound
from inspections.models import FieldVisit, VisitStatus
from models_registry.models import (
    FIELD_FLAGS,
    Field,
    Initiative,
    ProgressAttachment,
    ProgressReport,
)
from models_registry.selectors import initiative_search
from units.models import Unit
from workflow.lifecycle import State

from .models import IMAGE_TYPES, Publication, PublishedPhoto

# What the library's list shows of a model (and nothing of its authors or its log).
ROW_FIELDS = (
    "name", "state", "subject", *FIELD_FLAGS, "campaign__year", "unit__name",
    "recognized_level__name",
    "publication__published_at",
)  # fmt: skip


def _replications() -> QuerySet[Initiative]:
    """The cases that replicate a model: every one but those withdrawn."""
    return Initiative.objects.exclude(state=State.WITHDRAWN)


def library_models() -> QuerySet[Initiative]:
    """The models in the library: recognised, published and not withdrawn, newest
    publication first, each with ``replication_count`` (units that replicate it)."""
    count = (
        _replications()
        .filter(based_on=OuterRef("pk"))
        .order_by()
        .values("based_on")
        .annotate(n=Count("unit", distinct=True))
        .values("n")
    )
    return (
        Initiative.objects.filter(
            state=State.RECOGNIZED,
            publication__isnull=False,
            publication__withdrawn_at__isnull=True,
        )
        .select_related("campaign", "unit", "recognized_level", "publication")
        .annotate(replication_count=Coalesce(Subquery(count), 0))
        .order_by("-publication__published_at", "-id")
    )


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    field: str = ""
    unit: Unit | None = None
    level: str = ""
    year: int | None = None


def library_filter(qs: QuerySet[Initiative], filters: LibraryFilters) -> QuerySet[Initiative]:
    """``qs`` narrowed by the list's search (diacritics ignored, the case list's own
    search and trigram index) and filters (a unit includes its sub-units)."""
    if filters.q.strip():
        qs = initiative_search(qs, filters.q)
    if filters.field in Field.values:
        qs = qs.filter(**{f"field_{filters.field}": True})
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=filters.unit.path)
    if filters.level:
        qs = qs.filter(recognized_level__name=filters.level)
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    return qs


def library_rows(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return qs.only(*ROW_FIELDS)


def library_choices() -> dict:
    """The options of the list's filters: only values some published model has."""
    live = library_models().order_by()
    years = sorted(set(live.values_list("campaign__year", flat=True)), reverse=True)
    levels = sorted(set(live.values_list("recognized_level__name", flat=True)) - {None})
    units = list(
        Unit.objects.filter(pk__in=live.values("unit_id")).only("name", "path").order_by("name")
    )
    return {"years": years, "levels": levels, "units": units, "fields": Field.choices}


def library_model_get(pk) -> Initiative:
    """The published model ``pk``; 404 for any other case (never a hint it exists)."""
    try:
        return library_models().get(pk=pk)
    except (Initiative.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy mô hình trong thư viện.") from None


@dataclass
class ModelPage:
    """What a model's library page shows: the unit's results, the completed field
    visits (findings, score), the decisions, the photos the unit chose, the units that
    replicate it. Nothing about who wrote what (no personal data)."""

    reports: list
    visits: list
    decisions: list
    photos: list
    replications: list


def library_model_page(model: Initiative) -> ModelPage:
    reports = list(
        ProgressReport.objects.filter(initiative=model)
        .only("kind", "report_date", "achievements", "percent_complete")
        .order_by("report_date", "id")
    )
    visits = list(
        FieldVisit.objects.filter(inspection__case=model, status=VisitStatus.COMPLETED)
        .only("visit_date", "findings", "verdict", "total_points", "max_points")
        .order_by("visit_date", "id")
    )
    decisions = [
        round.decision
        for round in VoteRound.objects.filter(
            case=model, outcome__in=AWARDED, decision__isnull=False
        )
        .select_related("decision__level")
        .order_by("decision__date", "decision_id")
    ]
    photos = list(
        PublishedPhoto.objects.filter(initiative=model)
        .select_related("attachment")
        .only("attachment__original_name", "initiative_id")
    )
    replications = list(
        _replications()
        .filter(based_on=model)
        .select_related("unit", "campaign")
        .only("unit__name", "campaign__year", "state")
        .order_by("campaign__year", "unit__name", "id")
    )
    return ModelPage(reports, visits, decisions, photos, replications)


def recognised_cases() -> QuerySet[Initiative]:
    """Every recognised case with its publication (or none), for the secretariat's page:
    the newest year first."""
    return (
        Initiative.objects.filter(state=State.RECOGNIZED)
        .select_related("campaign", "unit", "recognized_level", "publication")
        .only(*ROW_FIELDS, "publication__withdrawn_at")
        .order_by("-campaign__year", "unit__path", "name", "id")
    )


def library_photo_get(*, model: Initiative, photo_pk) -> PublishedPhoto:
    """A photo the unit chose, of a model in the library; 404 otherwise."""
    try:
        return PublishedPhoto.objects.select_related("attachment").get(
            pk=photo_pk, initiative=model
        )
    except (PublishedPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy ảnh.") from None


def replications_by_year() -> list[tuple[int, int]]:
    """(campaign year, number of replicating cases) for every year with some, oldest
    first: the dashboard's count."""
    return list(
        _replications()
        .filter(based_on__isnull=False)
        .order_by()
        .values_list("campaign__year")
        .annotate(n=Count("id"))
        .order_by("campaign__year")
    )


# The states in which a unit may choose the photos the library will show (its reports
# are written while the model runs; it is published once recognised).
PHOTO_STATES = (State.IN_PROGRESS, State.INSPECTED, State.RECOGNIZED)


def case_library_panel(*, initiative: Initiative, with_images: bool) -> dict:
    """For the case page: its publication (or None), the photos its progress reports
    carry (``with_images``: for its unit's officer to choose from, for the secretariat
    to count; each with ``library_release`` when chosen), the model it replicates and
    the cases that replicate it. Reads nothing for a case that has none of these (a
    draft costs the case page no query)."""
    recognised = initiative.state == State.RECOGNIZED
    images = []
    if with_images and initiative.state in PHOTO_STATES:
        images = list(
            ProgressAttachment.objects.filter(
                report__initiative=initiative, content_type__in=IMAGE_TYPES
            )
            .select_related("library_release")
            .order_by("id")
        )
    based_on = None
    if initiative.based_on_id:
        based_on = (
            Initiative.objects.filter(pk=initiative.based_on_id)
            .select_related("unit", "campaign")
            .first()
        )
    replications = []
    if recognised:
        replications = list(
            _replications()
            .filter(based_on=initiative)
            .select_related("unit", "campaign")
            .order_by("campaign__year", "unit__name", "id")
        )
    return {
        "publication": (
            Publication.objects.filter(initiative=initiative).first() if recognised else None
        ),
        "images": images,
        "based_on": based_on,
        "replications": replications,
    }
