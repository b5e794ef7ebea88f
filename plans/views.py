"""The secretariat's pages for the yearly plan and the deadline extensions.

Thin: check the user is the secretariat (anyone else gets a 404: these pages do not
exist for them), validate the form, call one service, redirect or render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from models_registry.models import Campaign, DeadlineExtension
from units.decorators import secretariat_only
from workflow.errors import WorkflowError

from . import selectors, services
from .forms import CampaignCreateForm, CampaignForm, ExtensionForm, ReasonForm

CREATED = "Đã lập kế hoạch năm {year} ({levels} cấp, {criteria} tiêu chí, {committees} hội đồng). Kiểm tra lại rồi bấm “Mở kế hoạch” để các đơn vị đăng ký."
SAVED = "Đã lưu kế hoạch."
OPENED = "Đã mở kế hoạch năm {year}: các đơn vị đăng ký được từ bây giờ."
CLOSED_DONE = "Đã đóng kế hoạch năm {year}."
GRANTED = "Đã gia hạn cho “{unit}” đến hết ngày {until}; đơn vị sẽ nhận được thông báo."
REVOKED = "Đã thu hồi gia hạn của “{unit}”."
FIX_BELOW = "Chưa lưu được: vui lòng sửa các lỗi bên dưới."
READ_ONLY = "Kế hoạch năm {year} đã đóng nên chỉ xem được, không sửa được."


def _errors_to_form(form, error: WorkflowError) -> None:
    for message in error.messages:
        form.add_error(None, ValidationError(message))


@secretariat_only
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaign_list())
    return render(request, "plans/campaign_list.html", {"campaigns": campaigns})


@secretariat_only
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    source = None
    if source_pk := request.GET.get("tu"):
        source = Campaign.objects.filter(pk=source_pk).first()
    source = source or selectors.campaign_latest()
    if source is None:
        raise Http404
    initial = services.campaign_draft_from(source)
    initial["levels"] = "\n".join(initial["levels"])
    form = CampaignCreateForm(request.POST or None, initial={**initial, "source": source})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.campaign_create_from(
                actor=request.user,
                source=data["source"],
                year=data["year"],
                levels=data["levels"],
                copy_criteria=data["copy_criteria"],
                copy_committees=data["copy_committees"],
                **form.service_data,
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                CREATED.format(
                    year=result.campaign.year,
                    levels=len(result.levels),
                    criteria=result.criteria,
                    committees=result.committees,
                ),
            )
            return redirect("plans:campaign_detail", pk=result.campaign.pk)
    if request.method == "POST":
        messages.error(request, FIX_BELOW)
    return render(request, "plans/campaign_form.html", {"form": form, "source": source})


@secretariat_only
def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    return render(
        request,
        "plans/campaign_detail.html",
        {
            "campaign": campaign,
            **selectors.campaign_parts(campaign),
            "reason_form": ReasonForm(),
            "extension_count": selectors.extension_list(
                campaign=campaign, include_revoked=False
            ).count(),
        },
    )


@secretariat_only
def campaign_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    if campaign.is_closed:
        messages.error(request, READ_ONLY.format(year=campaign.year))
        return redirect("plans:campaign_detail", pk=pk)
    form = CampaignForm(request.POST or None, instance=Campaign.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=request.user,
                campaign=campaign,
                levels=form.cleaned_data["levels"],
                **form.service_data,
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, SAVED)
            return redirect("plans:campaign_detail", pk=pk)
    if request.method == "POST":
        messages.error(request, FIX_BELOW)
    return render(request, "plans/campaign_form.html", {"form": form, "campaign": campaign})


def _status_view(service, done: str):
    @secretariat_only
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(Campaign, pk=pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            service(actor=request.user, campaign=campaign, reason=reason)
        except WorkflowError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done.format(year=campaign.year))
        return redirect("plans:campaign_detail", pk=pk)

    return view


campaign_open_view = _status_view(services.campaign_open, OPENED)
campaign_close_view = _status_view(services.campaign_close, CLOSED_DONE)


@secretariat_only
def extension_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    today = timezone.localdate()
    form = ExtensionForm(request.POST or None, today=today)
    if request.method == "POST" and campaign.is_closed:
        messages.error(request, READ_ONLY.format(year=campaign.year))
        return redirect("plans:extension_list", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.extension_grant(
                actor=request.user, campaign=campaign, **form.cleaned_data
            )
        except WorkflowError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                GRANTED.format(
                    unit=extension.unit.name, until=extension.until.strftime("%d/%m/%Y")
                ),
            )
            return redirect("plans:extension_list", pk=pk)
    if request.method == "POST":
        messages.error(request, FIX_BELOW)
    return render(
        request,
        "plans/extension_list.html",
        {
            "campaign": campaign,
            "extensions": list(selectors.extension_list(campaign=campaign)),
            "form": form,
            "reason_form": ReasonForm(),
            "today": today,
            "past_deadline": today > campaign.registration_deadline,
        },
    )


@secretariat_only
@require_POST
def extension_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(DeadlineExtension.objects.select_related("unit"), pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.extension_revoke(actor=request.user, extension=extension, reason=reason)
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, REVOKED.format(unit=extension.unit.name))
    return redirect("plans:extension_list", pk=extension.campaign_id)
