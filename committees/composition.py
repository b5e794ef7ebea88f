"""Services of a committee's composition (kiện toàn BCĐ / hội đồng), for the secretariat:
a new committee, and a change of its members, chair and vote rule from a date.

A change dated today or earlier takes effect at once; a later one waits for the daily
sweep of its date (``committee-changes``, or ``run_deadlines --today``). The committee's
own fields always hold the composition in force, which is what every right reads
(``committees.selectors.committee_case_scope``: seeing, voting, re-inspection). A round
keeps the members it was opened with (``VoteRound.members``). Every change writes one row
of the administration log with the composition before and after.
"""

import datetime
from collections.abc import Iterable
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import record
from units.access import is_secretariat
from workflow.deadlines import sweep_rule
from workflow.errors import WorkflowError

from .models import ChangeStatus, Committee, CommitteeChange, share_display
from .services import _share, committee_create

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được lập và kiện toàn hội đồng."
NO_MEMBERS = "Hội đồng phải có ít nhất một thành viên."
DATE_REQUIRED = "Vui lòng nhập ngày thay đổi có hiệu lực."
EXISTS = "Đơn vị “{unit}” đã có hội đồng xét công nhận ở cấp “{level}”."
NOT_PENDING = "Thay đổi này đã có hiệu lực hoặc đã bị hủy; không hủy được nữa."
NAME_REQUIRED = "Vui lòng nhập tên hội đồng."


def composition_snapshot(committee: Committee) -> dict:
    """What the log keeps of a composition: name, chair, members (by name), rule."""
    members = committee.members.order_by("first_name", "last_name", "username")
    return {
        "name": committee.name,
        "chair": _person(committee.chair),
        "members": [_person(user) for user in members],
        "quorum": share_display(committee.quorum),
        "approval": share_display(committee.approval),
    }


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _require_secretariat(actor) -> None:
    if actor is None or not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)


def committee_compose(
    *,
    actor,
    name: str,
    level,
    unit,
    chair,
    members: Iterable,
    quorum: Fraction | str = Fraction(2, 3),
    approval: Fraction | str = Fraction(7, 10),
) -> Committee:
    """A new committee, set up by the secretariat (``committee_create``'s guarantees),
    logged as ``committee.create``."""
    _require_secretariat(actor)
    name = " ".join((name or "").split())
    if not name:
        raise WorkflowError(NAME_REQUIRED)
    try:
        with transaction.atomic():
            committee = committee_create(
                name=name,
                level=level,
                unit=unit,
                chair=chair,
                members=members,
                quorum=quorum,
                approval=approval,
            )
            record(
                actor=actor,
                action="committee.create",
                target=committee,
                after=composition_snapshot(committee),
            )
    except IntegrityError:
        raise WorkflowError(EXISTS.format(unit=unit, level=level)) from None
    return committee


def committee_change(
    *,
    actor,
    committee: Committee,
    chair,
    members: Iterable,
    quorum: Fraction | str,
    approval: Fraction | str,
    effective_on: datetime.date | None,
    reason: str = "",
    today: datetime.date | None = None,
) -> CommitteeChange:
    """Change ``committee``'s members, chair and rule from ``effective_on``.

    Guarantees: the secretariat only; the chair is a member; both shares in (0, 1];
    applied at once (and logged as ``committee.change``) when ``effective_on`` is today
    or earlier, otherwise kept pending (logged as ``committee.change_schedule``, with
    the composition planned) until the sweep of that date applies it. Rounds already
    open keep the members they were opened with."""
    _require_secretariat(actor)
    if effective_on is None:
        raise WorkflowError(DATE_REQUIRED)
    members = {*members}
    if not members:
        raise WorkflowError(NO_MEMBERS)
    members.add(chair)
    quorum = _share(quorum, "tham gia")
    approval = _share(approval, "tán thành")
    today = today or timezone.localdate()
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        change = CommitteeChange.objects.create(
            committee=committee,
            effective_on=effective_on,
            chair=chair,
            quorum_numerator=quorum.numerator,
            quorum_denominator=quorum.denominator,
            approval_numerator=approval.numerator,
            approval_denominator=approval.denominator,
            reason=(reason or "").strip(),
            made_by=actor,
        )
        change.members.set(members)
        if effective_on <= today:
            _apply(change, committee=committee)
        else:
            record(
                actor=actor,
                action="committee.change_schedule",
                target=committee,
                before=composition_snapshot(committee),
                after={**_planned(change), "effective_on": effective_on},
                reason=change.reason,
                only_changed=False,
            )
    return change


def _planned(change: CommitteeChange) -> dict:
    members = change.members.order_by("first_name", "last_name", "username")
    return {
        "name": change.committee.name,
        "chair": _person(change.chair),
        "members": [_person(user) for user in members],
        "quorum": share_display(change.quorum),
        "approval": share_display(change.approval),
    }


def _apply(change: CommitteeChange, *, committee: Committee) -> None:
    """Make ``change`` the composition in force (inside the caller's transaction, with
    the committee row locked); one ``committee.change`` row in the log."""
    before = composition_snapshot(committee)
    committee.chair = change.chair
    committee.quorum_numerator = change.quorum_numerator
    committee.quorum_denominator = change.quorum_denominator
    committee.approval_numerator = change.approval_numerator
    committee.approval_denominator = change.approval_denominator
    committee.save(
        update_fields=[
            "chair",
            "quorum_numerator",
            "quorum_denominator",
            "approval_numerator",
            "approval_denominator",
        ]
    )
    committee.members.set({change.chair, *change.members.all()})
    CommitteeChange.objects.filter(pk=change.pk).update(
        status=ChangeStatus.APPLIED, applied_at=timezone.now()
    )
    change.status = ChangeStatus.APPLIED
    record(
        actor=change.made_by,
        action="committee.change",
        target=committee,
        before={**before, "effective_on": None},
        after={**composition_snapshot(committee), "effective_on": change.effective_on},
        reason=change.reason,
    )


def committee_change_cancel(*, actor, change: CommitteeChange) -> CommitteeChange:
    """Cancel a change that has not taken effect; logged as ``committee.change_cancel``."""
    _require_secretariat(actor)
    with transaction.atomic():
        claimed = CommitteeChange.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.CANCELLED
        )
        if not claimed:
            raise WorkflowError(NOT_PENDING)
        change.refresh_from_db()
        record(
            actor=actor,
            action="committee.change_cancel",
            target=change.committee,
            before={**_planned(change), "effective_on": change.effective_on},
            after={},
            only_changed=False,
        )
    return change


@sweep_rule("committee-changes")
def committee_changes_apply(today: datetime.date) -> int:
    """The daily sweep's part: apply every pending change whose date has come, oldest
    first (an indexed query; each change claimed under the committee's lock, so a sweep
    run twice applies nothing twice). Returns how many were applied."""
    applied = 0
    due = (
        CommitteeChange.objects.filter(status=ChangeStatus.PENDING, effective_on__lte=today)
        .order_by("effective_on", "pk")
        .values_list("pk", "committee_id")
    )
    for pk, committee_id in list(due):
        with transaction.atomic():
            committee = Committee.objects.select_for_update().get(pk=committee_id)
            change = (
                CommitteeChange.objects.select_for_update(of=("self",))
                .filter(Q(pk=pk) & Q(status=ChangeStatus.PENDING))
                .select_related("chair", "made_by", "committee")
                .first()
            )
            if change is None:
                continue
            _apply(change, committee=committee)
            applied += 1
    return applied


__all__ = [
    "committee_change",
    "committee_change_cancel",
    "committee_changes_apply",
    "committee_compose",
    "composition_snapshot",
]
