"""Who may do what with one inspection. The rules of roles and units (who is secretariat,
who is an inspector) are in ``units.access``."""


def on_team(inspection, user) -> bool:
    """Whether ``user`` is on the inspection's team (uses a prefetched team if present)."""
    if user is None or not user.is_authenticated:
        return False
    cache = getattr(inspection, "_prefetched_objects_cache", {})
    if "team" in cache:
        return any(member.pk == user.pk for member in cache["team"])
    return inspection.team.filter(pk=user.pk).exists()
