"""Writes to the outbox: queue, deliver, flush, retry, mark read.

The outbox row is the source of truth, never the broker message: a row is written in the
caller's transaction, a task delivers it after commit, and the periodic flush re-queues
whatever a lost message, a dead worker or a broker outage left behind.
"""

import contextlib
import hashlib
import logging
import os
import random
import smtplib
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from units.access import is_secretariat
from workflow.errors import WorkflowError

from .models import Notification, Status
from .publisher import BackgroundPublisher

logger = logging.getLogger(__name__)

ONLY_SECRETARIAT_RETRIES = "Chỉ Ban Dân vận được gửi lại thông báo không gửi được."
ONLY_FAILED_RETRIED = "Chỉ gửi lại được thông báo đang ở trạng thái “Gửi không thành công”."
WORKER_LOST = (
    "Tiến trình gửi thư bị dừng đột ngột {attempts} lần khi đang gửi thông báo này: "
    "xem nhật ký của tiến trình gửi (worker) trước khi gửi lại."
)
GAVE_UP = "Đã thử gửi {attempts} lần trong {span}, lần cuối: {error}"
NO_ADDRESS = "(không có địa chỉ email: chỉ hiển thị trong hộp thư thông báo)"


# --- queueing -------------------------------------------------------------------------


def _recipient_key(recipient) -> str:
    if isinstance(recipient, str):
        return recipient.strip().lower()
    return f"user{recipient.pk}"


def _collapse(recipients: Iterable) -> list:
    """Users first, then the addresses that no listed user already receives at."""
    users: dict[int, object] = {}
    addresses: dict[str, str] = {}
    for recipient in recipients:
        if recipient is None:
            continue
        if isinstance(recipient, str):
            address = recipient.strip()
            if address:
                addresses.setdefault(address.lower(), address)
        elif getattr(recipient, "is_active", True):
            users.setdefault(recipient.pk, recipient)
    taken = {(user.email or "").strip().lower() for user in users.values()}
    return [*users.values(), *(a for key, a in addresses.items() if key not in taken)]


def _render(name: str, context: dict, *, autoescape: bool) -> str:
    # Text parts are rendered without HTML escaping: "Hội LHPN & Đoàn" stays as written.
    template = get_template(name).template
    return template.render(Context(context, autoescape=autoescape))


def notification_render(*, kind: str, context: dict) -> tuple[str, str, str]:
    """Subject (one line), text body and HTML body of ``kind`` for ``context``."""
    base = f"notifications/email/{kind}/"
    subject = " ".join(_render(base + "subject.txt", context, autoescape=False).split())
    text = _render(base + "body.txt", context, autoescape=False).strip() + "\n"
    html = _render(base + "body.html", context, autoescape=True).strip()
    return subject, text, html


def notification_queue(
    *, kind: str, recipients: Iterable, dedupe_key: str, context: dict, case=None
) -> list[Notification]:
    """Write one outbox row per recipient in the caller's transaction and schedule their
    delivery for after it commits.

    Guarantees: ``recipients`` may mix users (e-mail and inbox entry) and bare addresses
    (e-mail only); duplicates, inactive users and addresses a listed user already has
    collapse. Each row's dedupe key is ``f"{dedupe_key}:{recipient}"`` and unique, so a
    second call with the same key writes and sends nothing (rows already present are
    skipped silently). Nothing is published to the broker before commit; if the broker
    is unreachable then, the rows stay pending for the flush. Returns the rows written.
    """
    people = _collapse(recipients)
    if not people:
        return []
    keys = {f"{dedupe_key}:{_recipient_key(r)}": r for r in people}
    existing = set(
        Notification.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )
    site_url = settings.SITE_URL
    case_url = f"{site_url}{case.get_absolute_url()}" if case is not None else ""
    now = timezone.now()
    rows = []
    for key, recipient in keys.items():
        if key in existing:
            continue
        is_user = not isinstance(recipient, str)
        address = (recipient.email or "").strip() if is_user else recipient
        subject, text, html = notification_render(
            kind=kind,
            context={
                **context,
                "case": case,
                "recipient": recipient,
                "recipient_name": (
                    (recipient.get_full_name() or recipient.username) if is_user else ""
                ),
                "site_url": site_url,
                "case_url": case_url,
            },
        )
        rows.append(
            Notification(
                dedupe_key=key,
                kind=kind,
                user=recipient if is_user else None,
                email=address,
                case=case,
                subject=subject[:300],
                body_text=text,
                body_html=html,
                link=case_url,
                # A user with no address still gets the inbox entry: nothing to send.
                status=Status.PENDING if address else Status.SENT,
                sent_at=None if address else now,
                last_error="" if address else NO_ADDRESS,
                created_at=now,
                due_at=now,
            )
        )
    if not rows:
        return []
    # ignore_conflicts: a concurrent caller with the same keys wins silently.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(
            dedupe_key__in=[row.dedupe_key for row in rows], created_at=now
        ).order_by("pk")
    )
    pending = [row.pk for row in created if row.status == Status.PENDING]
    if pending:
        transaction.on_commit(lambda: notifications_publish_later(ids=pending))
    return created


_publish_paused_until = 0.0


def publish_pause_reset() -> None:
    """Forget a broker failure seen earlier (tests switch brokers)."""
    global _publish_paused_until
    _publish_paused_until = 0.0


def notifications_publish(*, ids: list[int]) -> int:
    """Hand the rows to the broker now; never raises and never waits long.

    Called by the flush (a task) and by the background publisher, never in a request.
    The broker's connection and socket timeouts are short (see settings) and publishing
    is not retried; after a failure this process leaves the broker alone for
    ``NOTIFICATIONS_PUBLISH_PAUSE_SECONDS``. The rows stay pending; the flush publishes
    them once the broker is back. Returns how many were published."""
    global _publish_paused_until
    from .tasks import notification_deliver_task

    if time.monotonic() < _publish_paused_until:
        logger.debug(
            "Broker paused after a failure: %d notification(s) left to the flush", len(ids)
        )
        return 0
    published = 0
    for pk in ids:
        try:
            notification_deliver_task.apply_async((pk,), retry=False)
        except Exception as exc:  # the broker is down: the flush will pick the rows up
            _publish_paused_until = time.monotonic() + settings.NOTIFICATIONS_PUBLISH_PAUSE_SECONDS
            logger.warning(
                "Broker unreachable, %d notification(s) left pending for the flush: %s",
                len(ids) - published,
                exc,
            )
            break
        published += 1
    return published


_publisher = BackgroundPublisher(
    lambda ids: notifications_publish(ids=ids), name="notifications-publisher"
)
_publisher.register_at_exit(timeout=10)


def notifications_publish_later(*, ids: list[int]) -> None:
    """Queue the rows for this process's publisher thread and return at once.

    Guarantees: the caller (a request, a task, a command, after commit) never waits on
    the broker, however dead or hung: a hung broker costs no request anything. Rows the
    thread could not publish (broker down, process gone) stay pending for the flush."""
    _publisher.submit(ids)


def notifications_publish_wait(*, timeout: float = 30) -> bool:
    """Wait until this process's publisher has handed over what it was given (tests,
    commands that queue then exit); returns whether it finished within ``timeout``."""
    return _publisher.wait(timeout)


# --- delivery -------------------------------------------------------------------------


class TemporaryFailure(Exception):
    """Worth trying again later: the server is down, busy or answered 4xx."""


class PermanentFailure(Exception):
    """Will never work as is: the server answered 5xx."""


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str  # "sent", "failed", "retry", "skipped"
    retry_in: float | None = None


def message_id_for(dedupe_key: str) -> str:
    """A stable Message-ID: every attempt at one outbox row carries the same one, so a
    mail server or client that saw it already can drop the copy."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    host = urlsplit(settings.SITE_URL).hostname or ""
    # An IP address or "localhost" makes a poor Message-ID domain: fall back to a name.
    named = "." in host and any(c.isalpha() for c in host)
    domain = settings.NOTIFICATIONS_MESSAGE_ID_DOMAIN or (host if named else "dvk.local")
    return f"<{digest}@{domain}>"


def _classify(exc: Exception) -> Exception:
    """A delivery error as a sentence the secretariat can act on, with the server's own
    words (or the exception) in brackets for whoever runs the mail server."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(
            f"{address}: {code} {_decoded(message)}"
            for address, (code, message) in exc.recipients.items()
        )
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return PermanentFailure(
                "Máy chủ thư từ chối địa chỉ người nhận: kiểm tra lại địa chỉ email "
                f"rồi bấm “Gửi lại” ({answers})."
            )
        return TemporaryFailure(f"Máy chủ thư tạm thời chưa nhận thư cho người nhận ({answers}).")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return PermanentFailure(
            "Máy chủ thư không chấp nhận tài khoản đăng nhập: kiểm tra EMAIL_HOST_USER và "
            f"EMAIL_HOST_PASSWORD ({exc.smtp_code} {_decoded(exc.smtp_error)})."
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.smtp_code} {_decoded(exc.smtp_error)}"
        if exc.smtp_code >= 500:
            return PermanentFailure(f"Máy chủ thư từ chối thư này ({text}).")
        return TemporaryFailure(f"Máy chủ thư tạm thời chưa nhận thư ({text}).")
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return TemporaryFailure(f"Máy chủ thư không trả lời ({detail}).")
    if isinstance(exc, ConnectionRefusedError):
        return TemporaryFailure(f"Máy chủ thư không nhận kết nối: có thể đang tắt ({detail}).")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return TemporaryFailure(f"Máy chủ thư ngắt kết nối giữa chừng ({detail}).")
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return TemporaryFailure(f"Không kết nối được tới máy chủ thư ({detail}).")
    return exc


def _decoded(message) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


# One SMTP connection per worker process, kept open between messages: a delivery costs
# MAIL, RCPT and DATA instead of a new TCP connection, EHLO (and TLS) every time.
_smtp: dict = {"backend": None, "pid": None, "used": 0.0, "server": None}
SMTP_IDLE_SECONDS = 30  # below the usual server idle timeouts (RFC 5321 suggests 5 min)


def _smtp_drop() -> None:
    backend, _smtp["backend"] = _smtp["backend"], None
    if backend is not None and _smtp["pid"] == os.getpid():
        with contextlib.suppress(Exception):
            backend.close()


def _smtp_backend() -> tuple[SmtpBackend, bool]:
    """The process's open SMTP backend and whether it was already open (reused)."""
    server = (settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    stale = (
        _smtp["pid"] != os.getpid()
        or _smtp["server"] != server
        or time.monotonic() - _smtp["used"] > SMTP_IDLE_SECONDS
    )
    if _smtp["backend"] is not None and stale:
        _smtp_drop()
    reused = _smtp["backend"] is not None
    if not reused:
        backend = get_connection(fail_silently=False)
        backend.open()
        _smtp.update(backend=backend, pid=os.getpid(), server=server, used=time.monotonic())
    return _smtp["backend"], reused


def _send(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers={
            "Message-ID": message_id_for(notification.dedupe_key),
            "X-DVK-Notification": notification.kind,
        },
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        if not isinstance(get_connection(), SmtpBackend):
            # The file backend (embedded default) or a test backend: one call per message.
            message.send()
            return
        backend, reused = _smtp_backend()
        try:
            backend.send_messages([message])
        except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
            _smtp_drop()
            if not reused:
                raise
            # The server closed the idle connection we kept: once more on a fresh one.
            logger.info("SMTP connection was closed by the server (%s); reconnecting", exc)
            backend, _ = _smtp_backend()
            backend.send_messages([message])
        _smtp["used"] = time.monotonic()
    except Exception as exc:
        _smtp_drop()  # whatever state the session is in, the next message starts afresh
        raise _classify(exc) from exc


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: a random time in [d/2, d], d = BACKOFF ×
    2^(attempts−1), capped at ``NOTIFICATIONS_RETRY_BACKOFF_MAX``."""
    base = settings.NOTIFICATIONS_RETRY_BACKOFF
    cap = settings.NOTIFICATIONS_RETRY_BACKOFF_MAX
    delay = min(cap, base * (2 ** max(0, min(attempts, 60) - 1)))
    return random.uniform(delay / 2, delay)


def retry_span() -> tuple[float, float]:
    """The shortest and the longest time from a row's first attempt to its last, when
    every attempt meets a temporary failure: how long a relay may stay down before a row
    is failed (the shortest is the guarantee)."""
    base = settings.NOTIFICATIONS_RETRY_BACKOFF
    cap = settings.NOTIFICATIONS_RETRY_BACKOFF_MAX
    longest = sum(
        min(cap, base * 2 ** min(n - 1, 60)) for n in range(1, settings.NOTIFICATIONS_MAX_ATTEMPTS)
    )
    return longest / 2, longest


def duration_words(seconds: float) -> str:
    """A span in Vietnamese words: "45 giây", "12 phút", "7 giờ 5 phút"."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} giây"
    if seconds < 3600:
        return f"{seconds // 60} phút"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} giờ {minutes} phút" if minutes else f"{hours} giờ"


DB_ERRORS = (OperationalError, InterfaceError)
_MARK_SENT_SQL = "UPDATE {table} SET status = %s, sent_at = %s, last_error = '' WHERE id = %s"


def _claim(notification_id: int, now) -> Notification | None:
    """PENDING → SENDING in one conditional statement that returns the claimed row
    (``UPDATE … RETURNING``: one round trip instead of an update and a read); None when
    the row was not pending (sent, failed, or claimed by another delivery)."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    claimed = list(
        Notification.objects.raw(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "
            "WHERE id = %s AND status = %s RETURNING *",
            [Status.SENDING, now, notification_id, Status.PENDING],
        )
    )
    return claimed[0] if claimed else None


def _mark_sent(notification_id: int, *, deadline: float) -> None:
    """Record that the server accepted the message, through a database blip.

    The message is out: if this update is lost, the lease runs out and the flush sends
    the row again. So a database error here (the connection killed, the server
    restarting) is retried on a fresh connection, with short sleeps, until ``deadline``
    (monotonic), which the caller keeps inside the row's lease."""
    pause = 0.2
    # The statement is written out, not built by the ORM: it is the first thing done
    # once the server has said 250, and the shorter the time until PostgreSQL has it,
    # the narrower the window in which a killed worker leaves a sent row unmarked.
    sql = _MARK_SENT_SQL.format(table=connection.ops.quote_name(Notification._meta.db_table))
    while True:
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, [Status.SENT, timezone.now(), notification_id])
            return
        except DB_ERRORS as exc:
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning(
                "Notification %s was sent but could not be marked sent (%s): retrying",
                notification_id,
                exc,
            )
            with contextlib.suppress(Exception):
                connection.close()  # the next query opens a fresh connection
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def notification_deliver(*, notification_id: int) -> DeliveryResult:
    """Send one outbox row by e-mail, at most once per claim.

    Guarantees: the row is claimed with a conditional update (PENDING → SENDING); a
    second delivery of the same id, concurrent or late, finds nothing to claim and sends
    nothing. A 5xx answer marks the row failed at once; a temporary failure puts it back
    to pending with a backoff (``retry_delay``), until ``NOTIFICATIONS_MAX_ATTEMPTS``
    attempts, then marks it failed. A wait shorter than the flush's period comes back as
    ``retry_in`` (the task's countdown); a longer one is left to the flush, which
    publishes the row when it is due. Once the server accepted the message, recording
    ``sent`` is retried through database errors for up to
    ``NOTIFICATIONS_MARK_SENT_RETRY_SECONDS``, never past the lease. A worker that dies
    mid-send leaves the row in SENDING; the flush takes it back after the lease (the
    message goes out twice only if the server had accepted it and the worker died, or
    the database stayed unreachable for that whole time, before ``sent`` was recorded)."""
    started = time.monotonic()
    now = timezone.now()
    notification = _claim(notification_id, now)
    if notification is None:
        return DeliveryResult("skipped")
    mine = Notification.objects.filter(pk=notification_id, status=Status.SENDING, claimed_at=now)
    # Recorded whatever happened to the row meanwhile: it went out, so no one sends it
    # again. Never past the lease (minus a margin), nor the task's soft time limit.
    # (Computed before sending: nothing but the mark itself runs after the 250.)
    margin = 2.0
    deadline = started + min(
        settings.NOTIFICATIONS_MARK_SENT_RETRY_SECONDS,
        settings.NOTIFICATIONS_LEASE_SECONDS - margin,
        settings.CELERY_TASK_SOFT_TIME_LIMIT - margin,
    )
    try:
        _send(notification)
    except PermanentFailure as exc:
        mine.update(status=Status.FAILED, last_error=str(exc)[:2000])
        logger.warning("Notification %s refused permanently: %s", notification_id, exc)
        return DeliveryResult("failed")
    except TemporaryFailure as exc:
        if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            span = duration_words((timezone.now() - notification.created_at).total_seconds())
            error = GAVE_UP.format(attempts=notification.attempts, span=span, error=exc)
            mine.update(status=Status.FAILED, last_error=error[:2000])
            logger.warning("Notification %s failed after retries: %s", notification_id, exc)
            return DeliveryResult("failed")
        delay = retry_delay(notification.attempts)
        mine.update(
            status=Status.PENDING,
            last_error=str(exc)[:2000],
            due_at=timezone.now() + timedelta(seconds=delay),
        )
        in_task = delay < settings.NOTIFICATIONS_FLUSH_EVERY
        return DeliveryResult("retry", retry_in=delay if in_task else None)
    _mark_sent(notification_id, deadline=deadline)
    return DeliveryResult("sent")


def notifications_flush(*, now=None) -> int:
    """Re-queue what was missed; the periodic safety net.

    Guarantees: rows left in SENDING longer than ``NOTIFICATIONS_LEASE_SECONDS`` (their
    worker died) go back to pending, or to failed once they used up their attempts; rows
    pending and due for longer than ``NOTIFICATIONS_FLUSH_GRACE_SECONDS`` are published
    again (at most once per grace period each). Safe to run at any time and any number of
    times: delivery claims each row. Returns how many rows were published."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    stale = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease)
    for attempts in (
        stale.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS)
        .values_list("attempts", flat=True)
        .distinct()
    ):
        stale.filter(attempts=attempts).update(
            status=Status.FAILED, last_error=WORKER_LOST.format(attempts=attempts)
        )
    stale.update(status=Status.PENDING, due_at=now)
    grace = timedelta(seconds=settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS)
    due = list(
        Notification.objects.filter(status=Status.PENDING, due_at__lte=now - grace)
        .order_by("due_at")
        .values_list("pk", flat=True)[: settings.NOTIFICATIONS_FLUSH_BATCH]
    )
    if not due:
        return 0
    # Stamped before publishing so the next flush leaves them alone for a grace period.
    Notification.objects.filter(pk__in=due, status=Status.PENDING).update(due_at=now)
    return notifications_publish(ids=due)


# --- people acting on the outbox ------------------------------------------------------


def notification_retry(*, notification: Notification, actor) -> Notification:
    """The secretariat sends a failed message again.

    Guarantees: only the secretariat may; only a failed row is retried (a row sent
    meanwhile is never sent twice); the row goes back to pending with a fresh set of
    attempts and is published after commit."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT_RETRIES)
    with transaction.atomic():
        reset = Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, due_at=timezone.now(), claimed_at=None
        )
        if reset != 1:
            raise WorkflowError(ONLY_FAILED_RETRIED)
        logger.info("Notification %s retried by %s", notification.pk, actor)
        transaction.on_commit(lambda: notifications_publish_later(ids=[notification.pk]))
    notification.refresh_from_db()
    return notification


def notifications_retry_failed(*, actor) -> int:
    """The secretariat sends every failed message again ("Gửi lại tất cả").

    Guarantees: only the secretariat (or an administrator) may; only rows failed at the
    time of the update are touched (one statement: a row sent meanwhile is never sent
    twice); each goes back to pending with a fresh set of attempts and is published
    after commit, off the request. Returns how many rows were put back."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT_RETRIES)
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.FAILED)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Notification.objects.filter(pk__in=ids, status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, due_at=timezone.now(), claimed_at=None
        )
        logger.info("%d failed notification(s) retried by %s", len(ids), actor)
        transaction.on_commit(lambda: notifications_publish_later(ids=ids))
    return len(ids)


def notification_mark_read(*, notification: Notification, actor) -> None:
    """Marks the actor's own notification read (once; the first reading time is kept)."""
    Notification.objects.filter(pk=notification.pk, user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, actor) -> int:
    """Marks every unread notification of the actor read; returns how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
