"""Fixtures for the inspection tests (helpers in ``tests/inspections/helpers.py``)."""

import pytest

from tests.factories import make_user
from workflow.lifecycle import Role

from .helpers import book, make_criteria, make_running


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def criteria(world):
    return make_criteria(world.campaign)


@pytest.fixture
def running(world):
    return make_running(world)


@pytest.fixture
def inspector2(world):
    return make_user("kiemtra.hai", (Role.INSPECTOR, world.city), full_name="Cán bộ kiểm tra Hai")


@pytest.fixture
def booked(world, running, inspector2):
    (inspection,) = book(world, [running], team=[world.inspector, inspector2])
    return inspection
