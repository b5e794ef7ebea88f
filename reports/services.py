"""Every change of a report request and of the units' answers: the one door.

Each service checks who may act (the secretariat opens, accepts and returns; a unit's
officers — on the unit or a unit above it — save and send its answer), locks the row it
changes, refuses a wrong state with a Vietnamese sentence, writes one row of the
administration log (``audit.services.record``) and queues its messages in the outbox,
all in one transaction. Views, tasks and commands call these; none saves an answer's
status itself."""

import datetime
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from models_registry.models import Campaign
from models_registry.selectors import unit_case_figures
from models_registry.services.progress import DOCX, PDF, attachment_check, clean_name
from notifications.deadlines import registrants
from notifications.recipients import secretariat_recipients, unit_recipients
from notifications.services import notification_queue
from units.access import is_secretariat, memberships_of
from units.models import Unit, UnitKind
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

from .models import (
    NUMBER_FIELDS,
    OWING,
    AnswerStatus,
    Audience,
    ReportAnswer,
    ReportKind,
    ReportRequest,
)

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được mở, tiếp nhận hoặc trả lại yêu cầu báo cáo."
NOT_OFFICER = "Chỉ cán bộ của {unit} mới được soạn và gửi báo cáo của đơn vị này."
CAMPAIGN_CLOSED = "Kế hoạch năm {year} đã đóng nên không mở, sửa hay gửi báo cáo được nữa."
KIND_UNKNOWN = "Loại báo cáo không hợp lệ."
TITLE_REQUIRED = "Vui lòng nhập tên báo cáo."
YEARS_REQUIRED = "Báo cáo giai đoạn cần năm bắt đầu và năm kết thúc."
YEARS_ORDER = "Năm bắt đầu của giai đoạn không được sau năm kết thúc."
DUE_REQUIRED = "Vui lòng nhập hạn gửi báo cáo."
DUE_PAST = "Hạn gửi báo cáo không được trước ngày hôm nay ({today})."
AUDIENCE_UNKNOWN = "Vui lòng chọn các đơn vị phải báo cáo."
AUDIENCE_UNIT_REQUIRED = "Vui lòng chọn đơn vị (báo cáo gồm đơn vị đó và các đơn vị trực thuộc)."
AUDIENCE_KIND_REQUIRED = "Vui lòng chọn loại đơn vị phải báo cáo."
AUDIENCE_EMPTY = "Không có đơn vị nào đang hoạt động trong phạm vi đã chọn."
NOT_EDITABLE = (
    "Báo cáo của {unit} đang ở tình trạng “{status}” nên không sửa được; "
    "chỉ sửa được khi chưa gửi hoặc bị trả lại."
)
NOT_SENDABLE = (
    "Báo cáo của {unit} đang ở tình trạng “{status}” nên không gửi được; "
    "hãy lưu nháp trước rồi gửi."
)
NOT_SENT = (
    "Báo cáo của {unit} đang ở tình trạng “{status}”: chỉ tiếp nhận hoặc trả lại được "
    "báo cáo đã gửi."
)
NUMBER_INVALID = "“{label}” phải là số nguyên không âm."
RESULTS_REQUIRED = "Vui lòng nhập kết quả đạt được trước khi gửi."
FILE_REQUIRED = "Vui lòng đính kèm báo cáo có chữ ký (PDF hoặc Word) trước khi gửi."
FILE_NOT_REPORT = (
    "Tệp “{name}” không phải PDF hoặc Word (.docx): báo cáo có chữ ký chỉ nhận hai loại này."
)
REASON_REQUIRED = "Vui lòng ghi lý do trả lại để đơn vị biết cần sửa gì."

# The fields of an answer as the administration log records them.
ANSWER_FIELDS = (
    "status",
    *NUMBER_FIELDS,
    "results",
    "lessons",
    "proposals",
    "file_name",
)
REPORT_FILE_KINDS = (PDF, DOCX)


def _only_secretariat(actor) -> None:
    if actor is None or not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)


def _campaign_open(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise WorkflowError(CAMPAIGN_CLOSED.format(year=campaign.year))


def can_answer(actor, answer: ReportAnswer) -> bool:
    """Whether ``actor`` is an officer of the answer's unit or of a unit above it."""
    return any(
        membership.role == Role.UNIT_OFFICER and answer.unit.path.startswith(membership.unit.path)
        for membership in memberships_of(actor)
    )


def _only_officer(actor, answer: ReportAnswer) -> None:
    if actor is None or not can_answer(actor, answer):
        raise WorkflowError(NOT_OFFICER.format(unit=answer.unit.name))


def _locked(answer: ReportAnswer) -> ReportAnswer:
    """The answer's row, locked until the transaction ends, with what the checks read."""
    return (
        ReportAnswer.objects.select_for_update(of=("self",))
        .select_related("request__campaign", "unit")
        .get(pk=answer.pk)
    )


def _status_label(answer: ReportAnswer) -> str:
    return answer.get_status_display()


# --- opening a request -------------------------------------------------------------------


def _active(units: QuerySet[Unit], today: datetime.date) -> QuerySet[Unit]:
    return units.filter(Q(active_from__isnull=True) | Q(active_from__lte=today)).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=today)
    )


def audience_units(
    *, audience: str, unit: Unit | None, unit_kind: str, today: datetime.date
) -> list[Unit]:
    """The units a request asks, active on ``today``, in the directory's order: all (the
    units directly under the city — its bodies, organisations and ward party committees,
    whose sub-units report through them), a unit and its whole subtree, or every unit of
    a kind."""
    if audience == Audience.ALL:
        units = registrants(today=today)
    elif audience == Audience.SUBTREE and unit is not None:
        units = _active(Unit.objects.filter(path__startswith=unit.path), today)
    elif audience == Audience.KIND and unit_kind:
        units = _active(Unit.objects.filter(kind=unit_kind), today)
    else:
        return []
    return list(units.order_by("path"))


def default_title(*, kind: str, campaign: Campaign, year_from=None, year_to=None) -> str:
    if kind == ReportKind.PHASE:
        return f"Báo cáo tổng kết phong trào thi đua “Dân vận khéo” giai đoạn {year_from}–{year_to}"
    word = "sơ kết" if kind == ReportKind.MID_YEAR else "tổng kết"
    return f"Báo cáo {word} phong trào thi đua “Dân vận khéo” năm {campaign.year}"


def report_request_open(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    due_date: datetime.date | None,
    audience: str,
    audience_unit: Unit | None = None,
    audience_kind: str = "",
    title: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
    instructions: str = "",
    today: datetime.date | None = None,
) -> ReportRequest:
    """Ask a set of units for a report by ``due_date``.

    Guarantees: only the secretariat, never into a closed campaign; every field is
    checked and every problem named before anything is written; the units asked are
    fixed now — one ``ReportAnswer`` per unit, "not started" — so that later changes of
    the directory change nobody's duty; one administration log row; each unit asked is
    told through the outbox (its officers and contact address), all in one transaction.
    """
    _only_secretariat(actor)
    _campaign_open(campaign)
    today = today or timezone.localdate()
    title = (title or "").strip()
    errors = []
    if kind not in ReportKind.values:
        errors.append(KIND_UNKNOWN)
    if kind == ReportKind.CUSTOM and not title:
        errors.append(TITLE_REQUIRED)
    if kind == ReportKind.PHASE:
        if not year_from or not year_to:
            errors.append(YEARS_REQUIRED)
        elif year_from > year_to:
            errors.append(YEARS_ORDER)
    else:
        year_from = year_to = None
    if due_date is None:
        errors.append(DUE_REQUIRED)
    elif due_date < today:
        errors.append(DUE_PAST.format(today=today.strftime("%d/%m/%Y")))
    units: list[Unit] = []
    if audience not in Audience.values:
        errors.append(AUDIENCE_UNKNOWN)
    elif audience == Audience.SUBTREE and audience_unit is None:
        errors.append(AUDIENCE_UNIT_REQUIRED)
    elif audience == Audience.KIND and audience_kind not in UnitKind.values:
        errors.append(AUDIENCE_KIND_REQUIRED)
    else:
        units = audience_units(
            audience=audience, unit=audience_unit, unit_kind=audience_kind, today=today
        )
        if not units:
            errors.append(AUDIENCE_EMPTY)
    if errors:
        raise WorkflowError(*errors)
    if not title:
        title = default_title(kind=kind, campaign=campaign, year_from=year_from, year_to=year_to)

    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _campaign_open(locked)
        request = ReportRequest.objects.create(
            campaign=locked,
            kind=kind,
            title=title[:255],
            year_from=year_from,
            year_to=year_to,
            instructions=(instructions or "").strip(),
            due_date=due_date,
            audience=audience,
            audience_unit=audience_unit if audience == Audience.SUBTREE else None,
            audience_kind=audience_kind if audience == Audience.KIND else "",
            opened_by=actor,
        )
        answers = ReportAnswer.objects.bulk_create(
            [ReportAnswer(request=request, unit=unit) for unit in units]
        )
        audit.record(
            actor=actor,
            action="report_request.open",
            target=request,
            after={
                **audit.snapshot(request, ("title", "kind", "due_date", "campaign")),
                "units": [unit.name for unit in units],
            },
        )
        for answer, unit in zip(answers, units, strict=True):
            notification_queue(
                kind="report_requested",
                recipients=unit_recipients(unit),
                dedupe_key=f"report-requested:{answer.pk}",
                context={"report": request, "unit": unit, "url": _answer_url(answer)},
            )
    return request


def _answer_url(answer: ReportAnswer) -> str:
    return reverse("reports:answer", args=[answer.pk])


# --- a unit's answer ---------------------------------------------------------------------


def answer_campaigns(request: ReportRequest) -> QuerySet[Campaign]:
    """The campaigns a request's figures are counted over: the phase's years, or the
    request's own campaign."""
    if request.kind == ReportKind.PHASE and request.year_from and request.year_to:
        return Campaign.objects.filter(year__gte=request.year_from, year__lte=request.year_to)
    return Campaign.objects.filter(pk=request.campaign_id)


def answer_counted(answer: ReportAnswer) -> dict[str, int]:
    """What the unit's own cases say, for the numbers the form starts from (people
    reached is not in the cases: it starts at 0)."""
    return {
        **unit_case_figures(unit=answer.unit, campaigns=answer_campaigns(answer.request)),
        "people_reached": 0,
    }


def _check_numbers(numbers: dict) -> list[str]:
    errors = []
    for name in NUMBER_FIELDS:
        value = numbers.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            label = ReportAnswer._meta.get_field(name).verbose_name
            errors.append(NUMBER_INVALID.format(label=label))
    return errors


def _check_file(file: UploadedFile):
    kind, problem = attachment_check(file)
    if problem:
        raise WorkflowError(problem)
    if kind not in REPORT_FILE_KINDS:
        raise WorkflowError(FILE_NOT_REPORT.format(name=clean_name(file.name)))
    return kind


def report_answer_save(
    *,
    actor,
    answer: ReportAnswer,
    numbers: dict | None = None,
    results: str | None = None,
    lessons: str | None = None,
    proposals: str | None = None,
    file: UploadedFile | None = None,
) -> ReportAnswer:
    """Save the unit's answer as a draft (a returned answer stays "returned" until it is
    sent again).

    Guarantees: only an officer of the unit (or above it), only while the answer is not
    started, a draft or returned (checked on the locked row), never in a closed
    campaign. The first save starts the answer: ``counted`` keeps what the unit's cases
    said then, and numbers not given start from it. ``None`` leaves a field as it is.
    The file is judged by its content with the project's attachment checks
    (``models_registry.services.progress.attachment_check``) and must be a PDF or a
    Word document; it replaces the previous one. Nothing is written if anything is
    refused; one administration log row for what changed."""
    _only_officer(actor, answer)
    if numbers is not None:
        errors = _check_numbers(numbers)
        if errors:
            raise WorkflowError(*errors)
    file_kind = _check_file(file) if file is not None else None
    now = timezone.now()
    old_file = None
    stored = False
    try:
        with transaction.atomic():
            locked = _locked(answer)
            _campaign_open(locked.request.campaign)
            if locked.status not in OWING:
                raise WorkflowError(
                    NOT_EDITABLE.format(unit=locked.unit.name, status=_status_label(locked))
                )
            before = audit.snapshot(locked, ANSWER_FIELDS)
            if locked.status == AnswerStatus.NOT_STARTED:
                locked.counted = answer_counted(locked)
                locked.started_at = now
                locked.status = AnswerStatus.DRAFT
                for name in NUMBER_FIELDS:
                    setattr(locked, name, locked.counted.get(name, 0))
            for name, value in (numbers or {}).items():
                if name in NUMBER_FIELDS:
                    setattr(locked, name, value)
            for name, value in (("results", results), ("lessons", lessons),
                                ("proposals", proposals)):  # fmt: skip
                if value is not None:
                    setattr(locked, name, value.strip())
            if file is not None:
                old_file = locked.file.name or None
                file.seek(0)
                locked.file.save(f"{uuid.uuid4().hex}{file_kind.extension}", file, save=False)
                stored = True
                locked.file_name = clean_name(file.name)
                locked.file_type = file_kind.content_type
                locked.file_size = file.size
            locked.updated_at = now
            locked.updated_by = actor
            locked.save()
            audit.record(
                actor=actor,
                action="report_answer.save",
                target=locked,
                before=before,
                after=audit.snapshot(locked, ANSWER_FIELDS),
            )
    except BaseException:
        if stored:  # the row rolled back: the file just written goes with it
            locked.file.delete(save=False)
        raise
    if old_file:
        storage = ReportAnswer._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return locked


def report_answer_send(*, actor, answer: ReportAnswer) -> ReportAnswer:
    """Send the unit's answer to the secretariat (again, after a return).

    Guarantees: only an officer of the unit (or above it), only a draft or a returned
    answer (on the locked row), never in a closed campaign, only with the results
    written and the signed report attached; ``sent_at`` is now, ``first_sent_at`` keeps
    the first sending (it decides "on time"); one log row; the secretariat is told."""
    _only_officer(actor, answer)
    with transaction.atomic():
        locked = _locked(answer)
        _campaign_open(locked.request.campaign)
        if locked.status not in (AnswerStatus.DRAFT, AnswerStatus.RETURNED):
            raise WorkflowError(
                NOT_SENDABLE.format(unit=locked.unit.name, status=_status_label(locked))
            )
        errors = []
        if not locked.results.strip():
            errors.append(RESULTS_REQUIRED)
        if not locked.file:
            errors.append(FILE_REQUIRED)
        if errors:
            raise WorkflowError(*errors)
        before = audit.snapshot(locked, ("status",))
        again = locked.status == AnswerStatus.RETURNED
        now = timezone.now()
        locked.status = AnswerStatus.SENT
        locked.sent_at = now
        locked.first_sent_at = locked.first_sent_at or now
        locked.sent_by = actor
        locked.save(update_fields=["status", "sent_at", "first_sent_at", "sent_by"])
        entry = audit.record(
            actor=actor,
            action="report_answer.send",
            target=locked,
            before=before,
            after=audit.snapshot(locked, ("status",)),
        )
        notification_queue(
            kind="report_sent",
            recipients=secretariat_recipients(),
            dedupe_key=f"report-sent:{entry.pk}",
            context={
                "answer": locked,
                "report": locked.request,
                "unit": locked.unit,
                "again": again,
                "on_time": locked.sent_on_time,
                "url": reverse("reports:request_detail", args=[locked.request_id]),
            },
        )
    return locked


def _secretariat_decides(*, actor, answer: ReportAnswer) -> ReportAnswer:
    _only_secretariat(actor)
    locked = _locked(answer)
    _campaign_open(locked.request.campaign)
    if locked.status != AnswerStatus.SENT:
        raise WorkflowError(NOT_SENT.format(unit=locked.unit.name, status=_status_label(locked)))
    return locked


def report_answer_accept(*, actor, answer: ReportAnswer) -> ReportAnswer:
    """The secretariat accepts a sent answer. Only the secretariat, only a sent answer
    (on the locked row), never in a closed campaign; one log row; the unit is told."""
    with transaction.atomic():
        locked = _secretariat_decides(actor=actor, answer=answer)
        locked.status = AnswerStatus.ACCEPTED
        locked.accepted_at = timezone.now()
        locked.accepted_by = actor
        locked.save(update_fields=["status", "accepted_at", "accepted_by"])
        entry = audit.record(
            actor=actor,
            action="report_answer.accept",
            target=locked,
            before={"status": AnswerStatus.SENT.label},
            after={"status": AnswerStatus.ACCEPTED.label},
        )
        notification_queue(
            kind="report_accepted",
            recipients=unit_recipients(locked.unit),
            dedupe_key=f"report-accepted:{entry.pk}",
            context={"report": locked.request, "unit": locked.unit, "url": _answer_url(locked)},
        )
    return locked


def report_answer_return(*, actor, answer: ReportAnswer, reason: str) -> ReportAnswer:
    """The secretariat returns a sent answer to its unit, saying why. Only the
    secretariat, only a sent answer (on the locked row), never in a closed campaign, a
    reason required; the unit edits it and sends it again; one log row (with the
    reason); the unit is told."""
    reason = (reason or "").strip()
    if not reason:
        _only_secretariat(actor)
        raise WorkflowError(REASON_REQUIRED)
    with transaction.atomic():
        locked = _secretariat_decides(actor=actor, answer=answer)
        locked.status = AnswerStatus.RETURNED
        locked.returned_reason = reason
        locked.returned_at = timezone.now()
        locked.returned_by = actor
        locked.save(update_fields=["status", "returned_reason", "returned_at", "returned_by"])
        entry = audit.record(
            actor=actor,
            action="report_answer.return",
            target=locked,
            before={"status": AnswerStatus.SENT.label},
            after={"status": AnswerStatus.RETURNED.label},
            reason=reason,
        )
        notification_queue(
            kind="report_returned",
            recipients=unit_recipients(locked.unit),
            dedupe_key=f"report-returned:{entry.pk}",
            context={
                "report": locked.request,
                "unit": locked.unit,
                "reason": reason,
                "url": _answer_url(locked),
            },
        )
    return locked
