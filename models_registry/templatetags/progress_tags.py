"""Following a model, on its case page: progress reports with their attachments, the
report form, and the links between a model and its continuations in later years."""

from django import template

from workflow.lifecycle import Role

from ..forms_progress import ProgressReportForm
from ..models import Initiative
from ..selectors import (
    CARRY_OVER_STATES,
    carry_over_target,
    initiative_continuations,
    progress_report_list,
)
from ..services.carry_over import carry_over_eligible
from ..views.progress import can_report, upload_limits

register = template.Library()


@register.simple_tag(takes_context=True)
def case_continuations(context, initiative: Initiative) -> list[Initiative]:
    """The cases that carry ``initiative`` over into later years, as far as the user may
    see them. One query, kept on the case for the rest of the page."""
    cached = getattr(initiative, "_dvk_continuations", None)
    if cached is None:
        cached = initiative_continuations(actor=context["request"].user, initiative=initiative)
        initiative._dvk_continuations = cached
    return cached


@register.inclusion_tag("models_registry/_progress_panel.html", takes_context=True)
def progress_panel(context, initiative: Initiative) -> dict:
    """The case page's progress section, in a fixed number of queries however many
    reports and attachments there are."""
    user = context["request"].user
    reporting = can_report(initiative, user)
    carry_over_to = None
    # The campaign is looked up only for a case that could be carried over at all.
    if initiative.state in CARRY_OVER_STATES and Role.UNIT_OFFICER in initiative.roles_of(user):
        target = carry_over_target()
        continuations = case_continuations(context, initiative)
        if (
            target is not None
            and carry_over_eligible(initiative, target)
            and not any(c.campaign_id == target.pk for c in continuations)
        ):
            carry_over_to = target
    return {
        "initiative": initiative,
        "reports": progress_report_list(initiative=initiative),
        "can_report": reporting,
        "form": ProgressReportForm() if reporting else None,
        "carry_over_to": carry_over_to,
        **upload_limits(),
    }
