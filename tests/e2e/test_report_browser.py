"""The Ban Dân vận downloads the sơ kết from the dashboard: the button says the day it
counts to (the plan's mid-year date) and the Word file says it too; when the plan has no
such date, the page says so and the day is typed as dd/mm/yyyy — on a phone as well."""

import io

import docx
import pytest

from models_registry.models import Campaign
from tests.dashboards.dashboard_data import build_cases
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def built(world, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_cases(world, monkeypatch)


def _word_text(download) -> str:
    with open(download.path(), "rb") as file:
        document = docx.Document(io.BytesIO(file.read()))
    return "\n".join(p.text for p in document.paragraphs)


def test_the_so_ket_button_counts_to_the_plans_mid_year_date(page, live_server, world, built):
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/tong-quan/?campaign={world.campaign.pk}")
    card = page.locator("#report-so-ket")
    assert "Số liệu tính đến ngày 30/06/2023" in card.inner_text()
    with page.expect_download() as info:
        card.get_by_role("link", name="Sơ kết (Word)").click()
    text = _word_text(info.value)
    assert "Số liệu tính đến ngày 30/06/2023" in text
    assert "NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM" in text
    assert "Số liệu tính đến ngày 30/11/2023" in page.inner_text("#report-tong-ket")


def test_without_the_plans_date_the_day_is_chosen_on_a_phone(phone_page, live_server, world, built):
    Campaign.objects.filter(pk=world.campaign.pk).update(mid_year_report_due=None)
    page = phone_page
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/ho-so/tong-quan/?campaign={world.campaign.pk}")
    card = page.locator("#report-so-ket")
    assert "Kế hoạch năm 2023 chưa có hạn báo cáo sơ kết" in card.inner_text()
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.fill("#as-of-so-ket", "15/07/2023")
    with page.expect_download() as info:
        card.get_by_role("button", name="Sơ kết (Word)").click()
    assert "Số liệu tính đến ngày 15/07/2023" in _word_text(info.value)
