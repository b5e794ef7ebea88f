"""On a phone, in a real browser: an officer reports progress with a photo and a PDF,
downloads the PDF back, is refused a disguised file, and carries last year's model over."""

import datetime

import pytest

from models_registry.models import Campaign, ProgressReport, RecognitionLevel
from models_registry.services.initiatives import initiative_create
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.models_registry.uploads import image_bytes, make_running, pdf_bytes
from workflow.lifecycle import State
from workflow.services import transition_apply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_officer_reports_progress_with_files_on_a_phone_and_downloads_one(
    phone_page, live_server, world, tmp_path
):
    page = phone_page
    case = make_running(world)
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert page.inner_text("#no-progress") == "Chưa có báo cáo tiến độ."

    # A "PDF" that is really a web page is refused, and nothing is kept.
    page.fill("#id_report_date", "30/06/2023")
    page.select_option("#id_kind", "mid_year")
    page.fill("#id_achievements", "Đã vận động 45/60 hộ hiến đất.")
    page.fill("#id_percent_complete", "60")
    page.set_input_files(
        "#id_files",
        [{"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}],
    )
    page.click("text=Lưu báo cáo tiến độ")
    page.wait_for_selector("text=nội dung không phải PDF")
    assert not ProgressReport.objects.exists()
    assert no_horizontal_scroll(page)

    # The form comes back filled; the officer picks the right files and saves.
    assert page.input_value("#id_achievements") == "Đã vận động 45/60 hộ hiến đất."
    page.set_input_files(
        "#id_files",
        [
            {"name": "Biên bản họp dân.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
            {"name": "hien-truong.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG")},
        ],
    )
    page.click("text=Lưu báo cáo tiến độ")
    page.wait_for_selector("text=Đã lưu báo cáo tiến độ.")
    report = page.locator(".progress-report").first
    assert "Báo cáo sơ kết" in report.inner_text()
    assert "Đã vận động 45/60 hộ hiến đất." in report.inner_text()
    assert page.inner_text("#progress-latest") == "Hoàn thành 60%"
    assert no_horizontal_scroll(page)

    with page.expect_download() as info:
        page.click("text=Biên bản họp dân.pdf")
    download = info.value
    assert download.suggested_filename == "Biên bản họp dân.pdf"
    target = tmp_path / "tai-ve.pdf"
    download.save_as(target)
    assert target.read_bytes() == pdf_bytes()
    assert ProgressReport.objects.get().attachments.count() == 2


def test_officer_carries_last_years_model_over_on_a_phone(phone_page, live_server, world):
    page = phone_page
    last_year = Campaign.objects.create(
        year=2022, name="Năm 2022", registration_deadline=datetime.date(2022, 3, 15)
    )
    RecognitionLevel.objects.create(campaign=last_year, rank=1, name="Cấp cơ sở")
    old = initiative_create(
        actor=world.officer_a,
        campaign=last_year,
        unit=world.ward_a,
        name="Bữa cơm nghĩa tình cho người bệnh khó khăn",
        goals="12 đợt phát cơm trong năm",
        field_culture_society=True,
        subject="collective",
        start_date=datetime.date(2022, 3, 1),
        end_date=datetime.date(2022, 12, 15),
        target_level=last_year.levels.get(),
    )
    transition_apply(
        case=old, name="submit", actor=world.officer_a, today=datetime.date(2022, 3, 1)
    )
    transition_apply(case=old, name="start", actor=None, today=datetime.date(2022, 3, 1))

    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/")
    page.click("#carry-over-link")
    page.wait_for_selector("text=Duy trì, phát triển mô hình năm 2022 sang năm 2023")
    assert no_horizontal_scroll(page)
    page.click(f"button[data-carry-over='{old.pk}']")
    page.wait_for_selector("text=Đã tạo bản nháp năm 2023 duy trì, phát triển mô hình")
    assert page.input_value("#id_name") == "Bữa cơm nghĩa tình cho người bệnh khó khăn"
    assert page.input_value("#id_start_date") == "01/03/2023"
    assert page.input_value("#id_end_date") == "15/12/2023"
    assert no_horizontal_scroll(page)

    new = world.campaign.initiatives.get()
    assert (new.continues_from, new.state, new.target_level) == (
        old,
        State.DRAFT,
        world.level_base,
    )
    page.goto(f"{live_server.url}{old.get_absolute_url()}")
    page.click("a.continuation")
    page.wait_for_selector("#continues-from")
    assert page.url.endswith(new.get_absolute_url())
