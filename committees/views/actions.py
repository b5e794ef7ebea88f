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
from ..services import (
    DATE_REQUIRED,
    NUMBER_REQUIRED,
    NUMBER_TAKEN,
    rounds_close,
    vote_cast,
)
from .pages import chair_page

VOTE_RECORDED = "Đã ghi nhận phiếu {choice} của đồng chí đối với hồ sơ “{case}”."
CLOSED = "Đã kết thúc biểu quyết {count} hồ sơ: {awarded} được công nhận, {others} không."
DECISION = " Quyết định số {number} ngày {date}."


def _field_of(message: str) -> str | None:
    """The field of the close form a refusal of ``rounds_close`` is about (None: the
    whole form's, shown at its top)."""
    if message == NUMBER_REQUIRED or message.startswith(NUMBER_TAKEN.split("“")[0]):
        return "decision_number"
    if message == DATE_REQUIRED:
        return "decision_date"
    return None


BAD_REQUEST = "Yêu cầu không hợp lệ. Vui lòng tải lại trang."


def _back(request: HttpRequest, fallback: str, *, anchor: str = "") -> HttpResponse:
    """To ``next`` (a page of this site), else ``fallback``; at ``anchor`` when given
    (the review page returns to the case just voted on, not to its top)."""
    target = request.POST.get("next", "")
    if not (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        target = fallback
    if anchor and "#" not in target:
        target = f"{target}#{anchor}"
    return redirect(target)


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
        return _back(request, case.get_absolute_url(), anchor=f"case-{case.pk}")
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
    return _back(request, case.get_absolute_url(), anchor=f"case-{case.pk}")


@login_required
@require_POST
def rounds_close_view(request: HttpRequest, committee_pk: int) -> HttpResponse:
    # The campaign's year is on the chair's page, shown again when the close is refused.
    committee = committee_get(actor=request.user, pk=committee_pk, related=("level__campaign",))
    form = CloseForm(request.POST)
    fallback = reverse("home")
    if not form.is_valid():
        # Every error at once, at its field; the ticks and what was typed stay.
        return chair_page(request, committee, form)
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
        for message in error.messages:
            form.add_error(_field_of(message), message)
        return chair_page(request, committee, form)
    text = CLOSED.format(
        count=len(result.rounds), awarded=len(result.awarded), others=len(result.not_awarded)
    )
    if result.decision is not None:
        text += DECISION.format(
            number=result.decision.number, date=result.decision.date.strftime("%d/%m/%Y")
        )
    messages.success(request, text)
    return _back(request, fallback)
