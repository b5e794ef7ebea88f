"""The unit directory: units in their tree, and the roles users hold in them."""

import datetime

from django.conf import settings
from django.db import models, transaction

from workflow.lifecycle import Role

from .signals import unit_moved
from .text import fold_name


class UnitKind(models.TextChoices):
    CITY = "city", "Thành phố / huyện"
    BODY = "body", "Cơ quan, ban, ngành cấp thành phố"
    ORGANISATION = "organisation", "MTTQ, tổ chức chính trị - xã hội"
    WARD = "ward", "Đảng ủy phường, xã"
    WARD_BODY = "ward_body", "Đơn vị thuộc phường, xã"
    OTHER = "other", "Khác"


class Unit(models.Model):
    """A unit in the tree city → bodies and wards → their sub-units.

    ``path`` ("/1/14/15/") is the chain of ids from the root; it makes "this unit and
    everything under it" one indexed prefix query.
    """

    name = models.CharField("Tên đơn vị", max_length=255)
    short_name = models.CharField("Tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("Loại đơn vị", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="Đơn vị cấp trên",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    aliases = models.TextField(
        "Tên gọi khác", blank=True, help_text="Mỗi dòng một tên khác mà đơn vị hay dùng."
    )
    email = models.EmailField("Email liên hệ", blank=True)
    active_from = models.DateField("Hoạt động từ", null=True, blank=True)
    active_to = models.DateField("Hoạt động đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name="Đơn vị kế thừa",
    )
    name_key = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        db_table = "models_registry_unit"  # moved from models_registry: same table
        verbose_name = "Đơn vị"
        verbose_name_plural = "Đơn vị"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, announce_move: bool = True, **kwargs) -> None:
        """``announce_move=False``: the caller moves several units and sends
        ``unit_moved`` once itself (a merge)."""
        self.name_key = fold_name(self.name)
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            if not old:  # created
                Unit.objects.filter(pk=self.pk).update(path=path)
            else:  # moved: its descendants follow, and so do the counts of its ancestors
                with transaction.atomic():
                    Unit.objects.filter(pk=self.pk).update(path=path)
                    for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                        child.path = path + child.path[len(old) :]
                        Unit.objects.filter(pk=child.pk).update(path=child.path)
                    # Counts kept per subtree (the dashboards' tally) are recounted.
                    if announce_move:
                        unit_moved.send(sender=Unit, unit=self)
            self.path = path

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)


class Membership(models.Model):
    """A user holds a role, scoped to a unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="Người dùng",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name="Đơn vị"
    )
    role = models.CharField("Vai trò", max_length=20, choices=Role.choices)

    class Meta:
        db_table = "models_registry_membership"  # moved from models_registry: same table
        verbose_name = "Phân quyền"
        verbose_name_plural = "Phân quyền"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
