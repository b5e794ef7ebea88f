"""The daily sweep: a registry of rules that apps above the engine fill in.

An app registers a rule from its ``AppConfig.ready()`` (by importing its own
``deadlines.py``)::

    from workflow.deadlines import sweep_rule

    @sweep_rule("registration-reminder")
    def remind_units(today: datetime.date) -> int:
        ...  # an indexed query, then notification_queue(..., dedupe_key=f"...:{today}")
        return sent

A rule finds its rows with an indexed query and makes its work idempotent (dedupe keys,
conditional updates), so that running the sweep twice for one date does nothing twice.
``python manage.py run_deadlines`` and the beat task both call ``deadlines_run``.
"""

import datetime
import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

Rule = Callable[[datetime.date], int]

_rules: dict[str, Rule] = {}


class SweepFailed(Exception):
    """One or more rules raised; the others ran (and committed) all the same."""

    def __init__(self, results: dict[str, int], failed: dict[str, str]) -> None:
        super().__init__(f"Sweep rules failed: {', '.join(failed)}")
        self.results = results
        self.failed = failed


def sweep_rule(name: str) -> Callable[[Rule], Rule]:
    """Register ``fn(today) -> int`` (how many messages or changes it made) as ``name``.

    Registering the same function under the same name again is harmless (``ready()``
    may run twice in tests); another function under a taken name is a mistake."""

    def register(fn: Rule) -> Rule:
        known = _rules.get(name)
        if known is not None and known.__qualname__ != fn.__qualname__:
            raise ValueError(f"Sweep rule {name!r} is already registered by {known!r}")
        _rules[name] = fn
        return fn

    return register


def sweep_rules() -> dict[str, Rule]:
    return dict(_rules)


def deadlines_run(*, today: datetime.date) -> dict[str, int]:
    """Run every registered rule for ``today``, each in its own transaction.

    Guarantees: a rule that raises rolls back only its own work and does not stop the
    others; once all have run, ``SweepFailed`` is raised naming the rules that failed
    (with the counts of those that succeeded). Returns ``{rule name: count}``."""
    results: dict[str, int] = {}
    failed: dict[str, str] = {}
    for name, rule in _rules.items():
        try:
            with transaction.atomic():
                results[name] = int(rule(today) or 0)
        except Exception as exc:
            logger.exception("Sweep rule %s failed for %s", name, today)
            failed[name] = f"{type(exc).__name__}: {exc}"
    if failed:
        raise SweepFailed(results, failed)
    return results
