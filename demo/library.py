"""The library's demo: two recognised models published by the secretariat, so that the
library is not empty on ``make run``."""

from library.models import Publication
from library.services import publication_publish
from models_registry.models import Initiative
from workflow.lifecycle import State

PUBLISHED = 2


def library_seed(*, people: dict) -> int:
    """Publish the first recognised models (oldest campaign first, two units), unless
    the demo already has its publications. Returns how many it published."""
    if Publication.objects.exists():
        return 0
    chosen, units = [], set()
    for case in Initiative.objects.filter(state=State.RECOGNIZED).order_by("campaign__year", "pk"):
        if case.unit_id not in units:
            chosen.append(case)
            units.add(case.unit_id)
        if len(chosen) == PUBLISHED:
            break
    for case in chosen:
        publication_publish(actor=people["secretariat"], initiative=case)
    return len(chosen)
