"""The field-visit record (biên bản kiểm tra thực tế) of one inspection, as a Word
document in the issuing unit's format, to print and sign on site or after: who inspected
whom, the model, the scores against the campaign's criteria, the findings, the verdict
and recommended level, and room for both sides' signatures. A visit not recorded yet
gives the same record with blank lines to fill in by hand."""

from documents import word
from documents.issuer import issuer_get

from .models import Inspection

DOCX_TYPE = word.DOCX_TYPE
TITLE = "BIÊN BẢN"
SUBJECT = "Kiểm tra thực tế mô hình, điển hình “Dân vận khéo” năm {year}"
DOTS = "…" * 40
OPENING = (
    "Hôm nay, {day}, tại {place}, Đoàn kiểm tra của {issuer}{round} tiến hành kiểm tra "
    "thực tế việc xây dựng mô hình, điển hình “Dân vận khéo”, cụ thể như sau:"
)
CLOSING = (
    "Biên bản được lập thành 02 bản, đã đọc lại cho các thành phần dự làm việc cùng nghe, "
    "thống nhất nội dung và ký tên dưới đây."
)
CRITERIA_COLUMNS = ("STT", "Tiêu chí", "Điểm tối đa", "Điểm đạt")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def visit_record_docx(*, inspection: Inspection) -> bytes:
    """The record's bytes; ``inspection`` comes from ``selectors.inspection_get`` (its
    team, visit and scores already fetched)."""
    issuer = issuer_get()
    std = issuer.standard
    size = std.text_size
    case = inspection.case
    visit = getattr(inspection, "visit", None)
    day = (visit.visit_date if visit else None) or inspection.planned_date
    doc = word.document_new(issuer=issuer)
    word.page_numbers(doc)
    word.letterhead(
        doc,
        issuer=issuer,
        day=None,
        number=issuer.number("BB"),
        body_lines=[*issuer.name.upper().split("\n"), "ĐOÀN KIỂM TRA"],
    )
    word.title(doc, issuer=issuer, kind=TITLE, subject=SUBJECT.format(year=case.campaign.year))
    when = (
        f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
        if day
        else "ngày … tháng … năm …"
    )
    word.body(
        doc,
        OPENING.format(
            day=when,
            place=inspection.place or case.unit.name,
            issuer=issuer.name.replace("\n", " "),
            round=f" ({inspection.round_label})" if inspection.round_label else "",
        ),
        size=size,
    )
    word.heading(doc, "I. THÀNH PHẦN", issuer=issuer)
    word.body(doc, "1. Đoàn kiểm tra:", size=size, bold=True)
    team = sorted(inspection.team.all(), key=lambda m: m.pk != inspection.lead_id)
    for member in team:
        role = "Trưởng đoàn" if member.pk == inspection.lead_id else "Thành viên"
        word.body(doc, f"- {_name(member)} — {role};", size=size)
    if not team:
        word.body(doc, f"- {DOTS}", size=size)
    word.body(doc, f"2. Đơn vị được kiểm tra: {case.unit.name}", size=size, bold=True)
    people = (visit.people_met if visit else "") or DOTS
    word.body(doc, f"Thành phần làm việc: {people}", size=size)

    word.heading(doc, "II. NỘI DUNG KIỂM TRA", issuer=issuer)
    word.body(doc, f"{case.get_subject_display()}: “{case.name}”", size=size)
    facts = [f"Lĩnh vực: {case.fields_display}"]
    if case.start_date and case.end_date:
        facts.append(f"thời gian thực hiện: {case.start_date:%d/%m/%Y} – {case.end_date:%d/%m/%Y}")
    if case.target_level_id:
        facts.append(f"đăng ký đạt: {case.target_level.name.lower()}")
    word.body(doc, "; ".join(facts) + ".", size=size)

    word.heading(doc, "III. KẾT QUẢ CHẤM ĐIỂM", issuer=issuer)
    scores = list(visit.scores.all()) if visit else []
    if scores:
        rows = [[s.criterion.order, s.criterion.name, s.max_points, s.points] for s in scores]
        word.table(
            doc,
            CRITERIA_COLUMNS,
            rows,
            size=std.table_size,
            total=["", "Tổng điểm", visit.max_points, visit.total_points],
            center=(0, 2, 3),
        )
    else:
        word.body(doc, f"Điểm theo từng tiêu chí: {DOTS}", size=size)

    word.heading(doc, "IV. NHẬN XÉT, KẾT LUẬN", issuer=issuer)
    findings = (visit.findings if visit else "") or DOTS
    for line in findings.splitlines():
        if line.strip():
            word.body(doc, line.strip(), size=size)
    verdict = visit.get_verdict_display() if visit and visit.verdict else "…"
    level = visit.recommended_level.name.lower() if visit and visit.recommended_level else "…"
    word.body(doc, f"Kết luận: {verdict}. Đề nghị công nhận: {level}.", size=size, bold=True)
    word.body(doc, CLOSING, size=size)
    word.paragraph(doc, "", after=6)
    word.two_blocks(
        doc,
        [
            ("ĐẠI DIỆN", size, True, False, False),
            ("ĐƠN VỊ ĐƯỢC KIỂM TRA", size, True, False, False),
            ("(Ký, ghi rõ họ tên)", size, False, True, False),
        ],
        [
            ("TRƯỞNG ĐOÀN", size, True, False, False),
            ("KIỂM TRA", size, True, False, False),
            ("(Ký, ghi rõ họ tên)", size, False, True, False),
            ("", size, False, False, False),
            ("", size, False, False, False),
            ("", size, False, False, False),
            (_name(inspection.lead), size, True, False, False),
        ],
        share=0.5,
    )
    return word.document_bytes(doc)


def visit_record_filename(inspection: Inspection) -> str:
    return f"bien-ban-kiem-tra-{inspection.pk}.docx"
