"""Writes for inspections: criteria, scheduling, field visits and their attachments.
State changes of the case go through ``workflow.services.transition_apply`` only."""
