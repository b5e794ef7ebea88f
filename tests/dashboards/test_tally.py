"""The tally (dashboards/tally.py): the counts kept per change are the counts of
the cases, whatever changed the cases — before a fold (the counts plus the pending
changes) and after it, row for row and as the dashboard reads them (the case queries
are the reference) — and a case write never waits for a fold or for another writer.
PostgreSQL only: on SQLite the dashboard counts the cases (test_dashboard_sqlite.py)."""

import datetime
import io
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from dashboards.figures import (
    _tally_period,
    _tally_subtree,
    base_cases,
    counts,
    scope_levels,
    tally_rows,
    unit_table,
    years,
)
from dashboards.models import CaseTally, CaseTallyDelta
from dashboards.scope import scope_from_request
from dashboards.tally import tally_fold, tally_rebuild
from dashboards.tasks import tally_fold_task
from models_registry.models import FIELD_FLAGS, Campaign, Initiative, RecognitionLevel
from models_registry.services.initiatives import initiative_update
from tests.factories import BEFORE_DEADLINE, build_world, make_draft, make_user
from units.models import Unit, UnitKind
from workflow.lifecycle import Role, State
from workflow.services import transition_apply

from .dashboard_data import build_cases

TODAY = datetime.date(2023, 12, 15)


# --- the reference: every case counted in its unit and each ancestor ---------------------


def _ancestors(path: str) -> list[int]:
    return [int(pk) for pk in path.strip("/").split("/")]


def _dims(row: dict) -> tuple:
    return (
        row["state"],
        row["subject"],
        row["target_level"] or 0,
        row["recognized_level"] or 0,
        *(row[flag] for flag in FIELD_FLAGS),
    )


def from_cases() -> dict[tuple, int]:
    paths = dict(Unit.objects.values_list("pk", "path"))
    found: Counter = Counter()
    rows = Initiative.objects.values(
        "unit_id",
        "campaign_id",
        "state",
        "subject",
        "target_level_id",
        "recognized_level_id",
        *FIELD_FLAGS,
    )
    for row in rows:
        row["target_level"], row["recognized_level"] = (
            row["target_level_id"],
            row["recognized_level_id"],
        )
        for unit in _ancestors(paths[row["unit_id"]]):
            found[(unit, row["campaign_id"], *_dims(row))] += 1
    return dict(found)


def kept() -> dict[tuple, int]:
    return {
        (row["unit_id"], row["campaign_id"], *_dims(row)): row["cases"]
        for row in CaseTally.objects.values()
    }


def kept_and_pending() -> dict[tuple, int]:
    """The counts as they will be after the next fold: the kept ones plus the pending
    changes, spread over each unit's ancestors here in Python."""
    paths = dict(Unit.objects.values_list("pk", "path"))
    total: Counter = Counter(kept())
    for row in CaseTallyDelta.objects.values():
        for unit in _ancestors(paths[row["unit_id"]]):
            total[(unit, row["campaign_id"], *_dims(row))] += row["cases"]
    return {key: n for key, n in total.items() if n != 0}


def pending() -> int:
    return CaseTallyDelta.objects.count()


# --- the dashboard's figures, both ways ------------------------------------------------


def _table(table) -> list[tuple]:
    return [
        (
            row.unit.pk,
            row.own,
            row.total.value,
            row.submitted.value,
            row.drafts.value,
            *(n.value for n in row.by_subject),
            row.recognized.value,
        )
        for row in table.rows
    ]


def _columns(columns) -> list[tuple]:
    return [(c.year, c.total.value, *(s.value for s in c.segments)) for c in columns]


def figures_both_ways(actor, params: dict) -> dict[str, int]:
    """The overview's counts, units table and years from the tally equal those counted
    over the cases (the functions without ``tally``). Returns the counts."""
    scope = scope_from_request(actor=actor, params=params, today=TODAY)
    tally = tally_rows(scope, actor=actor)
    assert tally is not None, f"the tally should answer for {actor} in {params}"
    in_period = tally.filter(_tally_period(scope))
    cases = base_cases(scope, actor=actor)
    levels = scope_levels(scope)
    reference = counts(cases, levels)
    assert counts(cases, levels, tally=in_period.filter(_tally_subtree(scope))) == reference
    assert _table(unit_table(scope, cases, actor=actor, tally=in_period)) == _table(
        unit_table(scope, cases, actor=actor)
    )
    assert _columns(years(scope, actor=actor, tally=tally)) == _columns(years(scope, actor=actor))
    return reference


def assert_tally_is_the_cases(world, *, scopes=True) -> None:
    expected = from_cases()
    assert kept_and_pending() == expected, "before the fold"
    tally_fold()
    assert pending() == 0
    assert kept() == expected, "after the fold"
    if not scopes:
        return
    c2022 = Campaign.objects.filter(year=2022).first()
    for actor, params in [
        (world.secretariat, {}),
        (world.secretariat, {"unit": world.ward_a.pk}),
        (world.secretariat, {"unit": world.ward_a_sub.pk}),
        (world.secretariat, {"unit": world.ward_b.pk}),
        (world.secretariat, {"campaign": "all"}),
        (world.viewer, {"campaign": "all", "year_min": "2022", "year_max": "2023"}),
        (world.viewer, {"campaign": str(c2022.pk)} if c2022 else {}),
        (world.officer_a, {}),
        (world.officer_a, {"unit": world.ward_a_sub.pk}),
    ]:
        figures_both_ways(actor, params)


# --- every kind of change ---------------------------------------------------------------


def test_a_new_case_counts_in_its_unit_and_every_ancestor(world):
    tally_fold()
    case = make_draft(world, unit=world.ward_a_sub)
    (delta,) = CaseTallyDelta.objects.all()
    assert (delta.unit_id, delta.campaign_id, delta.state, delta.cases) == (
        world.ward_a_sub.pk,
        world.campaign.pk,
        State.DRAFT,
        1,
    )
    assert delta.target_level == world.level_base.pk and delta.recognized_level == 0
    assert not CaseTally.objects.exists()  # nothing is counted before the fold
    tally_fold()
    assert sorted(CaseTally.objects.values_list("unit_id", "cases")) == sorted(
        [(world.city.pk, 1), (world.ward_a.pk, 1), (world.ward_a_sub.pk, 1)]
    )
    assert case.pk
    assert_tally_is_the_cases(world)


def test_an_edit_of_a_dimension_moves_the_count_and_an_edit_of_the_text_writes_nothing(world):
    case = make_draft(world)
    tally_fold()
    initiative_update(actor=world.officer_a, initiative=case, name="Tên mới", goals="Mục tiêu mới")
    assert pending() == 0
    initiative_update(
        actor=world.secretariat,
        initiative=case,
        unit=world.ward_b_sub,
        subject="individual",
        field_culture_society=True,
        target_level=world.level_city,
    )
    assert sorted(CaseTallyDelta.objects.values_list("unit_id", "cases")) == sorted(
        [(world.ward_a.pk, -1), (world.ward_b_sub.pk, 1)]
    )
    assert_tally_is_the_cases(world)
    assert not CaseTally.objects.filter(unit=world.ward_a).exists()  # fell to 0: deleted
    assert CaseTally.objects.get(unit=world.city).subject == "individual"


def test_transitions_to_every_state_and_a_recognition_with_its_level(world, monkeypatch):
    built = build_cases(world, monkeypatch)  # every state, through transition_apply
    assert built.cases["recognized"].state == State.RECOGNIZED
    assert pending() > 0
    assert_tally_is_the_cases(world)
    found = figures_both_ways(world.secretariat, {})
    assert found["total"] == 12 and found[f"state:{State.IN_PROGRESS}"] == 4
    assert found[f"recognized:{world.level_base.pk}"] == 1
    # One more move: the running case withdrawn is counted in its new state.
    running = built.cases["upcoming"]
    transition_apply(
        case=running, name="withdraw", actor=world.officer_a, reason="Sáp nhập", today=TODAY
    )
    assert sorted(CaseTallyDelta.objects.values_list("unit_id", "state", "cases")) == sorted(
        [(world.ward_a.pk, State.IN_PROGRESS, -1), (world.ward_a.pk, State.WITHDRAWN, 1)]
    )
    assert_tally_is_the_cases(world)


def test_a_transition_that_changes_only_the_state_writes_one_change_each_way(world):
    case = make_draft(world)
    tally_fold()
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    assert sorted(CaseTallyDelta.objects.values_list("state", "cases")) == [
        (State.DRAFT, -1),
        (State.REGISTERED, 1),
    ]
    assert_tally_is_the_cases(world)


def test_a_deleted_case_leaves_the_counts(world):
    first, second = make_draft(world, name="Một"), make_draft(world, name="Hai")
    tally_fold()
    Initiative.objects.filter(pk=first.pk).delete()
    (delta,) = CaseTallyDelta.objects.all()
    assert delta.cases == -1
    assert_tally_is_the_cases(world)
    assert CaseTally.objects.get(unit=world.city).cases == 1
    second.delete()
    assert_tally_is_the_cases(world)
    assert not CaseTally.objects.exists()


def _bulk(world, count: int, *, campaign=None, start: int = 0) -> list[Initiative]:
    campaign = campaign or world.campaign
    return Initiative.objects.bulk_create(
        Initiative(
            campaign=campaign,
            unit=world.ward_a_sub if i % 2 else world.ward_b,
            name=f"Mô hình nhập số {i}",
            name_key=f"mo hinh nhap so {i}",
            subject="individual" if i % 3 == 0 else "collective",
            field_economy=True,
            created_by=world.secretariat,
        )
        for i in range(start, start + count)
    )


def test_a_bulk_insert_writes_one_change_per_combination(world):
    make_draft(world)
    _bulk(world, 120)
    # One statement: a row per (unit, subject) it touched, with its number of cases.
    deltas = list(CaseTallyDelta.objects.exclude(unit_id=world.ward_a.pk))
    assert len(deltas) == 4
    assert sum(d.cases for d in deltas) == 120
    assert_tally_is_the_cases(world)
    Initiative.objects.filter(name__startswith="Mô hình nhập").delete()
    assert pending() <= 8  # 4 combinations per statement (Django deletes 100 a statement)
    assert_tally_is_the_cases(world)


def test_a_moved_unit_takes_its_counts_to_its_new_ancestors(world):
    make_draft(world, unit=world.ward_a_sub, name="Một")
    tally_fold()
    make_draft(world, unit=world.ward_a_sub, name="Hai")  # still pending when it moves
    ward_a_sub = Unit.objects.get(pk=world.ward_a_sub.pk)
    ward_a_sub.parent = world.ward_b
    ward_a_sub.save()
    assert pending() == 0  # the recount took the pending change in
    assert kept() == from_cases()
    counts_of = dict(CaseTally.objects.values_list("unit_id", "cases"))
    assert counts_of == {world.city.pk: 2, world.ward_b.pk: 2, world.ward_a_sub.pk: 2}
    world.ward_a_sub.refresh_from_db()
    assert_tally_is_the_cases(world)


def test_a_deleted_campaign_leaves_no_count(world):
    c2022 = Campaign.objects.create(
        year=2022, name="Phong trào năm 2022", registration_deadline=datetime.date(2022, 3, 6)
    )
    RecognitionLevel.objects.create(campaign=c2022, rank=1, name="Cấp cơ sở")
    make_draft(world)
    _bulk(world, 10, campaign=c2022)
    assert_tally_is_the_cases(world)
    assert CaseTally.objects.filter(campaign=c2022).exists()
    # Its cases go (PROTECT), then the campaign, before any fold.
    Initiative.objects.filter(campaign=c2022).delete()
    c2022.delete()
    assert_tally_is_the_cases(world)
    assert not CaseTally.objects.filter(campaign_id=c2022.pk).exists()


def test_a_deleted_unit_brings_its_last_changes_to_its_ancestors_first(world):
    team = Unit.objects.create(name="Tổ dân phố số 1", kind=UnitKind.OTHER, parent=world.ward_a)
    case = make_draft(world, unit=team)
    tally_fold()
    assert CaseTally.objects.get(unit=world.ward_a).cases == 1
    case.delete()
    team.delete()  # before any fold: its unit's path is needed to reach the ancestors
    assert pending() == 0
    assert not CaseTally.objects.exists()
    assert_tally_is_the_cases(world)


def test_a_recount_repairs_a_damaged_tally_and_the_command_says_so(world, monkeypatch):
    build_cases(world, monkeypatch)
    tally_fold()
    CaseTally.objects.filter(unit=world.city).update(cases=99)
    CaseTally.objects.filter(unit=world.ward_a_sub).delete()
    assert kept() != from_cases()
    assert tally_rebuild() == CaseTally.objects.count() > 0
    assert kept() == from_cases()
    out = io.StringIO()
    call_command("tally_rebuild", stdout=out)
    assert "Đã tính lại số liệu tổng hợp từ các hồ sơ" in out.getvalue()
    assert_tally_is_the_cases(world)


def test_the_beat_folds_every_minute(world):
    make_draft(world)
    assert pending() == 1
    assert tally_fold_task() == 2  # the case's row in its ward and in the city
    assert pending() == 0
    assert tally_fold_task() == 0
    entry = settings.CELERY_BEAT_SCHEDULE["tally-fold"]
    assert entry["task"] == tally_fold_task.name and entry["schedule"] <= 60


# --- who reads the tally ----------------------------------------------------------------


def test_the_tally_answers_only_for_whoever_sees_the_whole_subtree(world):
    def answers(actor, params=None) -> bool:
        scope = scope_from_request(actor=actor, params=params or {}, today=TODAY)
        return tally_rows(scope, actor=actor) is not None

    both = make_user(
        "canbo.hai", (Role.UNIT_OFFICER, world.ward_a), (Role.UNIT_OFFICER, world.ward_b)
    )
    assert answers(world.secretariat) and answers(world.viewer)
    assert answers(world.officer_a)  # their ward
    assert answers(world.officer_a, {"unit": world.ward_a_sub.pk})
    assert not answers(both)  # several units, no unit chosen: their units' rows
    assert answers(both, {"unit": world.ward_b.pk})
    assert not answers(world.inspector)


# --- at the same time -------------------------------------------------------------------


def _in_thread(target, errors: list):
    def run():
        try:
            target()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_transitions_in_threads_while_another_thread_folds():
    world = build_world()
    cases = [make_draft(world, name=f"Mô hình {i}") for i in range(24)]
    tally_fold()
    errors: list = []
    done = threading.Event()
    folds = []

    def worker(mine):
        for i, case in enumerate(mine):
            transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
            if i % 2:
                transition_apply(
                    case=case, name="withdraw", actor=world.officer_a, reason="Sáp nhập"
                )

    def folder():
        while not done.is_set():
            folds.append(tally_fold())

    folding = _in_thread(folder, errors)
    workers = [_in_thread(lambda m=cases[i::3]: worker(m), errors) for i in range(3)]
    for thread in workers:
        thread.join(120)
    done.set()
    folding.join(60)
    assert not errors, errors
    assert len(folds) > 1
    assert Initiative.objects.filter(state=State.WITHDRAWN).count() == 12
    assert_tally_is_the_cases(world)


@pytest.mark.django_db(transaction=True)
def test_a_long_import_in_one_transaction_blocks_no_one():
    world = build_world()
    case = make_draft(world, name="Đang chờ gửi")
    tally_fold()
    errors: list = []
    inserted, release = threading.Event(), threading.Event()

    def importer():
        with transaction.atomic():
            _bulk(world, 200)
            make_draft(world, name="Nhập từ biểu mẫu", unit=world.ward_a)
            inserted.set()
            assert release.wait(60)

    importing = _in_thread(importer, errors)
    try:
        assert inserted.wait(60)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
            tally_fold()  # folds this transaction's change, not the import's
        assert Initiative.objects.get(pk=case.pk).state == State.REGISTERED
        assert kept() == from_cases()  # the import's cases are not visible yet
        assert sum(n for (u, *_), n in kept().items() if u == world.city.pk) == 1
    finally:
        release.set()
        importing.join(60)
    assert not errors, errors
    assert_tally_is_the_cases(world)
    assert sum(n for (u, *_), n in kept().items() if u == world.city.pk) == 202
