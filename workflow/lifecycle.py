"""The lifecycle of a case, as data: states, roles and the transitions between them.

The model methods that django-fsm drives (``workflow.models.WorkflowCase``) and the
service that applies them (``workflow.services.transition_apply``) both read this table,
so who may do what, from where, and whether a reason is owed is written once.
"""

from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    REGISTERED = "registered", "Đã đăng ký"
    IN_PROGRESS = "in_progress", "Đang triển khai"
    INSPECTED = "inspected", "Đã kiểm tra"
    RECOGNIZED = "recognized", "Đã công nhận"
    NOT_RECOGNIZED = "not_recognized", "Không công nhận"
    WITHDRAWN = "withdrawn", "Đã rút đăng ký"


class Role(models.TextChoices):
    UNIT_OFFICER = "unit_officer", "Cán bộ đơn vị"
    SECRETARIAT = "secretariat", "Ban Dân vận (thường trực BCĐ)"
    INSPECTOR = "inspector", "Cán bộ kiểm tra"
    COMMITTEE = "committee", "Thành viên BCĐ / hội đồng"
    VIEWER = "viewer", "Lãnh đạo (chỉ xem)"


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    # The daily sweep may apply it with no human actor.
    system_allowed: bool = False
    # Needs proof that lives outside the engine (a completed field visit, a committee
    # vote): refused until an app registered with ``workflow.guards`` vouches for it.
    needs_evidence: bool = False
    # Shown as a warning-coloured button (it ends or reverses the case's progress).
    destructive: bool = False
    # The case's milestone field (see ``WorkflowCase``) set to the time of the move: the
    # latest registration, inspection result and decision, read by the dashboards
    # without going through the log.
    stamp: str = ""


S = State
R = Role

TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec(
            "submit",
            "Gửi đăng ký",
            (S.DRAFT,),
            S.REGISTERED,
            frozenset({R.UNIT_OFFICER}),
            stamp="registered_at",
        ),
        TransitionSpec(
            "return_for_revision",
            "Trả lại để chỉnh sửa",
            (S.REGISTERED,),
            S.DRAFT,
            frozenset({R.SECRETARIAT}),
            reason_required=True,
            destructive=True,
        ),
        TransitionSpec(
            "start",
            "Bắt đầu triển khai",
            (S.REGISTERED,),
            S.IN_PROGRESS,
            frozenset({R.UNIT_OFFICER}),
            system_allowed=True,
        ),
        TransitionSpec(
            "record_inspection",
            "Ghi nhận kết quả kiểm tra",
            (S.IN_PROGRESS,),
            S.INSPECTED,
            frozenset({R.INSPECTOR}),
            needs_evidence=True,
            stamp="inspected_at",
        ),
        TransitionSpec(
            "request_reinspection",
            "Yêu cầu kiểm tra lại",
            (S.INSPECTED,),
            S.IN_PROGRESS,
            frozenset({R.SECRETARIAT, R.COMMITTEE}),
            reason_required=True,
            needs_evidence=True,
        ),
        TransitionSpec(
            "recognize",
            "Công nhận",
            (S.INSPECTED,),
            S.RECOGNIZED,
            frozenset({R.COMMITTEE}),
            needs_evidence=True,
            stamp="decided_at",
        ),
        TransitionSpec(
            "reject",
            "Không công nhận",
            (S.INSPECTED,),
            S.NOT_RECOGNIZED,
            frozenset({R.COMMITTEE}),
            reason_required=True,
            needs_evidence=True,
            destructive=True,
            stamp="decided_at",
        ),
        TransitionSpec(
            "upgrade",
            "Công nhận ở cấp cao hơn",
            (S.RECOGNIZED,),
            S.RECOGNIZED,
            frozenset({R.COMMITTEE}),
            needs_evidence=True,
        ),
        TransitionSpec(
            "withdraw",
            "Rút đăng ký",
            # Only what was registered: a draft never sent is discarded instead
            # (``models_registry.services.initiatives.initiative_discard``), so that a
            # withdrawn case always counts as one that had been submitted.
            (S.REGISTERED, S.IN_PROGRESS),
            S.WITHDRAWN,
            frozenset({R.UNIT_OFFICER}),
            reason_required=True,
            destructive=True,
        ),
    )
}

OPEN_STATES = frozenset({S.DRAFT, S.REGISTERED, S.IN_PROGRESS, S.INSPECTED})
DECIDED_STATES = frozenset({S.INSPECTED, S.RECOGNIZED, S.NOT_RECOGNIZED})


def mermaid_diagram() -> str:
    """The lifecycle as a Mermaid state diagram, generated from ``TRANSITIONS``."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for spec in TRANSITIONS.values():
        for source in spec.sources:
            lines.append(f"    {source} --> {spec.target}: {spec.name}")
    return "\n".join(lines)
