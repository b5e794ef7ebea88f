"""The engine's own follow-up of transitions (see ``signals``): inside the transition's
transaction, so it commits or rolls back with it."""

from django.dispatch import receiver

from workflow.signals import case_transitioned, case_transitioned_each, cases_transitioned

from .services import rounds_void


@receiver(case_transitioned, dispatch_uid="workflow.rounds_void_on_reinspection")
def void_rounds_on_reinspection(sender, *, case, log, actor, **kwargs) -> None:
    if log.transition == "request_reinspection":
        rounds_void(case=case)


# A batch through the door (``transitions_apply``) is answered case by case, the same way.
cases_transitioned.connect(
    case_transitioned_each(void_rounds_on_reinspection),
    weak=False,
    dispatch_uid="workflow.rounds_void_on_reinspection.batch",
)
