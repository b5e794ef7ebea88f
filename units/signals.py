"""What the unit directory announces to the apps above it."""

from django.dispatch import Signal

# Sent with: unit, after a unit (and its subtree) moved under another parent, inside the
# move's transaction. The dashboards recount their per-subtree tally on it.
unit_moved = Signal()
