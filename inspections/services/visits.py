"""Logging a field visit: a draft saved as often as needed, then completed once, which
applies ``record_inspection`` to the case in the same transaction."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from models_registry.models import RecognitionLevel
from workflow.errors import WorkflowError
from workflow.services import transition_apply

from ..models import (
    BOOKED,
    Criterion,
    CriterionScore,
    FieldVisit,
    Inspection,
    InspectionStatus,
    Verdict,
    VisitAttachment,
    VisitStatus,
)
from ..uploads import CheckedUpload, uploads_check
from .thumbnails import thumbnails_publish

NOT_TEAM = "Chỉ thành viên đoàn kiểm tra của đợt này mới được ghi biên bản."
NOT_BOOKED = "Đợt kiểm tra đang ở trạng thái “{status}” nên không ghi biên bản được."
ALREADY_COMPLETED = "Biên bản đã hoàn thành, không sửa được nữa."
SCORE_NOT_NUMBER = "Điểm tiêu chí “{name}” phải là số nguyên."
SCORE_NEGATIVE = "Điểm tiêu chí “{name}” không được âm."
SCORE_ABOVE_MAX = "Điểm tiêu chí “{name}” không được vượt quá {max} điểm."
SCORE_UNKNOWN = "Có điểm cho một tiêu chí không thuộc bộ tiêu chí của mô hình này."
SCORE_MISSING = "Chưa chấm điểm tiêu chí “{name}”."
NO_CRITERIA = (
    "Kế hoạch năm {year} chưa có tiêu chí chấm điểm cho đối tượng “{subject}”; "
    "đề nghị Ban Dân vận bổ sung trước khi hoàn thành biên bản."
)
MISSING = "Chưa nhập “{label}”."
VISIT_IN_FUTURE = "Ngày kiểm tra thực tế {date} chưa tới."
LEVEL_REQUIRED = "Mô hình đạt yêu cầu: vui lòng chọn cấp đề nghị công nhận."
LEVEL_OF_OTHER_CAMPAIGN = "Cấp đề nghị công nhận không thuộc kế hoạch của mô hình."
VERDICT_UNKNOWN = "Kết luận không hợp lệ."


@dataclass
class VisitInput:
    """What the visit form says; scores map a criterion id to points (None: not scored)."""

    visit_date: datetime.date | None = None
    people_met: str = ""
    findings: str = ""
    scores: Mapping[int, object] = field(default_factory=dict)
    verdict: str = ""
    recommended_level: RecognitionLevel | None = None


def visit_criteria(inspection: Inspection) -> list[Criterion]:
    """The criteria the case is scored against: its campaign's, for its subject."""
    case = inspection.case
    return list(
        Criterion.objects.filter(campaign_id=case.campaign_id, subject=case.subject).order_by(
            "order", "id"
        )
    )


def _points(raw, criterion: Criterion, errors: list[str]) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        points = int(str(raw).strip())
    except (TypeError, ValueError):
        errors.append(SCORE_NOT_NUMBER.format(name=criterion.name))
        return None
    if points < 0:
        errors.append(SCORE_NEGATIVE.format(name=criterion.name))
        return None
    if points > criterion.max_points:
        errors.append(SCORE_ABOVE_MAX.format(name=criterion.name, max=criterion.max_points))
        return None
    return points


def _validate(
    inspection: Inspection,
    data: VisitInput,
    criteria: list[Criterion],
    *,
    complete: bool,
    today: datetime.date,
) -> dict[int, int]:
    """Scores by criterion id, or ``WorkflowError`` with every problem found."""
    errors: list[str] = []
    by_id = {criterion.pk: criterion for criterion in criteria}
    if any(int(key) not in by_id for key in data.scores):
        errors.append(SCORE_UNKNOWN)
    scores = {}
    for criterion in criteria:
        points = _points(data.scores.get(criterion.pk), criterion, errors)
        if points is not None:
            scores[criterion.pk] = points
    if data.verdict and data.verdict not in Verdict.values:
        errors.append(VERDICT_UNKNOWN)
    case = inspection.case
    level = data.recommended_level
    if level is not None and level.campaign_id != case.campaign_id:
        errors.append(LEVEL_OF_OTHER_CAMPAIGN)
    if data.visit_date and data.visit_date > today:
        errors.append(VISIT_IN_FUTURE.format(date=data.visit_date.strftime("%d/%m/%Y")))
    if complete:
        labels = {
            "visit_date": "Ngày kiểm tra thực tế",
            "people_met": "Thành phần làm việc",
            "findings": "Kết quả kiểm tra, nhận xét",
            "verdict": "Kết luận",
        }
        for name, label in labels.items():
            value = getattr(data, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                errors.append(MISSING.format(label=label))
        if not criteria:
            errors.append(
                NO_CRITERIA.format(year=case.campaign.year, subject=case.get_subject_display())
            )
        errors += [
            SCORE_MISSING.format(name=criterion.name)
            for criterion in criteria
            if criterion.pk not in scores and data.scores.get(criterion.pk) in (None, "")
        ]
        if data.verdict == Verdict.PASSED and level is None:
            errors.append(LEVEL_REQUIRED)
    if errors:
        raise WorkflowError(*errors)
    return scores


def _store(visit: FieldVisit, checked: list[CheckedUpload], actor, written: list) -> None:
    for upload in checked:
        attachment = VisitAttachment(
            visit=visit,
            kind=upload.kind,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        upload.upload.seek(0)
        attachment.file.save(upload.stored_name(), upload.upload, save=False)
        written.append(attachment.file)
        attachment.save()
    photos = [a.pk for a in visit.attachments.filter(kind="image", thumbnail="")]
    if photos:
        # The thumbnails are the worker's (decoding is not for a web request).
        transaction.on_commit(lambda: thumbnails_publish(ids=photos))


def _write(
    *,
    actor,
    inspection: Inspection,
    data: VisitInput,
    files: Iterable,
    complete: bool,
    today: datetime.date | None,
) -> FieldVisit:
    today = today or timezone.localdate()
    # Files are checked before anything is written: a refused file changes nothing.
    checked = uploads_check(files)
    written: list = []
    try:
        with transaction.atomic():
            locked = (
                Inspection.objects.select_for_update(of=("self",))
                .select_related("case__campaign", "case__unit")
                .get(pk=inspection.pk)
            )
            if actor is None or not locked.team.filter(pk=actor.pk).exists():
                raise WorkflowError(NOT_TEAM)
            if locked.status not in BOOKED:
                raise WorkflowError(NOT_BOOKED.format(status=locked.get_status_display()))
            visit = FieldVisit.objects.filter(inspection=locked).first()
            if visit is not None and visit.is_completed:
                raise WorkflowError(ALREADY_COMPLETED)
            criteria = visit_criteria(locked)
            scores = _validate(locked, data, criteria, complete=complete, today=today)

            visit = visit or FieldVisit(inspection=locked, recorded_by=actor)
            visit.visit_date = data.visit_date
            visit.people_met = data.people_met.strip()
            visit.findings = data.findings.strip()
            visit.verdict = data.verdict or ""
            visit.recommended_level = data.recommended_level
            visit.recorded_by = actor
            visit.total_points = sum(scores.values())
            visit.max_points = sum(criterion.max_points for criterion in criteria)
            visit.status = VisitStatus.COMPLETED if complete else VisitStatus.DRAFT
            visit.completed_at = timezone.now() if complete else None
            visit.save()

            visit.scores.exclude(criterion_id__in=list(scores)).delete()
            existing = {score.criterion_id: score for score in visit.scores.all()}
            for criterion in criteria:
                if criterion.pk not in scores:
                    continue
                score = existing.get(criterion.pk) or CriterionScore(
                    visit=visit, criterion=criterion
                )
                score.points = scores[criterion.pk]
                score.max_points = criterion.max_points
                score.save()
            _store(visit, checked, actor, written)

            if complete:
                locked.status = InspectionStatus.DONE
                locked.save(update_fields=["status", "updated_at"])
                transition_apply(
                    case=locked.case,
                    name="record_inspection",
                    actor=actor,
                    payload={
                        "visit_id": visit.pk,
                        "inspection_id": locked.pk,
                        "total_points": visit.total_points,
                        "max_points": visit.max_points,
                        "verdict": visit.verdict,
                        "recommended_level_id": visit.recommended_level_id,
                    },
                    today=today,
                )
    except BaseException:
        # The rows rolled back; the files they pointed to must go too.
        for stored in written:
            stored.storage.delete(stored.name)
        raise
    return visit


def visit_save_draft(
    *,
    actor,
    inspection: Inspection,
    data: VisitInput,
    files: Iterable = (),
    today: datetime.date | None = None,
) -> FieldVisit:
    """Save the visit as a draft, to finish later.

    Guarantees: only a member of the inspection's team, only while it is booked and the
    record not completed; every score given is an integer between 0 and its criterion's
    maximum; the total is recomputed from the scores; files are images or PDFs under the
    size limit (checked by content) or nothing at all is saved."""
    return _write(
        actor=actor, inspection=inspection, data=data, files=files, complete=False, today=today
    )


def visit_complete(
    *,
    actor,
    inspection: Inspection,
    data: VisitInput,
    files: Iterable = (),
    today: datetime.date | None = None,
) -> FieldVisit:
    """Complete the record and move the case to "inspected", all in one transaction.

    Guarantees, besides those of ``visit_save_draft``: every field is filled, every
    criterion scored, a passed verdict names a level of the case's campaign; the
    inspection becomes done and ``record_inspection`` is applied through
    ``transition_apply`` (its log row carries the visit id, total and verdict). If the
    transition is refused (the case moved on meanwhile), nothing is saved."""
    return _write(
        actor=actor, inspection=inspection, data=data, files=files, complete=True, today=today
    )
