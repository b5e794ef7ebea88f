"""Who hears about each transition (DESIGN.md §3). Runs inside the transition's
transaction, so the outbox rows commit or roll back with the state change.

Adding an event: three templates under ``templates/notifications/email/<kind>/`` and one
line in ``TRANSITION_NOTICES`` (or one ``notification_queue`` call elsewhere).
"""

import datetime

from django.dispatch import receiver

from workflow.lifecycle import State
from workflow.signals import case_transitioned

from .recipients import secretariat_recipients, unit_recipients
from .services import notification_queue


def _unit(case) -> list:
    return unit_recipients(case.unit)


def _secretariat(case) -> list:
    return secretariat_recipients()


def _unit_and_secretariat(case) -> list:
    return [*unit_recipients(case.unit), *secretariat_recipients()]


def _as_date(value) -> str:
    """A payload date (ISO text) the way Vietnamese readers write it: dd/mm/yyyy."""
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value or "")


# transition → [(template kind, audience, only when the sweep acted)]
TRANSITION_NOTICES = {
    "submit": [("case_submitted", _secretariat, False), ("case_submitted_receipt", _unit, False)],
    "return_for_revision": [("case_returned", _unit, False)],
    # A unit officer who starts their own model needs no e-mail about it; the sweep does.
    "start": [("case_started", _unit, True)],
    "record_inspection": [("case_inspected", _unit_and_secretariat, False)],
    "request_reinspection": [("case_reinspection_requested", _unit, False)],
    "recognize": [("case_recognized", _unit_and_secretariat, False)],
    "upgrade": [("case_recognized", _unit_and_secretariat, False)],
    "reject": [("case_rejected", _unit, False)],
    "withdraw": [("case_withdrawn", _secretariat, False)],
}


@receiver(case_transitioned, dispatch_uid="notifications.transition_notices")
def transition_notices(sender, *, case, log, actor, **kwargs) -> None:
    notices = TRANSITION_NOTICES.get(log.transition, [])
    if not notices:
        return
    payload = log.payload or {}
    context = {
        "log": log,
        "actor": actor,
        "actor_name": (actor.get_full_name() or actor.username) if actor else "Hệ thống",
        "reason": log.reason,
        "source_label": State(log.source).label,
        "level": case.recognized_level if case.recognized_level_id else "",
        "upgrade": log.transition == "upgrade",
        "decision_number": payload.get("decision_number", ""),
        "decision_date": _as_date(payload.get("decision_date", "")),
    }
    for kind, audience, sweep_only in notices:
        if sweep_only and actor is not None:
            continue
        notification_queue(
            kind=kind,
            recipients=audience(case),
            dedupe_key=f"transition:{log.pk}:{kind}",
            context=context,
            case=case,
        )
