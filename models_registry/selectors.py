"""Reads. Every list of cases starts from ``initiative_list``, which scopes it to the
user; every case a view touches comes from ``initiative_get``, which 404s outside it."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import Count, F, Lookup, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from units.access import case_visibility, units_for_officer
from units.models import Unit
from units.text import fold
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .conditions import Attention, attention_filter
from .models import FIELD_FLAGS, Campaign, CampaignStatus, Initiative, ProgressReport


def initiative_list(*, actor) -> QuerySet[Initiative]:
    """Every case ``actor`` may see, with what a list row shows, in a stable order."""
    qs = Initiative.objects.select_related("campaign", "unit", "target_level", "recognized_level")
    if actor.is_superuser:
        return qs
    visibility = case_visibility(actor)
    return qs if visibility is None else qs.filter(visibility)


# What a row of the case list shows (the list reads nothing else of a case or of its
# campaign, unit and levels): the goals and the folded search text stay in the database.
LIST_ROW_FIELDS = (
    "name", "state", "subject", *FIELD_FLAGS, "campaign__year", "unit__name",
    "target_level__name", "recognized_level__name",
)  # fmt: skip


def initiative_rows(cases: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """``cases`` (from ``initiative_list``) reading only what a list row shows."""
    return cases.only(*LIST_ROW_FIELDS)


def returned_drafts(
    cases: QuerySet[Initiative], *, today, limit: int
) -> list[tuple[Initiative, TransitionLog]]:
    """The returned drafts among ``cases`` (the list's "Bị trả lại" filter), most
    recently returned first, each with the return that sent it back (its reason, who,
    when): two queries, whatever ``limit``."""
    last = TransitionLog.objects.filter(
        case=OuterRef("pk"), transition="return_for_revision"
    ).order_by("-at", "-id")
    rows = list(
        attention_filter(cases, Attention.RETURNED, today=today)
        .annotate(last_return=Subquery(last.values("pk")[:1]))
        .order_by("-last_return")[:limit]
    )
    logs = TransitionLog.objects.select_related("actor").in_bulk([r.last_return for r in rows])
    return [(row, logs[row.last_return]) for row in rows]


def initiative_get(*, actor, pk: int) -> Initiative:
    """The case, if ``actor`` may see it; 404 otherwise (never a hint that it exists)."""
    try:
        return (
            initiative_list(actor=actor)
            .select_related("created_by", "continues_from__campaign")
            .get(pk=pk)
        )
    except (Initiative.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy hồ sơ.") from None


class _EqualsAny(Lookup):
    """``lhs = ANY(rhs)``, rhs an array: an index condition, where ``IN (subquery)`` is
    a filter that an OR with another index's condition cannot use."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def initiative_search(qs: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Diacritic- and case-insensitive search in the name, goals and unit name: every
    folded word must appear in the case's folded text or in its unit's folded name.

    On PostgreSQL the case's side is answered by the trigram index on ``search_text``
    (migration 0008) and the unit's side by ``unit_id = ANY(ARRAY(units whose name has
    the word))``, evaluated once, so that both sides are index scans the planner can OR
    together; a join with the unit in the condition would read every case instead."""
    postgres = connections[qs.db].vendor == "postgresql"
    for word in fold(text).split():
        if postgres:
            units = ArraySubquery(
                Unit.objects.filter(name_key__contains=word).order_by().values("pk")
            )
            unit_side = _EqualsAny(F("unit_id"), units)
        else:
            unit_side = Q(unit__name_key__contains=word)
        qs = qs.filter(Q(search_text__contains=word) | unit_side)
    return qs


def progress_report_list(*, initiative: Initiative) -> list[ProgressReport]:
    """The case's progress reports, oldest first, each with its author and attachments:
    two queries whatever their number. Access to the case is checked by the caller
    (``initiative_get``)."""
    return list(
        ProgressReport.objects.filter(initiative=initiative)
        .select_related("created_by")
        .prefetch_related("attachments")
        .order_by("report_date", "id")
    )


# A unit's own figures, as its periodic report states them: registered (sent and not
# withdrawn), running, finished (inspected or decided), recognised at the ladder's lowest
# level (cấp cơ sở) and above it (cấp huyện, thành phố and higher).
FINISHED_STATES = (State.INSPECTED, State.RECOGNIZED, State.NOT_RECOGNIZED)


def unit_case_figures(*, unit: Unit, campaigns) -> dict[str, int]:
    """The counts of the cases of ``unit`` and its sub-units in ``campaigns`` (a
    queryset or list of campaigns) that a unit's report starts from, in one aggregate
    query: ``models_registered``, ``models_running``, ``models_finished``,
    ``recognized_grassroots``, ``recognized_city``."""
    recognized = Q(state=State.RECOGNIZED)
    figures = Initiative.objects.filter(
        campaign__in=campaigns, unit__path__startswith=unit.path
    ).aggregate(
        models_registered=Count("pk", filter=~Q(state__in=(State.DRAFT, State.WITHDRAWN))),
        models_running=Count("pk", filter=Q(state=State.IN_PROGRESS)),
        models_finished=Count("pk", filter=Q(state__in=FINISHED_STATES)),
        recognized_grassroots=Count("pk", filter=recognized & Q(recognized_level__rank=1)),
        recognized_city=Count("pk", filter=recognized & Q(recognized_level__rank__gt=1)),
    )
    return {key: int(value or 0) for key, value in figures.items()}


def initiative_continuations(*, actor, initiative: Initiative) -> list[Initiative]:
    """The cases that carry ``initiative`` over into later years, as far as ``actor``
    may see them."""
    return list(
        initiative_list(actor=actor)
        .filter(continues_from=initiative)
        .order_by("campaign__year", "id")
    )


# Which models may be carried over; the rule is explained in services/carry_over.py.
CARRY_OVER_STATES = frozenset(
    {State.IN_PROGRESS, State.INSPECTED, State.RECOGNIZED, State.NOT_RECOGNIZED}
)


def carry_over_target() -> Campaign | None:
    """The campaign models are carried into: this year's, the latest open one (not one
    still being prepared, nor a closed one)."""
    return Campaign.objects.filter(status=CampaignStatus.OPEN).order_by("-year").first()


def carry_over_candidates(
    *, actor, campaign: Campaign | None
) -> tuple[Campaign | None, QuerySet[Initiative]]:
    """The previous campaign and its models that ``actor``'s units ran, each annotated
    with ``carried_pk``: the pk of its continuation in ``campaign``, or None."""
    previous = (
        Campaign.objects.filter(year__lt=campaign.year).order_by("-year").first()
        if campaign
        else None
    )
    if previous is None:
        return None, Initiative.objects.none()
    continuation = Initiative.objects.filter(
        continues_from=OuterRef("pk"), campaign=campaign
    ).values("pk")[:1]
    qs = (
        Initiative.objects.filter(
            campaign=previous,
            unit__in=units_for_officer(actor),
            state__in=CARRY_OVER_STATES,
        )
        .select_related("campaign", "unit", "target_level", "recognized_level")
        .annotate(carried_pk=Subquery(continuation))
        .order_by("unit__path", "name", "id")
    )
    return previous, qs
