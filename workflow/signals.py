"""What the engine announces. Receivers run inside the transition's transaction, so a
row they write (an outbox message, an inspection to schedule) commits or rolls back
with the transition itself; they must not do slow I/O."""

from django.dispatch import Signal

# Sent with: case, log (the TransitionLog row), actor (a user or None for the sweep).
case_transitioned = Signal()

# Sent once for a batch applied by ``transitions_apply`` with: cases (the locked rows, in
# id order), logs (their TransitionLog rows, in the order the caller gave the cases) and
# actor. ``case_transitioned`` is NOT sent for the cases of a batch: an app that answers
# transitions answers this one too (``case_transitioned_each`` adapts a per-case receiver).
cases_transitioned = Signal()


def case_transitioned_each(receiver):
    """A ``cases_transitioned`` receiver that calls the per-case ``receiver`` for each
    case of the batch, as if each had gone through the door alone."""

    def each(sender, *, cases, logs, actor, **kwargs):
        by_pk = {case.pk: case for case in cases}
        for log in logs:
            receiver(sender, case=by_pk[log.case_id], log=log, actor=actor, **kwargs)

    return each
