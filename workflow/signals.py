"""What the engine announces. Receivers run inside the transition's transaction, so a
row they write (an outbox message, an inspection to schedule) commits or rolls back
with the transition itself; they must not do slow I/O."""

from django.dispatch import Signal

# Sent with: case, log (the TransitionLog row), actor (a user or None for the sweep).
case_transitioned = Signal()
