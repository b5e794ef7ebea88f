"""The engine's own follow-up of transitions (see ``signals``): inside the transition's
transaction, so it commits or rolls back with it."""

from django.dispatch import receiver

from workflow.signals import case_transitioned, case_transitioned_each, cases_transitioned

from .services import rounds_void


@receiver(case_transitioned, dispatch_uid="workflow.rounds_void_on_reinspection")
def void_rounds_on_reinspection(sender, *, case, log, actor, **kwargs) -> None:
    if log.transition == "request_reinspection":
        rounds_void(case=case)


def committees_follow_successor(sender, *, unit, successor, actor, **kwargs) -> dict[str, int]:
    """A merged unit's committees go to its successor, unless the successor already has
    one at that level (then the old one stays with the closed unit, its rounds and
    decisions with it). Connected in ``CommitteesConfig.ready``."""
    from .models import Committee

    taken = Committee.objects.filter(unit=successor).values("level_id")
    return {
        "committees": Committee.objects.filter(unit=unit)
        .exclude(level_id__in=taken)
        .update(unit=successor)
    }


# A batch through the door (``transitions_apply``) is answered case by case, the same way.
cases_transitioned.connect(
    case_transitioned_each(void_rounds_on_reinspection),
    weak=False,
    dispatch_uid="workflow.rounds_void_on_reinspection.batch",
)
