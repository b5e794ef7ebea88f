"""In a real browser, with a real Celery worker checking each upload: a unit officer
uploads the Đông Ngàn form, waits while it is checked, sees the preview,
confirms and finds the six cases in the list; on a phone, the form with errors shows
its problems by row and column and imports nothing."""

import pytest
from django.test import override_settings

from demo import registry as demo
from models_registry.models import Initiative
from tests.e2e.conftest import login
from tests.models_registry.bieu_mau import CO_LOI, DONG_NGAN
from tests.notifications.conftest import (  # noqa: F401  (real Redis, worker, SMTP)
    redis_url,
    smtp,
    worker_factory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DONG_NGAN_NAMES = [
    "Dân vận khéo trong vận động nhân dân hiến đất mở rộng đường Lý Thánh Tông",
    "Khu phố văn minh, sạch đẹp - phân loại rác tại nguồn",
    "Camera an ninh - Mắt thần khu phố",
    "Bà Nguyễn Thị Hằng - Chi hội trưởng phụ nữ khu phố Đông Hồ vận động hội viên tiết kiệm "
    "giúp nhau giảm nghèo",
    "Chính quyền thân thiện - công dân hài lòng tại Bộ phận một cửa",
    "Ngày thứ Bảy tình nguyện vì đô thị văn minh",
]


@pytest.fixture(autouse=True)
def directory(settings, tmp_path):
    """The demo's units, campaigns and logins (without its 145 cases: the list then
    holds exactly what the import created)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        units = demo.build_directory()
        demo.build_campaigns()
        demo.build_people(units)


@pytest.fixture(autouse=True)
def worker(directory, settings, worker_factory):  # noqa: F811
    """A real Celery worker: it checks and reads each upload for its preview; the page
    shows “Đang kiểm tra tệp…” and reloads itself until then."""
    return worker_factory(DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT))


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_an_officer_uploads_the_dong_ngan_form_previews_confirms_and_finds_six_cases(
    page, live_server
):
    login(page, live_server, "canbo.dongngan", demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/ho-so/")
    page.click("#import-link")
    page.select_option("#id_campaign", label="Phong trào thi đua “Dân vận khéo” năm 2023")
    page.set_input_files("#id_file", str(DONG_NGAN))
    page.check("input[name=mode][value=draft]")
    page.click("text=Tải lên và xem trước")

    page.wait_for_selector("#preview-rows")
    assert page.inner_text("#row-count") == "6"
    assert page.inner_text("#create-count") == "6"
    rows = page.locator(".preview-row")
    assert rows.count() == 6
    assert "Hội LHPN phường Đông Ngàn" in rows.nth(3).inner_text()
    assert "Cá nhân" in rows.nth(3).inner_text()
    assert Initiative.objects.count() == 0  # the preview saved nothing

    page.click("#confirm")
    page.wait_for_selector("#result-summary")
    assert page.inner_text("#created-count") == "6"

    page.click("text=Xem danh sách hồ sơ")
    page.wait_for_selector("#result-count")
    assert page.inner_text("#result-count") == "6 hồ sơ"
    listed = page.inner_text("table.cases")
    for name in DONG_NGAN_NAMES:
        assert name in listed
    assert Initiative.objects.filter(state="draft").count() == 6


def test_on_a_phone_the_form_with_errors_lists_its_problems_and_imports_nothing(
    phone_page, live_server
):
    page = phone_page
    login(page, live_server, "canbo.dongngan", demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/ho-so/nhap-bieu-mau/")
    page.set_input_files("#id_file", str(CO_LOI))
    page.click("text=Tải lên và xem trước")

    page.wait_for_selector("#problems")
    problems = page.locator("tr.problem")
    assert problems.count() == 6
    assert "Chưa nhập tên mô hình." in problems.nth(0).inner_text()
    assert "(dòng 14 trên trang tính)" in problems.nth(5).inner_text()
    assert page.locator("#confirm").count() == 0
    assert no_horizontal_scroll(page)
    assert Initiative.objects.count() == 0


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_an_officer_imports_the_form_saved_by_libreoffice_or_excel_97(
    page, phone_page, live_server, fmt
):
    import os
    from pathlib import Path

    shots = os.environ.get("DVK_SHOTS_DIR")  # set to keep screenshots of the page
    for viewport, current in (("1366", page), ("390", phone_page)):
        login(current, live_server, "canbo.dongngan", demo.DEMO_PASSWORD)
        current.goto(f"{live_server.url}/ho-so/nhap-bieu-mau/")
        text = current.inner_text("main")
        assert ".ods" in text and ".xls" in text
        assert no_horizontal_scroll(current)
        if shots:
            current.screenshot(
                path=str(Path(shots) / f"import-upload-{viewport}.png"), full_page=True
            )
    page.set_input_files("#id_file", str(DONG_NGAN.with_suffix(f".{fmt}")))
    page.check("input[name=mode][value=draft]")
    page.click("text=Tải lên và xem trước")

    page.wait_for_selector("#preview-rows")
    assert page.inner_text("#create-count") == "6"
    page.click("#confirm")
    page.wait_for_selector("#result-summary")
    assert page.inner_text("#created-count") == "6"
    assert sorted(Initiative.objects.values_list("name", flat=True)) == sorted(DONG_NGAN_NAMES)


def test_while_the_worker_checks_the_page_says_so_and_turns_into_the_preview(
    page, phone_page, live_server
):
    import os
    from pathlib import Path

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from models_registry.models import Campaign, ImportJob, ImportStatus

    # An upload whose check has not run yet (nothing queued it: the worker leaves it).
    job = ImportJob(
        created_by=get_user_model().objects.get(username="canbo.dongngan"),
        campaign=Campaign.objects.get(year=2023),
        original_name="bieu-mau-dong-ngan.xlsx",
        status=ImportStatus.CHECKING,
    )
    job.file.save("bieu-mau.xlsx", ContentFile(DONG_NGAN.read_bytes()), save=False)
    job.save()
    url = f"{live_server.url}/ho-so/nhap-bieu-mau/{job.pk}/"
    shots = os.environ.get("DVK_SHOTS_DIR")  # set to keep screenshots of the page
    for viewport, current in (("1366", page), ("390", phone_page)):
        login(current, live_server, "canbo.dongngan", demo.DEMO_PASSWORD)
        current.goto(url)
        assert current.inner_text("h1") == "Đang kiểm tra tệp…"
        assert "bieu-mau-dong-ngan.xlsx" in current.inner_text("#checking")
        assert current.locator("#confirm").count() == 0
        assert no_horizontal_scroll(current)
        if shots:
            current.screenshot(
                path=str(Path(shots) / f"import-checking-{viewport}.png"), full_page=True
            )

    # What the worker does when it has read the file: the open page reloads itself.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.PENDING, rows_total=6, planned_create=6, sheet="Biểu mẫu"
    )
    page.wait_for_selector("#create-count", timeout=10_000)
    assert page.inner_text("#create-count") == "6"
    assert page.locator("#confirm").count() == 1


def test_a_file_the_worker_refused_shows_why_on_a_phone_and_a_desktop(
    page, phone_page, live_server
):
    import os
    from pathlib import Path

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from models_registry.models import Campaign, ImportJob, ImportStatus
    from models_registry.services.bieu_mau import Problem, safety

    message = safety.UNSAFE_MARKUP.format(
        name="bieu-mau-dong-ngan.xlsx", member="xl/worksheets/sheet1.xml"
    )
    job = ImportJob.objects.create(
        created_by=get_user_model().objects.get(username="canbo.dongngan"),
        campaign=Campaign.objects.get(year=2023),
        original_name="bieu-mau-dong-ngan.xlsx",
        status=ImportStatus.FAILED,
        finished_at=timezone.now(),
        problems=[Problem(message).as_dict()],
        problems_count=1,
    )
    shots = os.environ.get("DVK_SHOTS_DIR")  # set to keep screenshots of the page
    for viewport, current in (("1366", page), ("390", phone_page)):
        login(current, live_server, "canbo.dongngan", demo.DEMO_PASSWORD)
        current.goto(f"{live_server.url}/ho-so/nhap-bieu-mau/{job.pk}/")
        assert message in current.inner_text("#problems")
        assert current.locator("#refused").count() == 1
        assert current.locator("#confirm, #preview-rows").count() == 0
        assert no_horizontal_scroll(current)
        if shots:
            current.screenshot(
                path=str(Path(shots) / f"import-refused-{viewport}.png"), full_page=True
            )
