"""The evidence the engine asks for before the inspection transitions (see
``workflow.guards``): registered from ``InspectionsConfig.ready()``."""

from .models import FieldVisit, InspectionStatus
from .permissions import on_team

NO_VISIT = "Chưa có biên bản kiểm tra thực tế đã hoàn thành cho hồ sơ này."
VISIT_NOT_COMPLETED = "Biên bản kiểm tra thực tế chưa hoàn thành."
NOT_TEAM = "Chỉ thành viên đoàn kiểm tra mới được ghi nhận kết quả kiểm tra."
INSPECTION_CANCELLED = "Đợt kiểm tra của biên bản này đã bị hủy."
NO_DONE_INSPECTION = "Hồ sơ chưa có đợt kiểm tra nào đã thực hiện để yêu cầu kiểm tra lại."


def record_inspection_guard(case, *, actor, payload: dict) -> str | None:
    """A completed visit of an inspection of this case, logged by one of its team."""
    visit_id = payload.get("visit_id")
    if not isinstance(visit_id, int):
        return NO_VISIT
    visit = (
        FieldVisit.objects.select_related("inspection")
        .filter(pk=visit_id, inspection__case_id=case.pk)
        .first()
    )
    if visit is None:
        return NO_VISIT
    if not visit.is_completed:
        return VISIT_NOT_COMPLETED
    if visit.inspection.status == InspectionStatus.CANCELLED:
        return INSPECTION_CANCELLED
    if not on_team(visit.inspection, actor):
        return NOT_TEAM
    return None


def request_reinspection_guard(case, *, actor, payload: dict) -> str | None:
    """Something to inspect again: an inspection of this case that was carried out."""
    if not case.inspections.filter(status=InspectionStatus.DONE).exists():
        return NO_DONE_INSPECTION
    return None
