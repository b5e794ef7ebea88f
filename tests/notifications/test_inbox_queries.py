"""The inbox counts its notifications and its unread ones in one query: the floor of
every page (session, user, roles) plus one."""

import pytest
from django.utils import timezone

from notifications.models import Notification

from .test_inbox_pages import notify


@pytest.mark.parametrize(("rows", "read", "queries"), [(0, 0, 4), (3, 1, 5), (30, 10, 5)])
def test_the_inbox_counts_all_and_unread_in_one_query(
    world, client, django_assert_num_queries, rows, read, queries
):
    notify(world, world.officer_a, rows)
    notify(world, world.officer_b, 2, key="someone else's")
    ids = Notification.objects.filter(user=world.officer_a).values_list("pk", flat=True)[:read]
    Notification.objects.filter(pk__in=list(ids)).update(read_at=timezone.now())
    client.force_login(world.officer_a)
    # session, user, both counts, memberships (the menu); and the page's rows if any
    with django_assert_num_queries(queries):
        response = client.get("/thong-bao/")
    page = response.content.decode()
    unread = rows - read
    assert response.context["page"].paginator.count == rows
    if unread:
        assert f"{rows} thông báo, {unread} chưa đọc" in page
        assert f'aria-label="{unread} thông báo chưa đọc">{unread}</span>' in page
    else:
        assert f'<p class="muted" id="inbox-count">{rows} thông báo</p>' in page
        assert "unread-count" not in page
