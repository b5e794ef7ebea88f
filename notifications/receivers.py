"""Who hears about each transition (DESIGN.md §3). Runs inside the transition's
transaction, so the outbox rows commit or roll back with the state change.

Adding an event: three templates under ``templates/notifications/email/<kind>/`` and one
line in ``TRANSITION_NOTICES`` (or one ``notification_queue`` call elsewhere).
"""

import datetime
import hashlib

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse

from workflow.lifecycle import TRANSITIONS, State
from workflow.signals import case_transitioned, cases_transitioned

from .recipients import secretariat_recipients, unit_recipients
from .services import _recipient_key, notification_queue


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


# A batch's message lists at most this many cases; the rest are counted.
BATCH_LISTED = 100
# The grouped templates of a batch, by the single case's kind; any other kind is told
# with the generic "case_batch".
BATCH_KINDS = {
    "case_submitted": "case_submitted_batch",
    "case_submitted_receipt": "case_submitted_receipt_batch",
}


@receiver(cases_transitioned, dispatch_uid="notifications.transition_notices_batch")
def transition_notices_batch(sender, *, cases, logs, actor, **kwargs) -> None:
    """A batch through the door (``transitions_apply``): ONE message per recipient and
    kind, listing the cases of the batch that recipient hears about, instead of one per
    case. Its dedupe key is derived from the batch's log rows
    (``transitions:<digest>:<kind>:<recipient>``), so queueing the same batch twice writes
    nothing. A batch of one case gets the single case's message, as if alone."""
    if not logs:
        return
    by_pk = {case.pk: case for case in cases}
    if len(logs) == 1:
        log = logs[0]
        transition_notices(sender, case=by_pk[log.case_id], log=log, actor=actor)
        return
    notices = TRANSITION_NOTICES.get(logs[0].transition, [])
    digest = hashlib.sha256(
        ",".join(str(log.pk) for log in sorted(logs, key=lambda x: x.pk)).encode()
    )
    site_url = settings.SITE_URL
    spec = TRANSITIONS[logs[0].transition]
    for kind, audience, sweep_only in notices:
        if sweep_only and actor is not None:
            continue
        # Who hears about which cases (an audience depends on the case's unit at most).
        heard: dict[str, tuple[object, list]] = {}
        by_unit: dict[int, list] = {}
        for log in logs:
            case = by_pk[log.case_id]
            if case.unit_id not in by_unit:
                by_unit[case.unit_id] = audience(case)
            for person in by_unit[case.unit_id]:
                heard.setdefault(_recipient_key(person), (person, []))[1].append((case, log))
        # Recipients who hear about the same cases share one rendering call.
        groups: dict[tuple[int, ...], list] = {}
        for person, items in heard.values():
            groups.setdefault(tuple(case.pk for case, _ in items), []).append(person)
        for people in groups.values():
            items = heard[_recipient_key(people[0])][1]
            listed = [
                {"case": case, "log": log, "url": f"{site_url}{case.get_absolute_url()}"}
                for case, log in items[:BATCH_LISTED]
            ]
            units = sorted({case.unit.name for case, _ in items})
            notification_queue(
                kind=BATCH_KINDS.get(kind, "case_batch"),
                recipients=people,
                dedupe_key=f"transitions:{digest.hexdigest()[:24]}:{kind}",
                context={
                    "items": listed,
                    "count": len(items),
                    "more": len(items) - len(listed),
                    "units": units,
                    "campaign": items[0][0].campaign,
                    "transition_label": spec.label,
                    "actor_name": (actor.get_full_name() or actor.username)
                    if actor
                    else "Hệ thống",
                    # One reason for the batch, or each case's own (a failed vote's tally).
                    "reason": logs[0].reason if len({log.reason for log in logs}) == 1 else "",
                    "at": logs[0].at,
                    "list_url": f"{site_url}{reverse('models_registry:initiative_list')}",
                },
            )
