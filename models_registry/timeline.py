"""The case page's timeline: the whole story of a case, from every app that acts on it.

The registry tells its own part (the draft's creation, every transition, the progress
reports); apps above it add theirs through a source they register in their
``AppConfig.ready()`` (``timeline_source_register``): bookings, moves and cancellations
of inspections, the committee's rounds, votes and decisions. The registry names no app
above it. Each source reads with a fixed number of queries, whatever the case's
history, so the case page's count is pinned.

A source may also restate a transition it knows more about (the decision a "recognize"
carried, the chair who took it): an entry with ``log_id`` replaces the registry's entry
for that log row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from workflow.lifecycle import Role, State
from workflow.models import TransitionLog

from .models import Initiative


@dataclass
class TimelineEntry:
    at: datetime.datetime
    title: str
    # What happened, as a stable word for styling and tests ("transition-submit",
    # "progress", "inspection-booked", "vote-count", ...).
    kind: str
    actor: str = ""
    # The role the actor acted in, as its Vietnamese label.
    role: str = ""
    detail: str = ""
    reason: str = ""
    log_id: int | None = None


@dataclass
class Timeline:
    entries: list[TimelineEntry] = field(default_factory=list)
    # The return for revision that made the case a draft again (None unless it is one).
    returned: TransitionLog | None = None


# name -> fn(case, *, actor, logs) -> entries
Source = Callable[..., list[TimelineEntry]]
_sources: dict[str, Source] = {}

SYSTEM = "Hệ thống (tự động)"


def timeline_source_register(name: str, source: Source) -> None:
    """Add ``source(case, *, actor, logs) -> list[TimelineEntry]`` to every case's
    timeline (``logs``: the case's transition log, already read, oldest first)."""
    _sources[name] = source


def person(user) -> str:
    if user is None:
        return SYSTEM
    return user.get_full_name() or user.get_username()


def _transition_entry(log: TransitionLog) -> TimelineEntry:
    detail = f"{log.get_source_display()} → {log.get_target_display()}"
    until = (log.payload or {}).get("resubmit_until")
    if log.transition == "return_for_revision" and until:
        day = datetime.date.fromisoformat(until)
        detail += f"; được gửi lại đến hết ngày {day:%d/%m/%Y}"
    return TimelineEntry(
        at=log.at,
        title=log.transition_label,
        kind=f"transition-{log.transition}",
        actor=person(log.actor),
        role=log.get_actor_role_display() if log.actor_role else "",
        detail=detail,
        reason=log.reason,
        log_id=log.pk,
    )


def case_timeline(*, case: Initiative, actor) -> Timeline:
    """Everything that happened to ``case`` that ``actor`` may read, oldest first. Two
    queries of the registry's own (the log, the progress reports), plus each source's."""
    logs = list(case.transition_logs.select_related("actor").order_by("at", "id"))
    entries = [
        TimelineEntry(
            at=case.created_at,
            title="Tạo bản nháp",
            kind="created",
            actor=person(case.created_by),
        )
    ]
    entries += [_transition_entry(log) for log in logs]
    reports = case.progress_reports.select_related("created_by").order_by("created_at", "id")
    for report in reports:
        entries.append(
            TimelineEntry(
                at=report.created_at,
                title=report.get_kind_display(),
                kind="progress",
                actor=person(report.created_by),
                role=Role.UNIT_OFFICER.label,
                detail=(
                    f"Đến ngày {report.report_date:%d/%m/%Y}: hoàn thành {report.percent_complete}%"
                ),
            )
        )
    for name in sorted(_sources):
        for entry in _sources[name](case, actor=actor, logs=logs):
            if entry.log_id is not None:
                entries = [e for e in entries if e.log_id != entry.log_id]
            entries.append(entry)
    entries.sort(key=lambda e: e.at)
    returned = None
    if case.state == State.DRAFT:
        returned = next(
            (log for log in reversed(logs) if log.transition == "return_for_revision"), None
        )
    return Timeline(entries=entries, returned=returned)
