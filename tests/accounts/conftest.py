import pytest

from tests.factories import make_user
from tests.notifications.conftest import (  # noqa: F401  (real Redis, worker, SMTP)
    redis_url,
    smtp,
    worker,
)


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(
        "quantri", "quantri@example.test", "Mat-khau-thu-nghiem-2023", first_name="Quản trị"
    )


@pytest.fixture
def staff_without_rights(db):
    """The demo's mistake (issue 13): a staff flag and nothing else."""
    user = make_user("nhanvien")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user
