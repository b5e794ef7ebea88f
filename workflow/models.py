"""The engine's tables: the lifecycle every case model inherits, and the transition log.

``workflow`` knows no app above it: the concrete case model is named by
``settings.WORKFLOW_CASE_MODEL`` (as ``AUTH_USER_MODEL`` names the user model), and the
case answers the engine through the small protocol documented on ``WorkflowCase``.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .lifecycle import TRANSITIONS, Role, State


def _t(name: str) -> dict[str, Any]:
    spec = TRANSITIONS[name]
    return {"field": "state", "source": list(spec.sources), "target": spec.target}


class WorkflowCase(ConcurrentTransitionMixin, models.Model):
    """A case that moves through the lifecycle of ``workflow.lifecycle``.

    ``state`` is protected: assigning it raises. The transition methods below only say
    which move is legal; call ``workflow.services.transition_apply``, which checks the
    actor, locks the row, logs and announces the move.

    A concrete case model provides:
    - ``roles_of(actor) -> set[str]``: the roles ``actor`` holds over this case;
    - ``transition_errors(name, *, actor, today, payload) -> list[str]``: the domain's
      guards (required fields, deadlines, dates), as Vietnamese messages;
    - ``apply_effects(name, payload, *, today)``: fields a transition sets besides the
      state (``today`` is the date the transition is applied on; ``payload`` is logged
      after this runs, so what it adds there is kept in the log).

    Apps above the engine may ask more of it (``committees`` asks ``committee_errors``).
    """

    state = FSMField(
        "Trạng thái",
        default=State.DRAFT,
        choices=State.choices,
        protected=True,
        db_index=True,
        max_length=20,
    )
    # Milestones: ``transition_apply`` copies here the time of the log row of the latest
    # such move (``TransitionSpec.stamp``), in the same transaction; never edited by hand.
    registered_at = models.DateTimeField("Gửi đăng ký lúc", null=True, editable=False)
    inspected_at = models.DateTimeField("Có kết quả kiểm tra lúc", null=True, editable=False)
    decided_at = models.DateTimeField("Có quyết định lúc", null=True, editable=False)

    class Meta:
        abstract = True

    def roles_of(self, actor) -> set[str]:  # pragma: no cover - the protocol
        raise NotImplementedError

    def transition_errors(self, name: str, *, actor, today, payload: dict) -> list[str]:
        return []

    def apply_effects(self, name: str, payload: dict, *, today) -> None:
        return None

    @transition(**_t("submit"))
    def submit(self, payload: dict, today=None) -> None:
        self.apply_effects("submit", payload, today=today)

    @transition(**_t("return_for_revision"))
    def return_for_revision(self, payload: dict, today=None) -> None:
        self.apply_effects("return_for_revision", payload, today=today)

    @transition(**_t("start"))
    def start(self, payload: dict, today=None) -> None:
        self.apply_effects("start", payload, today=today)

    @transition(**_t("record_inspection"))
    def record_inspection(self, payload: dict, today=None) -> None:
        self.apply_effects("record_inspection", payload, today=today)

    @transition(**_t("request_reinspection"))
    def request_reinspection(self, payload: dict, today=None) -> None:
        self.apply_effects("request_reinspection", payload, today=today)

    @transition(**_t("recognize"))
    def recognize(self, payload: dict, today=None) -> None:
        self.apply_effects("recognize", payload, today=today)

    @transition(**_t("reject"))
    def reject(self, payload: dict, today=None) -> None:
        self.apply_effects("reject", payload, today=today)

    @transition(**_t("upgrade"))
    def upgrade(self, payload: dict, today=None) -> None:
        self.apply_effects("upgrade", payload, today=today)

    @transition(**_t("withdraw"))
    def withdraw(self, payload: dict, today=None) -> None:
        self.apply_effects("withdraw", payload, today=today)


class TransitionLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Nhật ký chuyển trạng thái chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise TypeError("Nhật ký chuyển trạng thái chỉ được ghi thêm, không được xoá.")


class TransitionLog(models.Model):
    """One applied transition. Append-only: rows are never updated or deleted."""

    case = models.ForeignKey(
        settings.WORKFLOW_CASE_MODEL,
        on_delete=models.PROTECT,
        related_name="transition_logs",
        verbose_name="Hồ sơ",
    )
    transition = models.CharField("Thao tác", max_length=40)
    source = models.CharField("Từ trạng thái", max_length=20, choices=State.choices)
    target = models.CharField("Sang trạng thái", max_length=20, choices=State.choices)
    # Null when the daily sweep acted on its own.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người thực hiện",
    )
    actor_role = models.CharField("Với vai trò", max_length=20, choices=Role.choices, blank=True)
    at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    reason = models.TextField("Lý do", blank=True)
    payload = models.JSONField("Dữ liệu kèm theo", default=dict, blank=True)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        verbose_name = "Nhật ký chuyển trạng thái"
        verbose_name_plural = "Nhật ký chuyển trạng thái"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["target", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.source} → {self.target} ({self.transition})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("Nhật ký chuyển trạng thái chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Nhật ký chuyển trạng thái chỉ được ghi thêm, không được xoá.")

    @property
    def transition_label(self) -> str:
        spec = TRANSITIONS.get(self.transition)
        return spec.label if spec else self.transition
