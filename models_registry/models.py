"""The registry: campaigns and their levels, deadline extensions, registered models
(cases), progress reports, import jobs. Units and memberships live in ``units``."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from units.access import case_roles
from units.models import Unit
from units.text import fold
from workflow.lifecycle import State
from workflow.models import WorkflowCase

CAMPAIGN_CLOSED = "Kế hoạch năm {year} đã đóng: không đăng ký, gửi hay sửa hồ sơ được nữa."
CAMPAIGN_NOT_OPEN = "Kế hoạch năm {year} chưa mở: Ban Dân vận chưa cho đăng ký."


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", "Đang chuẩn bị"
    OPEN = "open", "Đang mở"
    CLOSED = "closed", "Đã đóng"


class Campaign(models.Model):
    """One year's plan: its dates are data, read by the deadline sweep.

    Units register and submit only into an open campaign; one being prepared (made from
    last year's by the secretariat) or closed (the year is over) is read-only to them,
    and a closed one to the secretariat as well."""

    year = models.PositiveSmallIntegerField("Năm", unique=True)
    name = models.CharField("Tên phong trào", max_length=255)
    plan_number = models.CharField("Số kế hoạch", max_length=50, blank=True)
    plan_date = models.DateField("Ngày ban hành kế hoạch", null=True, blank=True)
    issuer = models.CharField("Cơ quan ban hành", max_length=255, blank=True)
    registration_deadline = models.DateField("Hạn đăng ký")
    mid_year_report_due = models.DateField("Hạn báo cáo sơ kết", null=True, blank=True)
    year_end_report_due = models.DateField("Hạn báo cáo tổng kết", null=True, blank=True)
    recognition_date = models.DateField("Ngày công nhận", null=True, blank=True)
    decision_wait_days = models.PositiveSmallIntegerField(
        "Số ngày chờ quyết định tối đa", default=30
    )
    resubmit_days = models.PositiveSmallIntegerField(
        "Số ngày được gửi lại hồ sơ bị trả lại",
        default=7,
        help_text="Tính từ ngày trả lại, kể cả khi đã qua hạn đăng ký.",
    )
    status = models.CharField(
        "Tình trạng",
        max_length=20,
        choices=CampaignStatus.choices,
        default=CampaignStatus.OPEN,
    )

    class Meta:
        verbose_name = "Kế hoạch / phong trào năm"
        verbose_name_plural = "Kế hoạch / phong trào năm"
        ordering = ["-year"]

    def __str__(self) -> str:
        # Most names say their year already ("… năm 2023"): not "năm 2023 (2023)".
        return self.name if str(self.year) in self.name else f"{self.name} (năm {self.year})"

    def resubmit_until(self, *, returned_on: datetime.date) -> datetime.date:
        """Until when a case returned on ``returned_on`` may be sent again: the period
        from the return, or the registration deadline if that is later."""
        period_end = returned_on + datetime.timedelta(days=self.resubmit_days)
        return max(period_end, self.registration_deadline)

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED

    def closed_errors(self) -> list[str]:
        """Why units may not register or submit into this campaign now (empty: they may)."""
        if self.status == CampaignStatus.CLOSED:
            return [CAMPAIGN_CLOSED.format(year=self.year)]
        if self.status == CampaignStatus.PREPARING:
            return [CAMPAIGN_NOT_OPEN.format(year=self.year)]
        return []


class RecognitionLevel(models.Model):
    """One rung of a campaign's ladder; ``rank`` 1 is the lowest."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="levels", verbose_name="Kế hoạch"
    )
    rank = models.PositiveSmallIntegerField("Thứ bậc")
    name = models.CharField("Tên cấp", max_length=100)

    class Meta:
        verbose_name = "Cấp công nhận"
        verbose_name_plural = "Cấp công nhận"
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rank"], name="level_unique_rank"),
        ]

    def __str__(self) -> str:
        return self.name


class DeadlineExtension(models.Model):
    """The secretariat lets a unit (and its sub-units) submit after the deadline."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, verbose_name="Kế hoạch")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name="Đơn vị")
    until = models.DateField("Được nộp đến ngày")
    reason = models.TextField("Lý do")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="Người cho phép"
    )
    granted_at = models.DateTimeField("Thời điểm", auto_now_add=True)
    # Revoking keeps the row (the administration log and the list still read it).
    revoked_at = models.DateTimeField("Thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người thu hồi",
    )

    class Meta:
        verbose_name = "Gia hạn đăng ký"
        verbose_name_plural = "Gia hạn đăng ký"
        ordering = ["-granted_at", "-id"]
        indexes = [
            models.Index(
                fields=["campaign", "unit", "until"],
                name="extension_in_force",
                condition=Q(revoked_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — đến {self.until:%d/%m/%Y}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Field(models.TextChoices):
    ECONOMY = "economy", "Kinh tế"
    CULTURE_SOCIETY = "culture_society", "Văn hóa - xã hội"
    DEFENCE_SECURITY = "defence_security", "Quốc phòng - an ninh"
    POLITICAL_SYSTEM = "political_system", "Xây dựng hệ thống chính trị"


class Subject(models.TextChoices):
    COLLECTIVE = "collective", "Tập thể"
    INDIVIDUAL = "individual", "Cá nhân"


FIELD_FLAGS = {f"field_{choice.value}": choice for choice in Field}

MISSING_FIELD = "Chưa nhập “{label}”."
NO_FIELD = "Chưa chọn lĩnh vực nào."
DEADLINE_PASSED = "Đã quá hạn đăng ký ({deadline}). Cần Ban Dân vận cho phép đơn vị nộp muộn."
RESUBMIT_PASSED = (
    "Đã quá hạn đăng ký ({deadline}) và quá hạn gửi lại hồ sơ bị trả lại ({until}). "
    "Cần Ban Dân vận cho phép đơn vị nộp muộn."
)
NOT_STARTED = "Chưa đến ngày bắt đầu triển khai ({start})."
LEVEL_UNKNOWN = "Cấp công nhận không thuộc kế hoạch của hồ sơ."
LEVEL_ABOVE_TARGET = "Không thể công nhận ở cấp cao hơn cấp đã đăng ký."
LEVEL_NOT_HIGHER = "Cấp nâng lên phải cao hơn cấp đã được công nhận."
# Which cases a committee may vote on (the ``committee_errors`` that ``committees`` asks of a case).
OUTSIDE_COMMITTEE = "Hồ sơ của “{unit}” không thuộc phạm vi xét của “{committee}”."
OTHER_CAMPAIGN = "Hồ sơ thuộc kế hoạch năm {year}, không thuộc kế hoạch của hội đồng này."
COMMITTEE_ABOVE_TARGET = (
    "Hồ sơ đăng ký đạt {target}; hội đồng {level} chỉ xét nâng cấp sau khi hồ sơ được công nhận."
)
ALREADY_AT_LEVEL = "Hồ sơ đã được công nhận {level}, không thấp hơn cấp của hội đồng."
NOT_BEFORE_COMMITTEE = "Hồ sơ đang ở trạng thái “{state}”, không thuộc diện hội đồng xét."


class Initiative(WorkflowCase):
    """A "Dân vận khéo" model or exemplar: one row of the registration form, as a case."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="initiatives", verbose_name="Kế hoạch"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="initiatives", verbose_name="Đơn vị đăng ký"
    )
    name = models.CharField("Tên mô hình công tác “DVK”", max_length=500)
    goals = models.TextField("Mục tiêu (chỉ tiêu) cần đạt được", blank=True)
    field_economy = models.BooleanField(Field.ECONOMY.label, default=False)
    field_culture_society = models.BooleanField(Field.CULTURE_SOCIETY.label, default=False)
    field_defence_security = models.BooleanField(Field.DEFENCE_SECURITY.label, default=False)
    field_political_system = models.BooleanField(Field.POLITICAL_SYSTEM.label, default=False)
    subject = models.CharField(
        "Đối tượng", max_length=20, choices=Subject.choices, default=Subject.COLLECTIVE
    )
    start_date = models.DateField("Thời gian bắt đầu", null=True, blank=True)
    end_date = models.DateField("Thời gian kết thúc", null=True, blank=True)
    target_level = models.ForeignKey(
        RecognitionLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Đăng ký đạt cấp",
    )
    recognized_level = models.ForeignKey(
        RecognitionLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Cấp được công nhận",
    )
    continues_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name="Duy trì, phát triển từ mô hình",
    )
    # Another unit's recognised model this one replicates ("nhân rộng", from the library).
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replications",
        verbose_name="Nhân rộng từ mô hình",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người tạo",
    )
    # Set by progress_report_create with the first report of the kind, in its
    # transaction: the dashboard's "report missing / overdue" reads them from an index.
    mid_year_reported = models.BooleanField("Đã nộp báo cáo sơ kết", default=False, editable=False)
    year_end_reported = models.BooleanField(
        "Đã nộp báo cáo tổng kết", default=False, editable=False
    )
    # Set by return_for_revision: the unit may send the case again until this day, even
    # past the registration deadline (the campaign's ``resubmit_days`` from the return).
    resubmit_until = models.DateField(
        "Được gửi lại đến ngày", null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField("Ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Cập nhật lần cuối", auto_now=True)
    # Folded copies for duplicate detection and diacritic-insensitive search.
    name_key = models.CharField(max_length=500, editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = "Mô hình, điển hình"
        verbose_name_plural = "Mô hình, điển hình"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "name_key"],
                name="initiative_unique_name_per_unit",
                violation_error_message="Đơn vị đã có mô hình trùng tên trong kế hoạch năm này.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="initiative_end_after_start",
                violation_error_message="Thời gian kết thúc phải sau thời gian bắt đầu.",
            ),
        ]
        indexes = [
            # Counts by campaign and state, and the cases waiting for a decision since
            # their inspection: answered from the index alone (issue 7's benchmark).
            models.Index(
                fields=["campaign", "state"],
                include=["unit", "inspected_at"],
                name="initiative_campaign_state",
            ),
            models.Index(fields=["unit", "campaign"]),
            # Running cases of a campaign: past their end date, or without a report.
            models.Index(
                fields=["campaign", "end_date"],
                include=["unit", "id", "mid_year_reported", "year_end_reported"],
                name="initiative_running_campaign",
                condition=Q(state=State.IN_PROGRESS),
            ),
            # The inspected cases' milestones: the medians of the dashboard.
            models.Index(
                fields=["campaign", "unit"],
                include=["registered_at", "inspected_at", "decided_at"],
                name="initiative_inspected",
                condition=Q(inspected_at__isnull=False),
            ),
            # The case list's first page within a campaign, newest first (issue 7).
            models.Index(
                fields=["campaign", "-created_at", "-id"], name="initiative_campaign_newest"
            ),
            # ... and across campaigns (the list unfiltered, as the Ban Dân vận and the
            # leaders first open it): without it, 100,000 cases sorted for 20 (issue 18).
            models.Index(fields=["-created_at", "-id"], name="initiative_newest"),
            models.Index(
                fields=["start_date"],
                name="initiative_due_to_start",
                condition=Q(state=State.REGISTERED),
            ),
            models.Index(
                fields=["end_date"],
                name="initiative_running_until",
                condition=Q(state=State.IN_PROGRESS),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def fill_keys(self) -> None:
        """The folded columns that search and the uniqueness of names read; ``save``
        fills them, and so must whoever writes cases in bulk."""
        self.name_key = fold(self.name)
        self.search_text = fold(f"{self.name} {self.goals}")

    def save(self, *args, **kwargs) -> None:
        self.fill_keys()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("models_registry:initiative_detail", args=[self.pk])

    @property
    def fields(self) -> list[Field]:
        return [choice for flag, choice in FIELD_FLAGS.items() if getattr(self, flag)]

    @property
    def fields_display(self) -> str:
        return "; ".join(field.label for field in self.fields)

    # --- the workflow protocol (see workflow.models.WorkflowCase) ---

    def roles_of(self, actor) -> set[str]:
        return case_roles(self, actor)

    def missing_for_submission(self) -> list[str]:
        errors = [
            MISSING_FIELD.format(label=self._meta.get_field(name).verbose_name)
            for name in ("name", "goals", "start_date", "end_date", "target_level")
            if not getattr(self, name)
        ]
        if not self.fields:
            errors.append(NO_FIELD)
        return errors

    def transition_errors(self, name: str, *, actor, today, payload: dict) -> list[str]:
        if name == "submit":
            errors = self.missing_for_submission() + self.campaign.closed_errors()
            if not self.may_submit_on(today):
                deadline = self.campaign.registration_deadline.strftime("%d/%m/%Y")
                if self.resubmit_until:
                    until = self.resubmit_until.strftime("%d/%m/%Y")
                    errors.append(RESUBMIT_PASSED.format(deadline=deadline, until=until))
                else:
                    errors.append(DEADLINE_PASSED.format(deadline=deadline))
            return errors
        if name == "start" and (self.start_date is None or self.start_date > today):
            start = self.start_date.strftime("%d/%m/%Y") if self.start_date else "—"
            return [NOT_STARTED.format(start=start)]
        if name in ("recognize", "upgrade"):
            level = self.campaign.levels.filter(pk=payload.get("level_id")).first()
            if level is None:
                return [LEVEL_UNKNOWN]
            if name == "recognize" and self.target_level and level.rank > self.target_level.rank:
                return [LEVEL_ABOVE_TARGET]
            if (
                name == "upgrade"
                and self.recognized_level
                and level.rank <= (self.recognized_level.rank)
            ):
                return [LEVEL_NOT_HIGHER]
        return []

    def apply_effects(self, name: str, payload: dict, *, today: datetime.date) -> None:
        if name in ("recognize", "upgrade"):
            self.recognized_level_id = payload["level_id"]
        if name == "return_for_revision":
            self.resubmit_until = self.campaign.resubmit_until(returned_on=today)
            # Kept in the log too: the return notice and the timeline name this date.
            payload["resubmit_until"] = self.resubmit_until.isoformat()

    def committee_errors(self, committee) -> list[str]:
        """A committee votes on the inspected cases of its unit's subtree and campaign
        registered for its level or above, and on cases recognised below its level."""
        level = committee.level
        errors = []
        if not self.unit.path.startswith(committee.unit.path):
            errors.append(OUTSIDE_COMMITTEE.format(unit=self.unit.name, committee=committee.name))
        if level.campaign_id != self.campaign_id:
            errors.append(OTHER_CAMPAIGN.format(year=self.campaign.year))
        if self.state == State.INSPECTED:
            if self.target_level and level.rank > self.target_level.rank:
                errors.append(
                    COMMITTEE_ABOVE_TARGET.format(
                        target=self.target_level.name.lower(), level=level.name.lower()
                    )
                )
        elif self.state == State.RECOGNIZED:
            if self.recognized_level and level.rank <= self.recognized_level.rank:
                errors.append(ALREADY_AT_LEVEL.format(level=self.recognized_level.name.lower()))
        else:
            errors.append(NOT_BEFORE_COMMITTEE.format(state=self.get_state_display()))
        return errors

    def may_submit_on(self, today: datetime.date) -> bool:
        """The deadline rule: on or before the registration deadline; after it, within
        the resubmission period of a return, or under an extension in force granted
        to the case's unit or a unit above it."""
        if today <= self.campaign.registration_deadline:
            return True
        if self.resubmit_until and today <= self.resubmit_until:
            return True
        return self._late_submission_allowed(today)

    def _late_submission_allowed(self, today: datetime.date) -> bool:
        # Remembered on this instance for the day: a case page asks it twice (the
        # actions offered, then the submit button's reasons). ``transition_apply`` reads
        # a fresh row under its lock, so a decision never rests on a remembered answer.
        known = self.__dict__.setdefault("_late_allowed", {})
        if today not in known:
            ancestors = [int(pk) for pk in self.unit.path.strip("/").split("/") if pk]
            known[today] = DeadlineExtension.objects.filter(
                campaign_id=self.campaign_id,
                unit_id__in=ancestors,
                until__gte=today,
                revoked_at__isnull=True,
            ).exists()
        return known[today]


class ProgressKind(models.TextChoices):
    UPDATE = "update", "Cập nhật tiến độ"
    MID_YEAR = "mid_year", "Báo cáo sơ kết"
    YEAR_END = "year_end", "Báo cáo tổng kết"


class ProgressReport(models.Model):
    """What a unit achieved against a model's goals, as of a date."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name="Mô hình",
    )
    kind = models.CharField(
        "Loại báo cáo", max_length=20, choices=ProgressKind.choices, default=ProgressKind.UPDATE
    )
    report_date = models.DateField("Ngày báo cáo")
    achievements = models.TextField("Kết quả đạt được so với mục tiêu")
    percent_complete = models.PositiveSmallIntegerField("Mức độ hoàn thành (%)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người báo cáo",
    )
    created_at = models.DateTimeField("Thời điểm ghi", auto_now_add=True)

    class Meta:
        verbose_name = "Báo cáo tiến độ"
        verbose_name_plural = "Báo cáo tiến độ"
        ordering = ["report_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100),
                name="progress_percent_at_most_100",
                violation_error_message="Mức độ hoàn thành không vượt quá 100%.",
            ),
        ]
        indexes = [models.Index(fields=["initiative", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.report_date:%d/%m/%Y} — {self.initiative}"


class ProgressAttachment(models.Model):
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="attachments", verbose_name="Báo cáo"
    )
    file = models.FileField("Tệp", upload_to="progress/%Y/%m/")
    original_name = models.CharField("Tên tệp gốc", max_length=255)
    content_type = models.CharField("Loại tệp", max_length=100)
    size = models.PositiveIntegerField("Dung lượng (byte)")

    class Meta:
        verbose_name = "Tệp đính kèm báo cáo"
        verbose_name_plural = "Tệp đính kèm báo cáo"

    def __str__(self) -> str:
        return self.original_name


class ImportStatus(models.TextChoices):
    # Uploaded; a worker is checking and reading the file to build the preview.
    CHECKING = "checking", "Đang kiểm tra tệp"
    PENDING = "pending", "Đang chờ xử lý"
    RUNNING = "running", "Đang nhập"
    DONE = "done", "Hoàn tất"
    FAILED = "failed", "Có lỗi, không nhập gì"


class ImportJob(models.Model):
    """One upload of the registration form: previewed, then confirmed; large files run
    in the background and report rows done of rows total.

    What is queried or branched on is a column (the moments, the counts, the sheet);
    JSON holds only what is displayed as it was written: the preview's rows, the
    problems of the last step (the preview, or the run once confirmed) and the cases the
    run touched, for the result page's links."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Người nhập",
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, verbose_name="Kế hoạch")
    file = models.FileField("Tệp biểu mẫu", upload_to="imports/%Y/%m/")
    original_name = models.CharField("Tên tệp gốc", max_length=255)
    as_drafts = models.BooleanField("Lưu dưới dạng bản nháp", default=True)
    status = models.CharField(
        "Trạng thái", max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField("Số dòng", default=0)
    rows_done = models.PositiveIntegerField("Số dòng đã xử lý", default=0)
    sheet = models.CharField("Trang tính", max_length=255, blank=True)
    created_at = models.DateTimeField("Thời điểm tải lên", auto_now_add=True)
    # Set once, by the one confirmation that takes effect; only then may a run claim it.
    confirmed_at = models.DateTimeField("Thời điểm xác nhận", null=True, blank=True)
    # When the job was last handed on to be run (its confirmation, then each re-queue by
    # the beat): a confirmed job still pending long after it lost its message.
    queued_at = models.DateTimeField("Thời điểm đưa vào hàng đợi", null=True, blank=True)
    started_at = models.DateTimeField("Thời điểm bắt đầu nhập", null=True, blank=True)
    finished_at = models.DateTimeField("Thời điểm xong", null=True, blank=True)
    # What the preview says the import would do.
    planned_create = models.PositiveIntegerField("Sẽ tạo mới", default=0)
    planned_update = models.PositiveIntegerField("Sẽ cập nhật bản nháp", default=0)
    planned_keep = models.PositiveIntegerField("Sẽ giữ nguyên", default=0)
    # What the run did.
    created_count = models.PositiveIntegerField("Đã tạo mới", default=0)
    updated_count = models.PositiveIntegerField("Đã cập nhật bản nháp", default=0)
    submitted_count = models.PositiveIntegerField("Đã gửi đăng ký", default=0)
    kept_count = models.PositiveIntegerField("Giữ nguyên", default=0)
    problems_count = models.PositiveIntegerField("Số lỗi", default=0)
    preview_rows = models.JSONField("Các dòng xem trước", default=list, blank=True)
    problems = models.JSONField("Các lỗi", default=list, blank=True)
    outcome = models.JSONField("Hồ sơ đã nhập", default=dict, blank=True)

    class Meta:
        verbose_name = "Lượt nhập biểu mẫu"
        verbose_name_plural = "Lượt nhập biểu mẫu"
        ordering = ["-created_at", "-id"]
        indexes = [
            # What the beat looks for each minute (bieu_mau.jobs.import_jobs_requeue):
            # uploads still being checked, confirmed jobs still waiting, and jobs running.
            models.Index(
                fields=["queued_at"],
                name="importjob_waiting_idx",
                condition=models.Q(status="pending", queued_at__isnull=False),
            ),
            models.Index(
                fields=["queued_at"],
                name="importjob_checking_idx",
                condition=models.Q(status="checking"),
            ),
            models.Index(
                fields=["started_at"],
                name="importjob_running_idx",
                condition=models.Q(status="running"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
