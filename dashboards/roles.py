"""The parts of the dashboard that belong to one role: what a unit officer has to do,
an inspector's upcoming visits, what awaits a committee member's vote. Like the
overview, each number is a COUNT through the case list's filters and links to that list.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from models_registry.conditions import Attention
from models_registry.selectors import initiative_list, returned_drafts
from workflow.lifecycle import State

from .figures import Number, count_each, narrowed
from .scope import Scope, case_list_url

UPCOMING_ROWS = 20


@dataclass
class KeyDate:
    label: str
    day: datetime.date
    days_left: int

    @property
    def passed(self) -> bool:
        return self.days_left < 0


@dataclass
class OfficerTodo:
    numbers: list[Number]
    dates: list[KeyDate]
    # The returned drafts, with the return (reason, who, when): what to fix, at a glance.
    returned: list = field(default_factory=list)


RETURNED_ROWS = 10


TODO = (
    Attention.RETURNED,
    Attention.MID_YEAR_REPORT_MISSING,
    Attention.YEAR_END_REPORT_MISSING,
    Attention.VISIT_UPCOMING,
    Attention.PAST_END_UNINSPECTED,
)


def todo_counted(overview) -> dict[str, int]:
    """The to-do's numbers that the overview of the same scope and cases has counted
    already: the drafts (its count by state), the runs ended without an inspection (one
    of its overdue numbers)."""
    counted = {str(n.key): n.value for n in overview.overdue if n.key in TODO}
    counted.update(
        (State.DRAFT.value, n.value) for n in overview.by_state if n.key == f"state:{State.DRAFT}"
    )
    return counted


def officer_todo(
    scope: Scope, cases: QuerySet, *, counted: dict[str, int] | None = None
) -> OfficerTodo:
    """What the unit has to do in the scope: drafts to send, returned cases to fix,
    progress reports to write, visits coming, runs ended without an inspection. One
    query for those not in ``counted`` (by key; see ``todo_counted``): each number
    counts the cases of ``cases`` that its list (the same filter functions as the
    list's) holds."""
    found = dict(counted or {})
    lists = {}
    if State.DRAFT.value not in found:
        lists[State.DRAFT.value] = narrowed(cases, today=scope.today, state=State.DRAFT)
    for attention in TODO:
        if attention.value not in found:
            lists[attention.value] = narrowed(
                cases, today=scope.today, attention=attention, campaigns=scope.campaigns
            )
    found |= count_each(lists)
    numbers = [
        Number(
            "Bản nháp chưa gửi đăng ký",
            found[State.DRAFT.value],
            scope.link(state=State.DRAFT),
            "draft",
        )
    ]
    numbers += [Number(a.label, found[a.value], scope.link(attention=a), a) for a in TODO]
    dates = []
    campaign = scope.campaign
    if campaign is not None:
        for label, day in (
            ("Hạn đăng ký", campaign.registration_deadline),
            ("Hạn báo cáo sơ kết", campaign.mid_year_report_due),
            ("Hạn báo cáo tổng kết", campaign.year_end_report_due),
            ("Ngày xét công nhận", campaign.recognition_date),
        ):
            if day is not None:
                dates.append(KeyDate(label, day, (day - scope.today).days))
    returned = []
    if found[Attention.RETURNED.value]:
        returned = returned_drafts(cases, today=scope.today, limit=RETURNED_ROWS)
    return OfficerTodo(numbers=numbers, dates=dates, returned=returned)


@dataclass
class InspectorAgenda:
    upcoming: Number
    missed: Number
    visits: list = field(default_factory=list)


def inspector_agenda(*, actor, today: datetime.date) -> InspectorAgenda:
    """The inspector's coming visits (every year: a visit is not tied to the campaign on
    screen). The rows are the booked visits of exactly the cases the number counts
    (a case has at most one booked inspection)."""
    from inspections.models import BOOKED, Inspection

    cases = initiative_list(actor=actor).order_by()

    both = (Attention.VISIT_UPCOMING, Attention.VISIT_MISSED)
    counted = count_each({a: narrowed(cases, today=today, attention=a) for a in both})
    upcoming, missed = (
        Number(Attention(a).label, counted[a], case_list_url({"attention": a}), a) for a in both
    )
    visits = list(
        Inspection.objects.filter(
            case__in=narrowed(cases, today=today, attention=Attention.VISIT_UPCOMING).values("pk"),
            status__in=BOOKED,
            planned_date__gte=today,
        )
        .select_related("case__unit", "case__campaign", "lead")
        .order_by("planned_date", "pk")[:UPCOMING_ROWS]
    )
    team_of = set(
        Inspection.team.through.objects.filter(
            inspection__in=[v.pk for v in visits], user=actor
        ).values_list("inspection_id", flat=True)
    )
    for visit in visits:
        visit.days_left = (visit.planned_date - today).days
        visit.mine = visit.pk in team_of
        visit.i_lead = visit.lead_id == actor.pk
    return InspectorAgenda(upcoming=upcoming, missed=missed, visits=visits)


@dataclass
class CommitteeDesk:
    awaited: Number
    cases: list = field(default_factory=list)
    committees: list = field(default_factory=list)


def committee_desk(*, actor, today: datetime.date) -> CommitteeDesk:
    """What awaits the member's vote, in every committee they sit on (every year: a
    vote is not tied to the campaign on screen): the number, the first cases, and the
    committees' pages where they vote."""
    from committees.selectors import committees_of

    cases = initiative_list(actor=actor).order_by()
    awaited = narrowed(cases, today=today, user=actor, attention=Attention.VOTE_AWAITED)
    number = Number(
        Attention.VOTE_AWAITED.label,
        awaited.count(),
        case_list_url({"attention": Attention.VOTE_AWAITED}),
        Attention.VOTE_AWAITED,
    )
    rows = list(
        awaited.select_related("unit", "campaign", "target_level", "recognized_level").order_by(
            "-campaign__year", "unit__path", "pk"
        )[:UPCOMING_ROWS]
    )
    return CommitteeDesk(awaited=number, cases=rows, committees=list(committees_of(actor)))
