"""The report requests' pages: the secretariat's list, opening form, compliance table
(and its workbook) and decisions; a unit officer's answers and the answer form.

Thin: validate the form, fetch through a selector that checks access, call one service,
redirect or render. The signed reports go out only through ``answer_file_view``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from models_registry.models import Campaign
from models_registry.served import upload_response
from models_registry.services.progress import max_file_bytes, size_display
from models_registry.views.progress import AttachmentLimitHandler
from units.access import is_secretariat
from units.decorators import secretariat_only
from workflow.errors import WorkflowError

from .exports import XLSX_TYPE, compliance_xlsx
from .forms import ReportAnswerForm, ReportRequestForm, ReturnForm
from .models import NUMBER_FIELDS, OWING, AnswerStatus
from .selectors import (
    answer_get,
    answer_list,
    compliance_rows,
    request_get,
    request_list,
    request_totals,
)
from .services import (
    answer_counted,
    can_answer,
    report_answer_accept,
    report_answer_return,
    report_answer_save,
    report_answer_send,
    report_request_open,
)

OPENED = "Đã mở yêu cầu báo cáo và báo cho {count} đơn vị."
SAVED = "Đã lưu nháp báo cáo. Báo cáo chưa được gửi cho Ban Dân vận."
SENT = "Đã gửi báo cáo cho Ban Dân vận."
SAVED_NOT_SENT = "Đã lưu nháp nhưng chưa gửi được:"
ACCEPTED = "Đã tiếp nhận báo cáo của {unit}."
RETURNED = "Đã trả lại báo cáo cho {unit}."
FIX_BELOW = "Chưa lưu được: vui lòng sửa các lỗi bên dưới."
FILE_GONE = "Tệp không còn trên máy chủ."
# Why an action is unavailable, shown beside its disabled button.
WHY_NOT_EDITABLE = "Báo cáo đã gửi: chỉ sửa được khi Ban Dân vận trả lại."
WHY_NOT_OFFICER = "Chỉ cán bộ của đơn vị mới soạn và gửi được báo cáo này."
WHY_CLOSED = "Kế hoạch năm {year} đã đóng."


# --- the secretariat ---------------------------------------------------------------------


@secretariat_only
def request_list_view(request: HttpRequest) -> HttpResponse:
    campaigns = list(Campaign.objects.order_by("-year"))
    chosen = None
    if request.GET.get("campaign"):
        chosen = next((c for c in campaigns if str(c.pk) == request.GET["campaign"]), None)
    rows = list(request_list(actor=request.user, campaign=chosen))
    return render(
        request,
        "reports/request_list.html",
        {"rows": rows, "campaigns": campaigns, "chosen": chosen, "today": timezone.localdate()},
    )


@secretariat_only
def request_open_view(request: HttpRequest) -> HttpResponse:
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = report_request_open(actor=request.user, **data)
        except WorkflowError as error:
            for message in error.messages:
                form.add_error(None, ValidationError(message))
        else:
            messages.success(request, OPENED.format(count=opened.answers.count()))
            return redirect(opened)
    return render(request, "reports/request_form.html", {"form": form})


@secretariat_only
def request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = request_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    rows = compliance_rows(request=report, today=today)
    return render(
        request,
        "reports/request_detail.html",
        {
            "report": report,
            "rows": rows,
            "totals": request_totals(request=report),
            "number_fields": NUMBER_FIELDS,
            "today": today,
            "closed": report.campaign.is_closed,
            "why_closed": WHY_CLOSED.format(year=report.campaign.year),
            "counts": _counts(rows),
        },
    )


def _counts(rows) -> dict[str, int]:
    counts = {"asked": len(rows), "on_time": 0, "late": 0, "missing": 0, "waiting": 0}
    for row in rows:
        counts[row.timeliness_code] += 1
    counts["accepted"] = sum(1 for row in rows if row.status == AnswerStatus.ACCEPTED)
    return counts


@secretariat_only
def request_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = request_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    data = compliance_xlsx(
        report,
        rows=compliance_rows(request=report, today=today),
        totals=request_totals(request=report),
        today=today,
    )
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-don-vi-{report.pk}.xlsx"'
    return response


@secretariat_only
@require_POST
def answer_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    answer = answer_get(actor=request.user, pk=pk)
    try:
        report_answer_accept(actor=request.user, answer=answer)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ACCEPTED.format(unit=answer.unit.name))
    return redirect(f"{answer.request.get_absolute_url()}#don-vi-{answer.unit_id}")


@secretariat_only
@require_POST
def answer_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    answer = answer_get(actor=request.user, pk=pk)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        report_answer_return(
            actor=request.user, answer=answer, reason=form.cleaned_data.get("reason", "")
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, RETURNED.format(unit=answer.unit.name))
    return redirect(f"{answer.request.get_absolute_url()}#don-vi-{answer.unit_id}")


# --- the units ---------------------------------------------------------------------------


@login_required
def answer_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    answers = list(answer_list(actor=request.user))
    for answer in answers:
        answer.timeliness_code, answer.timeliness_label = answer.timeliness(today)
    return render(
        request,
        "reports/answer_list.html",
        {
            "owing": [a for a in answers if a.status in OWING],
            "done": [a for a in answers if a.status not in OWING],
        },
    )


@login_required
@csrf_exempt  # the token is checked below, once the upload limit is in place
def answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        request.upload_handlers.insert(0, AttachmentLimitHandler(request, limit=max_file_bytes()))
    return _answer(request, pk)


def _initial(answer) -> dict:
    if answer.status == AnswerStatus.NOT_STARTED:
        numbers = answer_counted(answer)
    else:
        numbers = answer.numbers()
    return {**numbers, "results": answer.results, "lessons": answer.lessons,
            "proposals": answer.proposals}  # fmt: skip


@csrf_protect
def _answer(request: HttpRequest, pk: int) -> HttpResponse:
    answer = answer_get(actor=request.user, pk=pk)
    officer = can_answer(request.user, answer)
    closed = answer.request.campaign.is_closed
    editable = officer and answer.status in OWING and not closed
    why_not = []
    if closed:
        why_not.append(WHY_CLOSED.format(year=answer.request.campaign.year))
    if not officer:
        why_not.append(WHY_NOT_OFFICER)
    elif answer.status not in OWING:
        why_not.append(WHY_NOT_EDITABLE)
    if request.method == "POST" and not editable:
        messages.error(request, " ".join(why_not))
        return redirect(answer)
    form = ReportAnswerForm(request.POST or None, request.FILES or None, initial=_initial(answer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = report_answer_save(
                actor=request.user,
                answer=answer,
                numbers={name: data[name] for name in NUMBER_FIELDS},
                results=data["results"],
                lessons=data["lessons"],
                proposals=data["proposals"],
                file=data["file"],
            )
        except WorkflowError as error:
            for message in error.messages:
                form.add_error(None, ValidationError(message))
        else:
            if request.POST.get("action") != "send":
                messages.success(request, SAVED)
                return redirect(saved)
            try:
                report_answer_send(actor=request.user, answer=saved)
            except WorkflowError as error:
                messages.error(request, " ".join([SAVED_NOT_SENT, *error.messages]))
            else:
                messages.success(request, SENT)
            return redirect(saved)
    if request.method == "POST":
        messages.error(request, FIX_BELOW)
    return render(
        request,
        "reports/answer_form.html",
        {
            "answer": answer,
            "report": answer.request,
            "form": form,
            "numbers": [(form[name], (answer.counted or {}).get(name)) for name in NUMBER_FIELDS],
            "editable": editable,
            "why_not": why_not,
            "secretariat": is_secretariat(request.user),
            "timeliness": answer.timeliness(timezone.localdate()),
            "max_file_size": size_display(max_file_bytes()),
        },
    )


@login_required
def answer_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    answer = answer_get(actor=request.user, pk=pk)
    if not answer.file:
        raise Http404("Đơn vị chưa đính kèm tệp.")
    try:
        handle = answer.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(FILE_GONE) from None
    return upload_response(handle, filename=answer.file_name, content_type=answer.file_type)
