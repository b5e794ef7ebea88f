"""Reads of the outbox: a user's inbox, the unread count, the failed deliveries."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from units.access import is_secretariat

from .models import Notification, Status


def inbox_list(*, actor) -> QuerySet[Notification]:
    """The actor's own notifications, newest first."""
    return (
        Notification.objects.filter(user=actor)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def inbox_get(*, actor, pk: int) -> Notification:
    """One of the actor's own notifications; 404 for anyone else's."""
    try:
        return inbox_list(actor=actor).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy thông báo.") from None


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def failed_list() -> QuerySet[Notification]:
    """Deliveries that gave up, newest first (the secretariat's page)."""
    return (
        Notification.objects.filter(status=Status.FAILED)
        .select_related("user", "case")
        .order_by("-created_at", "-id")
    )


def outbox_overview(*, now=None, overdue_after: timedelta | None = None) -> dict:
    """The outbox at a glance, in one query: rows waiting (``pending``), being sent
    (``sending``) and among them past their lease (``stuck``: their worker died; the
    flush takes them back), ``failed``, and the age of the oldest row waiting
    (``oldest_pending_age``, a timedelta, or None). With ``overdue_after``, also the rows
    waiting that were due longer ago than that (``overdue``: /healthz's alarm). Reads the
    partial indexes of the open states, never the sent rows."""
    now = now or timezone.now()
    lease_end = now - timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    extra = {}
    if overdue_after is not None:
        extra["overdue"] = Count(
            "pk", filter=Q(status=Status.PENDING, due_at__lt=now - overdue_after)
        )
    figures = Notification.objects.filter(
        Q(status=Status.PENDING) | Q(status=Status.SENDING) | Q(status=Status.FAILED)
    ).aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        sending=Count("pk", filter=Q(status=Status.SENDING)),
        stuck=Count("pk", filter=Q(status=Status.SENDING, claimed_at__lt=lease_end)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        oldest_pending=Min("created_at", filter=Q(status=Status.PENDING)),
        **extra,
    )
    oldest = figures.pop("oldest_pending")
    figures["oldest_pending_age"] = max(now - oldest, timedelta(0)) if oldest else None
    return figures


def retryable_get(*, actor, pk: int) -> Notification:
    """A notification the actor may ask to send again: any, for the secretariat (the
    service then refuses one that has not failed, with its reason); for anyone else
    none, so that a row they may not retry is a 404 like one that does not exist."""
    if not is_secretariat(actor):
        raise Http404("Không tìm thấy thông báo.")
    try:
        return Notification.objects.select_related("user").get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy thông báo.") from None
