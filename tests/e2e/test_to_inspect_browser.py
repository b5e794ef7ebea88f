"""The secretariat books inspections on a phone (issue 14): "Cần kiểm tra" grouped by
ward, three models of one unit selected, booked from the panel docked at the bottom of
the screen without scrolling to the end of the list; the unit then gets ONE e-mail
listing the three. And the preview of a rejected import says that nothing is saved."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from models_registry.services.bieu_mau import import_job_create
from models_registry.tasks import registration_check_task
from notifications.models import Notification, Status
from tests.e2e.conftest import PHONE, login
from tests.factories import PASSWORD
from tests.inspections.helpers import make_running
from tests.models_registry.bieu_mau import CO_LOI
from tests.notifications.conftest import (  # noqa: F401  (the real worker and broker)
    redis_url,
    smtp,
    wait_until,
    worker,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THREE = ["Chợ văn minh", "Khu phố sáng - xanh - sạch", "Dân vận khéo trong giải phóng mặt bằng"]


def shots() -> str | None:
    return os.environ.get("DVK_SHOTS")


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
           return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }""",
        selector,
    )


def at_the_bottom(page) -> bool:
    return page.evaluate(
        "window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 4"
    )


def fill_date(page, selector: str, day: datetime.date) -> None:
    kind = page.get_attribute(selector, "type")
    page.fill(selector, day.isoformat() if kind == "date" else day.strftime("%d/%m/%Y"))


# First in the module: the booking test below starts the module's worker, which would
# also pick up this upload's check (with a media folder of its own).
def test_a_rejected_import_preview_says_nothing_will_be_saved(page, live_server, world):
    job = import_job_create(
        actor=world.officer_a,
        campaign=world.campaign,
        upload=SimpleUploadedFile("bieu-mau-co-loi.xlsx", CO_LOI.read_bytes()),
        as_drafts=True,
    )
    registration_check_task(job.pk)

    login(page, live_server, world.officer_a.username, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('models_registry:import_preview', args=[job.pk])}")
    text = page.inner_text("main, body")
    assert "Không dòng nào, vì tệp còn lỗi" in text
    assert "Các dòng đã đọc từ tệp (chưa lưu dòng nào)" in text
    assert "Sẽ tạo mới" not in text and "Các dòng sẽ được lưu" not in text
    assert page.locator("#confirm").count() == 0
    if shots():
        page.screenshot(path=f"{shots()}/import-rejected-390.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=f"{shots()}/import-rejected-1366.png", full_page=True)


def test_three_models_of_one_unit_are_booked_on_a_phone_and_the_unit_gets_one_email(
    phone_page,
    live_server,
    world,
    smtp,  # noqa: F811
    worker,  # noqa: F811
):
    page = phone_page
    today = timezone.localdate()
    end = today + datetime.timedelta(days=20)
    for i in range(12):  # a long list, over both wards
        unit = [world.ward_a, world.ward_b, world.ward_b_sub][i % 3]
        make_running(world, name=f"Mô hình khác số {i + 1}", unit=unit, end_date=end)
    for name in THREE:
        make_running(world, name=name, unit=world.ward_a_sub, end_date=end)
    wait_until(lambda: not Notification.objects.exclude(status=Status.SENT).exists())
    smtp.reset()

    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/kiem-tra/can-kiem-tra/")
    page.click("#board-filters summary")
    page.select_option("#group", "ward")
    page.click("#board-apply")
    page.wait_for_selector(".case-group")
    groups = page.locator(".case-group > summary .group-name").all_inner_texts()
    assert groups == ["Đảng ủy phường Đông Ngàn", "Đảng ủy phường Tam Sơn"]
    ward_a = page.locator(f"#group-{world.ward_a.pk}")
    assert "7 mô hình" in ward_a.locator(".group-count").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Nothing chosen yet: the booking button says why it is unavailable.
    assert page.inner_text("#selected-count") == "Chưa chọn mô hình nào"
    for name in THREE:
        page.check(f".case-check[data-name='{name}']")
    assert page.inner_text("#selected-count") == "Đã chọn 3 mô hình"
    assert "đã chọn 3" in ward_a.locator(".group-selected").inner_text()
    # The panel is docked in view while the end of the page is far below.
    assert in_view(page, "#booking-panel") and not at_the_bottom(page)
    if shots():
        page.screenshot(path=f"{shots()}/to-inspect-390-selected.png")

    page.click("#booking-toggle")
    fill_date(page, "#id_planned_date", today + datetime.timedelta(days=5))
    page.fill("#id_place", "Nhà văn hóa khu phố 3")
    page.check(f"#booking-body input[name=team][value='{world.inspector.pk}']")
    page.select_option("#id_lead", str(world.inspector.pk))
    assert in_view(page, "#booking-panel") and not at_the_bottom(page)
    if shots():
        page.screenshot(path=f"{shots()}/to-inspect-390-panel.png")
    page.click("#schedule-submit")
    page.wait_for_selector("text=Đã lên lịch kiểm tra 3 mô hình")

    rows = list(Notification.objects.filter(kind__startswith="inspection"))
    assert {row.kind for row in rows} == {"inspections_scheduled"}
    messages = smtp.wait_for(len([row for row in rows if row.email]))
    wait_until(lambda: not Notification.objects.exclude(status=Status.SENT).exists())
    to_officer = [m for m in messages if m.rcpt_tos == [world.officer_a.email]]
    assert len(to_officer) == 1
    for name in THREE:
        assert name in to_officer[0].text()
    assert len(smtp.messages()) == len(messages)

    if shots():
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/kiem-tra/can-kiem-tra/")
        page.check(".case-check >> nth=0")
        page.screenshot(path=f"{shots()}/to-inspect-1366.png")
        page.goto(f"{live_server.url}/kiem-tra/can-kiem-tra/?group=unit")
        page.screenshot(path=f"{shots()}/to-inspect-1366-by-unit.png")
