"""The one door through which a case changes state."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from .. import guards
from ..errors import WorkflowError
from ..lifecycle import TRANSITIONS, State, TransitionSpec
from ..models import TransitionLog, WorkflowCase
from ..signals import case_transitioned

UNKNOWN_TRANSITION = "Thao tác không hợp lệ."
NOT_PERMITTED = "Bạn không có quyền thực hiện thao tác “{label}” với hồ sơ này."
WRONG_STATE = "Không thể “{label}” khi hồ sơ đang ở trạng thái “{state}”."
REASON_REQUIRED = "Vui lòng ghi rõ lý do khi “{label}”."
CONFLICT = (
    "Hồ sơ vừa được người khác cập nhật (hiện ở trạng thái “{state}”). "
    "Vui lòng tải lại trang và kiểm tra trước khi thao tác tiếp."
)
# The same person in a second tab (or a double click) is told so, not "someone else".
CONFLICT_SELF = (
    "Hồ sơ vừa được chính bạn cập nhật trong một thẻ khác (hiện ở trạng thái “{state}”). "
    "Vui lòng tải lại trang và kiểm tra trước khi thao tác tiếp."
)
SYSTEM_NOT_ALLOWED = "Thao tác “{label}” cần một người thực hiện."


class TransitionConflict(WorkflowError):
    """Someone else changed the case between the moment it was read and now."""


def case_model() -> type[WorkflowCase]:
    return apps.get_model(settings.WORKFLOW_CASE_MODEL)


def state_label(state: str) -> str:
    return State(state).label


def conflict_message(*, case_pk: int, state: str, actor) -> str:
    """The sentence for a case found in ``state`` instead of the state its page showed:
    ``CONFLICT_SELF`` when the case's last change was the actor's own (another tab, a
    double click), else ``CONFLICT``. Read only when a conflict happens (one query)."""
    last_actor = (
        TransitionLog.objects.filter(case_id=case_pk)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    own = actor is not None and last_actor is not None and last_actor == actor.pk
    return (CONFLICT_SELF if own else CONFLICT).format(state=state_label(state))


@dataclass(frozen=True)
class TransitionCheck:
    spec: TransitionSpec
    role: str
    errors: list[str]


def _check(
    case: WorkflowCase, spec: TransitionSpec, *, actor, today: datetime.date, payload: dict
) -> TransitionCheck:
    """Everything but the reason: role, state, domain guards, evidence guards."""
    if actor is None:
        if not spec.system_allowed:
            return TransitionCheck(spec, "", [SYSTEM_NOT_ALLOWED.format(label=spec.label)])
        role = ""
    else:
        held = case.roles_of(actor) & spec.roles
        if not held:
            return TransitionCheck(spec, "", [NOT_PERMITTED.format(label=spec.label)])
        role = sorted(held)[0]
    if not can_proceed(getattr(case, spec.name)):
        message = WRONG_STATE.format(label=spec.label, state=state_label(case.state))
        return TransitionCheck(spec, role, [message])
    errors = case.transition_errors(spec.name, actor=actor, today=today, payload=payload)
    errors += guards.evidence_errors(case, spec.name, actor=actor, payload=payload)
    return TransitionCheck(spec, role, errors)


def transition_blockers(
    *, case: WorkflowCase, name: str, actor, today: datetime.date | None = None
) -> list[str]:
    """Why ``actor`` could not apply ``name`` now, in Vietnamese (empty: it could).

    The very checks ``transition_apply`` makes (role and unit, state, the case's own
    guards, evidence), the reason aside: a page that shows an action disabled lists
    these, so what the page says and what the service refuses cannot drift apart."""
    spec = TRANSITIONS[name]
    today = today or timezone.localdate()
    return _check(case, spec, actor=actor, today=today, payload={}).errors


def transition_allowed(
    *, case: WorkflowCase, name: str, actor, today: datetime.date | None = None
) -> bool:
    """Whether ``actor`` could apply ``name`` now (guards included, reason not)."""
    return not transition_blockers(case=case, name=name, actor=actor, today=today)


def transitions_available(*, case: WorkflowCase, actor) -> list[TransitionSpec]:
    """The transitions ``actor`` may take on ``case`` now: the buttons on its page.

    Transitions whose evidence is gathered on another screen (an inspection, a vote)
    are left to that screen."""
    return [
        spec
        for spec in TRANSITIONS.values()
        if not spec.needs_evidence and transition_allowed(case=case, name=spec.name, actor=actor)
    ]


def transition_apply(
    *,
    case: WorkflowCase,
    name: str,
    actor,
    reason: str = "",
    payload: dict | None = None,
    today: datetime.date | None = None,
    expected_state: str | None = None,
) -> TransitionLog:
    """Apply transition ``name`` to ``case`` on behalf of ``actor`` (None: the sweep).

    Guarantees, all in one database transaction: the row is locked and re-read, so of
    two people acting at once exactly one wins and the other gets ``TransitionConflict``
    (never a silent overwrite); the actor's role and unit scope, the state, the reason
    and every guard are checked; nothing changes when any check fails; on success
    exactly one ``TransitionLog`` row is written and ``case_transitioned`` is sent, so
    that receivers write their rows (notifications, follow-up work) in the same
    transaction. ``case`` is refreshed in place.

    ``expected_state`` is the state the actor saw (a page's hidden field); by default
    the state of ``case`` as passed in.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise WorkflowError(UNKNOWN_TRANSITION)
    payload = dict(payload or {})
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    seen_state = expected_state or case.state

    with transaction.atomic():
        locked = type(case)._default_manager.select_for_update().get(pk=case.pk)
        if locked.state != seen_state:
            _copy_row(locked, into=case)
            raise TransitionConflict(
                conflict_message(case_pk=locked.pk, state=locked.state, actor=actor)
            )
        check = _check(locked, spec, actor=actor, today=today, payload=payload)
        if check.errors:
            raise WorkflowError(*check.errors)
        if spec.reason_required and not reason:
            raise WorkflowError(REASON_REQUIRED.format(label=spec.label))

        source = locked.state
        getattr(locked, spec.name)(payload, today)
        log = TransitionLog.objects.create(
            case=locked,
            transition=spec.name,
            source=source,
            target=locked.state,
            actor=actor,
            actor_role=check.role,
            reason=reason,
            payload=payload,
        )
        if spec.stamp:
            setattr(locked, spec.stamp, log.at)
        try:
            locked.save()
        except ConcurrentTransition as exc:  # the optimistic check, where no row lock exists
            message = conflict_message(case_pk=locked.pk, state=source, actor=actor)
            raise TransitionConflict(message) from exc
        case_transitioned.send(sender=type(locked), case=locked, log=log, actor=actor)

    _copy_row(locked, into=case)
    return log


def _copy_row(fresh: WorkflowCase, *, into: WorkflowCase) -> None:
    """Bring ``into`` up to date with ``fresh`` (the same row, just read).

    Not ``refresh_from_db``: django-fsm makes a protected field writable for its
    duration by flipping a flag on the shared field object, which races when two
    threads of one process refresh at once (seen with twenty concurrent submits)."""
    for field in into._meta.concrete_fields:
        into.__dict__[field.attname] = getattr(fresh, field.attname)
    into._state.fields_cache.clear()
    into._update_initial_state()
