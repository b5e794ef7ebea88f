"""Twenty people pressing the same button at once: exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from models_registry.models import Initiative
from tests.factories import BEFORE_DEADLINE, build_world, make_draft
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.models import TransitionLog
from workflow.services import TransitionConflict, transition_apply

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_submitting_one_case_yield_one_success_and_nineteen_conflicts():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL's row locks (set DATABASE_URL).")
    world = build_world()
    case = make_draft(world)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press_submit() -> None:
        try:
            # Each thread reads the case as its own page did: still a draft.
            mine = Initiative.objects.get(pk=case.pk)
            barrier.wait()
            try:
                transition_apply(
                    case=mine, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE
                )
                result = "ok"
            except TransitionConflict as exc:
                result = "conflict:" + str(exc)
            except WorkflowError as exc:
                result = "error:" + str(exc)
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == THREADS
    assert outcomes.count("ok") == 1
    conflicts = [o for o in outcomes if o.startswith("conflict:")]
    assert len(conflicts) == THREADS - 1, outcomes
    # One person pressing twenty times (tabs, double clicks) is told it was their own.
    assert all("vừa được chính bạn cập nhật trong một thẻ khác" in o for o in conflicts)
    case.refresh_from_db()
    assert case.state == State.REGISTERED
    assert TransitionLog.objects.filter(case=case).count() == 1
