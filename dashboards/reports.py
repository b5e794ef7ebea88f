"""The sơ kết / tổng kết reports: the dashboard's figures for a campaign or a range of
years, for any unit subtree, as an xlsx workbook (a sheet per table) and as a Word draft
(the figures in sentences and tables, with bracketed places for the secretariat's
assessment). Both are built from one ``Report``, itself counted by the same queries as
the dashboard, so the three never disagree."""

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, OuterRef, Q

from documents import word
from documents import xlsx as sheets
from documents.issuer import issuer_get
from models_registry.conditions import SUBMITTED
from models_registry.filters import InitiativeFilter
from models_registry.models import Field, ProgressKind, ProgressReport, RecognitionLevel, Subject
from models_registry.selectors import initiative_list
from units.text import fold
from workflow.lifecycle import State

from .answers import (
    Answers,
    YearAnswers,
    case_figures,
    comparison_rows,
    missing_sentence,
    report_answers,
    sent_sentence,
    year_answers,
)
from .asof import cases_as_of, day_end, then_q
from .figures import COMPARE_YEARS, Overview, overview
from .scope import Scope

SO_KET, TONG_KET = "so-ket", "tong-ket"
REPORT_KINDS = [(SO_KET, "Sơ kết"), (TONG_KET, "Tổng kết")]
LIST_IN_WORD_MAX = 300  # longer lists of recognised models stay in the workbook
PLACEHOLDER = "[Ban Dân vận bổ sung: {what}]"


@dataclass
class Table:
    sheet: str  # an Excel sheet name: at most 31 characters
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    note: str = ""


@dataclass
class Report:
    kind: str
    title: str
    subtitle: str
    scope: Scope
    unit_name: str
    as_of: datetime.date
    overview: Overview
    registered_by_subject: dict[str, int]
    tables: dict[str, Table]
    recognized: dict[int, int]  # the rank of each recognised model's level, by row number
    file_stem: str
    progress: dict[str, int] = field(default_factory=dict)
    answers: Answers | None = None  # the units' answers to the request for this report
    years_answers: list[YearAnswers] = field(default_factory=list)  # the phase review's
    year_tables: list[Table] = field(default_factory=list)  # one per year of a phase

    @property
    def is_phase(self) -> bool:
        """A tổng kết over a range of years: the phase review."""
        return (
            self.kind == TONG_KET
            and self.scope.campaign is None
            and self.scope.year_min is not None
            and self.scope.year_max is not None
        )

    @property
    def what(self) -> str:
        """The report as the units' request names it ("sơ kết năm 2023")."""
        return f"{self.kind_label.lower()} {self.scope.label}"

    @property
    def campaign(self):
        return self.scope.campaign

    @property
    def kind_label(self) -> str:
        return dict(REPORT_KINDS)[self.kind]


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _compare_years(scope: Scope) -> tuple[int | None, int | None]:
    if scope.campaign is not None:
        return scope.campaign.year - COMPARE_YEARS + 1, scope.campaign.year
    return scope.year_min, scope.year_max


def year_comparison(scope: Scope, *, actor) -> Table:
    """Per campaign year in the comparison period: one GROUP BY year."""
    low, high = _compare_years(scope)
    params = {}
    if low is not None:
        params["year_min"] = str(low)
    if high is not None:
        params["year_max"] = str(high)
    if scope.unit is not None:
        params["unit"] = str(scope.unit.pk)
    cases = InitiativeFilter(
        params, queryset=initiative_list(actor=actor), today=scope.today, user=actor
    ).qs.order_by()
    if scope.as_of is not None:
        cases = cases_as_of(cases, day=scope.as_of)
    sent = SUBMITTED
    filters = {
        "submitted": sent,
        "collective": sent & Q(subject=Subject.COLLECTIVE),
        "individual": sent & Q(subject=Subject.INDIVIDUAL),
        "in_progress": Q(state=State.IN_PROGRESS),
        "inspected": Q(state=State.INSPECTED),
        "recognized": Q(state=State.RECOGNIZED),
        "not_recognized": Q(state=State.NOT_RECOGNIZED),
        "withdrawn": Q(state=State.WITHDRAWN),
    }
    rows = {
        row["campaign__year"]: row
        for row in cases.values("campaign__year")
        .annotate(**{k: Count("pk", filter=_q(scope, q)) for k, q in filters.items()})
        .order_by()
    }
    years = sorted(
        c.year
        for c in scope.campaigns
        if (low is None or c.year >= low) and (high is None or c.year <= high)
    )
    keys = (
        "submitted",
        "collective",
        "individual",
        "in_progress",
        "inspected",
        "recognized",
        "not_recognized",
        "withdrawn",
    )
    table = Table(
        sheet="So sánh các năm",
        title=f"So sánh kết quả các năm {years[0]}–{years[-1]}" if years else "So sánh các năm",
        columns=[
            "Năm",
            "Số đăng ký",
            "Tập thể",
            "Cá nhân",
            "Đang triển khai",
            "Đã kiểm tra, chờ quyết định",
            "Được công nhận",
            "Không công nhận",
            "Rút đăng ký",
            "Tỷ lệ công nhận (%)",
        ],
    )
    totals = dict.fromkeys(keys, 0)
    for year in years:
        row = rows.get(year, {})
        values = [row.get(k, 0) for k in keys]
        for k, v in zip(keys, values, strict=True):
            totals[k] += v
        table.rows.append([year, *values, _pct(row.get("recognized", 0), row.get("submitted", 0))])
    table.total = [
        "Cộng",
        *(totals[k] for k in keys),
        _pct(totals["recognized"], totals["submitted"]),
    ]
    return table


def _q(scope: Scope, q: Q) -> Q:
    """``q`` on the cases' states as of the scope's day (as they are now, without one)."""
    return q if scope.as_of is None else then_q(q)


def _field_table(scope: Scope, *, actor) -> tuple[Table, dict[str, int]]:
    """The registration form's own count: each field split collective / individual (a
    model in several fields is counted in each, as on the form)."""
    cases = scope.cases(actor=actor).filter(_q(scope, SUBMITTED))
    flags = {f"field_{f.value}": f for f in Field}
    agg = {}
    for flag, f in flags.items():
        for s in Subject:
            agg[f"{f.value}:{s.value}"] = Count("pk", filter=Q(**{flag: True}, subject=s))
    for s in Subject:
        agg[s.value] = Count("pk", filter=Q(subject=s))
    c = cases.aggregate(**agg)
    table = Table(
        sheet="Theo lĩnh vực",
        title="Số mô hình, điển hình đã đăng ký theo lĩnh vực",
        columns=["Lĩnh vực", Subject.COLLECTIVE.label, Subject.INDIVIDUAL.label, "Cộng"],
        note="Một mô hình đăng ký nhiều lĩnh vực được tính ở mỗi lĩnh vực (như biểu mẫu).",
    )
    sums = [0, 0]
    for f in Field:
        a, b = c[f"{f.value}:collective"], c[f"{f.value}:individual"]
        sums[0] += a
        sums[1] += b
        table.rows.append([f.label, a, b, a + b])
    table.total = ["Tổng", sums[0], sums[1], sums[0] + sums[1]]
    return table, {s.value: c[s.value] for s in Subject}


def _summary_table(ov: Overview) -> Table:
    by_state = {n.key.split(":", 1)[1]: n.value for n in ov.by_state}
    sent = ov.submitted.value
    subjects = {n.key.split(":", 1)[1]: n.value for n in ov.by_subject}
    rows = [
        ["Tổng số mô hình, điển hình (kể cả bản nháp)", ov.total.value, None],
        ["Đã gửi đăng ký", sent, 100.0 if sent else None],
        ["— Tập thể (mọi trạng thái)", subjects[Subject.COLLECTIVE], None],
        ["— Cá nhân (mọi trạng thái)", subjects[Subject.INDIVIDUAL], None],
    ]
    for s in State:
        if s == State.DRAFT:
            continue
        rows.append([f"— {s.label}", by_state[s.value], _pct(by_state[s.value], sent)])
    for n in ov.by_recognized_level:
        rows.append([f"Được công nhận {n.label.lower()}", n.value, _pct(n.value, sent)])
    rows.append(["Bản nháp chưa gửi", by_state[State.DRAFT], None])
    return Table(
        sheet="Tổng hợp",
        title="Số liệu tổng hợp",
        columns=["Chỉ tiêu", "Số lượng", "Tỷ lệ so với số đã gửi (%)"],
        rows=rows,
    )


def _unit_table(ov: Overview) -> Table:
    table = Table(
        sheet="Theo đơn vị",
        title="Tình hình đăng ký và kết quả theo đơn vị",
        columns=[
            "STT",
            "Đơn vị",
            "Tổng số",
            "Đã gửi đăng ký",
            "Tập thể",
            "Cá nhân",
            "Được công nhận",
            "Tình trạng đăng ký",
        ],
    )
    totals = [0, 0, 0, 0, 0]
    for i, row in enumerate(ov.units.rows, start=1):
        name = f"{row.unit.name} (trực tiếp)" if row.own else row.unit.name
        status = "Đã đăng ký" if row.registered else "Chưa đăng ký"
        if not row.registered and row.drafts.value:
            status = "Có bản nháp, chưa gửi"
        values = [
            row.total.value,
            row.submitted.value,
            row.by_subject[0].value,
            row.by_subject[1].value,
            row.recognized.value,
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        table.rows.append([i, name, *values, status])
    missing = len(ov.units.not_registered)
    table.total = ["", "Cộng", *totals, f"{missing} đơn vị chưa đăng ký"]
    if ov.units.deadline:
        table.note = f"Hạn đăng ký: {ov.units.deadline:%d/%m/%Y}."
    return table


def _level_table(ov: Overview) -> Table:
    table = Table(
        sheet="Theo cấp",
        title="Cấp đăng ký và cấp được công nhận",
        columns=["Cấp", "Đăng ký đạt cấp", "Được công nhận ở cấp"],
    )
    recognized = {n.label: n.value for n in ov.by_recognized_level}
    for n in ov.by_target_level:
        table.rows.append([n.label, n.value, recognized.get(n.label, 0)])
    table.total = [
        "Cộng",
        sum(n.value for n in ov.by_target_level),
        sum(n.value for n in ov.by_recognized_level),
    ]
    return table


def _level_table_by_rank(scope: Scope, *, actor) -> Table:
    """Over several years, levels are matched by rank (each campaign has its own rows)."""
    cases = scope.cases(actor=actor)
    levels = RecognitionLevel.objects.filter(
        campaign__in=[c for c in scope.campaigns if c.year in scope.years]
    ).order_by("rank", "-campaign__year")
    rank_of = {level.pk: level.rank for level in levels}
    target = {
        r["target_level__rank"]: r["n"]
        for r in cases.filter(target_level__isnull=False)
        .values("target_level__rank")
        .annotate(n=Count("*"))
        .order_by()
    }
    level = "recognized_level" if scope.as_of is None else "level_then"
    recognized: dict[int, int] = {}
    for r in (
        cases.filter(_q(scope, Q(state=State.RECOGNIZED, recognized_level__isnull=False)))
        .values(level)
        .annotate(n=Count("*"))
        .order_by()
    ):
        rank = rank_of.get(r[level])
        if rank is not None:
            recognized[rank] = recognized.get(rank, 0) + r["n"]
    names = {}
    for level in levels:
        names.setdefault(level.rank, level.name)
    table = Table(
        sheet="Theo cấp",
        title="Cấp đăng ký và cấp được công nhận (theo thứ bậc cấp)",
        columns=["Cấp", "Đăng ký đạt cấp", "Được công nhận ở cấp"],
    )
    for rank in sorted(set(names) | set(target) | set(recognized)):
        table.rows.append(
            [names.get(rank, f"Cấp {rank}"), target.get(rank, 0), recognized.get(rank, 0)]
        )
    table.total = ["Cộng", sum(target.values()), sum(recognized.values())]
    return table


def _overdue_table(ov: Overview) -> Table:
    return Table(
        sheet="Việc quá hạn",
        title=f"Việc quá hạn, cần đôn đốc (tính đến {ov.scope.today:%d/%m/%Y})",
        columns=["Nội dung", "Số mô hình"],
        rows=[[n.label, n.value] for n in ov.overdue],
    )


def _days(value: float | None):
    return None if value is None else round(value, 1)


def _durations_table(ov: Overview) -> Table:
    d = ov.durations
    return Table(
        sheet="Thời gian xử lý",
        title="Thời gian xử lý (trung vị, ngày)",
        columns=["Khoảng thời gian", "Trung vị (ngày)", "Số mô hình tính"],
        rows=[
            ["Từ khi đăng ký đến khi có kết quả kiểm tra", _days(d.to_inspection_days),
             d.to_inspection_cases],
            ["Từ khi đăng ký đến khi có quyết định", _days(d.to_decision_days),
             d.to_decision_cases],
        ],
        note="Tính từ nhật ký chuyển trạng thái: lần gửi đăng ký cuối cùng, lần ghi nhận "
        "kết quả kiểm tra đầu tiên, quyết định công nhận hoặc không công nhận đầu tiên.",
    )  # fmt: skip


def _recognized_list(scope: Scope, *, actor) -> tuple[Table, dict[int, int]]:
    """The recognised models, and the rank of each one's level (by its row number)."""
    cases = scope.cases(actor=actor).filter(_q(scope, Q(state=State.RECOGNIZED)))
    levels = {}
    if scope.as_of is None:
        cases = cases.select_related("unit", "campaign", "recognized_level").order_by(
            "campaign__year", "recognized_level__rank", "unit__path", "name", "pk"
        )
    else:  # the level of then, which an upgrade since may have changed
        levels = {
            level.pk: level
            for level in RecognitionLevel.objects.filter(
                campaign__in=[c for c in scope.campaigns if c.year in scope.years]
            )
        }
        cases = cases.select_related("unit", "campaign").order_by(
            "campaign__year", "unit__path", "name", "pk"
        )
    table = Table(
        sheet="Danh sách công nhận",
        title="Danh sách mô hình, điển hình được công nhận",
        columns=["STT", "Năm", "Tên mô hình, điển hình", "Đơn vị", "Đối tượng", "Lĩnh vực",
                 "Cấp công nhận"],
    )  # fmt: skip
    found = []
    for case in cases.iterator(chunk_size=2000):
        level = case.recognized_level if scope.as_of is None else levels.get(case.level_then)
        found.append((case, level))
    if scope.as_of is not None:
        found.sort(key=lambda p: (p[0].campaign.year, p[1].rank if p[1] else 0))
    rows = [
        [
            i,
            case.campaign.year,
            case.name,
            case.unit.name,
            case.get_subject_display(),
            case.fields_display,
            level.name if level else "",
        ]
        for i, (case, level) in enumerate(found, start=1)
    ]
    table.rows = rows
    return table, {i: level.rank for i, (_, level) in enumerate(found, start=1) if level}


def _progress(scope: Scope, *, actor) -> dict[str, int]:
    """How the sent cases stood with their reports by the scope's day: how many had
    their mid-year and year-end reports written (one aggregate)."""
    cases = scope.cases(actor=actor).exclude(_q(scope, Q(state=State.DRAFT)))
    written = {"created_at__lt": day_end(scope.as_of)} if scope.as_of is not None else {}

    def report_of(kind):
        return Exists(
            ProgressReport.objects.filter(initiative=OuterRef("pk"), kind=kind, **written)
        )

    return cases.aggregate(
        mid_year=Count("pk", filter=Q(report_of(ProgressKind.MID_YEAR))),
        year_end=Count("pk", filter=Q(report_of(ProgressKind.YEAR_END))),
    )


def _proposals_table(recognized_table: Table, ranks: dict[int, int]) -> Table:
    """The tổng kết's proposals for commendation: the models recognised, the highest
    level first, with the form of commendation left for the secretariat to propose."""
    rows = sorted(recognized_table.rows, key=lambda r: (-ranks.get(r[0], 0), r[0]))
    return Table(
        sheet="Đề xuất khen thưởng",
        title="Danh sách đề xuất khen thưởng",
        columns=["STT", "Tập thể, cá nhân", "Mô hình, điển hình", "Cấp công nhận",
                 "Hình thức khen thưởng đề xuất"],
        rows=[[i, r[3], r[2], r[6], "[Ban Dân vận đề xuất]"] for i, r in enumerate(rows, 1)],
        note="Đề xuất trên cơ sở các mô hình, điển hình được công nhận trong kỳ.",
    )  # fmt: skip


ANSWER_COLUMNS = ["Chỉ tiêu", "Đếm từ hồ sơ", "Các đơn vị báo cáo", "Chênh lệch"]


def _answers_table(cases: dict[str, int], answers: Answers, *, what: str) -> Table:
    return Table(
        sheet="Báo cáo của đơn vị",
        title="Số liệu đếm từ hồ sơ và số liệu các đơn vị báo cáo",
        columns=ANSWER_COLUMNS,
        rows=comparison_rows(cases, answers),
        note=" ".join(filter(None, [sent_sentence(answers, what=what), missing_sentence(answers)])),
    )


def _missing_table(answers: Answers, *, what: str) -> Table:
    table = Table(
        sheet="Đơn vị chưa báo cáo",
        title=f"Đơn vị chưa gửi báo cáo {what}",
        columns=["STT", "Đơn vị"],
        rows=[[i, unit.name] for i, unit in enumerate(answers.missing, start=1)],
    )
    if answers.request is None:
        table.note = sent_sentence(answers, what=what)
    elif not answers.missing:
        table.note = missing_sentence(answers)
    else:
        table.note = f"Hạn gửi: {answers.request.due_date:%d/%m/%Y}."
    return table


def _year_table(item: YearAnswers) -> Table:
    return Table(
        sheet=f"Năm {item.year}",
        title=f"Năm {item.year}",
        columns=ANSWER_COLUMNS,
        rows=comparison_rows(item.cases, item.answers),
        note=" ".join(
            filter(
                None,
                [
                    sent_sentence(item.answers, what=f"tổng kết năm {item.year}"),
                    missing_sentence(item.answers),
                ],
            )
        ),
    )


def _phase_table(years: list[YearAnswers]) -> Table:
    """The years of the phase side by side: each number counted from the cases and as
    the units reported it in that year's tổng kết."""
    columns = ["Chỉ tiêu"]
    for item in years:
        columns += [f"{item.year}: hồ sơ", f"{item.year}: đơn vị báo cáo"]
    per_year = [comparison_rows(item.cases, item.answers) for item in years]
    rows = []
    for i, row in enumerate(per_year[0] if per_year else []):
        line = [row[0]]
        for table in per_year:
            line += [table[i][1], table[i][2]]
        rows.append(line)
    return Table(
        sheet="So sánh giai đoạn",
        title="So sánh các năm trong giai đoạn: đếm từ hồ sơ và các đơn vị báo cáo",
        columns=columns,
        rows=rows,
        note="Số liệu đơn vị báo cáo của mỗi năm: tổng các báo cáo tổng kết năm đó đã gửi "
        "hoặc đã được tiếp nhận; “—”: năm không có yêu cầu báo cáo.",
    )


def report_as_of(campaign, kind: str) -> datetime.date | None:
    """The day a campaign's report of ``kind`` counts to: the mid-year report's due date
    for the sơ kết, the year-end report's for the tổng kết (None: the plan has no such
    date)."""
    if campaign is None:
        return None
    return campaign.mid_year_report_due if kind == SO_KET else campaign.year_end_report_due


def report_build(scope: Scope, *, actor, kind: str = "") -> Report:
    """Count everything the reports show, for ``scope``, as ``actor`` may see it (as of
    ``scope.as_of`` when it is set: the states of that day, from the transition log)."""
    kind = kind if kind in dict(REPORT_KINDS) else TONG_KET
    ov = overview(scope, actor=actor)
    unit_name = scope.unit.name if scope.unit else "toàn bộ các đơn vị"
    period = scope.label
    if kind == SO_KET:
        title = (
            f"Báo cáo sơ kết 6 tháng đầu năm phong trào thi đua “Dân vận khéo” {period}; "
            "nhiệm vụ trọng tâm 6 tháng cuối năm"
        )
    elif scope.campaign is not None:
        title = (
            f"Báo cáo tổng kết phong trào thi đua “Dân vận khéo” {period}; "
            f"phương hướng, nhiệm vụ năm {scope.campaign.year + 1}"
        )
    else:
        title = f"Báo cáo tổng kết phong trào thi đua “Dân vận khéo” {period}"
    levels_table = _level_table(ov) if scope.campaign else _level_table_by_rank(scope, actor=actor)
    recognized_table, recognized = _recognized_list(scope, actor=actor)
    fields_table, by_subject = _field_table(scope, actor=actor)
    if kind == SO_KET:
        tables = {
            "summary": _summary_table(ov),
            "fields": fields_table,
            "units": _unit_table(ov),
            "levels": levels_table,
            "overdue": _overdue_table(ov),
            "durations": _durations_table(ov),
            "recognized": recognized_table,
        }
    else:
        tables = {
            "summary": _summary_table(ov),
            "fields": fields_table,
            "units": _unit_table(ov),
            "levels": levels_table,
            "years": year_comparison(scope, actor=actor),
            "overdue": _overdue_table(ov),
            "durations": _durations_table(ov),
            "recognized": recognized_table,
            "proposals": _proposals_table(recognized_table, recognized),
        }
    label = dict(REPORT_KINDS)[kind].lower()
    what = f"{label} {scope.label}"
    answers = report_answers(scope, actor=actor, kind=kind)
    cases = case_figures(scope, actor=actor)
    tables["answers"] = _answers_table(cases, answers, what=what)
    tables["missing"] = _missing_table(answers, what=what)
    years_answers: list[YearAnswers] = []
    year_tables: list[Table] = []
    if kind == TONG_KET and scope.campaign is None and scope.year_min and scope.year_max:
        title = f"Báo cáo tổng kết phong trào thi đua “Dân vận khéo” {period}"
        years_answers = year_answers(scope, actor=actor)
        year_tables = [_year_table(item) for item in years_answers]
        tables["phase"] = _phase_table(years_answers)
    stem_period = (
        str(scope.campaign.year)
        if scope.campaign
        else f"{scope.year_min or ''}-{scope.year_max or ''}".strip("-") or "tat-ca"
    )
    stem = f"bao-cao-{kind}-{stem_period}"
    if scope.unit is not None:
        stem += "-" + fold(scope.unit.name).replace(" ", "-")[:40]
    return Report(
        kind=kind,
        title=title,
        subtitle=f"Phạm vi: {unit_name}" + (" và các đơn vị trực thuộc" if scope.unit else ""),
        scope=scope,
        unit_name=unit_name,
        as_of=scope.as_of or scope.today,
        overview=ov,
        registered_by_subject=by_subject,
        tables=tables,
        recognized=recognized,
        file_stem=stem,
        progress=_progress(scope, actor=actor),
        answers=answers,
        years_answers=years_answers,
        year_tables=year_tables,
    )


# --- xlsx ---


def report_xlsx(report: Report) -> bytes:
    """A workbook with one sheet per table: a title row, the header, the rows, the total;
    column widths from their content, every row as tall as its text, ready to print."""

    def build(book, styles):
        for table in report.tables.values():
            rows = [*table.rows, *([table.total] if table.total is not None else [])]
            widths = sheets.content_widths(table.columns, rows, high=45)
            sheet = sheets.SheetWriter(book, styles, table.sheet, widths)
            sheet.line(table.title, bold=True, size=13, align="left")
            sheet.line(
                f"{report.title} — {report.subtitle}; số liệu tính đến ngày {report.as_of:%d/%m/%Y}.",
                italic=True,
                align="left",
            )
            sheet.line()
            sheet.header(table.columns)
            for row in table.rows:
                sheet.values(row)
            if table.total is not None:
                sheet.values(table.total, bold=True)
            if table.note:
                sheet.line()
                sheet.line(table.note, italic=True, align="left")
            sheet.finish()

    return sheets.book_bytes(build)


# --- docx ---

RECIPIENTS = (
    "Thường trực Thành ủy (để báo cáo);",
    "Các thành viên Ban Chỉ đạo;",
    "Các đơn vị (để thực hiện);",
    "Lưu VP.",
)


def _docx_table(doc, table: Table, *, size: float, limit: int | None = None) -> None:
    rows = table.rows if limit is None else table.rows[:limit]
    word.table(
        doc,
        table.columns,
        [[_text(v) for v in row] for row in rows],
        size=size,
        total=None if table.total is None else [_text(v) for v in table.total],
        center=[i for i, v in enumerate(rows[0] if rows else []) if not isinstance(v, str)],
    )
    if table.note:
        word.paragraph(doc, table.note, size=size, italic=True, before=2)


def _caption(doc, text: str, *, size: float) -> None:
    word.paragraph(doc, text, size=size, bold=True, before=6, after=4, align=word.CENTER)


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _count_sentence(report: Report) -> str:
    ov, subjects = report.overview, report.registered_by_subject
    fields = "; ".join(f"{row[0].lower()}: {row[3]}" for row in report.tables["fields"].rows)
    return (
        f"Tổng số {ov.total.value} mô hình, điển hình “Dân vận khéo”, trong đó "
        f"{ov.submitted.value} đã gửi đăng ký ({subjects[Subject.COLLECTIVE]} tập thể, "
        f"{subjects[Subject.INDIVIDUAL]} cá nhân). Số đã gửi theo lĩnh vực: {fields}."
    )


def _units_sentence(report: Report) -> str:
    units = report.overview.units
    missing = units.not_registered
    line = f"Có {units.registered_count}/{units.registered_count + len(missing)} đơn vị đã đăng ký"
    if units.deadline:
        line += f" (hạn đăng ký {units.deadline:%d/%m/%Y})"
    line += "."
    if missing:
        names = ", ".join(row.unit.name for row in missing[:40])
        more = f" và {len(missing) - 40} đơn vị khác" if len(missing) > 40 else ""
        line += f" Còn {len(missing)} đơn vị chưa đăng ký: {names}{more}."
    return line


def _states(report: Report) -> dict[str, int]:
    return {n.key.split(":", 1)[1]: n.value for n in report.overview.by_state}


def _recognized_sentence(report: Report) -> str:
    ov, states = report.overview, _states(report)
    levels = "; ".join(f"{n.label.lower()}: {n.value}" for n in ov.by_recognized_level)
    return (
        f"Được công nhận: {states[State.RECOGNIZED]} mô hình, điển hình"
        + (f" ({levels})" if levels else "")
        + f"; không công nhận: {states[State.NOT_RECOGNIZED]}."
    )


def _plan_sentence(report: Report) -> str:
    campaign = report.campaign
    if campaign is not None and campaign.plan_number:
        issued = f" ngày {campaign.plan_date:%d/%m/%Y}" if campaign.plan_date else ""
        by = f" của {campaign.issuer}" if campaign.issuer else ""
        plan = f"Kế hoạch số {campaign.plan_number}{issued}{by}"
    else:
        plan = "Kế hoạch của Ban Chỉ đạo"
    return (
        f"Thực hiện {plan} về phong trào thi đua “Dân vận khéo” {report.scope.label}, "
        + PLACEHOLDER.format(
            what="việc quán triệt, ban hành văn bản hướng dẫn, tuyên truyền của các đơn vị"
        )
    )


class _Writer:
    """The running text of a report: its sections, in the issuer's format."""

    def __init__(self, doc, issuer) -> None:
        self.doc, self.issuer = doc, issuer
        self.size, self.tsize = issuer.standard.text_size, issuer.standard.table_size

    def heading(self, text: str) -> None:
        word.heading(self.doc, text, issuer=self.issuer)

    def para(self, text: str) -> None:
        word.body(self.doc, text, size=self.size)

    def table(self, table: Table, *, caption: bool = True, note: bool = True) -> None:
        if caption:
            _caption(self.doc, table.title, size=self.size)
        if not note:
            table = replace(table, note="")
        _docx_table(self.doc, table, size=self.tsize)


def _answers_part(w: _Writer, report: Report, *, number: int) -> None:
    """The units' own reports beside the cases: the sums of what they sent, who has not."""
    answers = report.answers
    w.para(
        f"{number}. Tổng hợp báo cáo của các đơn vị. " + sent_sentence(answers, what=report.what)
    )
    if answers is None or answers.request is None:
        return
    w.table(report.tables["answers"], note=False)  # the sentences say it
    w.para(missing_sentence(answers))


def _so_ket(w: _Writer, report: Report) -> None:
    """Mid-year: what has been done so far, what is late, what remains for the year."""
    ov, states, campaign = report.overview, _states(report), report.campaign
    w.heading("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TRIỂN KHAI")
    w.para(_plan_sentence(report))

    w.heading("II. KẾT QUẢ THỰC HIỆN 6 THÁNG ĐẦU NĂM")
    w.para("1. Đăng ký mô hình, điển hình. " + _count_sentence(report))
    w.para(_units_sentence(report))
    w.table(report.tables["fields"])
    w.table(report.tables["units"])
    sent = ov.submitted.value
    w.para(
        f"2. Tiến độ thực hiện. Đang triển khai: {states[State.IN_PROGRESS]} mô hình; "
        f"đã đăng ký, chưa đến ngày bắt đầu: {states[State.REGISTERED]}; đã kiểm tra thực "
        f"tế, chờ xét công nhận: {states[State.INSPECTED]}; rút đăng ký: "
        f"{states[State.WITHDRAWN]}. Đã có báo cáo sơ kết: {report.progress['mid_year']}/"
        f"{sent} mô hình đã gửi đăng ký."
    )
    if states[State.RECOGNIZED] or states[State.NOT_RECOGNIZED]:
        w.para("Đã xét công nhận trong kỳ. " + _recognized_sentence(report))
    listing = report.tables["recognized"]
    if listing.rows and len(listing.rows) <= LIST_IN_WORD_MAX:
        w.table(listing)
    w.para(PLACEHOLDER.format(what="kết quả nổi bật của các mô hình đang triển khai"))
    _answers_part(w, report, number=3)

    w.heading("III. NHỮNG VIỆC CHẬM, QUÁ HẠN CẦN ĐÔN ĐỐC")
    late = [row for row in report.tables["overdue"].rows if row[1]]
    if late:
        w.para(
            "Tính đến ngày "
            f"{report.as_of:%d/%m/%Y}: " + "; ".join(f"{r[0].lower()}: {r[1]}" for r in late) + "."
        )
    else:
        w.para(f"Tính đến ngày {report.as_of:%d/%m/%Y}, không có việc quá hạn.")
    if ov.units.not_registered:
        w.para(f"Đơn vị chưa đăng ký mô hình: {len(ov.units.not_registered)} (nêu ở mục II.1).")
    if report.answers is not None and report.answers.missing:
        w.para(f"Đơn vị chưa gửi báo cáo sơ kết: {len(report.answers.missing)} (nêu ở mục II.3).")
    w.table(report.tables["overdue"])

    w.heading("IV. ĐÁNH GIÁ CHUNG")
    w.para("1. Ưu điểm: " + PLACEHOLDER.format(what="ưu điểm"))
    w.para("2. Hạn chế, nguyên nhân: " + PLACEHOLDER.format(what="hạn chế, nguyên nhân"))

    w.heading("V. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM")
    running = states[State.IN_PROGRESS] + states[State.REGISTERED]
    due = campaign.year_end_report_due if campaign else None
    w.para(
        f"1. Đôn đốc {running} mô hình đã đăng ký, đang triển khai thực hiện đúng mục tiêu, "
        "chỉ tiêu đã đăng ký"
        + (f"; gửi báo cáo tổng kết trước ngày {due:%d/%m/%Y}." if due else ".")
    )
    w.para(
        "2. Tổ chức kiểm tra thực tế các mô hình kết thúc trong năm; giải quyết dứt điểm "
        + ("những việc chậm, quá hạn nêu ở mục III." if late else "các việc phát sinh.")
    )
    recognition = campaign.recognition_date if campaign else None
    w.para(
        f"3. Hội đồng xét công nhận {states[State.INSPECTED]} mô hình đã kiểm tra"
        + (f", hoàn thành trước ngày {recognition:%d/%m/%Y}." if recognition else ".")
    )
    w.para("4. " + PLACEHOLDER.format(what="nhiệm vụ khác của 6 tháng cuối năm"))


def _tong_ket(w: _Writer, report: Report) -> None:
    """Year-end (or a phase): the results, the models recognised, the proposals for
    commendation, the lessons, the direction for what comes next."""
    ov, states, campaign = report.overview, _states(report), report.campaign
    w.heading("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TRIỂN KHAI")
    w.para(_plan_sentence(report))

    w.heading("II. KẾT QUẢ THỰC HIỆN PHONG TRÀO")
    w.para("1. Đăng ký mô hình, điển hình. " + _count_sentence(report))
    w.para(_units_sentence(report))
    w.table(report.tables["fields"])
    w.table(report.tables["units"])
    w.para(
        f"2. Triển khai, kiểm tra thực tế. Đã kiểm tra thực tế: "
        f"{ov.to_inspection.value} mô hình; đang triển khai: {states[State.IN_PROGRESS]}; "
        f"rút đăng ký: {states[State.WITHDRAWN]}. Đã có báo cáo tổng kết: "
        f"{report.progress['year_end']}/{ov.submitted.value} mô hình đã gửi đăng ký."
    )
    d = ov.durations
    if d.to_inspection_days is not None:
        w.para(
            f"Thời gian trung vị từ khi đăng ký đến khi có kết quả kiểm tra: "
            f"{_text(_days(d.to_inspection_days))} ngày ({d.to_inspection_cases} mô hình)."
        )
    _answers_part(w, report, number=3)

    w.heading("III. KẾT QUẢ CÔNG NHẬN MÔ HÌNH, ĐIỂN HÌNH TIÊU BIỂU")
    w.para(_recognized_sentence(report))
    if d.to_decision_days is not None:
        w.para(
            f"Thời gian trung vị từ khi đăng ký đến khi có quyết định: "
            f"{_text(_days(d.to_decision_days))} ngày ({d.to_decision_cases} mô hình)."
        )
    w.table(report.tables["levels"])
    listing = report.tables["recognized"]
    if len(listing.rows) <= LIST_IN_WORD_MAX:
        w.table(listing)
    else:
        w.para(
            f"Danh sách gồm {len(listing.rows)} mô hình, điển hình: xem tệp Excel kèm theo "
            f"(trang “{listing.sheet}”)."
        )

    w.heading("IV. SO SÁNH VỚI CÁC NĂM")
    w.table(report.tables["years"], caption=False)
    if report.is_phase:
        w.para(
            "Từng năm trong giai đoạn, số liệu đếm từ hồ sơ và số liệu các đơn vị báo cáo "
            "trong báo cáo tổng kết năm:"
        )
        for table in report.year_tables:
            w.table(table)  # its note: that year's request, who has not reported
        w.table(report.tables["phase"])
    w.para(PLACEHOLDER.format(what="nhận xét xu hướng qua các năm"))

    w.heading("V. ĐỀ XUẤT KHEN THƯỞNG")
    proposals = report.tables["proposals"]
    if proposals.rows:
        w.para(
            f"Ban Chỉ đạo đề nghị khen thưởng {len(proposals.rows)} tập thể, cá nhân có mô "
            "hình, điển hình được công nhận (danh sách kèm theo); "
            + PLACEHOLDER.format(what="hình thức và cấp khen thưởng đề nghị")
        )
        if len(proposals.rows) <= LIST_IN_WORD_MAX:
            w.table(proposals)
    else:
        w.para("Trong kỳ chưa có mô hình, điển hình được công nhận để đề xuất khen thưởng.")

    w.heading("VI. ĐÁNH GIÁ CHUNG VÀ BÀI HỌC KINH NGHIỆM")
    w.para("1. Ưu điểm: " + PLACEHOLDER.format(what="ưu điểm"))
    w.para("2. Hạn chế, nguyên nhân: " + PLACEHOLDER.format(what="hạn chế, nguyên nhân"))
    w.para("3. Bài học kinh nghiệm: " + PLACEHOLDER.format(what="bài học kinh nghiệm"))

    following = f"NĂM {campaign.year + 1}" if campaign is not None else "GIAI ĐOẠN TIẾP THEO"
    w.heading(f"VII. PHƯƠNG HƯỚNG, NHIỆM VỤ {following}")
    w.para(
        f"1. Duy trì và phát triển {states[State.RECOGNIZED]} mô hình, điển hình đã được "
        "công nhận; nhân rộng những cách làm hay, hiệu quả."
    )
    unfinished = states[State.IN_PROGRESS] + states[State.INSPECTED] + states[State.REGISTERED]
    if unfinished:
        w.para(
            f"2. Tiếp tục theo dõi, kiểm tra, xét công nhận {unfinished} mô hình chưa hoàn "
            "thành hoặc chưa có quyết định."
        )
    w.para(PLACEHOLDER.format(what="phương hướng, nhiệm vụ trọng tâm"))


def report_docx(report: Report) -> bytes:
    """A Word draft in the issuing unit's format (letterhead, "Số … -BC/…", place and
    date, the title, the figures as of the report's day, "Nơi nhận" and the signature
    block). The sơ kết (mid-year) reports progress so far, what is late and the tasks
    for the rest of the year; the tổng kết (year-end, or a phase) the results, the
    models recognised, proposals for commendation, lessons and the direction for what
    follows. Bracketed places are left for the secretariat's assessment."""
    issuer = issuer_get()
    doc = word.document_new(issuer=issuer)
    word.page_numbers(doc)
    word.letterhead(doc, issuer=issuer, day=report.as_of, number=issuer.number("BC"))
    what = report.title.removeprefix("Báo cáo ")
    word.title(doc, issuer=issuer, kind="BÁO CÁO", subject=what[:1].upper() + what[1:])
    word.paragraph(
        doc,
        f"{report.subtitle}. Số liệu tính đến ngày {report.as_of:%d/%m/%Y}, "
        "lấy từ hệ thống theo dõi phong trào.",
        size=issuer.standard.text_size, italic=True, align=word.CENTER, after=6,
    )  # fmt: skip
    writer = _Writer(doc, issuer)
    if report.kind == SO_KET:
        _so_ket(writer, report)
    else:
        _tong_ket(writer, report)
    word.paragraph(doc, "", after=6)
    word.recipients_and_signature(doc, issuer=issuer, recipients=RECIPIENTS)
    return word.document_bytes(doc)
