"""Writing the administration log.

Every service that changes a plan, a deadline, an extension, a unit, an account or a
committee calls :func:`record` in its own transaction, with a snapshot of the object
before and after. Apps name their actions once, at start-up, with :func:`action_register`
(``"campaign.open"`` → "Mở kế hoạch"), so the log page reads in Vietnamese.
"""

import datetime
import decimal
import uuid

from django.db import models

from .models import AuditEntry

_ACTION_LABELS: dict[str, str] = {}


def action_register(action: str, label: str) -> None:
    _ACTION_LABELS[action] = label


def action_label(action: str) -> str:
    return _ACTION_LABELS.get(action, action)


def action_choices() -> list[tuple[str, str]]:
    return sorted(_ACTION_LABELS.items(), key=lambda item: item[1])


def _plain(value):
    """A JSON-safe form of a field value, readable on the log page as it is."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict:
    """The named fields of ``instance`` as the log stores them (a foreign key as the
    related object's name)."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def record(
    *,
    actor,
    action: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    only_changed: bool = True,
) -> AuditEntry | None:
    """Append one row for one change of ``target``.

    With ``only_changed`` (the default) both sides keep only the keys whose values differ,
    and nothing is written when nothing changed: an edit saved without a change leaves no
    row. Creations pass ``before=None``, removals ``after=None``.
    """
    before = {key: _plain(value) for key, value in (before or {}).items()}
    after = {key: _plain(value) for key, value in (after or {}).items()}
    if only_changed and before and after:
        changed = [
            key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)
        ]
        if not changed:
            return None
        before = {key: before[key] for key in changed if key in before}
        after = {key: after[key] for key in changed if key in after}
    actor_name = ""
    if actor is not None:
        actor_name = actor.get_full_name() or actor.get_username()
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor_name[:255],
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        before=before,
        after=after,
        reason=reason,
    )
