"""Reads of the outbox: a user's inbox, the unread count, the failed deliveries."""

from django.db.models import QuerySet
from django.http import Http404

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
