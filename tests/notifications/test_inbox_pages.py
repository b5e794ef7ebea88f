"""The inbox: each user sees their own notifications, newest first, with the unread
count in the header; the secretariat alone sees failed deliveries."""

import pytest

from notifications.models import Notification, Status
from notifications.services import notification_queue
from tests.e2e.conftest import login
from tests.factories import PASSWORD


def notify(world, user, n: int, *, key: str = "inbox") -> list[Notification]:
    rows = []
    for i in range(n):
        rows += notification_queue(
            kind="registration_reminder",
            recipients=[user],
            dedupe_key=f"{key}:{i}",
            context={"campaign": world.campaign, "unit": world.ward_a, "days_left": i % 7 + 1},
        )
    return rows


def test_a_user_sees_only_their_own_notifications_newest_first(world, client):
    mine = notify(world, world.officer_a, 3)
    notify(world, world.officer_b, 2, key="other")
    client.force_login(world.officer_a)
    response = client.get("/thong-bao/")
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"].object_list] == [r.pk for r in mine][::-1]
    assert "3 thông báo, 3 chưa đọc" in response.content.decode()
    other = Notification.objects.filter(user=world.officer_b).first()
    assert client.get(f"/thong-bao/{other.pk}/").status_code == 404


def test_opening_a_notification_marks_it_read_and_lowers_the_header_count(world, client):
    first, _second = notify(world, world.officer_a, 2)
    client.force_login(world.officer_a)
    assert 'aria-label="2 thông báo chưa đọc"' in client.get("/thong-bao/").content.decode()
    page = client.get(f"/thong-bao/{first.pk}/").content.decode()
    assert "Còn 1 ngày" in page or first.subject in page
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'aria-label="1 thông báo chưa đọc"' in client.get("/thong-bao/").content.decode()
    client.post("/thong-bao/danh-dau-da-doc/")
    assert "unread-count" not in client.get("/thong-bao/").content.decode()


def test_only_the_secretariat_sees_failed_deliveries(world, client):
    (row,) = notification_queue(
        kind="registration_reminder",
        recipients=["hopthu.sai@example.test"],
        dedupe_key="failed",
        context={"campaign": world.campaign, "unit": world.ward_a, "days_left": 1},
    )
    Notification.objects.filter(pk=row.pk).update(
        status=Status.FAILED, attempts=1, last_error="550 5.1.1 Mailbox unavailable"
    )
    client.force_login(world.officer_a)
    assert client.get("/thong-bao/gui-loi/").status_code == 403
    # 404, as for an id that does not exist (issue 15, finding 6).
    assert client.post(f"/thong-bao/gui-loi/{row.pk}/gui-lai/").status_code == 404
    row.refresh_from_db()
    assert row.status == Status.FAILED  # the officer's retry did nothing
    client.force_login(world.secretariat)
    page = client.get("/thong-bao/gui-loi/").content.decode()
    assert "hopthu.sai@example.test" in page and "550 5.1.1 Mailbox unavailable" in page


@pytest.mark.parametrize("rows", [5, 50])
def test_inbox_query_count_does_not_grow_with_rows(
    world, client, django_assert_max_num_queries, rows
):
    notify(world, world.secretariat, rows)
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(6):
        response = client.get("/thong-bao/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_failed_page_query_count_does_not_grow_with_rows(
    world, draft, client, django_assert_max_num_queries, rows
):
    for i in range(rows):
        notification_queue(
            kind="case_submitted_receipt",
            recipients=[world.officer_a if i % 2 else f"sai{i}@example.test"],
            dedupe_key=f"failed:{i}",
            context={},
            case=draft,
        )
    Notification.objects.update(status=Status.FAILED, last_error="550 refused")
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(6):
        response = client.get("/thong-bao/gui-loi/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_notification_detail_query_count_is_fixed(
    world, draft, client, django_assert_max_num_queries, rows
):
    notify(world, world.officer_a, rows)
    last = Notification.objects.filter(user=world.officer_a).first()
    client.force_login(world.officer_a)
    with django_assert_max_num_queries(6):
        assert client.get(f"/thong-bao/{last.pk}/").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_inbox_reads_well_on_a_phone(world, phone_page, live_server):
    notify(world, world.officer_a, 3)
    login(phone_page, live_server, world.officer_a.username, PASSWORD)
    assert phone_page.inner_text("#nav-inbox .unread-count") == "3"
    phone_page.click("#nav-inbox")
    rows = phone_page.locator("table.inbox tbody tr")
    assert rows.count() == 3
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the inbox scrolls sideways on a phone"
    rows.first.locator("a").first.click()
    assert "hết hạn đăng ký" in phone_page.inner_text("h1")
    assert phone_page.inner_text("#nav-inbox .unread-count") == "2"
