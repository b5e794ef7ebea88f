"""Pages for registered models: list, detail with timeline, create and edit, transitions.

Thin: validate the form, fetch through a selector that checks access, call a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from units.access import is_secretariat, roles_of_user, sees_everything, units_for_officer
from workflow.errors import WorkflowError
from workflow.lifecycle import TRANSITIONS, Role, State
from workflow.services import transition_apply, transition_blockers, transitions_available

from ..filters import InitiativeFilter
from ..forms import InitiativeForm, TransitionForm
from ..models import Campaign, CampaignStatus
from ..selectors import initiative_get, initiative_list, initiative_rows
from ..services.initiatives import (
    initiative_create,
    initiative_discard,
    initiative_discard_blockers,
    initiative_update,
)
from ..timeline import case_timeline

DONE = {
    "submit": "Đã gửi đăng ký.",
    "return_for_revision": "Đã trả lại hồ sơ để đơn vị chỉnh sửa.",
    "start": "Hồ sơ đã chuyển sang “Đang triển khai”.",
    "withdraw": "Đã rút đăng ký.",
}
SAVED = "Đã lưu bản nháp."
CREATED = "Đã tạo bản nháp. Kiểm tra lại rồi bấm “Gửi đăng ký” khi sẵn sàng."
DISCARDED = "Đã xoá bản nháp “{name}”."
FIX_BELOW = "Chưa lưu được: vui lòng sửa các lỗi bên dưới."
ONLY_DRAFTS_BY_UNIT = "Chỉ cán bộ đơn vị đăng ký mới sửa được hồ sơ, và chỉ khi hồ sơ là bản nháp."


def _can_edit(initiative, user) -> bool:
    return initiative.state == State.DRAFT and Role.UNIT_OFFICER in initiative.roles_of(user)


def _service_errors_to_form(form, error: WorkflowError) -> None:
    for message in error.messages:
        form.add_error(None, ValidationError(message))


@login_required
def initiative_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_officer = Role.UNIT_OFFICER in roles_of_user(user)
    # Offer only the officer's own units, unless another role lets them see every unit.
    filterset = InitiativeFilter(
        request.GET or None,
        queryset=initiative_list(actor=user),
        units=units_for_officer(user) if is_officer and not sees_everything(user) else None,
        request=request,
    )
    page = Paginator(initiative_rows(filterset.qs), settings.CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "models_registry/initiative_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_create": is_officer,
            # As ``import_allowed`` rules (docs/bieu-mau.md), without its query: officers
            # import for their units, the Ban Dân vận records drafts for any unit.
            "can_import": is_officer or is_secretariat(user),
        },
    )


@login_required
def initiative_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    initiative = initiative_get(actor=user, pk=pk)
    timeline = case_timeline(case=initiative, actor=user)
    actions = transitions_available(case=initiative, actor=user)
    can_edit = _can_edit(initiative, user)
    today = timezone.localdate()
    campaign = initiative.campaign
    submit = discard = None
    if initiative.state == State.DRAFT:
        # Shown even when it cannot be taken, with the service's own reasons.
        submit = {
            "spec": TRANSITIONS["submit"],
            "blockers": transition_blockers(case=initiative, name="submit", actor=user),
        }
        actions = [action for action in actions if action.name != "submit"]
        if timeline.returned is None:
            discard = {"blockers": initiative_discard_blockers(actor=user, initiative=initiative)}
    return render(
        request,
        "models_registry/initiative_detail.html",
        {
            "initiative": initiative,
            "timeline": timeline,
            "returned": timeline.returned,
            "actions": actions,
            "submit": submit,
            "discard": discard,
            "can_edit": can_edit,
            # What a return now would allow the unit (shown on the return form).
            "past_deadline": today > campaign.registration_deadline,
            "resubmit_until": campaign.resubmit_until(returned_on=today),
            "resubmit_expired": bool(
                initiative.resubmit_until and today > initiative.resubmit_until
            ),
        },
    )


@login_required
def initiative_create_view(request: HttpRequest) -> HttpResponse:
    units = units_for_officer(request.user)
    if not units.exists():
        messages.error(request, "Chỉ cán bộ đơn vị mới đăng ký được mô hình.")
        return redirect("models_registry:initiative_list")
    form = InitiativeForm(
        request.POST or None,
        units=units,
        initial={
            "campaign": Campaign.objects.filter(status=CampaignStatus.OPEN)
            .order_by("-year")
            .first()
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = initiative_create(
                actor=request.user, campaign=form.cleaned_data["campaign"], **form.service_data
            )
        except WorkflowError as error:
            _service_errors_to_form(form, error)
        else:
            messages.success(request, CREATED)
            return redirect(initiative)
    if request.method == "POST":
        messages.error(request, FIX_BELOW)
    return render(request, "models_registry/initiative_form.html", {"form": form})


@login_required
def initiative_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_get(actor=request.user, pk=pk)
    if not _can_edit(initiative, request.user):
        messages.error(request, ONLY_DRAFTS_BY_UNIT)
        return redirect(initiative)
    form = InitiativeForm(
        request.POST or None, instance=initiative, units=units_for_officer(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative_update(
                actor=request.user,
                initiative=initiative_get(actor=request.user, pk=pk),
                **form.service_data,
            )
        except WorkflowError as error:
            _service_errors_to_form(form, error)
        else:
            messages.success(request, SAVED)
            return redirect(initiative)
    if request.method == "POST":
        messages.error(request, FIX_BELOW)
    return render(
        request,
        "models_registry/initiative_form.html",
        {"form": form, "initiative": initiative},
    )


@login_required
@require_POST
def initiative_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_get(actor=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Yêu cầu không hợp lệ. Vui lòng tải lại trang.")
        return redirect(initiative)
    name = form.cleaned_data["transition"]
    try:
        transition_apply(
            case=initiative,
            name=name,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_state=form.cleaned_data["expected_state"],
        )
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, DONE.get(name, f"Đã thực hiện “{TRANSITIONS[name].label}”."))
    return redirect(initiative)


@login_required
@require_POST
def initiative_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_get(actor=request.user, pk=pk)
    try:
        initiative_discard(actor=request.user, initiative=initiative)
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(initiative)
    messages.success(request, DISCARDED.format(name=initiative.name))
    return redirect("models_registry:initiative_list")
