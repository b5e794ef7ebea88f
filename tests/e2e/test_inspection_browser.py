"""An inspector in the field, on a phone: opens "my inspections", fills the visit record
with scores and a photo, saves a draft, completes it; the case shows "Đã kiểm tra" with
the score and the photo's thumbnail, and the visit record downloads as Word."""

import datetime
import io
import os

import pytest
from django.utils import timezone
from PIL import Image

from inspections.models import FieldVisit, VisitAttachment
from tests.e2e.conftest import PHONE, login
from tests.factories import PASSWORD
from tests.inspections.helpers import book, make_criteria, make_running
from tests.notifications.conftest import (  # noqa: F401  (the real worker and broker)
    redis_url,
    smtp,
    wait_until,
    worker_factory,
)
from workflow.lifecycle import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 120, 60)).save(out, format="JPEG")
    return out.getvalue()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_inspector_logs_a_visit_on_a_phone(
    phone_page,
    live_server,
    world,
    settings,
    tmp_path,
    worker_factory,  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The thumbnails are made by a real worker, reading the same media folder.
    worker_factory(DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT))
    page = phone_page
    today = timezone.localdate()
    criteria = make_criteria(world.campaign)
    case = make_running(world, end_date=today + datetime.timedelta(days=30))
    book(world, [case], day=today, today=today, place="Nhà văn hóa khu phố Đông Ngàn")

    login(page, live_server, world.inspector.username, PASSWORD)
    page.click("#nav-inspections")
    page.wait_for_selector("text=Lịch kiểm tra của tôi")
    assert case.name in page.inner_text(".inspection-list")
    assert fits_the_phone(page)
    page.click("text=Ghi biên bản kiểm tra")

    page.wait_for_selector("#visit-form")
    page.fill("#id_people_met", "Bí thư Đảng ủy phường, trưởng khu phố, 5 hộ dân")
    page.fill("#id_findings", "Mô hình duy trì tốt, nhân dân đồng thuận cao.")
    for criterion, points in zip(criteria, [18, 17, 16, 19, 15], strict=True):
        page.fill(f"#id_score_{criterion.pk}", str(points))
    assert page.inner_text("#score-total") == "85"  # computed live in the page
    assert page.inner_text("#score-max") == "100"
    page.set_input_files(
        "#id_files",
        files=[{"name": "hien-truong.jpg", "mimeType": "image/jpeg", "buffer": photo()}],
    )
    assert fits_the_phone(page)
    page.click("#save-draft")
    page.wait_for_selector("text=Đã lưu nháp biên bản")
    attachment = VisitAttachment.objects.get()
    wait_until(
        lambda: VisitAttachment.objects.filter(pk=attachment.pk).exclude(thumbnail="").exists(),
        message="the worker made the thumbnail",
    )
    page.reload()
    assert page.locator(".thumbs img").count() == 1
    assert page.input_value(f"#id_score_{criteria[0].pk}") == "18"

    page.check("input[name=verdict][value=passed]")
    page.select_option("#id_recommended_level", label="Cấp cơ sở")
    page.click("#complete")
    page.wait_for_selector("text=Đã hoàn thành biên bản kiểm tra")

    assert page.inner_text("#case-state") == "Đã kiểm tra"
    assert page.inner_text("#inspections .visit-total") == "85/100"
    thumbnail = page.locator("#inspections .thumbs img")
    assert thumbnail.count() == 1
    # Uploads are served no-store (issue 15): the lazy thumbnail is fetched again here.
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#inspections .thumbs img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert fits_the_phone(page)

    # The record to print and sign, downloaded from the visit (issue 14).
    with page.expect_download() as download:
        page.click("#inspections a.visit-record")
    assert download.value.suggested_filename.startswith("bien-ban-kiem-tra-")
    shots = os.environ.get("DVK_SHOTS")
    if shots:
        page.locator("#inspections").screenshot(path=f"{shots}/visit-record-link-390.png")
        page.set_viewport_size({"width": 1366, "height": 900})
        page.locator("#inspections").screenshot(path=f"{shots}/visit-record-link-1366.png")

    case.refresh_from_db()
    assert case.state == State.INSPECTED
    visit = FieldVisit.objects.get()
    assert (visit.total_points, visit.attachments.count()) == (85, 1)
