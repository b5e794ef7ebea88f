"""In a real browser: a ward officer, on a phone, answers a sơ kết request from the
dashboard — the numbers pre-filled from the ward's cases, the results written, the signed
PDF attached — and sends it; the secretariat, on a desktop, finds it from "Quản lý" and
accepts it on the compliance page."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from reports.models import AnswerStatus, Audience, ReportAnswer, ReportKind
from reports.services import report_request_open
from tests.e2e.conftest import login
from tests.factories import BEFORE_DEADLINE, PASSWORD, make_draft
from units.models import UnitKind
from workflow.services import transition_apply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_REPORT = (
    Path(__file__).resolve().parent.parent / "fixtures" / "reports" / "bao-cao-so-ket.pdf"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_ward_answers_a_so_ket_request_and_the_secretariat_accepts_it(
    phone_page, page, live_server, world
):
    case = make_draft(world)
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    request = report_request_open(
        actor=world.secretariat,
        campaign=world.campaign,
        kind=ReportKind.MID_YEAR,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
        audience=Audience.KIND,
        audience_kind=UnitKind.WARD,
        instructions="Báo cáo theo đề cương gửi kèm.",
    )

    # The ward officer, on a phone: from the dashboard's to-do to the answer form.
    officer = phone_page
    login(officer, live_server, world.officer_a.username, PASSWORD)
    card = officer.locator("#dashboard-reports-to-give")
    assert "Báo cáo sơ kết phong trào thi đua “Dân vận khéo” năm 2023" in card.inner_text()
    card.locator(f"text={request.title}").click()
    officer.wait_for_selector("#answer-form")
    assert officer.input_value("#id_models_registered") == "1"  # the ward's one case
    officer.fill("#id_people_reached", "420")
    officer.fill("#id_results", "Vận động 420 hộ dân tham gia hiến đất mở đường.")
    officer.fill("#id_lessons", "Người đứng đầu gương mẫu.")
    officer.set_input_files("#id_file", str(SIGNED_REPORT))
    assert no_horizontal_scroll(officer)
    officer.click("#answer-send")
    officer.wait_for_selector("text=Đã gửi báo cáo cho Ban Dân vận.")
    assert officer.inner_text("#answer-status") == "Đã gửi"
    assert no_horizontal_scroll(officer)
    answer = ReportAnswer.objects.get(request=request, unit=world.ward_a)
    assert answer.status == AnswerStatus.SENT
    assert answer.file_name == "bao-cao-so-ket.pdf" and answer.people_reached == 420

    # The secretariat, on a desktop: "Quản lý" → the reports → this request.
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.click("#nav-manage")
    page.click("#hub-reports")
    page.click(f"text={request.title}")
    row = page.locator("#compliance tr[data-unit='Đảng ủy phường Đông Ngàn']")
    assert "Đúng hạn" in row.inner_text()
    other = page.locator("#compliance tr[data-unit='Đảng ủy phường Tam Sơn']")
    assert "Chưa gửi, còn 5 ngày" in other.inner_text()
    with page.expect_download() as info:
        row.locator("a.answer-file").click()
    assert info.value.suggested_filename == "bao-cao-so-ket.pdf"
    row.locator("button[data-accept]").click()
    page.wait_for_selector("text=Đã tiếp nhận báo cáo của Đảng ủy phường Đông Ngàn.")
    row = page.locator("#compliance tr[data-unit='Đảng ủy phường Đông Ngàn']")
    assert "Đã tiếp nhận" in row.inner_text()
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.ACCEPTED
