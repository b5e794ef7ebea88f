"""In a real browser: three committee members vote on an inspected case, the chair closes
the round under a decision number, the unit's officer sees "Đã công nhận cấp …" on the
case, and the award e-mail has reached the SMTP server (delivered by a real Celery worker
through Redis)."""

import pytest

from committees.models import RecognitionDecision, Vote
from notifications.models import Notification, Status
from tests.committees.committee_helpers import make_committee, make_inspected
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.notifications.conftest import (  # noqa: F401  (the real worker, broker and SMTP sink)
    redis_url,
    smtp,
    wait_until,
    worker,
    worker_factory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_NAME = "Khu dân cư không rác thải nhựa"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_three_members_vote_the_chair_closes_and_the_unit_is_told(
    world,
    page,
    live_server,
    smtp,  # noqa: F811  (the fixture imported above)
    worker,  # noqa: F811
):
    committee = make_committee(world)
    case = make_inspected(world, name=CASE_NAME)
    review = f"{live_server.url}/hoi-dong/{committee.pk}/"

    for i, member in enumerate(world.members):
        page.context.clear_cookies()
        login(page, live_server, member.username, PASSWORD)
        page.click("#nav-committee")
        page.click(f"#committee-{committee.pk} >> text=Xét duyệt, biểu quyết")
        assert page.url == review
        card = page.locator(f"#case-{case.pk}")
        assert "80/100" in card.inner_text()
        card.locator("input[value=for]").check()
        card.locator("textarea").fill(f"Ý kiến của thành viên {i + 1}: mô hình lan tỏa tốt.")
        card.locator(f"button[data-vote='{case.pk}']").click()
        page.wait_for_selector(".msg.success")
        assert "Đã ghi nhận phiếu tán thành" in page.inner_text(".messages")
        assert f"{i + 1}/4" in page.inner_text(f"#case-{case.pk} .tally-numbers")
    assert Vote.objects.filter(round__case=case, in_favour=True).count() == 3

    page.context.clear_cookies()
    login(page, live_server, world.chair.username, PASSWORD)
    page.goto(f"{live_server.url}/hoi-dong/{committee.pk}/chu-tich/")
    assert "Đạt yêu cầu biểu quyết" in page.inner_text(".chair-round")
    page.check(f"input.round-check[data-case='{case.pk}']")
    page.fill("#id_decision_number", "125-QĐ/BCĐ")
    page.fill("#id_decision_date", "15/10/2023")
    page.click("#close-rounds")
    page.wait_for_selector(".msg.success")
    assert "1 được công nhận" in page.inner_text(".messages")
    assert RecognitionDecision.objects.filter(number="125-QĐ/BCĐ").count() == 1

    page.context.clear_cookies()
    login(page, live_server, world.officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert page.inner_text("#case-state").startswith("Đã công nhận cấp cơ sở")
    assert "Quyết định số 125-QĐ/BCĐ ngày 15/10/2023" in page.inner_text("#committee-votes")

    subject = f"Mô hình “{CASE_NAME}” được công nhận cấp cơ sở"

    def award_mail():
        return [m for m in smtp.messages() if m.subject == subject]

    wait_until(lambda: len(award_mail()) >= 3, message="the award e-mails")
    received = {tuple(m.rcpt_tos) for m in award_mail()}
    assert received == {
        ("canbo.a@example.test",),
        ("dangUy.dongngan@example.test",),
        ("bandanvan@example.test",),
    }
    to_officer = next(m for m in award_mail() if m.rcpt_tos == ["canbo.a@example.test"])
    assert "Quyết định số: 125-QĐ/BCĐ, ngày 15/10/2023" in to_officer.text()
    wait_until(
        lambda: Notification.objects.filter(
            kind="case_recognized_inspectors", status=Status.SENT
        ).exists(),
        message="the inspectors' copy",
    )
    assert any(m.rcpt_tos == ["kiemtra@example.test"] for m in smtp.messages())
    # Exactly once each.
    assert len(award_mail()) == 3
