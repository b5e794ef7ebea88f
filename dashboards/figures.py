"""The dashboard's figures. Each is counted by the database over the scope's cases (the
case list's own filtering), and carries the link to the list that reproduces it.

The number of queries is fixed — it depends on the scope, never on how many cases
there are: one aggregate for every count by state, field, subject and level; one GROUP BY
for the units table; one for the years; one per "overdue" figure; one for the medians.

On PostgreSQL, for whoever sees the scope's whole subtree, the counts, the units table
and the years are read from the tally (``dashboards.tally``: counts kept per
change, per unit subtree) instead of counting the cases: one more query (the fold of
what is pending), and then a few hundred rows read instead of 100,000 cases counted.
The case queries stay for everyone else, and remain the reference the tests hold the
tally to.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When

from models_registry.conditions import (
    NEVER_SUBMITTED,
    SUBMITTED,
    Attention,
    Stage,
    attention_filter,
)
from models_registry.filters import OWN_UNIT, InitiativeFilter
from models_registry.models import FIELD_FLAGS, Campaign, Field, RecognitionLevel, Subject
from models_registry.selectors import initiative_list
from units.access import READER_ROLES, memberships_of
from units.models import Unit, UnitKind
from units.text import fold
from workflow.lifecycle import State

from .asof import cases_as_of, durations_as_of, overdue_filter, then_q
from .median import Durations, durations
from .models import CaseTally
from .scope import Scope, officer_units, sees_everything
from .tally import tally_available, tally_fold


@dataclass
class Number:
    label: str
    value: int
    url: str
    key: str = ""
    hint: str = ""
    share: float = 0.0  # of the largest in its group, for bars (0..100)


@dataclass
class UnitRow:
    unit: Unit
    own: bool  # the scope unit's own cases, without its sub-units
    total: Number
    submitted: Number
    drafts: Number
    by_subject: list[Number] = field(default_factory=list)
    recognized: Number | None = None

    @property
    def registered(self) -> bool:
        return self.submitted.value > 0


@dataclass
class UnitTable:
    rows: list[UnitRow]
    deadline: datetime.date | None
    deadline_passed: bool
    parent: Unit | None

    @property
    def not_registered(self) -> list[UnitRow]:
        return [row for row in self.rows if not row.own and not row.registered]

    @property
    def registered_count(self) -> int:
        return sum(1 for row in self.rows if not row.own and row.registered)


@dataclass
class YearColumn:
    year: int
    campaign: Campaign
    total: Number
    segments: list[Number]


@dataclass
class Overview:
    scope: Scope
    total: Number
    submitted: Number
    by_state: list[Number]
    by_field: list[Number]
    by_subject: list[Number]
    by_target_level: list[Number]
    by_recognized_level: list[Number]
    units: UnitTable
    overdue: list[Number]
    durations: Durations
    to_inspection: Number
    to_decision: Number
    years: list[YearColumn]


def _with_shares(numbers: list[Number]) -> list[Number]:
    top = max((n.value for n in numbers), default=0)
    for n in numbers:
        n.share = round(100.0 * n.value / top, 1) if top else 0.0
    return numbers


def base_cases(scope: Scope, *, actor) -> QuerySet:
    """The scope's cases that ``actor`` may see: the list's filtering of ``scope.params``."""
    return scope.cases(actor=actor)


def narrowed(
    cases: QuerySet,
    *,
    today: datetime.date,
    user=None,
    state: str = "",
    attention: str = "",
    campaigns=None,
) -> QuerySet:
    """``cases`` narrowed as the list's ``state`` and ``attention`` filters narrow it (the
    same functions; building a whole FilterSet per number would cost more than the count)."""
    if state:
        cases = cases.filter(state=state)
    if attention:
        cases = attention_filter(cases, attention, today=today, user=user, campaigns=campaigns)
    return cases.order_by()


def scope_levels(scope: Scope) -> list[RecognitionLevel]:
    if scope.campaign is None:
        return []
    return list(RecognitionLevel.objects.filter(campaign=scope.campaign).order_by("rank"))


# --- the tally (PostgreSQL) -------------------------------------------------------------


def tally_rows(scope: Scope, *, actor) -> QuerySet[CaseTally] | None:
    """Every row of the tally, folded up to now, when it may answer for ``actor`` in
    ``scope``: on PostgreSQL, for whoever sees every case of the scope's subtree (those
    who see everything; an officer whose scope's unit lies within one of their units).
    None otherwise: the cases are counted. One query (the fold, a cheap EXISTS when
    nothing is pending)."""
    if not tally_available() or scope.as_of is not None:  # the tally knows only now
        return None
    whole = sees_everything(actor) or (
        scope.unit is not None
        and any(
            scope.unit.path.startswith(m.unit.path)
            for m in memberships_of(actor)
            if m.role in READER_ROLES
        )
    )
    if not whole:
        return None
    tally_fold()
    return CaseTally.objects.all()


def _tally_subtree(scope: Scope) -> Q:
    """The rows of the scope's unit subtree; without a unit, of the roots' (every case)."""
    if scope.unit is not None:
        return Q(unit=scope.unit.pk)
    return Q(unit__parent__isnull=True)


def _tally_period(scope: Scope) -> Q:
    """The rows of the scope's campaign or range of years (the list's ``year`` filter)."""
    if scope.campaign is not None:
        return Q(campaign=scope.campaign.pk)
    period = Q()
    if scope.year_min is not None:
        period &= Q(campaign__year__gte=scope.year_min)
    if scope.year_max is not None:
        period &= Q(campaign__year__lte=scope.year_max)
    return period


def _sums(
    filters: dict[str, Q | None], rows: QuerySet[CaseTally], *, by: list[str] | None = None
) -> list[dict]:
    """The cases of ``rows`` of the tally that match each of ``filters``, summed (per
    value of the columns ``by``, else in all); 0 where no row matched."""
    agg = {key: Sum("cases", filter=q) for key, q in filters.items()}
    if by is None:
        found = [rows.aggregate(**agg)]
    else:
        found = list(rows.values(*by).annotate(**agg).order_by())
    for row in found:
        for key in filters:
            row[key] = int(row[key] or 0)
    return found


# --- the counts ----------------------------------------------------------------------


def _count_filters(levels: list[RecognitionLevel]) -> dict[str, Q | None]:
    filters: dict[str, Q | None] = {
        "total": None,
        "submitted": SUBMITTED,
        **{f"state:{s.value}": Q(state=s) for s in State},
        **{f"field:{f.value}": Q(**{flag: True}) for flag, f in FIELD_FLAGS.items()},
        **{f"subject:{s.value}": Q(subject=s) for s in Subject},
    }
    for level in levels:
        filters[f"target:{level.pk}"] = Q(target_level=level.pk)
        filters[f"recognized:{level.pk}"] = Q(state=State.RECOGNIZED, recognized_level=level.pk)
    return filters


def counts(
    cases: QuerySet,
    levels: list[RecognitionLevel],
    *,
    tally: QuerySet[CaseTally] | None = None,
    then: bool = False,
) -> dict[str, int]:
    """Every count by state, field, subject and level, in one aggregate query: over the
    cases, or summed over ``tally`` (the tally's rows of the same scope); ``then``: on
    the states of the cases' as-of day (``dashboards.asof``)."""
    filters = _count_filters(levels)
    if tally is not None:
        # The tally keeps no "ever sent": every case out of draft, less the few withdrawn
        # straight from a draft before issue 14 (counted over the cases: one query).
        found = _sums({**filters, "submitted": OUT_OF_DRAFT}, tally)[0]
        found["submitted"] -= cases.filter(NEVER_SUBMITTED).count()
        return found
    if then:
        filters = {key: then_q(q) for key, q in filters.items()}
    agg = {key: Count("*") if q is None else Count("pk", filter=q) for key, q in filters.items()}
    return cases.aggregate(**agg)


OUT_OF_DRAFT = ~Q(state=State.DRAFT)
ROW_FILTERS: dict[str, Q | None] = {
    "total": None,
    "submitted": SUBMITTED,
    "drafts": Q(state=State.DRAFT),
    "collective": Q(subject=Subject.COLLECTIVE),
    "individual": Q(subject=Subject.INDIVIDUAL),
    "recognized": Q(state=State.RECOGNIZED),
}
ROW_COUNTS = {
    key: Count("*") if q is None else Count("pk", filter=q) for key, q in ROW_FILTERS.items()
}


def _row_counts(then: bool) -> dict:
    if not then:
        return ROW_COUNTS
    return {
        key: Count("*") if q is None else Count("pk", filter=then_q(q))
        for key, q in ROW_FILTERS.items()
    }


def _counts_under(
    cases: QuerySet, *, prefix: str, own_pk: int | None, then: bool = False
) -> dict[str, dict]:
    """The row counts per unit directly under ``prefix`` (keyed by its id as text, and
    "own" for the cases of unit ``own_pk`` itself), in two GROUP BYs in one statement:
    per unit of the cases (one pass over the cases), then per child — the path segment
    after the prefix — over those few thousand unit rows."""
    inner, params = (
        cases.values("unit_id").annotate(**_row_counts(then)).order_by().query.sql_with_params()
    )
    find = "strpos" if connection.vendor == "postgresql" else "instr"
    start = len(prefix) + 1
    segment = f"substr(u.path, {start}, {find}(substr(u.path, {start}), '/') - 1)"
    key, args = segment, list(params)
    if own_pk is not None:
        key, args = f"CASE WHEN u.id = %s THEN 'own' ELSE {segment} END", [own_pk, *params]
    sums = ", ".join(f"SUM(g.{name})" for name in ROW_COUNTS)
    sql = (
        f"SELECT {key}, {sums} FROM ({inner}) g "
        f"JOIN {Unit._meta.db_table} u ON u.id = g.unit_id GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return {
            row[0]: dict(zip(ROW_COUNTS, (int(v or 0) for v in row[1:]), strict=True))
            for row in cursor.fetchall()
        }


def _tally_under(
    tally: QuerySet[CaseTally], *, parent: Unit | None, units: list[Unit]
) -> dict[str, dict]:
    """``_counts_under`` from the tally: the subtree rows of ``units`` (keyed by id as
    text) in one GROUP BY; with ``parent``, its own cases ("own") are its subtree less
    its children's subtrees (``units`` are all its children)."""
    ids = [unit.pk for unit in units] + ([parent.pk] if parent is not None else [])
    filters = {**ROW_FILTERS, "submitted": OUT_OF_DRAFT}  # corrected by the caller
    grouped = {
        str(row.pop("unit")): row for row in _sums(filters, tally.filter(unit__in=ids), by=["unit"])
    }
    whole = grouped.pop(str(parent.pk), None) if parent is not None else None
    if whole is not None:
        own = {key: whole[key] - sum(row[key] for row in grouped.values()) for key in ROW_FILTERS}
        if own["total"]:
            grouped["own"] = own
    return grouped


def _less_never_submitted(
    grouped: dict[str, dict], cases: QuerySet, *, prefix: str, own_pk: int | None
) -> None:
    """Take the cases withdrawn without ever being sent (``NEVER_SUBMITTED``, which the
    tally cannot tell) off the tally's "submitted" of each row: one GROUP BY over them."""
    never = _counts_under(cases.filter(NEVER_SUBMITTED), prefix=prefix, own_pk=own_pk)
    for key, row in never.items():
        if key in grouped:
            grouped[key]["submitted"] -= row["total"]


def _counts_of_units(cases: QuerySet, units: list[Unit], *, then: bool = False) -> dict[str, dict]:
    """The row counts per unit of ``units`` (an officer's few units), subtrees included."""
    key = Case(
        *(When(unit__path__startswith=u.path, then=Value(str(u.pk))) for u in units),
        default=Value(""),
        output_field=CharField(),
    )
    rows = cases.annotate(key=key).values("key").annotate(**_row_counts(then)).order_by()
    return {row["key"]: row for row in rows}


KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind.values)}


def _sorted_units(units) -> list[Unit]:
    return sorted(units, key=lambda u: (KIND_ORDER.get(u.kind, 99), fold(u.name), u.pk))


def unit_table(
    scope: Scope, cases: QuerySet, *, actor, tally: QuerySet[CaseTally] | None = None
) -> UnitTable:
    """Per unit directly under the scope's unit (or, for an officer of several units,
    per unit of theirs): how many cases, how many sent, how many only drafts. A unit with
    nothing sent has not registered. One statement (over the cases, or over ``tally``:
    the tally's rows of the scope's period), plus the units themselves."""
    then = scope.as_of is not None
    parent = scope.unit
    own_pk = None
    if parent is None and sees_everything(actor):
        roots = list(Unit.objects.filter(parent__isnull=True))
        if len(roots) == 1:
            parent = roots[0]
    if parent is not None:
        units = list(Unit.objects.filter(parent=parent))
        own_pk = parent.pk
        if tally is not None:
            grouped = _tally_under(tally, parent=parent, units=units)
            _less_never_submitted(grouped, cases, prefix=parent.path, own_pk=own_pk)
        else:
            grouped = _counts_under(cases, prefix=parent.path, own_pk=own_pk, then=then)
    elif sees_everything(actor):
        units = roots
        if tally is not None:
            grouped = _tally_under(tally, parent=None, units=units)
            _less_never_submitted(grouped, cases, prefix="/", own_pk=None)
        else:
            grouped = _counts_under(cases, prefix="/", own_pk=None, then=then)
    else:
        units = officer_units(actor, roles=READER_ROLES)
        grouped = _counts_of_units(cases, units, then=then)
    campaign = scope.campaign
    deadline = campaign.registration_deadline if campaign else None
    on = deadline or scope.today

    def make_row(unit: Unit, own: bool) -> UnitRow:
        row = grouped.get("own" if own else str(unit.pk), {})
        extra = {"unit": str(unit.pk)}
        if own:
            extra["unit_scope"] = OWN_UNIT
        link = scope.linker(**extra)

        def n(label, value_key, **more):
            return Number(label, row.get(value_key, 0), link(**more), value_key)

        return UnitRow(
            unit=unit,
            own=own,
            total=n("Tổng số", "total"),
            submitted=n("Đã gửi đăng ký", "submitted", stage=Stage.SUBMITTED),
            drafts=n("Bản nháp", "drafts", state=State.DRAFT),
            by_subject=[
                n(Subject.COLLECTIVE.label, "collective", subject=Subject.COLLECTIVE),
                n(Subject.INDIVIDUAL.label, "individual", subject=Subject.INDIVIDUAL),
            ],
            recognized=n("Được công nhận", "recognized", state=State.RECOGNIZED),
        )

    rows = []
    if own_pk is not None and "own" in grouped:
        rows.append(make_row(parent, own=True))
    for unit in _sorted_units(units):
        if str(unit.pk) in grouped or unit.is_active_on(on):
            rows.append(make_row(unit, own=False))
    top = max((row.total.value for row in rows), default=0)
    for row in rows:
        row.total.share = round(100.0 * row.total.value / top, 1) if top else 0.0
    return UnitTable(
        rows=rows,
        deadline=deadline,
        deadline_passed=bool(deadline and scope.today > deadline),
        parent=parent,
    )


COMPARE_YEARS = 3  # a single campaign is shown beside the two years before it


def years(scope: Scope, *, actor, tally: QuerySet[CaseTally] | None = None) -> list[YearColumn]:
    """Cases by year and state over the period — for one campaign, that year and the two
    before it (the comparison of the reports) — in the scope's unit. One GROUP BY, on the
    campaigns' ids (the (campaign, state) index answers it without reading the cases), or
    over ``tally`` (every row of the tally)."""
    low, high = scope.year_min, scope.year_max
    if scope.campaign is not None:
        low, high = scope.campaign.year - COMPARE_YEARS + 1, scope.campaign.year
    in_period = [
        c
        for c in scope.campaigns
        if (low is None or c.year >= low) and (high is None or c.year <= high)
    ]
    if tally is not None:
        rows = _sums(
            {"n": None},
            tally.filter(_tally_subtree(scope), campaign__in=[c.pk for c in in_period]),
            by=["campaign_id", "state"],
        )
    else:
        params = {"unit": str(scope.unit.pk)} if scope.unit is not None else {}
        cases = InitiativeFilter(
            params, queryset=initiative_list(actor=actor), today=scope.today, user=actor
        ).qs.filter(campaign_id__in=[c.pk for c in in_period])
        state = "state"
        if scope.as_of is not None:
            cases, state = cases_as_of(cases.order_by(), day=scope.as_of), "state_then"
        rows = [
            {"campaign_id": row["campaign_id"], "state": row[state], "n": row["n"]}
            for row in cases.order_by().values("campaign_id", state).annotate(n=Count("*"))
        ]
    by_campaign: dict[int, dict[str, int]] = {}
    for row in rows:
        by_campaign.setdefault(row["campaign_id"], {})[row["state"]] = row["n"]
    columns = []
    unit_param = {"unit": str(scope.unit.pk)} if scope.unit is not None else {}
    for campaign in sorted(in_period, key=lambda c: c.year):
        states = by_campaign.get(campaign.pk, {})
        base = {"campaign": str(campaign.pk), **unit_param}
        segments = [
            Number(s.label, states.get(s.value, 0), _url(base, state=s.value), s.value)
            for s in State
        ]
        total = Number(f"Năm {campaign.year}", sum(states.values()), _url(base), "total")
        columns.append(YearColumn(campaign.year, campaign, total, segments))
    top = max((c.total.value for c in columns), default=0)
    for column in columns:
        for segment in column.segments:
            segment.share = round(100.0 * segment.value / top, 2) if top else 0.0
        column.total.share = round(100.0 * column.total.value / top, 2) if top else 0.0
    return columns


def _url(base: dict, **extra) -> str:
    from .scope import case_list_url

    return case_list_url({**base, **extra})


OVERDUE = (
    Attention.DRAFT_LATE,
    Attention.MID_YEAR_REPORT_OVERDUE,
    Attention.YEAR_END_REPORT_OVERDUE,
    Attention.PAST_END_UNINSPECTED,
    Attention.VISIT_MISSED,
    Attention.DECISION_OVERDUE,
)


def count_each(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The number of rows of each queryset, in one statement: a COUNT apiece, each an
    uncorrelated subquery that PostgreSQL plans on its own — as it would plan the
    queryset's ``count()`` — so one round trip serves them all."""
    parts, params = [], []
    for qs in querysets.values():
        sql, qs_params = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) n)")
        params.extend(qs_params)
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def attention_numbers(scope: Scope, cases: QuerySet, which) -> list[Number]:
    """A COUNT per item, each through the list's ``attention`` filter (one statement);
    as of a past day, through the same conditions on the states of then."""
    if scope.as_of is not None:
        found = count_each(
            {
                a: overdue_filter(cases, a, day=scope.as_of, campaigns=scope.campaigns).order_by()
                for a in which
            }
        )
    else:
        found = count_each(
            {
                a: narrowed(cases, today=scope.today, attention=a, campaigns=scope.campaigns)
                for a in which
            }
        )
    return [Number(Attention(a).label, found[a], scope.link(attention=a), a) for a in which]


def overview(scope: Scope, *, actor) -> Overview:
    cases = base_cases(scope, actor=actor)
    levels = scope_levels(scope)
    tally = tally_rows(scope, actor=actor)
    in_period = None if tally is None else tally.filter(_tally_period(scope))
    c = counts(
        cases,
        levels,
        tally=None if in_period is None else in_period.filter(_tally_subtree(scope)),
        then=scope.as_of is not None,
    )
    link = scope.link

    def number(label, key, **extra):
        return Number(label, c[key], link(**extra), key)

    by_state = [number(s.label, f"state:{s.value}", state=s.value) for s in State]
    by_field = [number(f.label, f"field:{f.value}", field=f.value) for f in Field]
    by_subject = [number(s.label, f"subject:{s.value}", subject=s.value) for s in Subject]
    by_target = [
        number(level.name, f"target:{level.pk}", target_level=str(level.pk)) for level in levels
    ]
    by_recognized = [
        number(
            level.name,
            f"recognized:{level.pk}",
            state=State.RECOGNIZED,
            recognized_level=str(level.pk),
        )
        for level in levels
    ]
    overdue = attention_numbers(scope, cases, OVERDUE)
    waiting = by_state[[s.value for s in State].index(State.INSPECTED)]
    overdue.insert(
        len(overdue) - 1,
        Number("Đã kiểm tra, đang chờ quyết định", waiting.value, waiting.url, "waiting"),
    )
    spans = durations(cases) if scope.as_of is None else durations_as_of(cases, day=scope.as_of)
    return Overview(
        scope=scope,
        total=number("Tổng số mô hình, điển hình", "total"),
        submitted=number("Đã gửi đăng ký", "submitted", stage=Stage.SUBMITTED),
        by_state=by_state,
        by_field=_with_shares(by_field),
        by_subject=by_subject,
        by_target_level=by_target,
        by_recognized_level=by_recognized,
        units=unit_table(scope, cases, actor=actor, tally=in_period),
        overdue=overdue,
        durations=spans,
        to_inspection=Number(
            "Số hồ sơ đã có kết quả kiểm tra",
            spans.to_inspection_cases,
            link(stage=Stage.INSPECTED),
            "to_inspection",
        ),
        to_decision=Number(
            "Số hồ sơ đã có quyết định",
            spans.to_decision_cases,
            link(stage=Stage.DECIDED),
            "to_decision",
        ),
        years=years(scope, actor=actor, tally=tally),
    )
