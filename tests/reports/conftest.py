"""Reports' fixtures: an officer of the third ward (Châu Khê, tests/conftest.py) and a
report request helper."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports.models import Audience, ReportKind
from reports.services import report_request_open
from tests.factories import make_user
from tests.files import minimal_pdf
from units.models import UnitKind
from workflow.lifecycle import Role


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer_c(ward_c):
    return make_user("canbo.c", (Role.UNIT_OFFICER, ward_c), full_name="Cán bộ Châu Khê")


def today():
    return timezone.localdate()


def open_request(world, *, days: int = 2, **overrides):
    """A sơ kết request to every ward party committee, due in ``days`` days."""
    data = {
        "kind": ReportKind.MID_YEAR,
        "due_date": today() + datetime.timedelta(days=days),
        "audience": Audience.KIND,
        "audience_kind": UnitKind.WARD,
    }
    data.update(overrides)
    return report_request_open(actor=world.secretariat, campaign=world.campaign, **data)


def pdf(name: str = "bao-cao-so-ket.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(b"bao cao so ket"), "application/pdf")
