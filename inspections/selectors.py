"""Reads for inspections, scoped to the user: an inspector sees the inspections they are
on the team of; the secretariat sees all; others see those of the cases they may see."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, When
from django.http import Http404

from models_registry.models import Initiative
from models_registry.selectors import initiative_list
from units.access import is_secretariat
from units.models import Unit, UnitKind
from units.text import fold
from workflow.lifecycle import Role, State

from .models import BOOKED, Criterion, CriterionScore, Inspection, InspectionStatus, VisitAttachment


def inspector_case_scope(user) -> Q:
    """The cases an inspector sees: exactly those of the inspections they are on the team
    of (a subquery: no duplicate rows when a case had several inspections). Registered
    with ``units.access`` in ``InspectionsConfig.ready``."""
    return Q(pk__in=Initiative.objects.filter(inspections__team=user).values("pk"))


def inspector_holds(case, user) -> bool:
    """An inspector acts on the cases of the inspections they are on the team of."""
    return case.inspections.filter(team=user).exists()


def visit_booked(qs, *, today, user, upcoming: bool):
    """The cases of ``qs`` with an inspection booked from ``today`` on (``upcoming``) or
    before it without its record: the case list's "sắp kiểm tra" and "quá ngày kiểm tra"
    (registered in ``InspectionsConfig.ready``)."""
    dated = {"planned_date__gte": today} if upcoming else {"planned_date__lt": today}
    booked = Inspection.objects.filter(case=OuterRef("pk"), status__in=tuple(BOOKED), **dated)
    return qs.filter(Exists(booked))


def _with_details(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """Everything a page shows about an inspection, in a fixed number of queries."""
    return qs.select_related(
        "case__unit",
        "case__campaign",
        "lead",
        "visit",
        "visit__recommended_level",
        "visit__recorded_by",
    ).prefetch_related(
        Prefetch("team", queryset=get_user_model().objects.order_by("first_name", "pk")),
        Prefetch(
            "visit__scores",
            queryset=CriterionScore.objects.select_related("criterion").order_by(
                "criterion__order", "criterion_id"
            ),
        ),
        Prefetch("visit__attachments", queryset=VisitAttachment.objects.order_by("pk")),
    )


def inspection_list(*, actor) -> QuerySet[Inspection]:
    """Every inspection ``actor`` may see."""
    qs = Inspection.objects.all()
    if is_secretariat(actor):
        return qs
    return qs.filter(case__in=initiative_list(actor=actor).values("pk"))


def inspection_get(*, actor, pk: int) -> Inspection:
    """The inspection with its details, if ``actor`` may see it; 404 otherwise."""
    try:
        return _with_details(inspection_list(actor=actor)).get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy đợt kiểm tra.") from None


def inspections_of_inspector(*, actor, today: datetime.date) -> QuerySet[Inspection]:
    """The inspector's own inspections: upcoming first (soonest first), then those whose
    date passed without a completed record, then the rest (latest first)."""
    booked = Q(status__in=BOOKED)
    return _with_details(
        Inspection.objects.filter(team=actor)
        .annotate(
            group=Case(
                When(booked & Q(planned_date__gte=today), then=0),
                When(booked, then=1),
                When(status=InspectionStatus.PENDING, then=2),
                default=3,
                output_field=IntegerField(),
            ),
            upcoming_date=Case(When(booked & Q(planned_date__gte=today), then=F("planned_date"))),
        )
        .order_by("group", F("upcoming_date").asc(nulls_last=True), F("planned_date").desc(), "-pk")
    )


def inspections_calendar(*, actor, campaign=None, round_label: str = "") -> QuerySet[Inspection]:
    """The secretariat's list: waiting and booked first (by date), then done and cancelled."""
    qs = inspection_list(actor=actor)
    if campaign is not None:
        qs = qs.filter(case__campaign=campaign)
    if round_label:
        qs = qs.filter(round_label=round_label)
    return _with_details(
        qs.annotate(
            group=Case(
                When(status=InspectionStatus.PENDING, then=0),
                When(status__in=BOOKED, then=1),
                default=2,
                output_field=IntegerField(),
            )
        ).order_by("group", F("planned_date").asc(nulls_first=True), "pk")
    )


def cases_to_inspect(
    *, actor, today: datetime.date, within_days: int, campaign=None
) -> QuerySet[Initiative]:
    """Cases in progress that need an inspection booked: those ending within
    ``within_days`` (or already ended) with nothing booked, and those whose re-inspection
    waits for a date. Soonest end first."""
    booked = Inspection.objects.filter(case=OuterRef("pk"), status__in=BOOKED)
    pending = Inspection.objects.filter(case=OuterRef("pk"), status=InspectionStatus.PENDING)
    qs = (
        initiative_list(actor=actor)
        .filter(state=State.IN_PROGRESS)
        .annotate(has_booking=Exists(booked), reinspection=Exists(pending))
        .filter(has_booking=False)
        .filter(
            Q(reinspection=True) | Q(end_date__lte=today + datetime.timedelta(days=within_days))
        )
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by(F("end_date").asc(nulls_last=True), "pk")


# --- the "to inspect" board: filtered and grouped by ward or unit -------------------------

GROUPINGS = {"ward": "Phường, xã", "unit": "Đơn vị", "none": "Không nhóm"}
CITY_LEVEL = "Cơ quan, ban, ngành, đoàn thể cấp thành phố"
CITY_KEY = "thanh-pho"


@dataclass
class CaseGroup:
    key: str
    label: str
    cases: list = field(default_factory=list)
    note: str = ""


@dataclass
class Option:
    value: str
    label: str
    count: int


@dataclass
class ToInspectBoard:
    groups: list[CaseGroup]
    total: int  # before the ward / unit filter
    shown: int
    wards: list[Option]
    units: list[Option]


def _ward_of(unit: Unit, wards: dict[int, Unit]) -> Unit | None:
    """The ward a unit is, or sits under (from its path: no query)."""
    for pk in unit.path.strip("/").split("/"):
        if pk.isdigit() and int(pk) in wards:
            return wards[int(pk)]
    return None


def _options(pairs: list[tuple[str, str]]) -> list[Option]:
    counts: dict[str, Option] = {}
    for value, label in pairs:
        counts.setdefault(value, Option(value, label, 0)).count += 1
    # City bodies last; the rest by name, diacritics aside.
    return sorted(counts.values(), key=lambda o: (o.value == CITY_KEY, fold(o.label)))


def to_inspect_board(
    *, actor, today: datetime.date, within_days: int, group_by: str, ward: str = "", unit: str = ""
) -> ToInspectBoard:
    """The cases to book (``cases_to_inspect``) filtered by ``ward`` (a ward's id, or
    ``CITY_KEY`` for the city's own bodies) and ``unit`` (a unit's id), grouped by ward,
    by unit or not at all, each group with its cases soonest end first; and the wards and
    units that have cases, with their counts, for the filters. Two queries (the cases,
    the wards) whatever the number of rows."""
    cases = list(cases_to_inspect(actor=actor, today=today, within_days=within_days))
    wards = {w.pk: w for w in Unit.objects.filter(kind=UnitKind.WARD).only("pk", "name", "path")}
    ward_pairs, unit_pairs = [], []
    for case in cases:
        found = _ward_of(case.unit, wards)
        case.ward_key = str(found.pk) if found else CITY_KEY
        case.ward_name = found.name if found else CITY_LEVEL
        ward_pairs.append((case.ward_key, case.ward_name))
        unit_pairs.append((str(case.unit_id), case.unit.name))
    shown = [
        case
        for case in cases
        if (not ward or case.ward_key == ward) and (not unit or str(case.unit_id) == unit)
    ]
    groups: dict[str, CaseGroup] = {}
    for case in shown:
        if group_by == "ward":
            key, label, note = case.ward_key, case.ward_name, ""
        elif group_by == "unit":
            key, label = str(case.unit_id), case.unit.name
            note = (
                ""
                if case.ward_key == CITY_KEY or case.unit_id == int(case.ward_key)
                else case.ward_name
            )
        else:
            key, label, note = "all", "Tất cả mô hình cần lên lịch", ""
        groups.setdefault(key, CaseGroup(key=key, label=label, note=note)).cases.append(case)
    ordered = sorted(
        groups.values(), key=lambda g: (g.key == CITY_KEY, fold(g.note), fold(g.label))
    )
    return ToInspectBoard(
        groups=ordered,
        total=len(cases),
        shown=len(shown),
        wards=_options(ward_pairs),
        units=_options(unit_pairs),
    )


def case_inspections(*, case: Initiative) -> list[Inspection]:
    """A case's inspections with their visits, scores and attachments (for its page)."""
    return list(
        _with_details(Inspection.objects.filter(case=case)).order_by(
            F("planned_date").desc(nulls_first=True), "-pk"
        )
    )


def inspectors() -> QuerySet:
    """The users who may be put on an inspection team."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__role=Role.INSPECTOR)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def criteria_of(*, campaign, subject: str | None = None) -> QuerySet[Criterion]:
    qs = Criterion.objects.filter(campaign=campaign)
    if subject:
        qs = qs.filter(subject=subject)
    return qs.order_by("subject", "order", "pk")


def round_labels(*, campaign=None) -> list[str]:
    qs = Inspection.objects.exclude(round_label="")
    if campaign is not None:
        qs = qs.filter(case__campaign=campaign)
    return list(qs.order_by("round_label").values_list("round_label", flat=True).distinct())
