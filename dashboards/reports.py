"""The sơ kết / tổng kết reports: the dashboard's figures for a campaign or a range of
years, for any unit subtree, as an xlsx workbook (a sheet per table) and as a Word draft
(the figures in sentences and tables, with bracketed places for the secretariat's
assessment). Both are built from one ``Report``, itself counted by the same queries as
the dashboard, so the three never disagree."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from documents import word
from documents import xlsx as sheets
from documents.issuer import issuer_get
from models_registry.conditions import SUBMITTED
from models_registry.filters import InitiativeFilter
from models_registry.models import Field, RecognitionLevel, Subject
from models_registry.selectors import initiative_list
from units.text import fold
from workflow.lifecycle import State

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
    recognized: list
    file_stem: str

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
    ).qs
    sent = SUBMITTED
    rows = {
        row["campaign__year"]: row
        for row in cases.order_by()
        .values("campaign__year")
        .annotate(
            submitted=Count("pk", filter=sent),
            collective=Count("pk", filter=sent & Q(subject=Subject.COLLECTIVE)),
            individual=Count("pk", filter=sent & Q(subject=Subject.INDIVIDUAL)),
            in_progress=Count("pk", filter=Q(state=State.IN_PROGRESS)),
            inspected=Count("pk", filter=Q(state=State.INSPECTED)),
            recognized=Count("pk", filter=Q(state=State.RECOGNIZED)),
            not_recognized=Count("pk", filter=Q(state=State.NOT_RECOGNIZED)),
            withdrawn=Count("pk", filter=Q(state=State.WITHDRAWN)),
        )
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


def _field_table(scope: Scope, *, actor) -> tuple[Table, dict[str, int]]:
    """The registration form's own count: each field split collective / individual (a
    model in several fields is counted in each, as on the form)."""
    cases = scope.cases(actor=actor).filter(SUBMITTED)
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
    target = {
        r["target_level__rank"]: r["n"]
        for r in cases.filter(target_level__isnull=False)
        .values("target_level__rank")
        .annotate(n=Count("*"))
        .order_by()
    }
    recognized = {
        r["recognized_level__rank"]: r["n"]
        for r in cases.filter(state=State.RECOGNIZED, recognized_level__isnull=False)
        .values("recognized_level__rank")
        .annotate(n=Count("*"))
        .order_by()
    }
    names = {}
    for level in RecognitionLevel.objects.filter(
        campaign__in=[c for c in scope.campaigns if c.year in scope.years]
    ).order_by("rank", "-campaign__year"):
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


def _recognized_list(scope: Scope, *, actor) -> tuple[Table, list]:
    cases = (
        scope.cases(actor=actor)
        .filter(state=State.RECOGNIZED)
        .select_related("unit", "campaign", "recognized_level")
        .order_by("campaign__year", "recognized_level__rank", "unit__path", "name", "pk")
    )
    table = Table(
        sheet="Danh sách công nhận",
        title="Danh sách mô hình, điển hình được công nhận",
        columns=["STT", "Năm", "Tên mô hình, điển hình", "Đơn vị", "Đối tượng", "Lĩnh vực",
                 "Cấp công nhận"],
    )  # fmt: skip
    rows = []
    for i, case in enumerate(cases.iterator(chunk_size=2000), start=1):
        rows.append(
            [
                i,
                case.campaign.year,
                case.name,
                case.unit.name,
                case.get_subject_display(),
                case.fields_display,
                case.recognized_level.name if case.recognized_level else "",
            ]
        )
    table.rows = rows
    return table, rows


def report_build(scope: Scope, *, actor, kind: str = "") -> Report:
    """Count everything the reports show, for ``scope``, as ``actor`` may see it."""
    kind = kind if kind in dict(REPORT_KINDS) else TONG_KET
    ov = overview(scope, actor=actor)
    unit_name = scope.unit.name if scope.unit else "toàn bộ các đơn vị"
    period = scope.label
    if kind == SO_KET:
        title = f"Báo cáo sơ kết phong trào thi đua “Dân vận khéo” {period}"
    else:
        title = f"Báo cáo tổng kết phong trào thi đua “Dân vận khéo” {period}"
    levels_table = _level_table(ov) if scope.campaign else _level_table_by_rank(scope, actor=actor)
    recognized_table, recognized = _recognized_list(scope, actor=actor)
    fields_table, by_subject = _field_table(scope, actor=actor)
    tables = {
        "summary": _summary_table(ov),
        "fields": fields_table,
        "units": _unit_table(ov),
        "levels": levels_table,
        "years": year_comparison(scope, actor=actor),
        "overdue": _overdue_table(ov),
        "durations": _durations_table(ov),
        "recognized": recognized_table,
    }
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
        as_of=scope.today,
        overview=ov,
        registered_by_subject=by_subject,
        tables=tables,
        recognized=recognized,
        file_stem=stem,
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
                f"{report.title} — {report.subtitle}; số liệu đến {report.as_of:%d/%m/%Y}.",
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


def report_docx(report: Report) -> bytes:
    """A Word draft in the issuing unit's format (letterhead, "Số … -BC/…", place and
    date, the title, sections I–V in Times New Roman, "Nơi nhận" and the signature
    block): the figures in sentences and tables, and bracketed places where the
    secretariat writes its assessment."""
    ov = report.overview
    issuer = issuer_get()
    std = issuer.standard
    size, tsize = std.text_size, std.table_size
    doc = word.document_new(issuer=issuer)
    word.page_numbers(doc)
    word.letterhead(doc, issuer=issuer, day=report.as_of, number=issuer.number("BC"))
    what = report.title.removeprefix("Báo cáo ")
    word.title(doc, issuer=issuer, kind="BÁO CÁO", subject=what[:1].upper() + what[1:])
    word.paragraph(
        doc,
        f"{report.subtitle}. Số liệu tính đến ngày {report.as_of:%d/%m/%Y}, "
        "lấy từ hệ thống theo dõi phong trào.",
        size=size, italic=True, align=word.CENTER, after=6,
    )  # fmt: skip

    def heading(text):
        word.heading(doc, text, issuer=issuer)

    def para(text):
        word.body(doc, text, size=size)

    heading("I. KẾT QUẢ ĐĂNG KÝ MÔ HÌNH, ĐIỂN HÌNH")
    para(_count_sentence(report))
    units = ov.units
    missing = units.not_registered
    line = f"Có {units.registered_count}/{units.registered_count + len(missing)} đơn vị đã đăng ký"
    if units.deadline:
        line += f" (hạn đăng ký {units.deadline:%d/%m/%Y})"
    line += "."
    if missing:
        names = ", ".join(row.unit.name for row in missing[:40])
        more = f" và {len(missing) - 40} đơn vị khác" if len(missing) > 40 else ""
        line += f" Còn {len(missing)} đơn vị chưa đăng ký: {names}{more}."
    para(line)
    _caption(doc, report.tables["fields"].title, size=size)
    _docx_table(doc, report.tables["fields"], size=tsize)
    _caption(doc, report.tables["units"].title, size=size)
    _docx_table(doc, report.tables["units"], size=tsize)

    heading("II. TRIỂN KHAI, THEO DÕI, KIỂM TRA")
    states = {n.key.split(":", 1)[1]: n.value for n in ov.by_state}
    para(
        f"Đang triển khai: {states[State.IN_PROGRESS]} mô hình; đã kiểm tra, chờ quyết định: "
        f"{states[State.INSPECTED]}; rút đăng ký: {states[State.WITHDRAWN]}."
    )
    d = ov.durations
    if d.to_inspection_days is not None:
        para(
            f"Thời gian trung vị từ khi đăng ký đến khi có kết quả kiểm tra: "
            f"{_text(_days(d.to_inspection_days))} ngày ({d.to_inspection_cases} mô hình)."
        )
    _caption(doc, report.tables["overdue"].title, size=size)
    _docx_table(doc, report.tables["overdue"], size=tsize)
    para(PLACEHOLDER.format(what="đánh giá công tác theo dõi, kiểm tra thực tế"))

    heading("III. KẾT QUẢ CÔNG NHẬN")
    recognized = states[State.RECOGNIZED]
    para(
        f"Được công nhận: {recognized} mô hình, điển hình"
        + (
            " (" + "; ".join(f"{n.label.lower()}: {n.value}" for n in ov.by_recognized_level) + ")"
            if ov.by_recognized_level
            else ""
        )
        + f"; không công nhận: {states[State.NOT_RECOGNIZED]}."
    )
    if d.to_decision_days is not None:
        para(
            f"Thời gian trung vị từ khi đăng ký đến khi có quyết định: "
            f"{_text(_days(d.to_decision_days))} ngày ({d.to_decision_cases} mô hình)."
        )
    _caption(doc, report.tables["levels"].title, size=size)
    _docx_table(doc, report.tables["levels"], size=tsize)
    listing = report.tables["recognized"]
    _caption(doc, listing.title, size=size)
    if len(listing.rows) <= LIST_IN_WORD_MAX:
        _docx_table(doc, listing, size=tsize)
    else:
        para(
            f"Danh sách gồm {len(listing.rows)} mô hình, điển hình: xem tệp Excel kèm theo "
            f"(trang “{listing.sheet}”)."
        )

    heading("IV. SO SÁNH VỚI CÁC NĂM")
    _docx_table(doc, report.tables["years"], size=tsize)
    para(PLACEHOLDER.format(what="nhận xét xu hướng qua các năm"))

    heading("V. ĐÁNH GIÁ CHUNG VÀ PHƯƠNG HƯỚNG, NHIỆM VỤ")
    para("1. Ưu điểm: " + PLACEHOLDER.format(what="ưu điểm"))
    para("2. Hạn chế, nguyên nhân: " + PLACEHOLDER.format(what="hạn chế"))
    para("3. Phương hướng, nhiệm vụ: " + PLACEHOLDER.format(what="phương hướng"))

    word.paragraph(doc, "", after=6)
    word.recipients_and_signature(doc, issuer=issuer, recipients=RECIPIENTS)
    return word.document_bytes(doc)
