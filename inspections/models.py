"""Field inspections: the criteria a campaign scores against, the planned inspections
(date, place, team), the visit an inspector logs and its scores and attachments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from models_registry.models import Campaign, Initiative, RecognitionLevel, Subject


class Criterion(models.Model):
    """One line of a campaign's scoring sheet, for collective models or for individuals."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="criteria", verbose_name="Kế hoạch"
    )
    subject = models.CharField("Đối tượng", max_length=20, choices=Subject.choices)
    order = models.PositiveSmallIntegerField("Thứ tự", default=1)
    name = models.CharField("Tiêu chí", max_length=300)
    description = models.TextField("Hướng dẫn chấm", blank=True)
    max_points = models.PositiveSmallIntegerField("Điểm tối đa")

    class Meta:
        verbose_name = "Tiêu chí chấm điểm"
        verbose_name_plural = "Tiêu chí chấm điểm"
        ordering = ["campaign", "subject", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subject", "name"],
                name="criterion_unique_name",
                violation_error_message="Kế hoạch đã có tiêu chí trùng tên cho đối tượng này.",
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0),
                name="criterion_max_points_positive",
                violation_error_message="Điểm tối đa phải lớn hơn 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name} ({self.max_points} điểm)"


class InspectionStatus(models.TextChoices):
    # Opened by a re-inspection request: a case waiting for a date and a team.
    PENDING = "pending", "Chờ lên lịch"
    SCHEDULED = "scheduled", "Đã lên lịch"
    MOVED = "moved", "Đã dời lịch"
    CANCELLED = "cancelled", "Đã hủy"
    DONE = "done", "Đã kiểm tra"


# Booked on a date: the statuses the calendar, the reminders and the warnings look at.
BOOKED = (InspectionStatus.SCHEDULED, InspectionStatus.MOVED)
# At most one of these per case: a second would be a duplicate booking.
OPEN = (InspectionStatus.PENDING, *BOOKED)


class Inspection(models.Model):
    """A planned field inspection of one case by a team led by one of its members."""

    case = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="inspections", verbose_name="Mô hình"
    )
    planned_date = models.DateField("Ngày kiểm tra", null=True, blank=True)
    place = models.CharField("Địa điểm", max_length=300, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspection_teams", verbose_name="Đoàn kiểm tra"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Trưởng đoàn",
    )
    status = models.CharField(
        "Trạng thái",
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.SCHEDULED,
    )
    round_label = models.CharField("Đợt kiểm tra", max_length=100, blank=True)
    reason = models.TextField("Lý do dời lịch / hủy", blank=True)
    previous_date = models.DateField("Ngày dự kiến trước đó", null=True, blank=True)
    # Bumped on every move: each move is its own notification (dedupe keys include it).
    revision = models.PositiveSmallIntegerField(default=0, editable=False)
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Kiểm tra lại sau đợt",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người lên lịch",
    )
    created_at = models.DateTimeField("Thời điểm tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Cập nhật lần cuối", auto_now=True)

    class Meta:
        verbose_name = "Đợt kiểm tra"
        verbose_name_plural = "Đợt kiểm tra"
        ordering = ["planned_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=OPEN),
                name="inspection_one_open_per_case",
                violation_error_message="Mô hình đã có một đợt kiểm tra chưa thực hiện.",
            ),
            models.CheckConstraint(
                condition=Q(status=InspectionStatus.PENDING) | Q(planned_date__isnull=False),
                name="inspection_booked_has_date",
                violation_error_message="Đợt kiểm tra đã lên lịch phải có ngày kiểm tra.",
            ),
        ]
        indexes = [
            # The daily sweep: booked inspections by date (tomorrow, overdue).
            models.Index(
                fields=["planned_date"],
                name="inspection_booked_date",
                condition=Q(status__in=BOOKED),
            ),
            models.Index(fields=["case", "status"]),
            models.Index(fields=["round_label"]),
        ]

    def __str__(self) -> str:
        when = self.planned_date.strftime("%d/%m/%Y") if self.planned_date else "chưa có ngày"
        return f"Kiểm tra “{self.case}” — {when}"

    @property
    def is_booked(self) -> bool:
        return self.status in BOOKED

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Verdict(models.TextChoices):
    PASSED = "passed", "Đạt"
    FAILED = "failed", "Không đạt"


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    COMPLETED = "completed", "Đã hoàn thành"


class FieldVisit(models.Model):
    """What the team saw on the day: the record of one inspection."""

    inspection = models.OneToOneField(
        Inspection, on_delete=models.PROTECT, related_name="visit", verbose_name="Đợt kiểm tra"
    )
    visit_date = models.DateField("Ngày kiểm tra thực tế", null=True, blank=True)
    people_met = models.TextField("Thành phần làm việc", blank=True)
    findings = models.TextField("Kết quả kiểm tra, nhận xét", blank=True)
    verdict = models.CharField("Kết luận", max_length=10, choices=Verdict.choices, blank=True)
    recommended_level = models.ForeignKey(
        RecognitionLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Đề nghị công nhận cấp",
    )
    status = models.CharField(
        "Trạng thái biên bản",
        max_length=10,
        choices=VisitStatus.choices,
        default=VisitStatus.DRAFT,
    )
    # Written by the service from the scores, never typed in.
    total_points = models.PositiveSmallIntegerField("Tổng điểm", default=0)
    max_points = models.PositiveSmallIntegerField("Điểm tối đa", default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người ghi biên bản",
    )
    created_at = models.DateTimeField("Thời điểm tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Cập nhật lần cuối", auto_now=True)
    completed_at = models.DateTimeField("Thời điểm hoàn thành", null=True, blank=True)

    class Meta:
        verbose_name = "Biên bản kiểm tra thực tế"
        verbose_name_plural = "Biên bản kiểm tra thực tế"
        constraints = [
            models.CheckConstraint(
                condition=Q(total_points__lte=F("max_points")),
                name="visit_total_at_most_max",
                violation_error_message="Tổng điểm không được vượt quá điểm tối đa.",
            ),
        ]

    def __str__(self) -> str:
        return f"Biên bản: {self.inspection}"

    @property
    def is_completed(self) -> bool:
        return self.status == VisitStatus.COMPLETED


class CriterionScore(models.Model):
    """The points given for one criterion; ``max_points`` is copied from the criterion so
    that the database itself refuses a score above it."""

    visit = models.ForeignKey(
        FieldVisit, on_delete=models.CASCADE, related_name="scores", verbose_name="Biên bản"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name="Tiêu chí"
    )
    points = models.PositiveSmallIntegerField("Điểm")
    max_points = models.PositiveSmallIntegerField("Điểm tối đa")

    class Meta:
        verbose_name = "Điểm theo tiêu chí"
        verbose_name_plural = "Điểm theo tiêu chí"
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "criterion"], name="score_unique"),
            models.CheckConstraint(
                condition=Q(points__lte=F("max_points")),
                name="score_at_most_max",
                violation_error_message="Điểm không được vượt quá điểm tối đa của tiêu chí.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.points}/{self.max_points}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", "Ảnh"
    PDF = "pdf", "Tài liệu PDF"


class VisitAttachment(models.Model):
    """A photo or PDF taken on the visit. Its type was checked from its content."""

    visit = models.ForeignKey(
        FieldVisit, on_delete=models.CASCADE, related_name="attachments", verbose_name="Biên bản"
    )
    kind = models.CharField("Loại", max_length=10, choices=AttachmentKind.choices)
    file = models.FileField("Tệp", upload_to="inspections/%Y/%m/")
    thumbnail = models.FileField("Ảnh thu nhỏ", upload_to="inspections/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField("Tên tệp gốc", max_length=255)
    content_type = models.CharField("Loại tệp", max_length=100)
    size = models.PositiveIntegerField("Dung lượng (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người tải lên",
    )
    uploaded_at = models.DateTimeField("Thời điểm tải lên", auto_now_add=True)

    class Meta:
        verbose_name = "Tệp đính kèm biên bản"
        verbose_name_plural = "Tệp đính kèm biên bản"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE
