"""The committee's part of a case's timeline (``models_registry.timeline``): each round
opened, the votes, the count when the chair closed it, and the decision with its number.

Who voted what is read only by the committee and the Ban Dân vận (as on the case's
committee panel); everyone else who sees the case reads the count of a closed round.
The chair's own acts (the close, the decision) are shown as the chair's. Two queries
(the rounds, their votes), whatever the case's history; one for outsiders."""

from django.db.models import Prefetch

from models_registry.timeline import TimelineEntry, person
from units.access import roles_of_user
from workflow.lifecycle import Role

from .models import RoundStatus, Vote, VoteRound

CHAIR = "Chủ tịch hội đồng"
MEMBER = "Thành viên hội đồng"


def _insider(user) -> bool:
    return user.is_superuser or bool(roles_of_user(user) & {Role.COMMITTEE, Role.SECRETARIAT})


def committee_timeline(case, *, actor, logs) -> list[TimelineEntry]:
    insiders = _insider(actor)
    rounds = (
        VoteRound.objects.filter(case_id=case.pk)
        .select_related("committee", "closed_by", "decision", "decision__level")
        .order_by("opened_at", "pk")
    )
    if insiders:
        rounds = rounds.prefetch_related(
            Prefetch("votes", queryset=Vote.objects.select_related("member").order_by("cast_at"))
        )
    else:
        rounds = rounds.filter(status=RoundStatus.CLOSED)
    by_log = {log.pk: log for log in logs}
    entries = []
    for round_ in rounds:
        committee = round_.committee
        entries.append(
            TimelineEntry(
                at=round_.opened_at,
                title="Mở phiên biểu quyết",
                kind="vote-opened",
                detail=committee.name,
            )
        )
        if insiders:
            for vote in round_.votes.all():
                entries.append(
                    TimelineEntry(
                        at=vote.cast_at,
                        title="Biểu quyết",
                        kind="vote-cast",
                        actor=person(vote.member),
                        role=CHAIR if vote.member_id == committee.chair_id else MEMBER,
                        detail="tán thành" if vote.in_favour else "không tán thành",
                    )
                )
        if round_.status == RoundStatus.VOID:
            entries.append(
                TimelineEntry(
                    at=round_.closed_at or round_.opened_at,
                    title="Phiên biểu quyết bị hủy",
                    kind="vote-void",
                    detail=f"{committee.name}: hồ sơ được yêu cầu kiểm tra lại",
                )
            )
            continue
        if round_.status != RoundStatus.CLOSED:
            continue
        entries.append(
            TimelineEntry(
                at=round_.closed_at,
                title="Kết quả biểu quyết",
                kind="vote-count",
                actor=person(round_.closed_by),
                role=CHAIR,
                detail=(
                    f"{round_.votes_for} tán thành, {round_.votes_against} không tán thành "
                    f"trên {round_.member_count} thành viên — {round_.get_outcome_display()}"
                ),
                reason=round_.reason,
            )
        )
        log = by_log.get(round_.transition_log_id)
        if log is not None:
            detail = f"{log.get_source_display()} → {log.get_target_display()}"
            if round_.decision_id:
                decision = round_.decision
                detail = (
                    f"Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y} — "
                    f"{decision.level.name}"
                )
            entries.append(
                TimelineEntry(
                    at=log.at,
                    title=log.transition_label,
                    kind=f"transition-{log.transition}",
                    actor=person(log.actor),
                    role=CHAIR,
                    detail=detail,
                    reason=log.reason,
                    log_id=log.pk,
                )
            )
    return entries
