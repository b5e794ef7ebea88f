"""Reads for the committee pages that need the domain's fields: which cases a committee
reviews (its queue), with what the members weigh — the inspection summary and the
unit's progress reports — and the rows of a decision's annex.

The queue mirrors ``Initiative.committee_errors`` as one query: inspected cases of the
committee's campaign, registered by its unit or a unit under it, for its level or above;
and cases recognised there below its level (an upgrade). A case leaves the queue once
the committee has closed a round on it.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from models_registry.models import Initiative, ProgressReport
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .models import AWARDED, Committee, RecognitionDecision, RoundStatus, Vote, VoteRound
from .selectors import committees_of


def committee_queue(*, committee: Committee) -> QuerySet[Initiative]:
    """The cases waiting for ``committee``'s vote, annotated with ``waiting_since`` (when
    they became inspected, or recognised below the committee's level), oldest first."""
    level = committee.level
    decided = VoteRound.objects.filter(
        committee=committee, case=OuterRef("pk"), status=RoundStatus.CLOSED
    )
    since = (
        TransitionLog.objects.filter(
            case=OuterRef("pk"), target__in=[State.INSPECTED, State.RECOGNIZED]
        )
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    to_recognise = Q(state=State.INSPECTED) & (
        Q(target_level__isnull=True) | Q(target_level__rank__gte=level.rank)
    )
    to_upgrade = Q(state=State.RECOGNIZED, recognized_level__rank__lt=level.rank)
    return (
        Initiative.objects.filter(
            campaign_id=level.campaign_id, unit__path__startswith=committee.unit.path
        )
        .filter(to_recognise | to_upgrade)
        .exclude(Exists(decided))
        .annotate(waiting_since=Subquery(since))
        .order_by("waiting_since", "pk")
    )


def committee_review_list(*, committee: Committee) -> list[Initiative]:
    """The queue with everything the review page shows, in a fixed number of queries:
    unit and levels, progress reports, and the inspections with their visit, recommended
    level and photos (through the case's ``inspections`` relation)."""
    return list(
        committee_queue(committee=committee)
        .select_related("campaign", "unit", "target_level", "recognized_level")
        .prefetch_related(
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.order_by("report_date", "pk"),
            ),
            "inspections__visit__recommended_level",
            "inspections__visit__attachments",
        )
    )


def latest_visit(case: Initiative):
    """The case's latest completed field visit, from its prefetched inspections."""
    visits = [
        inspection.visit
        for inspection in case.inspections.all()
        if getattr(inspection, "visit", None) is not None and inspection.visit.is_completed
    ]
    return max(
        visits, key=lambda v: (v.completed_at is not None, v.completed_at, v.pk), default=None
    )


def decision_awarded_rounds(*, decision: RecognitionDecision) -> list[VoteRound]:
    """The rounds a decision awarded, with their cases' units, in the annex's order: by
    unit (as the directory lists them), then collective before individual, then name."""
    return list(
        VoteRound.objects.filter(decision=decision, outcome__in=AWARDED)
        .select_related("case__unit", "case__campaign")
        .order_by("case__unit__path", "case__subject", "case__name", "pk")
    )


def case_awards(*, case_ids) -> dict[int, list[VoteRound]]:
    """The awarded rounds of each case (for last year's recognition), with decisions."""
    awards: dict[int, list[VoteRound]] = {}
    for round_ in (
        VoteRound.objects.filter(case_id__in=list(case_ids), outcome__in=AWARDED)
        .select_related("decision", "decision__level", "committee")
        .order_by("closed_at", "pk")
    ):
        awards.setdefault(round_.case_id, []).append(round_)
    return awards


def vote_awaited(qs, *, today, user):
    """The cases of ``qs`` in the queue of a committee ``user`` sits on (see
    ``committee_queue``) on which they have not voted in the open round: the case list's
    "Chờ bạn biểu quyết" (registered in ``CommitteesConfig.ready``). One ``IN`` per
    committee of theirs (a member sits on a handful)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    awaited = Q(pk__in=[])
    for committee in committees_of(user):
        voted = Vote.objects.filter(
            member=user,
            round__committee=committee,
            round__status=RoundStatus.OPEN,
            round__case=OuterRef("pk"),
        )
        queue = committee_queue(committee=committee).exclude(Exists(voted))
        awaited |= Q(pk__in=queue.order_by().values("pk"))
    return qs.filter(awaited)
