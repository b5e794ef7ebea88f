"""The scoring sheet of a campaign, kept by the secretariat."""

from django.db import IntegrityError, transaction
from django.db.models import Max

from audit import services as audit
from models_registry.models import Campaign, Subject
from units.access import is_secretariat
from workflow.errors import WorkflowError

from ..models import Criterion, CriterionScore, VisitStatus

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được sửa bộ tiêu chí chấm điểm."
NAME_REQUIRED = "Vui lòng nhập tên tiêu chí."
MAX_POSITIVE = "Điểm tối đa phải là số nguyên lớn hơn 0."
DUPLICATE = "Kế hoạch năm {year} đã có tiêu chí “{name}” cho đối tượng “{subject}”."
MAX_BELOW_SCORES = (
    "Đã có biên bản chấm tiêu chí này tới {points} điểm: không thể hạ điểm tối đa xuống {max}."
)
MAX_FIXED = "Tiêu chí đã được chấm trong biên bản đã hoàn thành nên không đổi được điểm tối đa."
IN_USE = "Tiêu chí đã được dùng để chấm điểm trong biên bản kiểm tra nên không xóa được."
SUBJECT_UNKNOWN = "Đối tượng không hợp lệ."
CAMPAIGN_CLOSED = "Kế hoạch năm {year} đã đóng nên không sửa được bộ tiêu chí."
# What the administration log keeps of a criterion.
LOGGED = ("subject", "order", "name", "description", "max_points")


def _refuse_closed(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise WorkflowError(CAMPAIGN_CLOSED.format(year=campaign.year))


def _check(actor, name: str, max_points) -> list[str]:
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    errors = []
    if not (name or "").strip():
        errors.append(NAME_REQUIRED)
    if not isinstance(max_points, int) or max_points <= 0:
        errors.append(MAX_POSITIVE)
    return errors


def _save(criterion: Criterion) -> Criterion:
    try:
        with transaction.atomic():
            criterion.save()
    except IntegrityError as exc:
        raise WorkflowError(
            DUPLICATE.format(
                year=criterion.campaign.year,
                name=criterion.name,
                subject=Subject(criterion.subject).label,
            )
        ) from exc
    return criterion


def criterion_create(
    *,
    actor,
    campaign: Campaign,
    subject: str,
    name: str,
    max_points: int,
    description: str = "",
    order: int | None = None,
) -> Criterion:
    """Add a criterion to a campaign's sheet for ``subject``; by default it goes last.

    Guarantees: only the secretariat; a name, unique within the campaign and subject;
    maximum points above zero."""
    errors = _check(actor, name, max_points)
    if subject not in Subject.values:
        errors.append(SUBJECT_UNKNOWN)
    if errors:
        raise WorkflowError(*errors)
    _refuse_closed(campaign)
    if order is None:
        last = Criterion.objects.filter(campaign=campaign, subject=subject).aggregate(
            last=Max("order")
        )["last"]
        order = (last or 0) + 1
    with transaction.atomic():
        criterion = _save(
            Criterion(
                campaign=campaign,
                subject=subject,
                name=name.strip(),
                description=(description or "").strip(),
                max_points=max_points,
                order=order,
            )
        )
        audit.record(
            actor=actor,
            action="criterion.create",
            target=criterion,
            after=audit.snapshot(criterion, LOGGED),
        )
    return criterion


def criterion_update(
    *,
    actor,
    criterion: Criterion,
    name: str,
    max_points: int,
    description: str = "",
    order: int | None = None,
) -> Criterion:
    """Edit a criterion. Its maximum is fixed once a completed record scored it, and
    never drops below a score a draft record already gave."""
    errors = _check(actor, name, max_points)
    if errors:
        raise WorkflowError(*errors)
    _refuse_closed(criterion.campaign)
    before = audit.snapshot(criterion, LOGGED)
    scores = CriterionScore.objects.filter(criterion=criterion)
    if max_points != criterion.max_points:
        if scores.filter(visit__status=VisitStatus.COMPLETED).exists():
            raise WorkflowError(MAX_FIXED)
        highest = scores.aggregate(top=Max("points"))["top"]
        if highest is not None and max_points < highest:
            raise WorkflowError(MAX_BELOW_SCORES.format(points=highest, max=max_points))
    criterion.name = name.strip()
    criterion.description = (description or "").strip()
    criterion.max_points = max_points
    if order is not None:
        criterion.order = order
    with transaction.atomic():
        _save(criterion)
        # Draft scores carry the maximum they are checked against.
        scores.update(max_points=max_points)
        audit.record(
            actor=actor,
            action="criterion.update",
            target=criterion,
            before=before,
            after=audit.snapshot(criterion, LOGGED),
        )
    return criterion


def criterion_delete(*, actor, criterion: Criterion) -> None:
    """Remove a criterion that no visit has scored yet."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    _refuse_closed(criterion.campaign)
    if CriterionScore.objects.filter(criterion=criterion).exists():
        raise WorkflowError(IN_USE)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="criterion.delete",
            target=criterion,
            before=audit.snapshot(criterion, LOGGED),
        )
        criterion.delete()
