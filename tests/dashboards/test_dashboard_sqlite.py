"""The embedded default (SQLite, which has no percentile function) computes the same
medians in the database, and its dashboard renders. Run in a child process on a fresh
SQLite file, since the suite itself runs on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import datetime, json
from zoneinfo import ZoneInfo
from django.db import connection
from django.test import Client
from django.utils import timezone
from dashboards.median import durations
from models_registry.models import Initiative
from tests.factories import build_world, make_draft
from workflow.lifecycle import TRANSITIONS
from workflow.models import TransitionLog

world = build_world()
real_now = timezone.now
start = datetime.datetime(2023, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

def log(case, day, transition, source, target):
    # What transition_apply writes: the log row, and its time stamped on the case.
    moment = start + datetime.timedelta(days=day)
    timezone.now = lambda: moment
    row = TransitionLog.objects.create(case=case, transition=transition, source=source, target=target)
    stamp = TRANSITIONS[transition].stamp
    if stamp:
        Initiative.objects.filter(pk=case.pk).update(**{stamp: row.at})

# Inspected after 10, 20 and 30 days (the first resubmitted on day 2: it counts from
# there); decided after 50 and 70 days.
for i, (inspected, decided) in enumerate([(10, 50), (20, None), (30, 70)]):
    case = make_draft(world, name=f"Mô hình {i}")
    log(case, 0, "submit", "draft", "registered")
    if i == 0:
        log(case, 1, "return_for_revision", "registered", "draft")
        log(case, 2, "submit", "draft", "registered")
    log(case, inspected, "record_inspection", "in_progress", "inspected")
    if decided:
        log(case, decided, "recognize", "inspected", "recognized")
timezone.now = real_now
spans = durations(Initiative.objects.all())
client = Client()
client.force_login(world.secretariat)
response = client.get("/ho-so/tong-quan/")
print(json.dumps({
    "vendor": connection.vendor,
    "inspection": spans.to_inspection_days, "inspected": spans.to_inspection_cases,
    "decision": spans.to_decision_days, "decided": spans.to_decision_cases,
    "status": response.status_code, "page_median": "20,0 ngày" in response.content.decode(),
}))
"""


@pytest.mark.long
def test_the_embedded_sqlite_default_computes_the_medians_and_renders(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DVK_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    done = subprocess.run(
        [*manage, "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result.pop("vendor") == "sqlite"
    # To inspection: 8 (from the resubmission on day 2), 20 and 30 days → 20.
    # To decision: 48 and 70 days → 59 (the mean of the two middle values).
    assert result.pop("inspection") == pytest.approx(20.0, abs=1e-6)
    assert result.pop("decision") == pytest.approx(59.0, abs=1e-6)
    assert result == {"inspected": 3, "decided": 2, "status": 200, "page_median": True}
