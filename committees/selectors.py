"""Reads for committees: who sits on which, the rounds with their running tallies, a
case's rounds and decisions. The reads that need the case's own fields (the queue, the
annex's rows) are in ``case_selectors``."""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from audit.models import AuditEntry
from workflow.lifecycle import DECIDED_STATES

from .models import (
    ChangeStatus,
    Committee,
    CommitteeChange,
    RecognitionDecision,
    RoundStatus,
    Vote,
    VoteRound,
)
from .services import Tally, tally_make


def committees_of(user) -> QuerySet[Committee]:
    """The committees ``user`` sits on (as a member or the chair), lowest level first."""
    if user is None or not user.is_authenticated:
        return Committee.objects.none()
    # Through a subquery: filtering on ``members`` directly would make the count below
    # count only the matching member.
    mine = Committee.objects.filter(Q(members=user) | Q(chair=user)).values("pk")
    return (
        Committee.objects.filter(pk__in=mine)
        .select_related("level", "unit", "chair")
        .annotate(member_total=Count("members", distinct=True))
        .order_by("-pk")
    )


def is_committee_member(user) -> bool:
    return committees_of(user).exists()


def committee_get(*, actor, pk: int, related: tuple[str, ...] = ()) -> Committee:
    """The committee, if ``actor`` sits on it (or is a superuser); 404 otherwise.
    ``related``: more relations to read along (the pages above name their own)."""
    qs = (
        Committee.objects.select_related("level", "unit", "chair").annotate(
            member_total=Count("members", distinct=True)
        )
        if actor.is_superuser
        else committees_of(actor)
    )
    try:
        return qs.select_related(*related).get(pk=pk)
    except (Committee.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy hội đồng.") from None


def committee_members(committee: Committee) -> list:
    return list(committee.members.order_by("first_name", "last_name", "username"))


def _with_counts(qs: QuerySet[VoteRound]) -> QuerySet[VoteRound]:
    """Running counts of an open round: the votes of the members it was opened with
    (``electorate``, how many they are)."""
    of_member = Q(votes__member__seated_rounds=F("pk"))
    electorate = VoteRound.members.through.objects.filter(voteround_id=OuterRef("pk"))
    return qs.annotate(
        electorate=Subquery(
            electorate.values("voteround_id").annotate(n=Count("pk")).values("n")[:1]
        ),
        live_for=Count("votes", filter=of_member & Q(votes__in_favour=True), distinct=True),
        live_against=Count("votes", filter=of_member & Q(votes__in_favour=False), distinct=True),
    )


def rounds_with_my_vote(qs: QuerySet[VoteRound], *, user) -> QuerySet[VoteRound]:
    mine = Vote.objects.filter(round=OuterRef("pk"), member=user)
    return qs.annotate(
        my_vote=Subquery(mine.values("in_favour")[:1]),
        my_comment=Subquery(mine.values("comment")[:1]),
    )


def round_tally_of(round_: VoteRound, *, members: int) -> Tally:
    """The tally of a round read by ``rounds_open`` / ``case_rounds`` (no query): its
    electorate when it has one (the members it was opened with), else ``members``."""
    if round_.status == RoundStatus.CLOSED and round_.member_count is not None:
        return tally_make(
            round_.committee,
            members=round_.member_count,
            votes_for=round_.votes_for,
            votes_against=round_.votes_against,
        )
    electorate = getattr(round_, "electorate", None)
    return tally_make(
        round_.committee,
        members=electorate if electorate is not None else members,
        votes_for=getattr(round_, "live_for", 0),
        votes_against=getattr(round_, "live_against", 0),
    )


def rounds_open(*, committee: Committee) -> QuerySet[VoteRound]:
    """The committee's open rounds with their running counts and their votes (with the
    voters), oldest first."""
    return _with_counts(
        VoteRound.objects.filter(committee=committee, status=RoundStatus.OPEN)
        .select_related("committee")
        .prefetch_related(
            Prefetch("votes", queryset=Vote.objects.select_related("member").order_by("cast_at"))
        )
    ).order_by("opened_at", "pk")


def rounds_of_cases(*, committee: Committee, case_ids, user=None) -> dict[int, VoteRound]:
    """The committee's latest round on each of ``case_ids`` (open or closed, not voided),
    with counts
    and, given ``user``, their vote (``my_vote``: True, False or None; ``my_comment``)."""
    rounds = _with_counts(
        VoteRound.objects.filter(committee=committee, case_id__in=list(case_ids))
        .exclude(status=RoundStatus.VOID)
        .select_related("committee", "decision")
    ).order_by("case_id", "-opened_at", "-pk")
    if user is not None:
        rounds = rounds_with_my_vote(rounds, user=user)
    latest: dict[int, VoteRound] = {}
    for round_ in rounds:
        latest.setdefault(round_.case_id, round_)
    return latest


def case_rounds(*, case) -> list[VoteRound]:
    """Every round on ``case``, latest first, with its committee, level, decision, running
    counts and votes (with the voters): a fixed number of queries."""
    return list(
        _with_counts(
            VoteRound.objects.filter(case_id=case.pk)
            .select_related("committee", "committee__level", "decision", "decision__level")
            .annotate(member_total=Count("committee__members", distinct=True))
            .prefetch_related(
                Prefetch(
                    "votes", queryset=Vote.objects.select_related("member").order_by("cast_at")
                )
            )
        ).order_by("-opened_at", "-pk")
    )


def decisions_of(*, committee: Committee) -> QuerySet[RecognitionDecision]:
    return (
        RecognitionDecision.objects.filter(committee=committee)
        .select_related("level", "signed_by")
        .annotate(case_total=Count("rounds", distinct=True))
        .order_by("-date", "-pk")
    )


def decision_get(*, pk: int) -> RecognitionDecision:
    """The decision with its committee and level (access is checked by the caller)."""
    try:
        return RecognitionDecision.objects.select_related(
            "committee", "committee__unit", "committee__chair", "level", "signed_by"
        ).get(pk=pk)
    except (RecognitionDecision.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy quyết định.") from None


def decision_rounds(*, decision: RecognitionDecision) -> QuerySet[VoteRound]:
    """The rounds a decision awarded (its cases), with the cases."""
    return VoteRound.objects.filter(decision=decision).select_related("case").order_by("pk")


# --- the committee's reach among the cases (registered with units.access) -----------------


def _seat_paths(user) -> list[str]:
    """The unit paths of the committees ``user`` sits on now, read once per user object
    (the access rules ask for them several times a request)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_dvk_committee_paths", None)
    if cached is None:
        cached = sorted(
            set(
                Committee.objects.filter(Q(members=user) | Q(chair=user)).values_list(
                    "unit__path", flat=True
                )
            )
        )
        user._dvk_committee_paths = cached
    return cached


def committee_case_scope(user) -> Q:
    """The cases a committee member may see: those before or past a decision
    (inspected, recognised, not recognised) in the reach of a committee they sit on now —
    its unit and every unit under it. No committee, no case."""
    paths = _seat_paths(user)
    if not paths:
        return Q(pk__in=[])
    reach = Q()
    for path in paths:
        reach |= Q(unit__path__startswith=path)
    return reach & Q(state__in=DECIDED_STATES)


def committee_holds(case, user) -> bool:
    """Whether ``user`` acts as the committee over ``case`` (re-inspection, votes):
    the reach of a committee they sit on now. Whether the case's state allows the
    action is the engine's question, not this one."""
    return any(case.unit.path.startswith(path) for path in _seat_paths(user))


# --- the secretariat's composition pages ---------------------------------------------------


def committee_manage_list() -> list[Committee]:
    """Every committee, newest year first, with its level, campaign, unit, chair, member
    count and pending changes: one query."""
    return list(
        Committee.objects.select_related("level__campaign", "unit", "chair")
        .annotate(
            member_total=Count("members", distinct=True),
            pending_total=Count(
                "changes", filter=Q(changes__status=ChangeStatus.PENDING), distinct=True
            ),
        )
        .order_by("-level__campaign__year", "level__rank", "name", "pk")
    )


def committee_manage_get(*, pk) -> Committee:
    """A committee for the secretariat's pages, with its members read along."""
    try:
        return (
            Committee.objects.select_related("level__campaign", "unit", "chair")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=get_user_model().objects.order_by(
                        "first_name", "last_name", "username"
                    ),
                )
            )
            .get(pk=pk)
        )
    except (Committee.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy hội đồng.") from None


def committee_pending_changes(*, committee: Committee) -> list[CommitteeChange]:
    return list(
        CommitteeChange.objects.filter(committee=committee, status=ChangeStatus.PENDING)
        .select_related("chair", "made_by")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
            )
        )
        .order_by("effective_on", "pk")
    )


HISTORY_LIMIT = 20


def committee_history(*, committee: Committee) -> list[AuditEntry]:
    """The committee's latest rows in the administration log."""
    return list(
        AuditEntry.objects.filter(
            target_type=Committee._meta.label_lower, target_id=str(committee.pk)
        ).order_by("-at", "-pk")[:HISTORY_LIMIT]
    )
