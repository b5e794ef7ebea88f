"""The outbox: one row per message to one recipient, written in the same transaction as
the change that causes it, delivered after commit by a task, re-queued by a flush."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    PENDING = "pending", "Đang chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi không thành công"


class Notification(models.Model):
    """A message to a user (e-mail and inbox entry) or to a bare address (e-mail only).

    ``dedupe_key`` is unique: the same event can never queue the same message twice.
    ``due_at`` is when the next delivery attempt is due; ``claimed_at`` when a worker
    took the row (a row left in SENDING past the lease is taken back by the flush).
    """

    dedupe_key = models.CharField("Khóa chống trùng", max_length=400, unique=True)
    kind = models.CharField("Loại thông báo", max_length=60, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name="Người nhận",
    )
    email = models.EmailField("Địa chỉ email", max_length=254, blank=True)
    case = models.ForeignKey(
        settings.WORKFLOW_CASE_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Hồ sơ",
    )
    subject = models.CharField("Tiêu đề", max_length=300)
    body_text = models.TextField("Nội dung")
    body_html = models.TextField("Nội dung HTML", blank=True)
    link = models.CharField("Đường dẫn", max_length=500, blank=True)
    status = models.CharField(
        "Trạng thái gửi", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField("Số lần thử", default=0)
    last_error = models.TextField("Lỗi gần nhất", blank=True)
    created_at = models.DateTimeField("Thời điểm tạo", default=timezone.now)
    due_at = models.DateTimeField("Lần thử kế tiếp", default=timezone.now)
    claimed_at = models.DateTimeField("Thời điểm nhận gửi", null=True, blank=True)
    sent_at = models.DateTimeField("Thời điểm gửi xong", null=True, blank=True)
    read_at = models.DateTimeField("Thời điểm đã đọc", null=True, blank=True)

    class Meta:
        verbose_name = "Thông báo"
        verbose_name_plural = "Thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)
            ),
            models.Index(
                fields=["due_at"],
                name="notification_pending_due",
                condition=Q(status=Status.PENDING),
            ),
            models.Index(
                fields=["claimed_at"],
                name="notification_sending_since",
                condition=Q(status=Status.SENDING),
            ),
            models.Index(
                fields=["-created_at"],
                name="notification_failed",
                condition=Q(status=Status.FAILED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_display}"

    @property
    def recipient_display(self) -> str:
        if self.user_id is not None:
            name = self.user.get_full_name() or self.user.username
            return f"{name} <{self.email}>" if self.email else name
        return self.email

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
