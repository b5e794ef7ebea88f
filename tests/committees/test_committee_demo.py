"""The demo has a committee for each level of 2022 and 2023 and every committee state:
recognised, upgraded, not recognised, a round open halfway, cases waiting; a 2023 case
carries a 2022 recognition over. Running it twice changes nothing."""

import pytest

from committees.models import Committee, RecognitionDecision, RoundOutcome, RoundStatus, VoteRound
from demo.registry import seed_demo
from models_registry.models import Initiative
from tests.demo_data import DEMO_TODAY, demo_load
from workflow.lifecycle import State


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot():
    return (
        list(VoteRound.objects.order_by("pk").values_list("case_id", "status", "outcome")),
        list(RecognitionDecision.objects.order_by("pk").values_list("number", "date")),
        Committee.objects.count(),
    )


def test_the_demo_committees_have_decided_some_cases_in_both_years(db):
    demo_load()
    committees = Committee.objects.select_related("chair", "level__campaign")
    # The live year's are copied from 2023's by the plan (tests/demo/test_live_year.py).
    live = DEMO_TODAY.year
    assert sorted((c.level.campaign.year, c.level.rank) for c in committees) == [
        (2022, 1), (2022, 2), (2023, 1), (2023, 2), (live, 1), (live, 2),
    ]  # fmt: skip
    for committee in committees:
        assert committee.chair.username == "chutich.bcd"
        assert sorted(committee.members.values_list("username", flat=True)) == [
            "chutich.bcd", "thanhvien1.bcd", "thanhvien2.bcd", "thanhvien3.bcd",
        ]  # fmt: skip
    for year in (2022, 2023):
        states = set(Initiative.objects.filter(campaign__year=year).values_list("state", flat=True))
        assert {State.RECOGNIZED, State.NOT_RECOGNIZED} <= states, year
        outcomes = set(
            VoteRound.objects.filter(case__campaign__year=year).values_list("outcome", flat=True)
        )
        assert {RoundOutcome.RECOGNIZED, RoundOutcome.UPGRADED} <= outcomes, year
    assert VoteRound.objects.filter(status=RoundStatus.OPEN, case__campaign__year=2023).exists()
    assert Initiative.objects.filter(campaign__year=2023, state=State.INSPECTED).count() >= 3
    carried = Initiative.objects.get(campaign__year=2023, continues_from__isnull=False)
    assert carried.continues_from.state == State.RECOGNIZED
    assert carried.continues_from.vote_rounds.filter(decision__number="98-QĐ/BCĐ").exists()

    first = snapshot()
    seed_demo()
    assert snapshot() == first
