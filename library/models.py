"""The library of models (thư viện mô hình): which recognised cases the secretariat
published, which of a case's photos its unit lets be shown, and whether the library is
open to the public without signing in."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from models_registry.models import Initiative, ProgressAttachment

# The photos a unit may publish: the images among its progress reports' attachments (whose
# type was checked from their content on upload).
IMAGE_TYPES = ("image/jpeg", "image/png")


class LibrarySettings(models.Model):
    """The library's settings: one row (pk 1), absent until first changed."""

    public = models.BooleanField("Thư viện công khai (không cần đăng nhập)", default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người thay đổi",
    )
    changed_at = models.DateTimeField("Thời điểm thay đổi", null=True, blank=True)

    class Meta:
        verbose_name = "Cài đặt thư viện mô hình"
        verbose_name_plural = "Cài đặt thư viện mô hình"

    def __str__(self) -> str:
        return "Thư viện công khai" if self.public else "Thư viện nội bộ"


class Publication(models.Model):
    """A recognised case shown in the library, from the secretariat's confirmation until
    its withdrawal. Publishing again after a withdrawal reuses the row (the
    administration log keeps each step)."""

    initiative = models.OneToOneField(
        Initiative,
        on_delete=models.CASCADE,
        related_name="publication",
        verbose_name="Mô hình",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người công bố",
    )
    published_at = models.DateTimeField("Thời điểm công bố")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người gỡ",
    )
    withdrawn_at = models.DateTimeField("Thời điểm gỡ", null=True, blank=True)
    withdraw_reason = models.TextField("Lý do gỡ", blank=True)

    class Meta:
        verbose_name = "Mô hình trong thư viện"
        verbose_name_plural = "Mô hình trong thư viện"
        ordering = ["-published_at", "-id"]
        indexes = [
            # The library's list: the live publications, newest first.
            models.Index(
                fields=["-published_at", "-id"],
                name="publication_live",
                condition=Q(withdrawn_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.initiative)

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class PublishedPhoto(models.Model):
    """A photo of a progress report that the case's unit lets the library show."""

    attachment = models.OneToOneField(
        ProgressAttachment,
        on_delete=models.CASCADE,
        related_name="library_release",
        verbose_name="Ảnh",
    )
    # The attachment's case, kept here so the model page reads its photos by one index.
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="library_photos",
        verbose_name="Mô hình",
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người chọn",
    )
    chosen_at = models.DateTimeField("Thời điểm chọn", auto_now_add=True)

    class Meta:
        verbose_name = "Ảnh được công bố"
        verbose_name_plural = "Ảnh được công bố"
        ordering = ["attachment_id"]

    def __str__(self) -> str:
        return self.attachment.original_name
