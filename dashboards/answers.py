"""What the units reported, beside what their cases say: the city's sơ kết / tổng kết
sums the numbers of the units' answers to the secretariat's request for that report
(``reports``: one request per campaign and kind, the latest if several) and names the
units that have not sent theirs; the phase review does the same for each year of its
range (each year's tổng kết request) and for the phase's own request.

The numbers counted from the cases are those a unit's answer is pre-filled with
(``models_registry.selectors.unit_case_figures``), counted over the report's scope and
as of its day; the units' numbers are what they sent (sent or accepted answers, as
``reports.selectors.request_totals`` sums them), whenever they sent it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from models_registry.models import RecognitionLevel
from models_registry.selectors import FINISHED_STATES
from reports.models import COUNTED, NUMBER_FIELDS, ReportAnswer, ReportKind, ReportRequest
from reports.selectors import request_missing_units, request_totals
from units.access import READER_ROLES, officer_units, sees_everything
from units.models import Unit
from workflow.lifecycle import State

from .asof import then_q
from .scope import Scope

LABELS = {name: ReportAnswer._meta.get_field(name).verbose_name for name in NUMBER_FIELDS}
NOT_COUNTED = "people_reached"  # no case says how many people a model reached


@dataclass
class Answers:
    """One request's answers within the report's reach (None: no request was made)."""

    request: ReportRequest | None
    asked: int = 0
    sent: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    missing: list[Unit] = field(default_factory=list)


@dataclass
class YearAnswers:
    year: int
    cases: dict[str, int]
    answers: Answers


def _reach(scope: Scope, *, actor) -> list[str] | None:
    """The unit paths whose answers the report may show: None for all (whoever sees
    everything, over the whole city); else the scope's unit, or the reader's units."""
    if scope.unit is not None:
        return [scope.unit.path]
    if sees_everything(actor):
        return None
    return [unit.path for unit in officer_units(actor, roles=READER_ROLES)]


def request_for(scope: Scope, *, kind: str) -> ReportRequest | None:
    """The request for this report: of the scope's campaign and the kind (``so-ket`` →
    sơ kết, else tổng kết); over a range of years, the phase review of exactly that
    range. The latest opened if there are several."""
    from .reports import SO_KET

    if scope.campaign is None and kind == SO_KET:
        return None  # a sơ kết is a campaign's; a range of years has its phase review
    if scope.campaign is not None:
        kind = ReportKind.MID_YEAR if kind == SO_KET else ReportKind.YEAR_END
        found = ReportRequest.objects.filter(campaign=scope.campaign, kind=kind)
    elif scope.year_min is not None and scope.year_max is not None:
        found = ReportRequest.objects.filter(
            kind=ReportKind.PHASE, year_from=scope.year_min, year_to=scope.year_max
        )
    else:
        return None
    return found.order_by("-opened_at", "-pk").first()


def answers_of(request: ReportRequest | None, *, reach: list[str] | None) -> Answers:
    """The sums of the answers sent (or accepted) and the units still owing theirs, for
    the units within ``reach`` (None: every unit asked). Three queries."""
    if request is None:
        return Answers(request=None)
    if reach is None:
        totals = request_totals(request=request)
        missing = request_missing_units(request=request)
        asked = ReportAnswer.objects.filter(request=request).count()
    else:
        within = Q(pk__in=[])
        for path in reach:
            within |= Q(unit__path__startswith=path)
        answers = ReportAnswer.objects.filter(within, request=request)
        sums = answers.filter(status__in=COUNTED).aggregate(
            answers=Count("pk"), **{name: Sum(name) for name in NUMBER_FIELDS}
        )
        totals = {key: int(value or 0) for key, value in sums.items()}
        missing = [
            unit
            for unit in request_missing_units(request=request)
            if any(unit.path.startswith(path) for path in reach)
        ]
        asked = answers.count()
    sent = totals.pop("answers", 0)
    return Answers(request=request, asked=asked, sent=sent, totals=totals, missing=missing)


def case_figures(scope: Scope, *, actor, by_year: bool = False) -> dict:
    """The numbers a unit's answer is pre-filled with, counted over the scope's cases (as
    of its day): one aggregate; ``by_year``: one GROUP BY the campaign's year, keyed by
    year."""
    levels = RecognitionLevel.objects.filter(campaign__in=scope.campaigns).values_list("pk", "rank")
    first = [pk for pk, rank in levels if rank == 1]
    higher = [pk for pk, rank in levels if rank > 1]
    recognized = Q(state=State.RECOGNIZED)
    filters = {
        "models_registered": ~Q(state__in=(State.DRAFT, State.WITHDRAWN)),
        "models_running": Q(state=State.IN_PROGRESS),
        "models_finished": Q(state__in=FINISHED_STATES),
        "recognized_grassroots": recognized & Q(recognized_level__in=first),
        "recognized_city": recognized & Q(recognized_level__in=higher),
    }
    if scope.as_of is not None:
        filters = {key: then_q(q) for key, q in filters.items()}
    counts = {key: Count("pk", filter=q) for key, q in filters.items()}
    cases = scope.cases(actor=actor)
    if not by_year:
        return cases.aggregate(**counts)
    return {
        row.pop("campaign__year"): row
        for row in cases.values("campaign__year").annotate(**counts).order_by()
    }


def year_answers(scope: Scope, *, actor) -> list[YearAnswers]:
    """For each year of the scope's range: the cases' figures, and the answers to that
    year's tổng kết request."""
    reach = _reach(scope, actor=actor)
    by_year = case_figures(scope, actor=actor, by_year=True)
    requests: dict[int, ReportRequest] = {}
    for request in (
        ReportRequest.objects.filter(campaign__year__in=scope.years, kind=ReportKind.YEAR_END)
        .select_related("campaign")
        .order_by("opened_at", "pk")
    ):
        requests[request.campaign.year] = request  # the latest opened wins
    empty = dict.fromkeys(NUMBER_FIELDS[:-1], 0)
    return [
        YearAnswers(
            year=year,
            cases={**empty, **by_year.get(year, {})},
            answers=answers_of(requests.get(year), reach=reach),
        )
        for year in scope.years
    ]


def report_answers(scope: Scope, *, actor, kind: str) -> Answers:
    return answers_of(request_for(scope, kind=kind), reach=_reach(scope, actor=actor))


def comparison_rows(cases: dict[str, int], answers: Answers) -> list[list]:
    """[label, counted from the cases, summed from the answers, the difference]."""
    rows = []
    for name in NUMBER_FIELDS:
        counted = None if name == NOT_COUNTED else cases.get(name, 0)
        reported = answers.totals.get(name, 0) if answers.request is not None else None
        diff = None if counted is None or reported is None else reported - counted
        rows.append([LABELS[name], counted, reported, diff])
    return rows


def sent_sentence(answers: Answers, *, what: str) -> str:
    """Which request, how many units sent, or plainly that no request was made."""
    if answers.request is None:
        return (
            f"Ban Chỉ đạo chưa gửi yêu cầu báo cáo {what} đến các đơn vị, nên chưa có số "
            "liệu do các đơn vị báo cáo; số liệu trong báo cáo này đếm từ hồ sơ trên hệ thống."
        )
    request = answers.request
    return (
        f"Theo yêu cầu “{request.title}” (hạn gửi {request.due_date:%d/%m/%Y}), "
        f"{answers.sent}/{answers.asked} đơn vị đã gửi báo cáo. Số liệu các đơn vị báo cáo "
        "là tổng các báo cáo đã gửi hoặc đã được tiếp nhận, đặt bên cạnh số liệu đếm từ hồ "
        "sơ trên hệ thống."
    )


def missing_sentence(answers: Answers, *, limit: int = 60) -> str:
    if answers.request is None:
        return ""
    if not answers.missing:
        return "Tất cả các đơn vị được yêu cầu đã gửi báo cáo."
    names = ", ".join(unit.name for unit in answers.missing[:limit])
    more = f" và {len(answers.missing) - limit} đơn vị khác" if len(answers.missing) > limit else ""
    return f"Còn {len(answers.missing)} đơn vị chưa gửi báo cáo: {names}{more}."


__all__ = [
    "Answers",
    "YearAnswers",
    "answers_of",
    "case_figures",
    "comparison_rows",
    "missing_sentence",
    "report_answers",
    "request_for",
    "sent_sentence",
    "year_answers",
]
