"""The inbox (each user's own notifications) and the secretariat's view of the outbox.

Thin: fetch through a selector that scopes to the user, call a service, redirect."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from units.access import is_secretariat
from workflow.errors import WorkflowError

from .selectors import failed_list, inbox_get, inbox_list, outbox_overview, retryable_get
from .services import (
    ONLY_SECRETARIAT_RETRIES,
    notification_mark_read,
    notification_retry,
    notifications_mark_all_read,
    notifications_retry_failed,
)

ALL_READ = "Đã đánh dấu {count} thông báo là đã đọc."
RETRIED = "Đã đưa thông báo gửi tới {recipient} vào hàng đợi gửi lại."
RETRIED_ALL = "Đã đưa {count} thông báo vào hàng đợi gửi lại."
NOTHING_TO_RETRY = "Không có thông báo nào cần gửi lại."


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    # Both of the page's counts in one query: the paginator's, and the unread count that
    # the context processor would otherwise ask for again (the view's value wins).
    inbox = inbox_list(actor=request.user)
    counts = inbox.aggregate(total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    paginator = Paginator(inbox, settings.CASES_PER_PAGE)
    paginator.count = counts["total"]  # a cached_property: set, it is not counted again
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "is_secretariat": is_secretariat(request.user),
            "unread_notifications": counts["unread"],
        },
    )


@login_required
def notification_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification = inbox_get(actor=request.user, pk=pk)
    # Opening a notification is reading it, as in any mail client.
    notification_mark_read(notification=notification, actor=request.user)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
@require_POST
def inbox_mark_all_read_view(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(actor=request.user)
    messages.success(request, ALL_READ.format(count=count))
    return redirect("notifications:inbox")


@login_required
def failed_list_view(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied(ONLY_SECRETARIAT_RETRIES)
    overview = outbox_overview()
    paginator = Paginator(failed_list(), settings.CASES_PER_PAGE)
    paginator.count = overview["failed"]  # counted already: a cached_property, set
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/failed.html",
        {
            "page": page,
            "overview": overview,
            "lease": timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS),
        },
    )


@login_required
@require_POST
def notifications_retry_failed_view(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied(ONLY_SECRETARIAT_RETRIES)
    count = notifications_retry_failed(actor=request.user)
    if count:
        messages.success(request, RETRIED_ALL.format(count=count))
    else:
        messages.info(request, NOTHING_TO_RETRY)
    return redirect("notifications:failed")


@login_required
@require_POST
def notification_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification = retryable_get(actor=request.user, pk=pk)
    try:
        notification_retry(notification=notification, actor=request.user)
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, RETRIED.format(recipient=notification.recipient_display))
    return redirect("notifications:failed")
