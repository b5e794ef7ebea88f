"""The library's pieces on other apps' pages: the case page's panel and the dashboard's
count of replications per year."""

from django import template

from units.access import is_secretariat
from workflow.lifecycle import Role, State

from ..selectors import case_library_panel, replications_by_year

register = template.Library()


@register.inclusion_tag("library/_case_panel_body.html", takes_context=True)
def case_library_panel_tag(context, initiative):
    user = context["request"].user
    officer = Role.UNIT_OFFICER in initiative.roles_of(user)
    secretariat = is_secretariat(user)
    data = case_library_panel(initiative=initiative, with_images=officer or secretariat)
    publication = data["publication"]
    live = publication is not None and publication.is_live
    recognised = initiative.state == State.RECOGNIZED
    return {
        **data,
        "initiative": initiative,
        "csrf_token": context.get("csrf_token"),
        "live": live,
        "recognised": recognised,
        "secretariat": secretariat,
        "officer": officer,
        "state_label": initiative.get_state_display(),
        "chosen_count": sum(1 for image in data["images"] if hasattr(image, "library_release")),
    }


@register.inclusion_tag("library/_replications_by_year.html")
def library_replications_by_year():
    return {"years": replications_by_year()}
