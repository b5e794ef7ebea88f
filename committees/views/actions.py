"""The committee's actions, as HTTP endpoints: a member's vote and the chair's close.

They need nothing but the committee, the case's id and the services. The pages these
forms sit on (``pages.py``) post here with ``next``, the page to return to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from models_registry.selectors import initiative_get
from workflow.errors import WorkflowError

from ..forms import CloseForm, VoteForm
from ..selectors import committee_get
from ..services import rounds_close, vote_cast

VOTE_RECORDED = "Đã ghi nhận phiếu {choice} của đồng chí đối với hồ sơ “{case}”."
CLOSED = "Đã kết thúc biểu quyết {count} hồ sơ: {awarded} được công nhận, {others} không."
DECISION = " Quyết định số {number} ngày {date}."
BAD_REQUEST = "Yêu cầu không hợp lệ. Vui lòng tải lại trang."


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _messages(request: HttpRequest, error: WorkflowError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def vote_cast_view(request: HttpRequest, committee_pk: int, case_pk: int) -> HttpResponse:
    committee = committee_get(actor=request.user, pk=committee_pk)
    # Through the scoped selector: a case the member may not see is a 404 like a missing
    # one, never an answer that names its state.
    case = initiative_get(actor=request.user, pk=case_pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(request, case.get_absolute_url())
    try:
        vote_cast(
            actor=request.user,
            committee=committee,
            case=case,
            in_favour=form.in_favour,
            comment=form.cleaned_data["comment"],
        )
    except WorkflowError as error:
        _messages(request, error)
    else:
        choice = "tán thành" if form.in_favour else "không tán thành"
        messages.success(request, VOTE_RECORDED.format(choice=choice, case=case))
    return _back(request, case.get_absolute_url())


@login_required
@require_POST
def rounds_close_view(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = committee_get(actor=request.user, pk=committee_pk)
    form = CloseForm(request.POST)
    fallback = reverse("home")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(request, fallback)
    data = form.cleaned_data
    try:
        result = rounds_close(
            actor=request.user,
            committee=committee,
            round_ids=data["rounds"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            reason=data["reason"],
        )
    except WorkflowError as error:
        _messages(request, error)
        return _back(request, fallback)
    text = CLOSED.format(
        count=len(result.rounds), awarded=len(result.awarded), others=len(result.not_awarded)
    )
    if result.decision is not None:
        text += DECISION.format(
            number=result.decision.number, date=result.decision.date.strftime("%d/%m/%Y")
        )
    messages.success(request, text)
    return _back(request, fallback)
