"""Committees (Ban Chỉ đạo, hội đồng), their vote rounds, votes and recognition decisions.

Moved from ``workflow`` (issue 12): each model keeps its table (``Meta.db_table``). The
case is the workflow's case model (``settings.WORKFLOW_CASE_MODEL``)."""

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from workflow.models import TransitionLog

# A committee belongs to a recognition level and a unit. Its
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
        "models_registry.RecognitionLevel",
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name="Cấp công nhận",
    )
    unit = models.ForeignKey(
        "units.Unit",
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
        db_table = "workflow_committee"  # moved from workflow: same table
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
        "models_registry.RecognitionLevel",
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
        db_table = "workflow_recognitiondecision"  # moved from workflow: same table
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
    # The members the round was opened with: they, and only they, vote in it and count
    # in its rule, whatever the committee's composition becomes while it is open.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="seated_rounds",
        verbose_name="Thành viên khi mở phiên",
        blank=True,
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
        db_table = "workflow_voteround"  # moved from workflow: same table
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
        db_table = "workflow_vote"  # moved from workflow: same table
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


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Chưa có hiệu lực"
    APPLIED = "applied", "Đã có hiệu lực"
    CANCELLED = "cancelled", "Đã hủy"


class CommitteeChange(models.Model):
    """A change of a committee's composition (kiện toàn: members, chair, vote rule) that
    takes effect on a date. Applied at once when that date has come, otherwise by the
    daily sweep on that date; the committee's own fields always hold the composition in
    force. Rounds opened before keep the members they were opened with."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="changes", verbose_name="Hội đồng"
    )
    effective_on = models.DateField("Có hiệu lực từ ngày")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Chủ tịch hội đồng",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name="Thành viên"
    )
    quorum_numerator = models.PositiveSmallIntegerField()
    quorum_denominator = models.PositiveSmallIntegerField()
    approval_numerator = models.PositiveSmallIntegerField()
    approval_denominator = models.PositiveSmallIntegerField()
    reason = models.TextField("Căn cứ", blank=True)
    status = models.CharField(
        "Tình trạng", max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người lập",
    )
    made_at = models.DateTimeField("Lập lúc", auto_now_add=True)
    applied_at = models.DateTimeField("Có hiệu lực lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Thay đổi thành phần hội đồng"
        verbose_name_plural = "Thay đổi thành phần hội đồng"
        ordering = ["effective_on", "pk"]
        indexes = [
            models.Index(
                fields=["effective_on"],
                name="committee_change_due",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} — từ {self.effective_on:%d/%m/%Y}"

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
