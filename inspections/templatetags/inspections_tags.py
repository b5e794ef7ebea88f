"""The inspections' pieces of other apps' pages: the nav link and the case page panel."""

from django import template
from django.utils import timezone

from units.access import is_secretariat, roles_of_user
from workflow.lifecycle import Role, State
from workflow.services import transition_allowed

from ..forms import ReinspectionForm
from ..models import BOOKED, InspectionStatus
from ..permissions import on_team
from ..selectors import case_inspections

register = template.Library()


@register.simple_tag(takes_context=True)
def inspections_nav(context) -> bool:
    """Whether the user gets the "Kiểm tra" link (inspectors and the secretariat)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or roles_of_user(user) & {Role.INSPECTOR, Role.SECRETARIAT})


@register.inclusion_tag("inspections/_case_inspections.html", takes_context=True)
def case_inspections_panel(context, case) -> dict:
    """The case's inspections, visits, scores and photos, with what the user may do."""
    user = context["request"].user
    secretariat = is_secretariat(user)
    inspections = case_inspections(case=case)
    rows = []
    for inspection in inspections:
        mine = on_team(inspection, user)
        visit = getattr(inspection, "visit", None)
        rows.append(
            {
                "inspection": inspection,
                "on_team": mine,
                "visit": visit,
                "show_visit": visit is not None and (visit.is_completed or mine or secretariat),
                "can_log": mine and inspection.status in BOOKED,
                "can_manage": secretariat and inspection.status in BOOKED,
                "can_cancel_pending": secretariat and inspection.status == InspectionStatus.PENDING,
            }
        )
    has_booking = any(i.status in BOOKED for i in inspections)
    can_reinspect = case.state == State.INSPECTED and transition_allowed(
        case=case, name="request_reinspection", actor=user
    )
    return {
        "case": case,
        "rows": rows,
        "can_schedule": secretariat and case.state == State.IN_PROGRESS and not has_booking,
        "can_reinspect": can_reinspect,
        "reinspect_form": ReinspectionForm(initial={"expected_state": case.state})
        if can_reinspect
        else None,
        "today": timezone.localdate(),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
