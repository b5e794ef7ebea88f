"""The engine's tables: the lifecycle every case model inherits, and the transition log.

``workflow`` knows no app above it: the concrete case model is named by
``settings.WORKFLOW_CASE_MODEL`` (as ``AUTH_USER_MODEL`` names the user model), and the
case answers the engine through the small protocol documented on ``WorkflowCase``.
"""

from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    - ``apply_effects(name, payload)``: fields a transition sets besides the state;
    - ``committee_errors(committee)``: why ``committee`` may not vote on this case now
      (outside its unit, another campaign, already recognised at its level or above).
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

    def apply_effects(self, name: str, payload: dict) -> None:
        return None

    def committee_errors(self, committee) -> list[str]:  # pragma: no cover - the protocol
        raise NotImplementedError

    @transition(**_t("submit"))
    def submit(self, payload: dict) -> None:
        self.apply_effects("submit", payload)

    @transition(**_t("return_for_revision"))
    def return_for_revision(self, payload: dict) -> None:
        self.apply_effects("return_for_revision", payload)

    @transition(**_t("start"))
    def start(self, payload: dict) -> None:
        self.apply_effects("start", payload)

    @transition(**_t("record_inspection"))
    def record_inspection(self, payload: dict) -> None:
        self.apply_effects("record_inspection", payload)

    @transition(**_t("request_reinspection"))
    def request_reinspection(self, payload: dict) -> None:
        self.apply_effects("request_reinspection", payload)

    @transition(**_t("recognize"))
    def recognize(self, payload: dict) -> None:
        self.apply_effects("recognize", payload)

    @transition(**_t("reject"))
    def reject(self, payload: dict) -> None:
        self.apply_effects("reject", payload)

    @transition(**_t("upgrade"))
    def upgrade(self, payload: dict) -> None:
        self.apply_effects("upgrade", payload)

    @transition(**_t("withdraw"))
    def withdraw(self, payload: dict) -> None:
        self.apply_effects("withdraw", payload)


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


# --- committees, votes, decisions -------------------------------------------------------
#
# A committee belongs to a recognition level and a unit (``settings.WORKFLOW_LEVEL_MODEL``
# and ``WORKFLOW_UNIT_MODEL``, as the case model is named by ``WORKFLOW_CASE_MODEL``). Its
# vote rule is two shares counted against ALL its members. Each share is a fraction of
# two integers, not a percentage: 2/3 has no exact percentage, and 66.67% of 3 members
# would demand all 3 where the rule means 2.


def _share_ok(prefix: str) -> Q:
    return Q(**{f"{prefix}_numerator__gt": 0}) & Q(
        **{f"{prefix}_numerator__lte": F(f"{prefix}_denominator")}
    )


class Committee(models.Model):
    """A steering committee (Ban Chỉ đạo, hội đồng) that recognises cases at its level.

    Its reach is its unit and every unit under it (the case model says what that means,
    see ``WorkflowCase.committee_errors``). The chair is one of the members; every
    member, the chair included, has one vote per round.
    """

    name = models.CharField("Tên hội đồng", max_length=255)
    level = models.ForeignKey(
        settings.WORKFLOW_LEVEL_MODEL,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name="Cấp công nhận",
    )
    unit = models.ForeignKey(
        settings.WORKFLOW_UNIT_MODEL,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name="Đơn vị",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_committees",
        verbose_name="Chủ tịch hội đồng",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="committees", verbose_name="Thành viên"
    )
    quorum_numerator = models.PositiveSmallIntegerField(
        "Tỷ lệ tham gia tối thiểu (tử số)", default=2
    )
    quorum_denominator = models.PositiveSmallIntegerField("(mẫu số)", default=3)
    approval_numerator = models.PositiveSmallIntegerField(
        "Tỷ lệ tán thành tối thiểu (tử số)", default=70
    )
    approval_denominator = models.PositiveSmallIntegerField("(mẫu số)", default=100)
    created_at = models.DateTimeField("Thời điểm tạo", auto_now_add=True)

    class Meta:
        verbose_name = "Hội đồng xét công nhận"
        verbose_name_plural = "Hội đồng xét công nhận"
        ordering = ["level", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "unit"],
                name="committee_one_per_level_and_unit",
                violation_error_message="Đơn vị đã có hội đồng xét công nhận ở cấp này.",
            ),
            models.CheckConstraint(
                condition=_share_ok("quorum"),
                name="committee_quorum_share_valid",
                violation_error_message="Tỷ lệ tham gia phải lớn hơn 0 và không quá 100%.",
            ),
            models.CheckConstraint(
                condition=_share_ok("approval"),
                name="committee_approval_share_valid",
                violation_error_message="Tỷ lệ tán thành phải lớn hơn 0 và không quá 100%.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    @property
    def approval(self) -> Fraction:
        return Fraction(self.approval_numerator, self.approval_denominator)

    @property
    def rule_display(self) -> str:
        return (
            f"tham gia ít nhất {share_display(self.quorum)}, tán thành ít nhất "
            f"{share_display(self.approval)} tổng số thành viên"
        )


def share_display(share: Fraction) -> str:
    """ "70%" when the share is a whole percentage, otherwise "2/3"."""
    percent = share * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{share.numerator}/{share.denominator}"


class RoundStatus(models.TextChoices):
    OPEN = "open", "Đang biểu quyết"
    CLOSED = "closed", "Đã kết thúc"
    # The case went back to be inspected again: its votes were on what no longer stands.
    VOID = "void", "Đã hủy (kiểm tra lại)"


class RoundOutcome(models.TextChoices):
    RECOGNIZED = "recognized", "Công nhận"
    NOT_RECOGNIZED = "not_recognized", "Không công nhận"
    UPGRADED = "upgraded", "Nâng cấp công nhận"
    NOT_UPGRADED = "not_upgraded", "Không nâng cấp"


AWARDED = (RoundOutcome.RECOGNIZED, RoundOutcome.UPGRADED)


class RecognitionDecision(models.Model):
    """A decision (quyết định công nhận) signed by a committee's chair: one number and
    date for every case it recognises at the committee's level."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="decisions", verbose_name="Hội đồng"
    )
    level = models.ForeignKey(
        settings.WORKFLOW_LEVEL_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Cấp công nhận",
    )
    number = models.CharField("Số quyết định", max_length=50)
    date = models.DateField("Ngày quyết định")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người ký",
    )
    created_at = models.DateTimeField("Thời điểm ghi", auto_now_add=True)

    class Meta:
        verbose_name = "Quyết định công nhận"
        verbose_name_plural = "Quyết định công nhận"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"],
                name="decision_unique_number",
                violation_error_message="Hội đồng đã dùng số quyết định này.",
            ),
        ]

    def __str__(self) -> str:
        return f"Quyết định số {self.number} ngày {self.date:%d/%m/%Y}"


class VoteRound(models.Model):
    """One committee's vote on one case: open until the chair closes it, then frozen
    with its tally, its outcome and (when the case was recognised) its decision."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="rounds", verbose_name="Hội đồng"
    )
    case = models.ForeignKey(
        settings.WORKFLOW_CASE_MODEL,
        on_delete=models.PROTECT,
        related_name="vote_rounds",
        verbose_name="Hồ sơ",
    )
    status = models.CharField(
        "Trạng thái", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField("Mở lúc", auto_now_add=True)
    closed_at = models.DateTimeField("Kết thúc lúc", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người kết thúc",
    )
    # Frozen when the round closes: the votes cannot change afterwards.
    member_count = models.PositiveSmallIntegerField("Số thành viên", null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField("Số phiếu tán thành", default=0)
    votes_against = models.PositiveSmallIntegerField("Số phiếu không tán thành", default=0)
    outcome = models.CharField("Kết quả", max_length=20, choices=RoundOutcome.choices, blank=True)
    reason = models.TextField("Lý do", blank=True)
    decision = models.ForeignKey(
        RecognitionDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name="Quyết định",
    )
    transition_log = models.OneToOneField(
        TransitionLog,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vote_round",
        verbose_name="Nhật ký chuyển trạng thái",
    )

    class Meta:
        verbose_name = "Phiên biểu quyết"
        verbose_name_plural = "Phiên biểu quyết"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "case"],
                condition=Q(status=RoundStatus.OPEN),
                name="round_one_open_per_committee_and_case",
                violation_error_message="Hội đồng đang có một phiên biểu quyết cho hồ sơ này.",
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "status"]),
            models.Index(fields=["case", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.committee} — {self.case}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def awarded(self) -> bool:
        return self.outcome in AWARDED


class Vote(models.Model):
    """A member's vote in a round; changed in place until the round closes."""

    round = models.ForeignKey(
        VoteRound, on_delete=models.PROTECT, related_name="votes", verbose_name="Phiên biểu quyết"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="committee_votes",
        verbose_name="Thành viên",
    )
    in_favour = models.BooleanField("Tán thành")
    comment = models.TextField("Ý kiến", blank=True)
    cast_at = models.DateTimeField("Bỏ phiếu lúc", auto_now_add=True)
    changed_at = models.DateTimeField("Sửa lần cuối", auto_now=True)

    class Meta:
        verbose_name = "Phiếu biểu quyết"
        verbose_name_plural = "Phiếu biểu quyết"
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                name="vote_one_per_member_per_round",
                violation_error_message="Mỗi thành viên chỉ có một phiếu trong mỗi phiên.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {'tán thành' if self.in_favour else 'không tán thành'}"
