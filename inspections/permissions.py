"""Who may do what with inspections, read from the user's memberships."""

from models_registry.selectors import roles_of_user
from workflow.lifecycle import Role


def is_secretariat(user) -> bool:
    return bool(user.is_superuser or Role.SECRETARIAT in roles_of_user(user))


def is_inspector(user) -> bool:
    return Role.INSPECTOR in roles_of_user(user)


def on_team(inspection, user) -> bool:
    """Whether ``user`` is on the inspection's team (uses a prefetched team if present)."""
    if user is None or not user.is_authenticated:
        return False
    cache = getattr(inspection, "_prefetched_objects_cache", {})
    if "team" in cache:
        return any(member.pk == user.pk for member in cache["team"])
    return inspection.team.filter(pk=user.pk).exists()
