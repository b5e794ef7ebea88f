"""Finding 6: an endpoint answers a case or a notification the user may not act on
exactly as it answers one that does not exist: 404, with nothing of the object."""

from django.urls import reverse

from notifications.models import Notification, Status
from notifications.services import notification_queue
from tests.committees.committee_helpers import make_committee


def test_the_vote_endpoint_answers_an_unseen_case_as_a_missing_one(client, world, draft):
    committee = make_committee(world)
    member = world.members[0]
    client.force_login(member)
    data = {"choice": "for", "comment": ""}
    unseen = client.post(reverse("workflow:vote_cast", args=[committee.pk, draft.pk]), data)
    missing = client.post(reverse("workflow:vote_cast", args=[committee.pk, 999_999]), data)
    assert unseen.status_code == missing.status_code == 404
    assert unseen.content == missing.content
    # No message queued for the next page either (it named the draft's state).
    assert not list(unseen.wsgi_request._messages)


def _failed(world) -> Notification:
    (row,) = notification_queue(
        kind="registration_reminder",
        recipients=["hopthu.sai@example.test"],
        dedupe_key="failed",
        context={"campaign": world.campaign, "unit": world.ward_a, "days_left": 1},
    )
    Notification.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=1)
    return row


def test_a_notification_one_may_not_retry_is_a_404_like_a_missing_one(client, world):
    row = _failed(world)
    client.force_login(world.officer_a)
    refused = client.post(reverse("notifications:retry", args=[row.pk]))
    missing = client.post(reverse("notifications:retry", args=[row.pk + 1000]))
    assert refused.status_code == missing.status_code == 404
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_the_secretariat_still_retries_and_still_gets_404_for_a_missing_id(client, world):
    row = _failed(world)
    client.force_login(world.secretariat)
    assert client.post(reverse("notifications:retry", args=[row.pk + 1000])).status_code == 404
    response = client.post(reverse("notifications:retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Status.PENDING
