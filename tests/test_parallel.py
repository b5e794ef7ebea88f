"""Each pytest-xdist worker's own Redis database and var folder, and the order files are
handed out in (tests/parallel.py)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app
from tests.parallel import long_files_first, redis_url_for, worker_index


def test_a_worker_moves_the_database_number_up_by_its_index():
    assert redis_url_for("redis://127.0.0.1:6379/7", 0) == "redis://127.0.0.1:6379/7"
    assert redis_url_for("redis://127.0.0.1:6379/7", 3) == "redis://127.0.0.1:6379/10"
    assert redis_url_for("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert redis_url_for("redis://:pw@redis:6379/0?timeout=2", 1) == (
        "redis://:pw@redis:6379/1?timeout=2"
    )


def test_a_worker_past_redis_last_database_stops_the_run():
    with pytest.raises(pytest.UsageError, match="Redis database 16"):
        redis_url_for("redis://127.0.0.1:6379/12", 4)


def test_this_process_broker_and_var_folder_are_the_ones_its_children_get():
    # Serial: as given. Under xdist: this worker's own, in the settings and in the
    # environment the Celery workers, beats and servers the tests start inherit.
    assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
    assert celery_app.conf.broker_url == os.environ["REDIS_URL"]
    if worker_index() is not None:
        assert Path(os.environ["DVK_VAR_DIR"]) == settings.VAR_DIR
        assert settings.MEDIA_ROOT == settings.VAR_DIR / "media"
        assert f"gw{worker_index()}" in settings.VAR_DIR.name


class _Item:
    """What long_files_first reads of a collected test: its node id and its markers."""

    def __init__(self, nodeid: str, long: bool = False) -> None:
        self.nodeid, self.long = nodeid, long

    def get_closest_marker(self, name: str):
        return self if name == "long" and self.long else None


def test_the_files_holding_a_long_test_go_first_each_in_its_own_order():
    items = [
        _Item("tests/a.py::one"),
        _Item("tests/b.py::quick"),
        _Item("tests/c.py::two"),
        _Item("tests/b.py::slow", long=True),
        _Item("tests/d.py::three", long=True),
    ]
    ordered = [item.nodeid for item in long_files_first(items)]
    # Every test of b.py (its quick one too) and d.py, in their collected order; then
    # the rest, in theirs.
    assert ordered == [
        "tests/b.py::quick",
        "tests/b.py::slow",
        "tests/d.py::three",
        "tests/a.py::one",
        "tests/c.py::two",
    ]
