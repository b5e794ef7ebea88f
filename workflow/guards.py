"""Guards that apps above the engine register for the transitions that need evidence.

A transition whose spec says ``needs_evidence`` (a completed field visit, a passed
committee vote) is refused until every guard registered for it passes, and refused
when none is registered at all: the engine never assumes proof it was not shown.

A guard is ``fn(case, *, actor, payload) -> str | None``: ``None`` to allow, otherwise
the Vietnamese message that says why not.
"""

from collections import defaultdict
from collections.abc import Callable

from .lifecycle import TRANSITIONS

Guard = Callable[..., "str | None"]

_guards: dict[str, list[Guard]] = defaultdict(list)

NO_EVIDENCE = {
    "record_inspection": "Chưa có biên bản kiểm tra thực tế đã hoàn thành cho hồ sơ này.",
    "request_reinspection": "Chưa có đợt kiểm tra nào để yêu cầu kiểm tra lại.",
    "recognize": "Chưa có kết quả biểu quyết của hội đồng cho hồ sơ này.",
    "reject": "Chưa có kết quả biểu quyết của hội đồng cho hồ sơ này.",
    "upgrade": "Chưa có kết quả biểu quyết của hội đồng cấp trên cho hồ sơ này.",
}


def register(transition: str, guard: Guard) -> Guard:
    if transition not in TRANSITIONS:
        raise ValueError(f"Unknown transition {transition!r}")
    if guard not in _guards[transition]:
        _guards[transition].append(guard)
    return guard


def unregister(transition: str, guard: Guard) -> None:
    _guards[transition].remove(guard)


def evidence_errors(case, transition: str, *, actor, payload: dict) -> list[str]:
    guards = _guards.get(transition, [])
    if TRANSITIONS[transition].needs_evidence and not guards:
        return [NO_EVIDENCE[transition]]
    return [msg for guard in guards if (msg := guard(case, actor=actor, payload=payload))]
