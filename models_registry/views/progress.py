"""Pages for following a model: progress reports and their attachments on the case page,
the attachment download, and carrying last year's models over into this year.

Thin: validate the form, fetch through a selector that checks access, call a service.
Attachments are never served from MEDIA_URL: only ``attachment_download_view`` hands them
out, after ``initiative_get`` has checked that the user may see the case.
"""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from units.access import roles_of_user
from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State

from ..forms_progress import ProgressReportForm
from ..models import Initiative, ProgressAttachment
from ..selectors import carry_over_candidates, carry_over_target, initiative_get
from ..served import upload_response
from ..services.carry_over import initiative_carry_over
from ..services.progress import (
    NOTHING_SAVED,
    max_file_bytes,
    max_files,
    progress_report_create,
    progress_report_problems,
    size_display,
)

REPORT_SAVED = "Đã lưu báo cáo tiến độ."
FIX_BELOW = "Báo cáo chưa được lưu: vui lòng sửa các lỗi bên dưới."
CANNOT_REPORT = (
    "Chỉ cán bộ của đơn vị đăng ký mới cập nhật được tiến độ, và chỉ khi mô hình đang triển khai."
)
FILE_GONE = "Tệp không còn trên máy chủ."
CARRIED = (
    "Đã tạo bản nháp năm {year} duy trì, phát triển mô hình “{name}”. "
    "Hãy xem lại nội dung, chỉnh sửa rồi bấm “Gửi đăng ký”."
)
NO_CAMPAIGN = "Chưa có kế hoạch năm nào để duy trì mô hình sang."


class OversizedUpload(UploadedFile):
    """Stands in for a file whose bytes were dropped for being over the limit, so that
    the service can name it in its refusal without the server keeping the bytes."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=None, size=size, charset=None)


class AttachmentLimitHandler(FileUploadHandler):
    """First in line: passes each file's bytes on until the per-file limit, then drops
    the rest and hands over an ``OversizedUpload``. An oversized upload thus costs the
    server at most the limit in memory or temporary disk, whatever its real size."""

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
            return None  # the next handlers never see these bytes
        return raw_data

    def file_complete(self, file_size: int):
        if self.over:
            return OversizedUpload(self.file_name, file_size)
        return None  # let the standard handlers build the file


def can_report(initiative: Initiative, user) -> bool:
    """Whether the page offers ``user`` the report form (the service decides for real)."""
    return initiative.state == State.IN_PROGRESS and Role.UNIT_OFFICER in initiative.roles_of(user)


def upload_limits() -> dict:
    return {"max_file_size": size_display(max_file_bytes()), "max_files": max_files()}


@login_required
@csrf_exempt  # the token is checked below, once the upload limit is in place
def progress_report_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        request.upload_handlers.insert(0, AttachmentLimitHandler(request, limit=max_file_bytes()))
    return _progress_report_create(request, pk)


@csrf_protect
def _progress_report_create(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_get(actor=request.user, pk=pk)
    if not can_report(initiative, request.user):
        messages.error(request, CANNOT_REPORT)
        return redirect(initiative)
    posted = request.method == "POST"
    # Bound on every POST, an empty one too: it is then refused field by field.
    form = ProgressReportForm(request.POST, request.FILES) if posted else ProgressReportForm()
    if posted and _all_problems_at_their_fields(form, initiative):
        data = form.cleaned_data
        try:
            progress_report_create(
                actor=request.user,
                initiative=initiative,
                kind=data["kind"],
                report_date=data["report_date"],
                achievements=data["achievements"],
                percent_complete=data["percent_complete"],
                files=data["files"],
            )
        except WorkflowError as error:
            for message in error.messages:
                form.add_error(None, ValidationError(message))
            form.add_error(None, ValidationError(NOTHING_SAVED))
        else:
            messages.success(request, REPORT_SAVED)
            return redirect(f"{initiative.get_absolute_url()}#tien-do")
    if posted:
        messages.error(request, FIX_BELOW)
    return render(
        request,
        "models_registry/progress_form.html",
        {"initiative": initiative, "form": form, **upload_limits()},
    )


def _all_problems_at_their_fields(form: ProgressReportForm, initiative: Initiative) -> bool:
    """Validate ``form`` and, in the same round, ask the service what it would refuse in
    the values the form could read: every problem shows at once, at its field (one the
    form already faulted keeps the form's message). Whether none was found."""
    form.is_valid()
    data = form.cleaned_data
    problems = progress_report_problems(
        initiative=initiative,
        kind=data.get("kind", ""),
        report_date=data.get("report_date"),
        achievements=data.get("achievements", ""),
        percent_complete=data.get("percent_complete"),
        files=data.get("files", []),
    )
    added = False
    for name, found in problems.items():
        if not form.has_error(name):
            added = True
            for message in found:
                form.add_error(name, ValidationError(message))
    if added and "files" in problems:  # said at the top too: no file was kept either
        form.add_error(None, ValidationError(NOTHING_SAVED))
    return form.is_valid()


@login_required
def attachment_download_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    initiative = initiative_get(actor=request.user, pk=pk)
    attachment = (
        ProgressAttachment.objects.filter(pk=attachment_pk, report__initiative=initiative)
        .only("file", "original_name", "content_type")
        .first()
    )
    if attachment is None:
        raise Http404("Không tìm thấy tệp.")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(FILE_GONE) from None
    # Never rendered in our origin, never guessed into something else, never cached
    # where another user could pick it up.
    return upload_response(
        handle, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
def carry_over_list_view(request: HttpRequest) -> HttpResponse:
    target = carry_over_target()
    source_campaign, candidates = carry_over_candidates(actor=request.user, campaign=target)
    page = Paginator(candidates, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "models_registry/carry_over_list.html",
        {
            "target": target,
            "source_campaign": source_campaign,
            "page": page,
            "is_officer": Role.UNIT_OFFICER in roles_of_user(request.user),
        },
    )


@login_required
@require_POST
def initiative_carry_over_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = initiative_get(actor=request.user, pk=pk)
    target = carry_over_target()
    if target is None:
        messages.error(request, NO_CAMPAIGN)
        return redirect("models_registry:carry_over_list")
    try:
        draft = initiative_carry_over(actor=request.user, source=source, campaign=target)
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
        if request.POST.get("back") == "detail":
            return redirect(source)
        return redirect("models_registry:carry_over_list")
    messages.success(request, CARRIED.format(year=target.year, name=draft.name))
    return redirect("models_registry:initiative_edit", pk=draft.pk)
