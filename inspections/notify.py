"""The outbox messages about inspections, each with a dedupe key that names the event, so
that a service retried or a sweep run twice for one day sends nothing twice.

Templates: inspections/templates/notifications/email/<kind>/{subject.txt,body.txt,body.html}.
The result of a visit is announced by the notifications app's receiver for
``record_inspection`` (kind ``case_inspected``), not here.
"""

import datetime

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
