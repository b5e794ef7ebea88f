"""Report requests: the secretariat asks units for their sơ kết / tổng kết report, each
unit answers once (numbers, free text, its signed report), the secretariat accepts it
or returns it with a reason.

Who owes an answer is decided when the request is opened: one ``ReportAnswer`` per unit
asked, so a later move, merge or new unit in the directory never changes who owes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from models_registry.models import Campaign
from units.models import Unit, UnitKind


class ReportKind(models.TextChoices):
    MID_YEAR = "mid_year", "Sơ kết"
    YEAR_END = "year_end", "Tổng kết"
    PHASE = "phase", "Tổng kết giai đoạn"
    CUSTOM = "custom", "Báo cáo khác"


class Audience(models.TextChoices):
    ALL = "all", "Tất cả đơn vị trực thuộc thành phố"
    SUBTREE = "subtree", "Một đơn vị và các đơn vị trực thuộc"
    KIND = "kind", "Một loại đơn vị"


class ReportRequest(models.Model):
    """The secretariat's request for a report from a set of units, by a due date."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="report_requests",
        verbose_name="Kế hoạch",
    )
    kind = models.CharField("Loại báo cáo", max_length=20, choices=ReportKind.choices)
    title = models.CharField("Tên báo cáo", max_length=255)
    # The phase review's range of years (both ends included); empty for other kinds.
    year_from = models.PositiveSmallIntegerField("Từ năm", null=True, blank=True)
    year_to = models.PositiveSmallIntegerField("Đến năm", null=True, blank=True)
    instructions = models.TextField("Nội dung, yêu cầu", blank=True)
    due_date = models.DateField("Hạn gửi báo cáo", db_index=True)
    # Who was asked, as the secretariat chose it (kept to show it; the answers are the
    # truth of who owes).
    audience = models.CharField("Đơn vị phải báo cáo", max_length=20, choices=Audience.choices)
    audience_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Đơn vị (và các đơn vị trực thuộc)",
    )
    audience_kind = models.CharField(
        "Loại đơn vị", max_length=20, choices=UnitKind.choices, blank=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người mở",
    )
    opened_at = models.DateTimeField("Thời điểm mở", default=timezone.now)

    class Meta:
        verbose_name = "Yêu cầu báo cáo"
        verbose_name_plural = "Yêu cầu báo cáo"
        ordering = ["-due_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="phase")
                | Q(year_from__isnull=False, year_to__isnull=False, year_from__lte=F("year_to")),
                name="report_request_phase_years",
                violation_error_message="Báo cáo giai đoạn cần năm bắt đầu không sau năm kết thúc.",
            ),
            models.CheckConstraint(
                condition=~Q(audience="subtree") | Q(audience_unit__isnull=False),
                name="report_request_subtree_unit",
            ),
            models.CheckConstraint(
                condition=~Q(audience="kind") | ~Q(audience_kind=""),
                name="report_request_kind_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:request_detail", args=[self.pk])

    @property
    def years_label(self) -> str:
        if self.year_from and self.year_to:
            return f"{self.year_from}–{self.year_to}"
        return ""


class AnswerStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa làm"
    DRAFT = "draft", "Đang soạn"
    SENT = "sent", "Đã gửi"
    ACCEPTED = "accepted", "Đã tiếp nhận"
    RETURNED = "returned", "Bị trả lại"


# The statuses of a unit that still owes its report (the sweep's reminders, the
# missing list): never sent, or sent back to it.
OWING = (AnswerStatus.NOT_STARTED, AnswerStatus.DRAFT, AnswerStatus.RETURNED)
# The statuses whose numbers count in the request's totals.
COUNTED = (AnswerStatus.SENT, AnswerStatus.ACCEPTED)

# The numbers every answer carries, in the order the form and the tables show them.
NUMBER_FIELDS = (
    "models_registered",
    "models_running",
    "models_finished",
    "recognized_grassroots",
    "recognized_city",
    "people_reached",
)


class ReportAnswer(models.Model):
    """One unit's answer to one request. Its ``status`` is changed only by
    ``reports.services`` (which locks the row and writes the administration log)."""

    request = models.ForeignKey(
        ReportRequest, on_delete=models.CASCADE, related_name="answers", verbose_name="Yêu cầu"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="report_answers", verbose_name="Đơn vị"
    )
    status = models.CharField(
        "Tình trạng",
        max_length=20,
        choices=AnswerStatus.choices,
        default=AnswerStatus.NOT_STARTED,
    )
    # The numbers the BCĐ asks every year; pre-filled from the unit's cases when the
    # unit starts its answer (``counted`` keeps what the cases said then), editable.
    models_registered = models.PositiveIntegerField("Số mô hình đã đăng ký", default=0)
    models_running = models.PositiveIntegerField("Số mô hình đang triển khai", default=0)
    models_finished = models.PositiveIntegerField("Số mô hình đã hoàn thành", default=0)
    recognized_grassroots = models.PositiveIntegerField(
        "Số mô hình được công nhận cấp cơ sở", default=0
    )
    recognized_city = models.PositiveIntegerField(
        "Số mô hình được công nhận cấp huyện, thành phố", default=0
    )
    people_reached = models.PositiveIntegerField("Số người dân được vận động, hưởng lợi", default=0)
    counted = models.JSONField("Số liệu đếm từ hồ sơ khi bắt đầu", default=dict, blank=True)
    results = models.TextField("Kết quả đạt được", blank=True)
    lessons = models.TextField("Bài học kinh nghiệm", blank=True)
    proposals = models.TextField("Đề xuất, kiến nghị", blank=True)
    # The signed report (PDF or Word), checked like every other upload and served only
    # through the views that check access.
    file = models.FileField("Báo cáo có chữ ký", upload_to="reports/%Y/%m/", blank=True)
    file_name = models.CharField("Tên tệp gốc", max_length=255, blank=True)
    file_type = models.CharField("Loại tệp", max_length=100, blank=True)
    file_size = models.PositiveIntegerField("Dung lượng (byte)", default=0)
    started_at = models.DateTimeField("Bắt đầu soạn lúc", null=True, blank=True)
    updated_at = models.DateTimeField("Sửa lần cuối", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người sửa lần cuối",
    )
    # The first sending decides "on time" (a return and a re-sending after the due date
    # do not make a report that came on time late); ``sent_at`` is the latest.
    first_sent_at = models.DateTimeField("Gửi lần đầu lúc", null=True, blank=True)
    sent_at = models.DateTimeField("Gửi lúc", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người gửi",
    )
    returned_reason = models.TextField("Lý do trả lại", blank=True)
    returned_at = models.DateTimeField("Trả lại lúc", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người trả lại",
    )
    accepted_at = models.DateTimeField("Tiếp nhận lúc", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người tiếp nhận",
    )

    class Meta:
        verbose_name = "Báo cáo của đơn vị"
        verbose_name_plural = "Báo cáo của đơn vị"
        ordering = ["request", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="report_answer_unique_unit"),
        ]
        indexes = [
            # The sweep's reminders and the dashboard's late units: answers still owed.
            models.Index(
                fields=["request"],
                condition=Q(status__in=["not_started", "draft", "returned"]),
                name="report_answer_owing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.request}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:answer", args=[self.pk])

    @property
    def is_owing(self) -> bool:
        return self.status in OWING

    @property
    def sent_on_time(self) -> bool | None:
        """True/False once sent (by its first sending); None while never sent."""
        if self.first_sent_at is None:
            return None
        return timezone.localdate(self.first_sent_at) <= self.request.due_date

    def timeliness(self, today) -> tuple[str, str]:
        """``(code, words)`` for the compliance table: "on_time", "late" (sent after the
        due date), "missing" (not sent and the due date passed) or "waiting"."""
        due = self.request.due_date
        if self.first_sent_at is not None:
            late = (timezone.localdate(self.first_sent_at) - due).days
            if late <= 0:
                return "on_time", "Đúng hạn"
            return "late", f"Muộn {late} ngày"
        if today > due:
            return "missing", f"Chưa gửi, quá hạn {(today - due).days} ngày"
        left = (due - today).days
        return "waiting", "Chưa gửi, hạn là hôm nay" if left == 0 else f"Chưa gửi, còn {left} ngày"

    def numbers(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in NUMBER_FIELDS}
