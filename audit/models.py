"""The administration log: who changed which plan, deadline, extension, unit, account or
committee, when, from what to what. Append-only, like the transition log."""

from django.conf import settings
from django.db import models

APPEND_ONLY = "Nhật ký quản trị chỉ được ghi thêm, không được sửa hay xoá."


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(APPEND_ONLY)

    def delete(self):
        raise TypeError(APPEND_ONLY)


class AuditEntry(models.Model):
    """One administrative change. ``before`` and ``after`` hold the fields that changed
    (or every recorded field, for a creation or removal), as JSON-safe values."""

    at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người thực hiện",
    )
    # The actor's name as it read then: the log keeps it whatever happens to the account.
    actor_name = models.CharField("Tên người thực hiện", max_length=255, blank=True)
    action = models.CharField("Thao tác", max_length=60, db_index=True)
    target_type = models.CharField("Loại đối tượng", max_length=100)
    target_id = models.CharField("Mã đối tượng", max_length=64)
    target_repr = models.CharField("Đối tượng", max_length=255)
    before = models.JSONField("Trước", default=dict, blank=True)
    after = models.JSONField("Sau", default=dict, blank=True)
    reason = models.TextField("Lý do", blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "Nhật ký quản trị"
        verbose_name_plural = "Nhật ký quản trị"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name}: {self.action} {self.target_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(APPEND_ONLY)

    @property
    def action_label(self) -> str:
        from .services import action_label

        return action_label(self.action)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field named on either side, in order."""
        names = list(dict.fromkeys([*self.before, *self.after]))
        return [(name, self.before.get(name), self.after.get(name)) for name in names]
