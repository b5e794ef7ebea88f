"""The outbox messages about inspections, each with a dedupe key that names the event, so
that a service retried or a sweep run twice for one day sends nothing twice.

Templates: inspections/templates/notifications/email/<kind>/{subject.txt,body.txt,body.html}.
The result of a visit is announced by the notifications app's receiver for
``record_inspection`` (kind ``case_inspected``), not here.
"""

import datetime
import hashlib
from collections.abc import Sequence

from django.conf import settings

from notifications.recipients import secretariat_recipients, unit_recipients, users_recipients
from notifications.services import notification_queue

from .models import Inspection


def _team(inspection: Inspection) -> list:
    return list(inspection.team.all())


def _context(inspection: Inspection, **extra) -> dict:
    team = _team(inspection)
    return {
        "inspection": inspection,
        "planned_date": inspection.planned_date,
        "place": inspection.place,
        "lead_name": (
            (inspection.lead.get_full_name() or inspection.lead.username) if inspection.lead else ""
        ),
        "team_names": ", ".join(member.get_full_name() or member.username for member in team),
        "round_label": inspection.round_label,
        **extra,
    }


def _unit_and_team(inspection: Inspection) -> list:
    return [*unit_recipients(inspection.case.unit), *users_recipients(_team(inspection))]


def notify_scheduled(inspection: Inspection) -> int:
    return len(
        notification_queue(
            kind="inspection_scheduled",
            recipients=_unit_and_team(inspection),
            dedupe_key=f"inspection-scheduled:{inspection.pk}",
            context=_context(inspection),
            case=inspection.case,
        )
    )


# A grouped message lists at most this many inspections; the rest are counted.
BATCH_LISTED = 100


def _recipient_key(person) -> str:
    return person.strip().lower() if isinstance(person, str) else f"user{person.pk}"


def notify_scheduled_batch(inspections: Sequence[Inspection], *, team: Sequence) -> int:
    """The notices of one booking: ONE message per recipient listing the inspections that
    recipient hears about (the unit its own models, the team all of them), instead of one
    per inspection. The dedupe key names the batch's inspections
    (``inspections-scheduled:<digest>:<recipient>``), so queueing the same booking twice
    writes and sends nothing. A booking of one inspection gets the single message."""
    if len(inspections) == 1:
        return notify_scheduled(inspections[0])
    if not inspections:
        return 0
    team = list(team)
    heard: dict[str, tuple[object, list[Inspection]]] = {}
    by_unit: dict[int, list] = {}
    for inspection in inspections:
        unit = inspection.case.unit
        if unit.pk not in by_unit:
            by_unit[unit.pk] = unit_recipients(unit)
        for person in [*by_unit[unit.pk], *users_recipients(team)]:
            heard.setdefault(_recipient_key(person), (person, []))[1].append(inspection)
    digest = hashlib.sha256(
        ",".join(str(pk) for pk in sorted(i.pk for i in inspections)).encode()
    ).hexdigest()[:24]
    # Recipients who hear about the same inspections share one rendering call.
    groups: dict[tuple[int, ...], list] = {}
    for person, items in heard.values():
        groups.setdefault(tuple(i.pk for i in items), []).append(person)
    first = inspections[0]
    site_url = settings.SITE_URL
    written = 0
    for people in groups.values():
        items = heard[_recipient_key(people[0])][1]
        written += len(
            notification_queue(
                kind="inspections_scheduled",
                recipients=people,
                dedupe_key=f"inspections-scheduled:{digest}",
                context={
                    **_context(first),
                    "team_names": ", ".join(m.get_full_name() or m.username for m in team),
                    "items": [
                        {"inspection": i, "url": f"{site_url}{i.case.get_absolute_url()}"}
                        for i in items[:BATCH_LISTED]
                    ],
                    "count": len(items),
                    "more": max(len(items) - BATCH_LISTED, 0),
                    "units": sorted({i.case.unit.name for i in items}),
                },
            )
        )
    return written


def notify_moved(inspection: Inspection) -> int:
    return len(
        notification_queue(
            kind="inspection_moved",
            recipients=_unit_and_team(inspection),
            dedupe_key=f"inspection-moved:{inspection.pk}:{inspection.revision}",
            context=_context(
                inspection, previous_date=inspection.previous_date, reason=inspection.reason
            ),
            case=inspection.case,
        )
    )


def notify_cancelled(inspection: Inspection) -> int:
    return len(
        notification_queue(
            kind="inspection_cancelled",
            recipients=_unit_and_team(inspection),
            dedupe_key=f"inspection-cancelled:{inspection.pk}",
            context=_context(inspection, reason=inspection.reason),
            case=inspection.case,
        )
    )


def notify_tomorrow(inspection: Inspection) -> int:
    # Keyed by the planned date: a second run the same day sends nothing, a move sends anew.
    return len(
        notification_queue(
            kind="inspection_tomorrow",
            recipients=_unit_and_team(inspection),
            dedupe_key=f"inspection-tomorrow:{inspection.pk}:{inspection.planned_date}",
            context=_context(inspection),
            case=inspection.case,
        )
    )


def notify_overdue(inspection: Inspection, *, today: datetime.date) -> int:
    lead = [inspection.lead] if inspection.lead else _team(inspection)
    return len(
        notification_queue(
            kind="inspection_overdue",
            recipients=[*users_recipients(lead), *secretariat_recipients()],
            dedupe_key=f"inspection-overdue:{inspection.pk}:{inspection.planned_date}",
            context=_context(inspection, days_late=(today - inspection.planned_date).days),
            case=inspection.case,
        )
    )
