"""Migration 0007 carries each import job's state from its ``result`` JSON into the new
columns, and back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("models_registry", "0006_units_and_tally_moved")]
AFTER = [("models_registry", "0007_importjob_columns")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrated_back_to_0006(transactional_db):
    yield migrate(BEFORE)
    # Whatever the test did, the next test finds the schema of today.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_state_kept_in_json_keys_moves_into_columns_and_back(migrated_back_to_0006):
    old = migrated_back_to_0006
    user = old.get_model("auth", "User").objects.create(username="nhap")
    campaign = old.get_model("models_registry", "Campaign").objects.create(
        year=2031, name="Kế hoạch 2031", registration_deadline=datetime.date(2031, 3, 31)
    )
    confirmed = timezone.now() - datetime.timedelta(minutes=10)
    nudged = confirmed + datetime.timedelta(minutes=2)
    started = confirmed + datetime.timedelta(minutes=3)
    problem = {"row": 2, "sheet_row": 9, "column": "Cả dòng", "letter": "", "message": "Lỗi"}
    created = [{"id": 7, "name": "Mô hình A", "unit": "Phường X"}]
    ImportJob = old.get_model("models_registry", "ImportJob")
    preview = {
        "campaign": 2031,
        "submit": True,
        "sheet": "Biểu mẫu",
        "counts": {"rows": 3, "create": 1, "update": 1, "unchanged": 1, "exists": 0},
        "rows": [{"row": 1, "name": "Mô hình A"}],
        "problems": [],
    }
    common = {"created_by": user, "campaign": campaign, "file": "imports/x.xlsx"}
    done = ImportJob.objects.create(
        **common,
        original_name="xong.xlsx",
        status="done",
        rows_total=3,
        result={
            "preview": preview,
            "confirmed_at": confirmed.isoformat(),
            "nudged_at": nudged.isoformat(),
            "started_at": started.isoformat(),
            "outcome": {
                "ok": True,
                "created": created,
                "updated": [{"id": 8, "name": "B", "unit": "Phường X"}],
                "submitted": [],
                "unchanged": [{"id": 9, "name": "C", "unit": "Phường X"}],
                "existing": [],
                "problems": [],
            },
        },
    )
    refused = ImportJob.objects.create(
        **common,
        original_name="loi.xlsx",
        status="failed",
        rows_total=3,
        result={"preview": {**preview, "problems": [problem], "rows": []}},
    )
    waiting = ImportJob.objects.create(
        **common,
        original_name="cho.xlsx",
        status="pending",
        rows_total=3,
        result={"preview": preview, "confirmed_at": confirmed.isoformat()},
    )

    new = migrate(AFTER)
    jobs = new.get_model("models_registry", "ImportJob").objects

    done = jobs.get(pk=done.pk)
    assert (done.confirmed_at, done.queued_at, done.started_at) == (confirmed, nudged, started)
    assert (done.sheet, done.planned_create, done.planned_update, done.planned_keep) == (
        "Biểu mẫu",
        1,
        1,
        1,
    )
    assert (done.created_count, done.updated_count, done.kept_count) == (1, 1, 1)
    assert done.outcome["created"] == created and done.problems == []
    assert done.preview_rows == [{"row": 1, "name": "Mô hình A"}]
    refused = jobs.get(pk=refused.pk)
    assert refused.confirmed_at is None and refused.queued_at is None
    assert (refused.problems, refused.problems_count) == ([problem], 1)
    waiting = jobs.get(pk=waiting.pk)
    # Found by the beat's sweep from the moment it was confirmed.
    assert waiting.queued_at == confirmed and waiting.started_at is None
    assert jobs.filter(status="pending", queued_at__isnull=False).count() == 1

    back = migrate(BEFORE).get_model("models_registry", "ImportJob").objects
    result = back.get(pk=done.pk).result
    assert result["confirmed_at"] == confirmed.isoformat()
    assert result["nudged_at"] == nudged.isoformat()
    assert result["outcome"]["created"] == created and result["outcome"]["ok"] is True
    assert result["preview"]["counts"]["create"] == 1
    assert back.get(pk=refused.pk).result["preview"]["problems"] == [problem]
