"""The committee's pages: the member's review queue, the chair's page, a decision with
its annex and certificates.

What a member weighs is the case's: its unit, subject and fields, its inspection summary
and its progress reports. The vote and the close are posted to the endpoints in
``actions.py``, with ``next``, the page to return to."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from models_registry.models import Initiative
from models_registry.selectors import initiative_get
from units.access import sees_everything

from .. import documents as docs
from ..case_selectors import (
    committee_queue,
    committee_review_list,
    decision_awarded_rounds,
    latest_visit,
)
from ..forms import CloseForm, VoteForm
from ..models import AWARDED, Committee, RecognitionDecision, VoteRound
from ..selectors import (
    committee_get,
    committees_of,
    decision_get,
    decisions_of,
    round_tally_of,
    rounds_of_cases,
    rounds_open,
)
from ..services import ONLY_CHAIR, Tally, tally_make

NO_DECISION_ACCESS = "Không tìm thấy quyết định."


@dataclass
class ReviewRow:
    case: Initiative
    visit: object
    round: VoteRound | None
    tally: Tally
    form: VoteForm
    my_vote: bool | None

    @property
    def is_upgrade(self) -> bool:
        return self.case.state == "recognized"


def _committee(request: HttpRequest, pk: int) -> Committee:
    # The campaign's year is on every committee page.
    return committee_get(actor=request.user, pk=pk, related=("level__campaign",))


@login_required
def committee_home_view(request: HttpRequest) -> HttpResponse:
    """The committees the user sits on, each with its waiting cases and decisions."""
    awarded = Count("rounds", filter=Q(rounds__outcome__in=AWARDED), distinct=True)
    committees = list(
        committees_of(request.user)
        .select_related("level__campaign")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=RecognitionDecision.objects.annotate(case_total=awarded).order_by(
                    "-date", "-pk"
                ),
            )
        )
    )
    committees.sort(key=lambda c: (-c.level.campaign.year, c.level.rank, c.name))
    for committee in committees:
        # One count per committee: a user sits on a handful, whatever the number of cases.
        committee.waiting = committee_queue(committee=committee).count()
    return render(request, "committees/committee_home.html", {"committees": committees})


@login_required
def committee_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's queue: each waiting case with its inspection summary, progress
    reports, the round's running tally and the member's own vote (changeable until the
    chair closes the round)."""
    committee = _committee(request, pk)
    cases = committee_review_list(committee=committee)
    rounds = rounds_of_cases(
        committee=committee, case_ids=[case.pk for case in cases], user=request.user
    )
    members = committee.member_total
    rows = []
    for case in cases:
        round_ = rounds.get(case.pk)
        tally = (
            round_tally_of(round_, members=members)
            if round_
            else tally_make(committee, members=members, votes_for=0, votes_against=0)
        )
        my_vote = getattr(round_, "my_vote", None) if round_ else None
        initial = {"next": request.get_full_path()}
        if my_vote is not None:
            initial.update(choice="for" if my_vote else "against", comment=round_.my_comment)
        rows.append(
            ReviewRow(
                case=case,
                visit=latest_visit(case),
                round=round_,
                tally=tally,
                # One form per case on the page: ids must differ, names must not.
                form=VoteForm(initial=initial, auto_id=f"c{case.pk}_%s"),
                my_vote=my_vote,
            )
        )
    return render(
        request,
        "committees/committee_review.html",
        {
            "committee": committee,
            "rows": rows,
            "is_chair": committee.chair_id == request.user.pk,
        },
    )


@login_required
def committee_chair_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair's page: every open round with its tally against the rule and the votes,
    to close one or many under one decision number and date."""
    committee = _committee(request, pk)
    form = CloseForm(
        initial={"decision_date": timezone.localdate(), "next": request.get_full_path()}
    )
    return chair_page(request, committee, form)


def chair_page(request: HttpRequest, committee: Committee, form: CloseForm) -> HttpResponse:
    """The chair's page with ``form``: empty, or as the chair filled it when the close
    was refused (their ticks, the decision's number and date kept, each error shown).
    Only the chair's: anyone else is sent to the review page."""
    if committee.chair_id != request.user.pk:
        messages.error(request, ONLY_CHAIR)
        return redirect("committees:review", pk=committee.pk)
    rounds = list(
        rounds_open(committee=committee).select_related(
            "case__unit", "case__target_level", "case__recognized_level"
        )
    )
    for round_ in rounds:
        round_.tally = round_tally_of(round_, members=committee.member_total)
    chosen = set(form.data.getlist("rounds")) if form.is_bound else set()
    return render(
        request,
        "committees/committee_chair.html",
        {
            "committee": committee,
            "rounds": rounds,
            "form": form,
            "chosen": chosen,
            "decisions": decisions_of(committee=committee),
        },
    )


# --- decisions and their papers -----------------------------------------------------------


def _decision(request: HttpRequest, pk: int) -> RecognitionDecision:
    """The decision, for its committee's members, the secretariat and the city's
    leadership (a ward's leaders reach their own cases' certificates through the case)."""
    decision = decision_get(pk=pk)
    user = request.user
    if not (sees_everything(user) or decision.committee.members.filter(pk=user.pk).exists()):
        raise Http404(NO_DECISION_ACCESS)
    return decision


@login_required
def decision_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    rounds = decision_awarded_rounds(decision=decision)
    annex = docs.annex_build(decision=decision, rounds=rounds)
    certificates = {r.case_id: r for r in rounds}
    return render(
        request,
        "committees/decision_detail.html",
        {"decision": decision, "annex": annex, "rounds": rounds, "certificates": certificates},
    )


def _file(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _annex_name(decision: RecognitionDecision, ext: str) -> str:
    number = "".join(ch if ch.isalnum() else "-" for ch in decision.number)
    # The Word file is the decision followed by its annex; the workbook, the annex alone.
    stem = "quyet-dinh-va-phu-luc" if ext == "docx" else "phu-luc-quyet-dinh"
    return f"{stem}-{number}.{ext}"


@login_required
def decision_annex_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    annex = docs.annex_build(decision=decision)
    return _file(
        docs.annex_xlsx(annex),
        content_type=docs.XLSX_TYPE,
        filename=_annex_name(decision, "xlsx"),
    )


@login_required
def decision_annex_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    annex = docs.annex_build(decision=decision)
    return _file(
        docs.annex_docx(annex),
        content_type=docs.DOCX_TYPE,
        filename=_annex_name(decision, "docx"),
    )


@login_required
def certificate_view(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """A recognised model's certificate: for whoever may see the decision, and for
    whoever may see the case (its unit)."""
    decision = decision_get(pk=pk)
    try:
        _decision(request, pk)
    except Http404:
        initiative_get(actor=request.user, pk=case_pk)
    round_ = (
        VoteRound.objects.filter(decision=decision, case_id=case_pk, outcome__in=AWARDED)
        .select_related("case__unit", "case__campaign")
        .first()
    )
    if round_ is None:
        raise Http404("Không tìm thấy giấy chứng nhận.")
    return _file(
        docs.certificate_docx(decision=decision, round_=round_),
        content_type=docs.DOCX_TYPE,
        filename=docs.certificate_filename(round_),
    )
