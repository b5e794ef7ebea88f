"""Committee votes and recognition decisions.

A member's first vote on a case opens the committee's round for it; members vote for or
against, with a comment, and may change their vote until the chair closes the round. The
chair closes one round or many at once: each round is decided on its tally against the
committee's rule (quorum and approval shares, both counted against ALL members), the
cases that passed are recognised (or upgraded) at the committee's level under one
decision number and date, the others are not recognised, with the tally as the reason.
Every state change goes through the workflow's door (``transitions_apply``, the batch
form); the guards registered below make sure it only happens that way.

Concurrency: the vote and the close both lock the round row (``select_for_update``), so a
vote that arrives while the chair closes is either counted before the close or refused
after it, and two closes of one round record one decision.
"""

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.services.batch import BatchRefused, transitions_apply
from workflow.services.transitions import TransitionConflict, case_model

from .models import (
    AWARDED,
    Committee,
    RecognitionDecision,
    RoundOutcome,
    RoundStatus,
    Vote,
    VoteRound,
)

NOT_MEMBER = "Chỉ thành viên của “{committee}” mới được biểu quyết."
NOT_SEATED = (
    "Phiên biểu quyết hồ sơ “{case}” mở trước khi đồng chí vào hội đồng; phiên giữ nguyên "
    "thành phần lúc mở nên đồng chí không biểu quyết trong phiên này."
)
ONLY_CHAIR = "Chỉ Chủ tịch hội đồng mới được kết thúc biểu quyết và ký quyết định công nhận."
ROUND_CLOSED = "Hội đồng đã kết thúc biểu quyết hồ sơ “{case}”; phiếu không được ghi nhận."
NOTHING_SELECTED = "Chưa chọn hồ sơ nào để kết thúc biểu quyết."
ROUND_UNKNOWN = "Không tìm thấy phiên biểu quyết đã chọn của hội đồng này."
ALREADY_CLOSED = (
    "Phiên biểu quyết hồ sơ “{case}” vừa được kết thúc (có thể ở một cửa sổ khác). "
    "Vui lòng tải lại trang."
)
NUMBER_REQUIRED = "Vui lòng nhập số quyết định công nhận."
DATE_REQUIRED = "Vui lòng nhập ngày ký quyết định công nhận."
NUMBER_TAKEN = "Số quyết định “{number}” đã được hội đồng dùng cho một quyết định khác."
ON_CASE = "Hồ sơ “{case}”: {message}"
CHAIR_NOT_MEMBER = "Chủ tịch hội đồng phải là một thành viên của hội đồng."
SHARE_INVALID = "Tỷ lệ {label} phải lớn hơn 0 và không quá 100%."

# The guards' words: they refuse any recognition, rejection or upgrade that does not come
# from a round the chair closed through ``rounds_close``.
NO_ROUND = "Chưa có kết quả biểu quyết của hội đồng cho hồ sơ này."
ROUND_NOT_CLOSED_AS = (
    "Phiên biểu quyết chưa được Chủ tịch hội đồng kết thúc với kết quả “{outcome}”."
)
RULE_NOT_MET = "Kết quả biểu quyết chưa đạt yêu cầu: {tally}"
RULE_MET = "Kết quả biểu quyết đã đạt yêu cầu, không thể không công nhận: {tally}"
LEVEL_NOT_COMMITTEES = "Hội đồng chỉ công nhận ở cấp của mình ({level})."
NO_DECISION = "Chưa có quyết định công nhận (số, ngày) cho phiên biểu quyết này."

REASON_QUORUM = "chưa đủ số thành viên tham gia biểu quyết ({cast}/{members}, cần ít nhất {need})"
REASON_APPROVAL = "số phiếu tán thành chưa đạt ({votes_for}/{members}, cần ít nhất {need})"
NOT_MET_REASON = "Không đạt yêu cầu biểu quyết của hội đồng: {parts}."


@dataclass(frozen=True)
class Tally:
    """A round's count against its committee's rule. Both shares are counted against
    all members, so absent members count against quorum and approval alike."""

    members: int
    votes_for: int
    votes_against: int
    quorum: Fraction
    approval: Fraction

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against

    @property
    def quorum_needed(self) -> int:
        return math.ceil(self.members * self.quorum)

    @property
    def approval_needed(self) -> int:
        return math.ceil(self.members * self.approval)

    @property
    def quorum_met(self) -> bool:
        return self.members > 0 and self.cast >= self.quorum_needed

    @property
    def approval_met(self) -> bool:
        return self.members > 0 and self.votes_for >= self.approval_needed

    @property
    def met(self) -> bool:
        return self.quorum_met and self.approval_met

    def display(self) -> str:
        return (
            f"{self.cast}/{self.members} thành viên đã biểu quyết (cần ít nhất "
            f"{self.quorum_needed}), {self.votes_for} tán thành (cần ít nhất "
            f"{self.approval_needed}), {self.votes_against} không tán thành."
        )

    def failure_reason(self) -> str:
        parts = []
        if not self.quorum_met:
            parts.append(
                REASON_QUORUM.format(cast=self.cast, members=self.members, need=self.quorum_needed)
            )
        if not self.approval_met:
            parts.append(
                REASON_APPROVAL.format(
                    votes_for=self.votes_for, members=self.members, need=self.approval_needed
                )
            )
        return NOT_MET_REASON.format(parts="; ".join(parts)) if parts else ""


def tally_make(committee: Committee, *, members: int, votes_for: int, votes_against: int) -> Tally:
    return Tally(
        members=members,
        votes_for=votes_for,
        votes_against=votes_against,
        quorum=committee.quorum,
        approval=committee.approval,
    )


def _counts(round_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(for, against) per round, counting the votes of the members it was opened with."""
    rows = (
        Vote.objects.filter(round_id__in=list(round_ids), member__seated_rounds=F("round_id"))
        .values("round_id")
        .annotate(
            votes_for=Count("pk", filter=Q(in_favour=True)),
            votes_against=Count("pk", filter=Q(in_favour=False)),
        )
    )
    return {row["round_id"]: (row["votes_for"], row["votes_against"]) for row in rows}


def round_tally(round_: VoteRound) -> Tally:
    """The round's tally: frozen once closed, counted from its votes while open."""
    committee = round_.committee
    if round_.status == RoundStatus.CLOSED and round_.member_count is not None:
        return tally_make(
            committee,
            members=round_.member_count,
            votes_for=round_.votes_for,
            votes_against=round_.votes_against,
        )
    votes_for, votes_against = _counts([round_.pk]).get(round_.pk, (0, 0))
    return tally_make(
        committee,
        members=round_.members.count(),
        votes_for=votes_for,
        votes_against=votes_against,
    )


# --- committees ---------------------------------------------------------------------------


def _share(value, label: str) -> Fraction:
    share = Fraction(value)
    if not 0 < share <= 1:
        raise WorkflowError(SHARE_INVALID.format(label=label))
    return share


def committee_create(
    *,
    name: str,
    level,
    unit,
    chair,
    members: Iterable,
    quorum: Fraction | str = Fraction(2, 3),
    approval: Fraction | str = Fraction(7, 10),
) -> Committee:
    """A committee for ``level`` and ``unit`` with its rule (shares as fractions, e.g.
    ``Fraction(2, 3)`` or ``"7/10"``). Guarantees: the chair is one of the members; both
    shares are in (0, 1]; one committee per level and unit (the database refuses a second)."""
    quorum = _share(quorum, "tham gia")
    approval = _share(approval, "tán thành")
    with transaction.atomic():
        committee = Committee.objects.create(
            name=name,
            level=level,
            unit=unit,
            chair=chair,
            quorum_numerator=quorum.numerator,
            quorum_denominator=quorum.denominator,
            approval_numerator=approval.numerator,
            approval_denominator=approval.denominator,
        )
        committee.members.set({chair, *members})
    return committee


def committee_members_set(*, committee: Committee, members: Iterable) -> Committee:
    """Replace the members; the chair stays one of them."""
    committee.members.set({committee.chair, *members})
    return committee


# --- votes --------------------------------------------------------------------------------


def _is_member(committee: Committee, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return committee.members.filter(pk=user.pk).exists()


def _open_round_locked(committee: Committee, case_pk: int) -> VoteRound | None:
    return (
        VoteRound.objects.select_for_update(of=("self",))
        .filter(committee=committee, case_id=case_pk, status=RoundStatus.OPEN)
        .first()
    )


def _round_for_vote(committee: Committee, case) -> VoteRound:
    """The committee's open round on ``case``, locked; opened if there is none yet."""
    locked = _open_round_locked(committee, case.pk)
    fresh = case_model()._default_manager.get(pk=case.pk)
    if (
        locked is None
        and VoteRound.objects.filter(
            committee=committee, case_id=case.pk, status=RoundStatus.CLOSED
        ).exists()
    ):
        raise WorkflowError(ROUND_CLOSED.format(case=fresh))
    errors = fresh.committee_errors(committee)
    if errors:
        raise WorkflowError(*errors)
    if locked is not None:
        return locked
    try:
        with transaction.atomic():
            round_ = VoteRound.objects.create(committee=committee, case=fresh)
            # The round keeps the members it was opened with.
            round_.members.set(committee.members.all())
            return round_
    except IntegrityError:
        # Another member's first vote opened it a moment ago (this insert waited on the
        # unique index until that one committed): vote in that round.
        locked = _open_round_locked(committee, case.pk)
        if locked is None:
            raise WorkflowError(ROUND_CLOSED.format(case=fresh)) from None
        return locked


def vote_cast(*, actor, committee: Committee, case, in_favour: bool, comment: str = "") -> Vote:
    """Record ``actor``'s vote on ``case`` in the committee's open round.

    Guarantees: only a member of the committee votes, only on a case the committee may
    decide now (``case.committee_errors``); the first vote opens the round (two first
    votes at once open one) with the committee's members of that moment, and only they
    vote in it (a member who joined later waits for the next round); one vote per member per round — voting again changes it;
    the round row is locked while the vote is written, so a vote never slips past the
    chair's close: it is counted before the close or refused after it."""
    if not _is_member(committee, actor):
        raise WorkflowError(NOT_MEMBER.format(committee=committee.name))
    comment = (comment or "").strip()
    with transaction.atomic():
        round_ = _round_for_vote(committee, case)
        if not round_.members.filter(pk=actor.pk).exists():
            raise WorkflowError(NOT_SEATED.format(case=case))
        vote = Vote.objects.filter(round=round_, member=actor).first()
        if vote is None:
            vote = Vote.objects.create(
                round=round_, member=actor, in_favour=bool(in_favour), comment=comment
            )
        else:
            vote.in_favour = bool(in_favour)
            vote.comment = comment
            vote.save(update_fields=["in_favour", "comment", "changed_at"])
    return vote


VOIDED_FOR_REINSPECTION = (
    "Hồ sơ được yêu cầu kiểm tra lại; các phiếu của phiên này không còn giá trị."
)


def rounds_void(*, case, reason: str = VOIDED_FOR_REINSPECTION) -> int:
    """End the open rounds on ``case`` without a decision (it went back to be inspected
    again), so that the votes cast on the old inspection are never counted; a new round
    opens with the next vote once the case is inspected again. Returns how many."""
    return VoteRound.objects.filter(case_id=case.pk, status=RoundStatus.OPEN).update(
        status=RoundStatus.VOID, closed_at=timezone.now(), reason=reason
    )


# --- closing rounds -----------------------------------------------------------------------


@dataclass
class CloseResult:
    decision: RecognitionDecision | None
    rounds: list[VoteRound] = field(default_factory=list)

    @property
    def awarded(self) -> list[VoteRound]:
        return [r for r in self.rounds if r.outcome in AWARDED]

    @property
    def not_awarded(self) -> list[VoteRound]:
        return [r for r in self.rounds if r.outcome not in AWARDED]


def rounds_close(
    *,
    actor,
    committee: Committee,
    round_ids: Sequence[int],
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> CloseResult:
    """The chair closes the given rounds together, each decided on its own tally.

    Guarantees, all in one transaction, all or nothing:
    - only the committee's chair; every round is the committee's and still open — the
      cases, then the rounds, are locked in id order (two closes, or a close and a
      reinspection, never deadlock) and one that was closed
      meanwhile refuses the whole call with ``TransitionConflict``, so a decision is
      recorded exactly once;
    - the tally is read under the lock and frozen on the round (votes cannot change
      after); the rule is quorum and approval, both against all members;
    - rounds that met the rule share ONE new decision (number unique per committee and
      required, with its date, when any round passed), and their cases are recognised —
      or upgraded, when already recognised below — at the committee's level through
      the batch door ``transitions_apply``, one call per transition (payload: level,
      decision, round, number, date, tally), so each recipient gets one message per
      transition listing its cases;
    - rounds that did not are closed with the tally as the reason (and the chair's
      words): the case is not recognised (``reject``), or stays recognised at its lower
      level when it was an upgrade;
    - a case a transition refuses (no positive inspection verdict, a guard, moved on
      meanwhile) refuses the whole batch: the error names that case and nothing at all
      is written (no decision, no closed round, no log, no message).
    """
    if actor is None or actor.pk != committee.chair_id:
        raise WorkflowError(ONLY_CHAIR)
    ids = sorted({int(pk) for pk in round_ids})
    if not ids:
        raise WorkflowError(NOTHING_SELECTED)
    decision_number = (decision_number or "").strip()
    reason = (reason or "").strip()
    today = today or timezone.localdate()

    with transaction.atomic():
        # The cases first, then the rounds: the order a reinspection takes (the case,
        # then its open rounds), so that the two never deadlock.
        case_ids = VoteRound.objects.filter(pk__in=ids, committee=committee).values("case_id")
        list(
            case_model()
            ._default_manager.select_for_update()
            .filter(pk__in=case_ids)
            .order_by("pk")
            .only("pk")
        )
        locked = list(
            VoteRound.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, committee=committee)
            .select_related("case")
            .order_by("pk")
        )
        if len(locked) != len(ids):
            raise WorkflowError(ROUND_UNKNOWN)
        closed = [r for r in locked if r.status != RoundStatus.OPEN]
        if closed:
            raise TransitionConflict(*(ALREADY_CLOSED.format(case=r.case) for r in closed))
        seated = _seated(ids)
        counts = _counts(ids)
        tallies = {
            r.pk: tally_make(committee, members=seated.get(r.pk, 0), **_as_kwargs(counts.get(r.pk)))
            for r in locked
        }
        errors = []
        for r in locked:
            errors += [
                ON_CASE.format(case=r.case, message=m) for m in r.case.committee_errors(committee)
            ]
        if errors:
            raise WorkflowError(*errors)

        decision = None
        if any(tallies[r.pk].met for r in locked):
            decision = _decision_create(
                committee=committee, actor=actor, number=decision_number, date=decision_date
            )
        now = timezone.now()
        # Each round closed on its tally, then its case moved through the batch door:
        # one call per transition (recognise, upgrade, reject), so each sends one signal
        # and its notices are grouped, one message per recipient.
        batches: dict[str, list[tuple[VoteRound, str, dict]]] = {}
        for r in locked:
            step = _close_one(
                r, tally=tallies[r.pk], decision=decision, actor=actor, reason=reason, now=now
            )
            if step is not None:
                batches.setdefault(step[0], []).append((r, step[1], step[2]))
        for name in ("recognize", "upgrade", "reject"):
            closing = batches.get(name, [])
            if not closing:
                continue
            try:
                logs = transitions_apply(
                    cases=[r.case for r, _, _ in closing],
                    name=name,
                    actor=actor,
                    payloads={r.case_id: payload for r, _, payload in closing},
                    reasons={r.case_id: why for r, why, _ in closing},
                    today=today,
                )
            except BatchRefused as error:
                # The refused case named, as a single close would name it.
                kind = (
                    TransitionConflict if isinstance(error, TransitionConflict) else WorkflowError
                )
                messages = (ON_CASE.format(case=error.case, message=m) for m in error.messages)
                raise kind(*messages) from error
            for (r, _, _), log in zip(closing, logs, strict=True):
                r.transition_log = log
            VoteRound.objects.bulk_update([r for r, _, _ in closing], ["transition_log"])
    return CloseResult(decision=decision, rounds=locked)


def round_close(
    *,
    actor,
    round_: VoteRound,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> CloseResult:
    """``rounds_close`` for one round."""
    return rounds_close(
        actor=actor,
        committee=round_.committee,
        round_ids=[round_.pk],
        decision_number=decision_number,
        decision_date=decision_date,
        reason=reason,
        today=today,
    )


def _seated(round_ids: Iterable[int]) -> dict[int, int]:
    """How many members each round was opened with."""
    rows = (
        VoteRound.members.through.objects.filter(voteround_id__in=list(round_ids))
        .values("voteround_id")
        .annotate(n=Count("pk"))
    )
    return {row["voteround_id"]: row["n"] for row in rows}


def _as_kwargs(pair: tuple[int, int] | None) -> dict[str, int]:
    votes_for, votes_against = pair or (0, 0)
    return {"votes_for": votes_for, "votes_against": votes_against}


def _decision_create(*, committee: Committee, actor, number: str, date) -> RecognitionDecision:
    errors = []
    if not number:
        errors.append(NUMBER_REQUIRED)
    if date is None:
        errors.append(DATE_REQUIRED)
    if errors:
        raise WorkflowError(*errors)
    if RecognitionDecision.objects.filter(committee=committee, number__iexact=number).exists():
        raise WorkflowError(NUMBER_TAKEN.format(number=number))
    try:
        with transaction.atomic():
            return RecognitionDecision.objects.create(
                committee=committee,
                level_id=committee.level_id,
                number=number,
                date=date,
                signed_by=actor,
            )
    except IntegrityError as exc:  # the same number, recorded a moment ago by another close
        raise WorkflowError(NUMBER_TAKEN.format(number=number)) from exc


def _close_one(
    round_: VoteRound,
    *,
    tally: Tally,
    decision: RecognitionDecision | None,
    actor,
    reason: str,
    now,
) -> tuple[str, str, dict] | None:
    """Close ``round_`` on its tally and save it (the guards read the closed round back
    from the database); return the transition its case takes, with its reason and
    payload, or None (an upgrade that failed leaves the case as it was)."""
    case = round_.case
    upgrade = case.state == State.RECOGNIZED
    round_.status = RoundStatus.CLOSED
    round_.closed_at = now
    round_.closed_by = actor
    round_.member_count = tally.members
    round_.votes_for = tally.votes_for
    round_.votes_against = tally.votes_against
    tally_payload = {
        "round_id": round_.pk,
        "member_count": tally.members,
        "votes_for": tally.votes_for,
        "votes_against": tally.votes_against,
    }
    if tally.met:
        round_.outcome = RoundOutcome.UPGRADED if upgrade else RoundOutcome.RECOGNIZED
        round_.decision = decision
        round_.reason = ""
        name, why = ("upgrade" if upgrade else "recognize"), ""
        payload = {
            **tally_payload,
            "level_id": round_.committee.level_id,
            "decision_id": decision.pk,
            "decision_number": decision.number,
            "decision_date": decision.date.isoformat(),
        }
    else:
        round_.outcome = RoundOutcome.NOT_UPGRADED if upgrade else RoundOutcome.NOT_RECOGNIZED
        round_.reason = " ".join(part for part in (tally.failure_reason(), reason) if part)
        name, why, payload = (None if upgrade else "reject"), round_.reason, tally_payload
    round_.save()
    return None if name is None else (name, why, payload)


# --- guards -------------------------------------------------------------------------------


def _decision_guard(case, *, actor, payload: dict, outcome: str) -> str | None:
    round_id = payload.get("round_id")
    if not isinstance(round_id, int):
        return NO_ROUND
    round_ = (
        VoteRound.objects.select_related("committee", "committee__level")
        .filter(pk=round_id, case_id=case.pk)
        .first()
    )
    if round_ is None:
        return NO_ROUND
    committee = round_.committee
    if actor is None or actor.pk != committee.chair_id:
        return ONLY_CHAIR
    if (
        round_.status != RoundStatus.CLOSED
        or round_.outcome != outcome
        or round_.transition_log_id is not None
    ):
        return ROUND_NOT_CLOSED_AS.format(outcome=RoundOutcome(outcome).label)
    votes_for, votes_against = _counts([round_.pk]).get(round_.pk, (0, 0))
    tally = tally_make(
        committee,
        members=_seated([round_.pk]).get(round_.pk, 0),
        votes_for=votes_for,
        votes_against=votes_against,
    )
    if outcome in AWARDED:
        if not tally.met:
            return RULE_NOT_MET.format(tally=tally.display())
        if payload.get("level_id") != committee.level_id:
            return LEVEL_NOT_COMMITTEES.format(level=committee.level)
        if round_.decision_id is None or payload.get("decision_id") != round_.decision_id:
            return NO_DECISION
    elif tally.met:
        return RULE_MET.format(tally=tally.display())
    errors = case.committee_errors(committee)
    return errors[0] if errors else None


def recognize_guard(case, *, actor, payload: dict) -> str | None:
    """The chair closed the round with the rule met; the level is the committee's."""
    return _decision_guard(case, actor=actor, payload=payload, outcome=RoundOutcome.RECOGNIZED)


def reject_guard(case, *, actor, payload: dict) -> str | None:
    """The chair closed the round with the rule not met."""
    return _decision_guard(case, actor=actor, payload=payload, outcome=RoundOutcome.NOT_RECOGNIZED)


def upgrade_guard(case, *, actor, payload: dict) -> str | None:
    """As recognise, by a committee whose level is above the case's recognition."""
    return _decision_guard(case, actor=actor, payload=payload, outcome=RoundOutcome.UPGRADED)
