"""The committee's pieces of other pages: the "Hội đồng" link and the case page's panel
(rounds, tallies, votes, decisions, and last year's recognition of a carried-over case)."""

from django import template

from models_registry.models import Initiative
from units.access import roles_of_user
from workflow.lifecycle import Role, State

from ..case_selectors import case_awards
from ..models import RoundStatus
from ..selectors import case_rounds, round_tally_of

register = template.Library()

# Only cases in these states can have rounds: the panel costs no query on the others.
DECIDED = (State.INSPECTED, State.RECOGNIZED, State.NOT_RECOGNIZED)


@register.simple_tag(takes_context=True)
def committee_nav(context) -> bool:
    """Whether the user gets the "Hội đồng" link: committee members (read from the
    memberships the page loads anyway, so no query of its own)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return Role.COMMITTEE in roles_of_user(user)


@register.inclusion_tag("committees/_case_committee.html", takes_context=True)
def case_committee_panel(context, initiative: Initiative) -> dict:
    """The committee's work on a case: each round's tally against the rule (closed rounds
    for everyone who sees the case, open and voided ones for the committee and the
    secretariat), the
    names of who voted what (committee and secretariat only), the decision; and, for a
    case carried over from last year, that year's recognition. A fixed number of queries."""
    user = context["request"].user
    insiders = user.is_superuser or bool(roles_of_user(user) & {Role.COMMITTEE, Role.SECRETARIAT})
    rounds = case_rounds(case=initiative) if initiative.state in DECIDED else []
    if not insiders:
        rounds = [r for r in rounds if r.status == RoundStatus.CLOSED]
    for round_ in rounds:
        round_.tally = round_tally_of(round_, members=round_.member_total)
    previous = initiative.continues_from if initiative.continues_from_id else None
    previous_awards = []
    if previous is not None and previous.state == State.RECOGNIZED:
        previous_awards = case_awards(case_ids=[previous.pk]).get(previous.pk, [])
    return {
        "initiative": initiative,
        "rounds": rounds,
        "show_votes": insiders,
        "previous": previous
        if previous is not None and previous.state == State.RECOGNIZED
        else None,
        "previous_awards": previous_awards,
    }
