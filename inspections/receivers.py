"""Follow-up work of transitions, written inside the transition's transaction."""

from django.dispatch import receiver

from workflow.signals import case_transitioned, case_transitioned_each, cases_transitioned

from .services.scheduling import reinspection_open


@receiver(case_transitioned, dispatch_uid="inspections.reinspection_open")
def open_reinspection(sender, *, case, log, actor, **kwargs) -> None:
    # Whoever applies request_reinspection (page, admin, script), a new inspection
    # waits on the "to inspect" page; it rolls back with the transition if that fails.
    if log.transition == "request_reinspection":
        reinspection_open(case=case, log=log, actor=actor)


# A batch through the door (``transitions_apply``) is answered case by case, the same way.
cases_transitioned.connect(
    case_transitioned_each(open_reinspection),
    weak=False,
    dispatch_uid="inspections.reinspection_open.batch",
)
