"""The inspections' word in the committee's decision (committees/services.py):
a case is recognised only on a positive verdict ("Đạt") of its latest completed field
visit. Registered for "recognize" when this module is imported (InspectionsConfig.ready)."""

from inspections.models import FieldVisit, InspectionStatus, Verdict, VisitStatus
from workflow import guards as workflow_guards

NO_POSITIVE_VERDICT = "Chưa có biên bản kiểm tra thực tế kết luận “Đạt” cho hồ sơ này."
LAST_VERDICT_FAILED = (
    "Biên bản kiểm tra thực tế gần nhất kết luận “Không đạt”: không thể công nhận hồ sơ."
)


def positive_verdict_guard(case, *, actor, payload: dict) -> str | None:
    """The latest completed visit of a carried-out inspection of the case says "Đạt"."""
    visit = (
        FieldVisit.objects.filter(inspection__case_id=case.pk, status=VisitStatus.COMPLETED)
        .exclude(inspection__status=InspectionStatus.CANCELLED)
        .order_by("-completed_at", "-pk")
        .first()
    )
    if visit is None:
        return NO_POSITIVE_VERDICT
    if visit.verdict != Verdict.PASSED:
        return LAST_VERDICT_FAILED
    return None


workflow_guards.register("recognize", positive_verdict_guard)
