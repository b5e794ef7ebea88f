"""Inspection pages. Thin: shape the input with a form, read through a selector that
checks access, call one service, then redirect or render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from models_registry.models import Campaign, Initiative, Subject
from models_registry.selectors import initiative_get, initiative_list
from models_registry.served import upload_response
from units.access import is_inspector, is_secretariat
from workflow.errors import WorkflowError
from workflow.lifecycle import State

from . import exports, selectors
from .documents import DOCX_TYPE, visit_record_docx, visit_record_filename
from .forms import (
    CampaignChoiceForm,
    CancelForm,
    CriterionForm,
    MoveForm,
    ReinspectionForm,
    ScheduleForm,
    VisitForm,
)
from .models import Criterion, FieldVisit, VisitAttachment
from .permissions import on_team
from .services import criteria as criteria_services
from .services.scheduling import (
    inspection_cancel,
    inspection_move,
    inspection_schedule,
    reinspection_request,
)
from .services.visits import VisitInput, visit_complete, visit_criteria, visit_save_draft

ONLY_SECRETARIAT = "Trang này dành cho Ban Dân vận."
NOT_TEAM = "Chỉ thành viên đoàn kiểm tra của đợt này mới được ghi biên bản."
FIX_BELOW = "Chưa lưu được: vui lòng xem các lỗi bên dưới."
FILES_AGAIN = "Nếu đã chọn ảnh hoặc tài liệu, vui lòng chọn lại trước khi lưu."
SCHEDULED = "Đã lên lịch kiểm tra {count} mô hình ngày {date}; đã gửi thông báo tới đơn vị và đoàn."
MOVED = "Đã dời lịch kiểm tra sang ngày {date}; đã thông báo tới đơn vị và đoàn."
CANCELLED = "Đã hủy đợt kiểm tra; đã thông báo tới đơn vị và đoàn."
DRAFT_SAVED = "Đã lưu nháp biên bản. Có thể tiếp tục hoàn thành sau."
COMPLETED = "Đã hoàn thành biên bản kiểm tra; hồ sơ chuyển sang “Đã kiểm tra”."
ALREADY_COMPLETED = "Biên bản của đợt kiểm tra này đã hoàn thành."
REINSPECTION = "Đã yêu cầu kiểm tra lại; mô hình đang chờ Ban Dân vận lên lịch."
CRITERION_SAVED = "Đã lưu tiêu chí."
CRITERION_DELETED = "Đã xóa tiêu chí."
WARNINGS_TITLE = "Vui lòng xem các cảnh báo sau trước khi xác nhận:"


def _errors_to_form(form, error: WorkflowError) -> None:
    for message in error.messages:
        form.add_error(None, ValidationError(message))


def _deny(request: HttpRequest, message: str = ONLY_SECRETARIAT) -> HttpResponse:
    messages.error(request, message)
    return redirect("models_registry:initiative_list")


def _days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", ""))
    except ValueError:
        return settings.INSPECTION_DUE_WITHIN_DAYS
    return min(max(days, 0), 3650)


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    if is_secretariat(request.user):
        return redirect("inspections:to_inspect")
    return redirect("inspections:mine")


# --- the secretariat: propose, schedule, move, cancel ---------------------------------


@login_required
def to_inspect_view(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        return _deny(request)
    days = _days(request)
    today = timezone.localdate()
    group_by = request.GET.get("group", "")
    group_by = group_by if group_by in selectors.GROUPINGS else "ward"
    board = selectors.to_inspect_board(
        actor=request.user,
        today=today,
        within_days=days,
        group_by=group_by,
        ward=request.GET.get("ward", "")[:20],
        unit=request.GET.get("unit", "")[:20],
    )
    form = ScheduleForm(cases=Initiative.objects.none(), inspectors=selectors.inspectors())
    return render(
        request,
        "inspections/to_inspect.html",
        {
            "board": board,
            "groupings": selectors.GROUPINGS,
            "group_by": group_by,
            "group_label": selectors.GROUPINGS[group_by],
            "ward": request.GET.get("ward", ""),
            "unit": request.GET.get("unit", ""),
            "days": days,
            "today": today,
            "form": form,
        },
    )


def _schedulable(user):
    return initiative_list(actor=user).filter(state=State.IN_PROGRESS)


@login_required
def schedule_view(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        return _deny(request)
    schedulable = _schedulable(request.user)
    if request.method == "POST":
        form = ScheduleForm(request.POST, cases=schedulable, inspectors=selectors.inspectors())
    else:
        form = ScheduleForm(
            initial={"cases": request.GET.getlist("cases")},
            cases=schedulable,
            inspectors=selectors.inspectors(),
        )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = inspection_schedule(
                actor=request.user,
                cases=data["cases"],
                planned_date=data["planned_date"],
                team=list(data["team"]),
                lead=data["lead"],
                place=data["place"],
                round_label=data["round_label"],
                confirm=data["confirm"],
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            if not result.needs_confirmation:
                messages.success(
                    request,
                    SCHEDULED.format(
                        count=len(result.inspections),
                        date=data["planned_date"].strftime("%d/%m/%Y"),
                    ),
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect("inspections:calendar")
            warnings = result.warnings
            data_copy = request.POST.copy()
            data_copy["confirm"] = "True"
            form = ScheduleForm(data_copy, cases=schedulable, inspectors=selectors.inspectors())
            form.is_valid()
    selected_ids = [str(v) for v in (form["cases"].value() or [])]
    selected = list(
        schedulable.filter(pk__in=[int(v) for v in selected_ids if str(v).isdigit()]).order_by(
            "end_date", "pk"
        )
    )
    return render(
        request,
        "inspections/schedule.html",
        {"form": form, "selected": selected, "warnings": warnings},
    )


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        return _deny(request)
    campaigns = list(Campaign.objects.order_by("-year"))
    campaign = next(
        (c for c in campaigns if str(c.pk) == request.GET.get("campaign")),
        campaigns[0] if campaigns else None,
    )
    round_label = request.GET.get("round", "").strip()
    inspections = list(
        selectors.inspections_calendar(
            actor=request.user, campaign=campaign, round_label=round_label
        )
    )
    return render(
        request,
        "inspections/calendar.html",
        {
            "inspections": inspections,
            "campaigns": campaigns,
            "campaign": campaign,
            "round_label": round_label,
            "rounds": selectors.round_labels(campaign=campaign),
            "today": timezone.localdate(),
        },
    )


@login_required
def move_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_secretariat(request.user):
        return _deny(request)
    inspection = selectors.inspection_get(actor=request.user, pk=pk)
    form = MoveForm(request.POST or None, initial={"place": inspection.place})
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = inspection_move(
                actor=request.user,
                inspection=inspection,
                planned_date=data["planned_date"],
                reason=data["reason"],
                place=data["place"],
                confirm=data["confirm"],
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            if not result.needs_confirmation:
                messages.success(
                    request, MOVED.format(date=data["planned_date"].strftime("%d/%m/%Y"))
                )
                return redirect("inspections:calendar")
            warnings = result.warnings
            data_copy = request.POST.copy()
            data_copy["confirm"] = "True"
            form = MoveForm(data_copy)
            form.is_valid()
    return render(
        request,
        "inspections/move.html",
        {"form": form, "inspection": inspection, "warnings": warnings},
    )


@login_required
def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_secretariat(request.user):
        return _deny(request)
    inspection = selectors.inspection_get(actor=request.user, pk=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_cancel(
                actor=request.user, inspection=inspection, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, CANCELLED)
            return redirect("inspections:calendar")
    return render(request, "inspections/cancel.html", {"form": form, "inspection": inspection})


@login_required
@require_POST
def reinspect_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = initiative_get(actor=request.user, pk=case_pk)
    form = ReinspectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Vui lòng ghi rõ lý do yêu cầu kiểm tra lại.")
        return redirect(case)
    try:
        reinspection_request(
            actor=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            expected_state=form.cleaned_data["expected_state"],
        )
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, REINSPECTION)
    return redirect(case)


# --- the inspector: my inspections, the visit record ----------------------------------


@login_required
def mine_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    inspections = list(selectors.inspections_of_inspector(actor=request.user, today=today))
    return render(
        request,
        "inspections/mine.html",
        {"inspections": inspections, "today": today, "is_inspector": is_inspector(request.user)},
    )


def _visit_initial(visit: FieldVisit | None) -> dict:
    if visit is None:
        return {"visit_date": timezone.localdate()}
    initial = {
        "visit_date": visit.visit_date,
        "people_met": visit.people_met,
        "findings": visit.findings,
        "verdict": visit.verdict,
        "recommended_level": visit.recommended_level_id,
    }
    for score in visit.scores.all():
        initial[f"score_{score.criterion_id}"] = str(score.points)
    return initial


@login_required
def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(actor=request.user, pk=pk)
    if not on_team(inspection, request.user):
        return _deny(request, NOT_TEAM)
    visit = getattr(inspection, "visit", None)
    if visit is not None and visit.is_completed:
        messages.info(request, ALREADY_COMPLETED)
        return redirect(inspection.case)
    criteria = visit_criteria(inspection)
    form = VisitForm(
        request.POST or None,
        initial=_visit_initial(visit),
        criteria=criteria,
        levels=inspection.case.campaign.levels.order_by("rank"),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            service = (
                visit_complete if request.POST.get("action") == "complete" else visit_save_draft
            )
            try:
                service(
                    actor=request.user,
                    inspection=inspection,
                    data=VisitInput(
                        visit_date=data["visit_date"],
                        people_met=data["people_met"],
                        findings=data["findings"],
                        scores=form.scores,
                        verdict=data["verdict"],
                        recommended_level=data["recommended_level"],
                    ),
                    files=request.FILES.getlist("files"),
                )
            except WorkflowError as error:
                _errors_to_form(form, error)
            else:
                if service is visit_complete:
                    messages.success(request, COMPLETED)
                    return redirect(inspection.case)
                messages.success(request, DRAFT_SAVED)
                return redirect("inspections:visit", pk=inspection.pk)
        messages.error(request, FIX_BELOW)
        if request.FILES:
            messages.info(request, FILES_AGAIN)
        status = 400
    max_total = sum(criterion.max_points for criterion in criteria)
    return render(
        request,
        "inspections/visit_form.html",
        {
            "form": form,
            "inspection": inspection,
            "visit": visit,
            "max_total": max_total,
            "upload_limit_mb": settings.INSPECTION_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
def attachment_view(request: HttpRequest, pk: int, thumbnail: bool = False) -> FileResponse:
    attachment = get_object_or_404(
        VisitAttachment.objects.select_related("visit__inspection"), pk=pk
    )
    # Seen by whoever may see the case; a draft's files only by the team and secretariat.
    inspection = selectors.inspection_get(actor=request.user, pk=attachment.visit.inspection_id)
    if not attachment.visit.is_completed and not (
        on_team(inspection, request.user) or is_secretariat(request.user)
    ):
        raise Http404("Không tìm thấy tệp.")
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404("Không tìm thấy tệp.")
    # Like every upload: sandboxed, never sniffed, never cached; a photo may show on the
    # page (inline), a PDF only downloads.
    return upload_response(
        stored.open("rb"),
        content_type="image/jpeg" if thumbnail else attachment.content_type,
        filename=attachment.original_name,
        inline=thumbnail or attachment.is_image,
    )


# --- results ----------------------------------------------------------------------------


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("campaign", "")
    # A campaign id is digits; anything else names no campaign (404, never a 500).
    campaign = get_object_or_404(
        Campaign, pk=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0
    )
    round_label = request.GET.get("round", "").strip()
    content = exports.results_xlsx(actor=request.user, campaign=campaign, round_label=round_label)
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    filename = exports.results_filename(campaign=campaign, round_label=round_label)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def visit_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit record as Word, for whoever sees the visit on the case page: a completed
    visit for those who see the inspection, a draft for its team and the secretariat."""
    inspection = selectors.inspection_get(actor=request.user, pk=pk)
    visit = getattr(inspection, "visit", None)
    team_or_office = on_team(inspection, request.user) or is_secretariat(request.user)
    if not (team_or_office or (visit is not None and visit.is_completed)):
        raise Http404("Không tìm thấy biên bản kiểm tra.")
    response = HttpResponse(visit_record_docx(inspection=inspection), content_type=DOCX_TYPE)
    filename = visit_record_filename(inspection)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- criteria ---------------------------------------------------------------------------


def _criterion_fields(form: CriterionForm) -> dict:
    """What the secretariat may set on a criterion, as the criteria services take it."""
    return {key: form.cleaned_data[key] for key in ("name", "max_points", "description", "order")}


@login_required
def criteria_view(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        return _deny(request)
    chooser = CampaignChoiceForm(request.GET or None)
    campaign = (
        chooser.cleaned_data["campaign"]
        if chooser.is_valid()
        else Campaign.objects.order_by("-year").first()
    )
    form = CriterionForm(request.POST or None, initial={"subject": Subject.COLLECTIVE})
    if request.method == "POST" and campaign is not None and form.is_valid():
        try:
            criteria_services.criterion_create(
                actor=request.user,
                campaign=campaign,
                subject=form.cleaned_data["subject"],
                **_criterion_fields(form),
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, CRITERION_SAVED)
            return redirect(f"{reverse('inspections:criteria')}?campaign={campaign.pk}")
    criteria = list(selectors.criteria_of(campaign=campaign)) if campaign else []
    groups = [(subject.label, [c for c in criteria if c.subject == subject]) for subject in Subject]
    return render(
        request,
        "inspections/criteria.html",
        {"campaign": campaign, "chooser": chooser, "groups": groups, "form": form},
    )


@login_required
def criterion_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_secretariat(request.user):
        return _deny(request)
    criterion = get_object_or_404(Criterion.objects.select_related("campaign"), pk=pk)
    back = f"{reverse('inspections:criteria')}?campaign={criterion.campaign_id}"
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            criteria_services.criterion_delete(actor=request.user, criterion=criterion)
        except WorkflowError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("inspections:criterion_edit", pk=pk)
        messages.success(request, CRITERION_DELETED)
        return redirect(back)
    # A copy for the form: validating writes the posted values into its instance, and the
    # service compares them with the criterion as stored.
    form = CriterionForm(request.POST or None, instance=Criterion.objects.get(pk=pk))
    form.fields["subject"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            criteria_services.criterion_update(
                actor=request.user, criterion=criterion, **_criterion_fields(form)
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, CRITERION_SAVED)
            return redirect(back)
    return render(
        request,
        "inspections/criterion_form.html",
        {"form": form, "criterion": criterion, "back": back},
    )
