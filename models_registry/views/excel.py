"""Pages for the registration form (biểu mẫu): upload → checking (a worker reads the
file) → preview → confirm → progress → result, and the Excel export of any filtered
list.

Thin: validate the form, fetch through a selector that checks access, call a service."""

import io
import os
import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from units.access import roles_of_user, units_for_officer
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

from ..filters import InitiativeFilter
from ..models import Campaign, ImportStatus
from ..selectors import initiative_list
from ..services.bieu_mau import (
    import_allowed,
    import_job_confirm,
    import_job_create,
    import_job_get,
    import_job_list,
    max_upload_bytes,
    registrations_export,
)

PREVIEW_ROWS_PER_PAGE = 100
PROGRESS_REFRESH_SECONDS = 2
PROBLEMS_LISTED = 500

NOT_ALLOWED = "Chỉ cán bộ đơn vị và Ban Dân vận mới nhập được biểu mẫu."
CHECK_BELOW = "Chưa nhập được tệp: vui lòng xem lỗi bên dưới."
CONFIRMED_NOW = "Đã nhập xong biểu mẫu."
CONFIRMED_LATER = "Biểu mẫu đang được nhập; trang này tự cập nhật."
FILTER_INVALID = "Bộ lọc không hợp lệ; vui lòng chọn lại rồi xuất Excel."

MODE_DRAFT = "draft"
MODE_SUBMIT = "submit"


class ImportUploadForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label="Kế hoạch năm", queryset=Campaign.objects.order_by("-year"), empty_label=None
    )
    file = forms.FileField(
        label="Tệp biểu mẫu (.xlsx, .xls hoặc .ods)",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": (
                    ".xlsx,.xls,.ods,"
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                    "application/vnd.ms-excel,"
                    "application/vnd.oasis.opendocument.spreadsheet"
                )
            }
        ),
    )
    mode = forms.ChoiceField(
        label="Sau khi nhập",
        choices=[
            (MODE_DRAFT, "Lưu dưới dạng bản nháp (kiểm tra lại rồi gửi sau)"),
            (MODE_SUBMIT, "Gửi đăng ký luôn"),
        ],
        initial=MODE_DRAFT,
        widget=forms.RadioSelect,
    )


class _CutShort(UploadedFile):
    """Stands in for an upload whose bytes beyond the limit were dropped: the service
    refuses it by its real size, and the server never held more than the limit."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=None, size=size, charset=None)


class _UploadLimit(FileUploadHandler):
    """First in line: passes bytes on up to the limit, then drops the rest."""

    def __init__(self, request=None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.over = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int):
        if self.over or start + len(raw_data) > self.limit:
            self.over = True
            return None
        return raw_data

    def file_complete(self, file_size: int):
        if self.over:
            return _CutShort(self.file_name, file_size)
        return None


@login_required
@csrf_exempt
def import_upload_view(request: HttpRequest) -> HttpResponse:
    # The limit handler must be in place before the body is read, which the CSRF check
    # would do; the check runs right after, in the protected inner view.
    request.upload_handlers.insert(0, _UploadLimit(request, limit=max_upload_bytes()))
    return _import_upload(request)


@csrf_protect
def _import_upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not import_allowed(user):
        messages.error(request, NOT_ALLOWED)
        return redirect("models_registry:initiative_list")
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"campaign": Campaign.objects.order_by("-year").first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=user,
                campaign=form.cleaned_data["campaign"],
                upload=form.cleaned_data["file"],
                as_drafts=form.cleaned_data["mode"] == MODE_DRAFT,
            )
        except WorkflowError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect("models_registry:import_preview", pk=job.pk)
    if request.method == "POST":
        messages.error(request, CHECK_BELOW)
    return render(
        request,
        "models_registry/import_upload.html",
        {
            "form": form,
            "jobs": import_job_list(actor=user),
            "limit_mb": max_upload_bytes() // (1024 * 1024),
        },
    )


@login_required
def import_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_get(actor=request.user, pk=pk)
    if job.status == ImportStatus.CHECKING:
        # A worker is checking and reading the file (import_job_check); the page reloads
        # itself until the preview is ready. Only reads: a lost check is queued again by
        # the beat (import_jobs_requeue), never by a page load.
        response = render(
            request,
            "models_registry/import_checking.html",
            {"job": job, "refresh": PROGRESS_REFRESH_SECONDS},
        )
        response["Refresh"] = str(PROGRESS_REFRESH_SECONDS)
        return response
    if job.confirmed_at:
        return redirect(
            "models_registry:import_result"
            if job.finished_at
            else "models_registry:import_progress",
            pk=job.pk,
        )
    page = Paginator(job.preview_rows, PREVIEW_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    problems = job.problems
    return render(
        request,
        "models_registry/import_preview.html",
        {
            "job": job,
            # Every problem is also shown on its row below (paged); the summary stops
            # short of a page too long to open on a phone.
            "problems": problems[:PROBLEMS_LISTED],
            "problems_total": len(problems),
            "page": page,
            "can_confirm": job.status == ImportStatus.PENDING,
            # The worker refused the file as a whole: only its messages are shown.
            "refused": job.status == ImportStatus.FAILED and not job.preview_rows,
        },
    )


@login_required
@require_POST
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_get(actor=request.user, pk=pk)
    try:
        job = import_job_confirm(actor=request.user, job=job)
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("models_registry:import_preview", pk=job.pk)
    if job.finished_at:
        if job.status == ImportStatus.DONE:
            messages.success(request, CONFIRMED_NOW)
        return redirect("models_registry:import_result", pk=job.pk)
    messages.info(request, CONFIRMED_LATER)
    return redirect("models_registry:import_progress", pk=job.pk)


@login_required
def import_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_get(actor=request.user, pk=pk)
    if not job.confirmed_at:
        return redirect("models_registry:import_preview", pk=job.pk)
    if job.finished_at:
        return redirect("models_registry:import_result", pk=job.pk)
    # Only reads: a job whose message was lost is queued again by the beat
    # (import_jobs_requeue), never by a page load.
    percent = int(100 * job.rows_done / job.rows_total) if job.rows_total else 0
    response = render(
        request,
        "models_registry/import_progress.html",
        {"job": job, "percent": percent, "refresh": PROGRESS_REFRESH_SECONDS},
    )
    # The page reloads itself (no JavaScript): the header and the page's meta tag.
    response["Refresh"] = str(PROGRESS_REFRESH_SECONDS)
    return response


@login_required
def import_result_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_get(actor=request.user, pk=pk)
    if not job.finished_at or not job.confirmed_at:
        return redirect("models_registry:import_progress", pk=job.pk)
    return render(
        request,
        "models_registry/import_result.html",
        {
            "job": job,
            "outcome": job.outcome,
            "problems": job.problems,
            "problems_total": job.problems_count,
        },
    )


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    """The list page's filters, as the official form: the same filter set over the same
    scoped list, so the file holds exactly the cases the list shows."""
    user = request.user
    is_officer = Role.UNIT_OFFICER in roles_of_user(user)
    filterset = InitiativeFilter(
        request.GET or None,
        queryset=initiative_list(actor=user),
        units=units_for_officer(user) if is_officer and not user.is_superuser else None,
        request=request,
    )
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, FILTER_INVALID)
        return redirect("models_registry:initiative_list")
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    campaign = cleaned.get("campaign")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (handed to the response)
        suffix=".xlsx", dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False
    )
    handle.close()
    try:
        registrations_export(
            actor=user,
            queryset=filterset.qs,
            destination=handle.name,
            unit=cleaned.get("unit"),
            campaign=campaign,
        )
        stream = open(handle.name, "rb")  # noqa: SIM115  (FileResponse closes it)
    finally:
        # The open handle keeps the bytes readable; the name is gone at once.
        os.unlink(handle.name)
    filename = f"bieu-mau-dang-ky-{campaign.year if campaign else 'tat-ca'}.xlsx"
    return FileResponse(stream, as_attachment=True, filename=filename)
