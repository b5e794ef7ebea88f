"""What the unit directory announces to the apps above it."""

from django.dispatch import Signal

# Sent with: unit, after a unit (and its subtree) moved under another parent, inside the
# move's transaction. The dashboards recount their per-subtree tally on it.
unit_moved = Signal()

# Sent with: unit, successor, actor, inside the merge's transaction, after the directory's
# own rows (memberships, sub-units) went to the successor. Each app above moves the rows
# it keeps by unit (models_registry: the cases and extensions; committees: committees) and
# answers ``{"label": count or [ids], ...}`` — what it moved, for the administration log. A
# receiver refuses the merge by raising ``WorkflowError``: nothing is kept.
unit_merged = Signal()
