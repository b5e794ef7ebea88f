"""Two or more service calls released at the same moment, for the tests of races on
PostgreSQL's row locks (committees, reports)."""

import threading

import pytest
from django.db import connection, connections

from workflow.errors import WorkflowError
from workflow.services import TransitionConflict


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL's row locks (set DATABASE_URL).")


def race(*jobs):
    """Run the jobs in threads released together; return their outcomes in order:
    ("ok", result), ("conflict", message) or ("refused", message)."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            try:
                outcomes[index] = ("ok", job())
            except TransitionConflict as exc:
                outcomes[index] = ("conflict", str(exc))
            except WorkflowError as exc:
                outcomes[index] = ("refused", str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
