"""The secretariat's pages for committees (lập, kiện toàn): every committee, a new one,
and a committee's composition with its changes from a date. 404 for everyone else."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from units.decorators import secretariat_only
from workflow.errors import WorkflowError

from ..composition import committee_change, committee_change_cancel, committee_compose
from ..forms import CommitteeChangeForm, CommitteeCreateForm
from ..selectors import (
    committee_history,
    committee_manage_get,
    committee_manage_list,
    committee_pending_changes,
)

CREATED = "Đã lập “{committee}”."
APPLIED = "Đã kiện toàn “{committee}”: thay đổi có hiệu lực từ {date}."
SCHEDULED = "Đã lên lịch kiện toàn “{committee}”: thay đổi có hiệu lực từ {date}."
CANCELLED = "Đã hủy thay đổi dự kiến có hiệu lực từ {date}."


def _errors(form, error: WorkflowError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@secretariat_only
def committee_manage_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "committees/manage_list.html",
        {"committees": committee_manage_list(), "today": timezone.localdate()},
    )


@secretariat_only
def committee_manage_create_view(request: HttpRequest) -> HttpResponse:
    form = CommitteeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee = committee_compose(actor=request.user, **data)
        except WorkflowError as error:
            _errors(form, error)
        else:
            messages.success(request, CREATED.format(committee=committee))
            return redirect("committees:manage_detail", pk=committee.pk)
    return render(request, "committees/manage_create.html", {"form": form})


@secretariat_only
def committee_manage_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    committee = committee_manage_get(pk=pk)
    current = [user.pk for user in committee.members.all()]
    if request.method == "POST":
        form = CommitteeChangeForm(request.POST, current=current)
        if form.is_valid():
            data = form.cleaned_data
            try:
                change = committee_change(actor=request.user, committee=committee, **data)
            except WorkflowError as error:
                _errors(form, error)
            else:
                text = APPLIED if change.status == "applied" else SCHEDULED
                date = change.effective_on.strftime("%d/%m/%Y")
                messages.success(request, text.format(committee=committee, date=date))
                return redirect("committees:manage_detail", pk=committee.pk)
    else:
        form = CommitteeChangeForm(
            current=current,
            initial={
                "chair": committee.chair_id,
                "members": current,
                "quorum": f"{committee.quorum_numerator}/{committee.quorum_denominator}",
                "approval": f"{committee.approval_numerator}/{committee.approval_denominator}",
                "effective_on": timezone.localdate(),
            },
        )
    return render(
        request,
        "committees/manage_detail.html",
        {
            "committee": committee,
            "members": list(committee.members.all()),
            "form": form,
            "pending": committee_pending_changes(committee=committee),
            "history": committee_history(committee=committee),
        },
        status=400 if form.is_bound else 200,
    )


@secretariat_only
@require_POST
def committee_change_cancel_view(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    committee = committee_manage_get(pk=pk)
    change = committee.changes.filter(pk=change_pk).first()
    if change is None:
        raise Http404("Không tìm thấy thay đổi.")
    try:
        committee_change_cancel(actor=request.user, change=change)
    except WorkflowError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, CANCELLED.format(date=change.effective_on.strftime("%d/%m/%Y")))
    return redirect("committees:manage_detail", pk=committee.pk)
