"""The inspections' part of a case's timeline (``models_registry.timeline``): each
booking, its move and its cancellation. One query, whatever the case's history.

Moves and cancellations are made by the Ban Dân vận alone (``services.scheduling``) and
the inspection keeps only its latest move (the date before it and the reason): the
entry says so much and no more."""

from models_registry.timeline import TimelineEntry, person
from workflow.lifecycle import Role

from .models import Inspection, InspectionStatus


def _d(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "chưa có ngày"


def inspection_timeline(case, *, actor, logs) -> list[TimelineEntry]:
    secretariat = Role.SECRETARIAT.label
    entries = []
    inspections = (
        Inspection.objects.filter(case_id=case.pk)
        .select_related("created_by", "lead")
        .order_by("created_at", "pk")
    )
    for inspection in inspections:
        first_date = inspection.previous_date if inspection.revision else inspection.planned_date
        if inspection.status == InspectionStatus.PENDING:
            title, detail = "Chờ lên lịch kiểm tra lại", ""
        else:
            title = "Lên lịch kiểm tra"
            detail = f"ngày {_d(first_date)}"
            if inspection.place:
                detail += f" tại {inspection.place}"
            if inspection.lead_id:
                detail += f"; trưởng đoàn {person(inspection.lead)}"
        entries.append(
            TimelineEntry(
                at=inspection.created_at,
                title=title,
                kind="inspection-booked",
                actor=person(inspection.created_by),
                role=secretariat,
                detail=detail,
            )
        )
        if inspection.revision:
            moved = inspection.status == InspectionStatus.MOVED
            entries.append(
                TimelineEntry(
                    # Kept only while it is the inspection's latest change.
                    at=inspection.updated_at if moved else inspection.created_at,
                    title="Dời lịch kiểm tra",
                    kind="inspection-moved",
                    actor="Ban Dân vận",
                    role="",
                    detail=(
                        f"từ ngày {_d(inspection.previous_date)} "
                        f"sang ngày {_d(inspection.planned_date)}"
                        + (
                            ""
                            if inspection.revision == 1
                            else f" (lần dời thứ {inspection.revision})"
                        )
                    ),
                    reason=inspection.reason if moved else "",
                )
            )
        if inspection.status == InspectionStatus.CANCELLED:
            entries.append(
                TimelineEntry(
                    at=inspection.updated_at,
                    title="Hủy lịch kiểm tra",
                    kind="inspection-cancelled",
                    actor="Ban Dân vận",
                    detail=f"đợt kiểm tra ngày {_d(inspection.planned_date)}",
                    reason=inspection.reason,
                )
            )
    return entries
