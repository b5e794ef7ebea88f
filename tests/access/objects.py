"""For each kind of object a URL names, the objects a user may reach ("in" their scope)
and one they may not ("out"), sampled from the demo. Where a user reaches every object
of a kind, "out" is an id that does not exist: out of scope must answer like missing."""

import datetime

from django.contrib.auth import get_user_model
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from committees.models import (
    ChangeStatus,
    Committee,
    CommitteeChange,
    RecognitionDecision,
    VoteRound,
)
from committees.selectors import committees_of
from inspections.models import Criterion, Inspection, VisitAttachment, VisitStatus
from inspections.selectors import inspection_list
from models_registry.models import (
    Campaign,
    DeadlineExtension,
    ImportJob,
    Initiative,
    ProgressAttachment,
)
from models_registry.selectors import initiative_list
from notifications.models import Notification
from notifications.selectors import inbox_list
from units.access import is_secretariat, roles_of_user
from units.models import Membership, Unit, UnitKind
from workflow.lifecycle import Role

MISSING = 987_654_321


def _pair(visible, every):
    """(an id inside ``visible``, an id of ``every`` outside it, or MISSING)."""
    inside = visible.order_by("pk").values_list("pk", flat=True).first()
    outside = (
        every.exclude(pk__in=visible.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return inside, outside or MISSING


def case(user):
    return _pair(initiative_list(actor=user), Initiative.objects.all())


def inspection(user):
    return _pair(inspection_list(actor=user), Inspection.objects.all())


def visit_attachment(user):
    visible = VisitAttachment.objects.filter(
        visit__inspection__in=inspection_list(actor=user), visit__status="completed"
    )
    return _pair(visible, VisitAttachment.objects.all())


def progress_attachment(user):
    """(case id, attachment id) pairs."""
    visible = ProgressAttachment.objects.filter(report__initiative__in=initiative_list(actor=user))
    inside = visible.order_by("pk").values_list("report__initiative_id", "pk").first()
    outside = (
        ProgressAttachment.objects.exclude(pk__in=visible.values("pk"))
        .order_by("pk")
        .values_list("report__initiative_id", "pk")
        .first()
    )
    return inside, outside or (MISSING, MISSING)


def notification(user):
    return _pair(inbox_list(actor=user), Notification.objects.all())


def import_job(user):
    return _pair(ImportJob.objects.filter(created_by=user), ImportJob.objects.all())


def committee(user):
    return _pair(committees_of(user), Committee.objects.all())


def decision(user):
    if user.is_superuser or roles_of_user(user) & {Role.SECRETARIAT, Role.VIEWER}:
        visible = RecognitionDecision.objects.all()
    else:
        visible = RecognitionDecision.objects.filter(committee__members=user)
    return _pair(visible, RecognitionDecision.objects.all())


def certificate(user):
    """(decision id, case id) of an awarded round."""
    inside_decision, _ = decision(user)
    rounds = VoteRound.objects.filter(
        decision__isnull=False, outcome__in=["recognized", "upgraded"]
    )
    seen = rounds.filter(decision_id=inside_decision) if inside_decision else rounds.none()
    seen = seen | rounds.filter(case__in=initiative_list(actor=user))
    inside = seen.order_by("pk").values_list("decision_id", "case_id").first()
    outside = (
        rounds.exclude(pk__in=seen.values("pk"))
        .order_by("pk")
        .values_list("decision_id", "case_id")
        .first()
    )
    return inside, outside or (MISSING, MISSING)


def vote(user):
    """(committee id, case id): a case awaiting a vote in one of the user's committees."""
    committees = committees_of(user)
    open_round = (
        VoteRound.objects.filter(committee__in=committees, closed_at__isnull=True)
        .order_by("pk")
        .values_list("committee_id", "case_id")
        .first()
    )
    first = committees.order_by("pk").values_list("pk", flat=True).first()
    hidden = (
        Initiative.objects.exclude(pk__in=initiative_list(actor=user).values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return open_round, ((first or MISSING), hidden or MISSING)


def criterion(user):
    return Criterion.objects.order_by("pk").values_list("pk", flat=True).first(), MISSING


def none(user):
    return (), None


# --- the secretariat's administration pages -----------------------------------------------
# These objects are not scoped: the secretariat (and the superuser) reach every one of
# them and everyone else none. "in" is a real object for every role (an unauthorised role
# must be refused it too), "out" an id that does not exist.


def campaign(user):
    """The latest year's plan (the one still editable)."""
    return Campaign.objects.order_by("-year").values_list("pk", flat=True).first(), MISSING


def extension(user):
    """A deadline extension not yet revoked."""
    live = DeadlineExtension.objects.filter(revoked_at__isnull=True)
    return live.order_by("pk").values_list("pk", flat=True).first(), MISSING


def unit(user):
    return Unit.objects.order_by("pk").values_list("pk", flat=True).first(), MISSING


def committee_managed(user):
    return Committee.objects.order_by("pk").values_list("pk", flat=True).first(), MISSING


def committee_change(user):
    """(committee id, change id) of a pending change (else any); out: a change under another
    committee than its own."""
    changes = CommitteeChange.objects.order_by("pk")
    inside = (
        changes.filter(status=ChangeStatus.PENDING).values_list("committee_id", "pk").first()
        or changes.values_list("committee_id", "pk").first()
    )
    if inside is None:
        return None, (MISSING, MISSING)
    other = Committee.objects.exclude(pk=inside[0]).order_by("pk").values_list("pk", flat=True)
    return inside, (other.first() or MISSING, inside[1])


def _accounts_reached(user):
    every = get_user_model().objects.all()
    return every if user.is_superuser else every.filter(is_superuser=False)


def account(user):
    """In: an account other than the user's own (an ordinary one); out: a superuser's
    account (only a superuser reaches those), or MISSING for a superuser."""
    every = get_user_model().objects.exclude(pk=user.pk)
    inside = every.filter(is_superuser=False).order_by("pk").values_list("pk", flat=True).first()
    outside = (
        every.exclude(pk__in=_accounts_reached(user).values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return inside, outside or MISSING


def account_membership(user):
    """(account id, membership id): a role held by an ordinary account; out: a
    superuser's role, or a membership of another account than the one named."""
    memberships = Membership.objects.exclude(user=user).order_by("pk")
    inside = memberships.filter(user__is_superuser=False).values_list("user_id", "pk").first()
    hidden = (
        memberships.exclude(user__in=_accounts_reached(user).values("pk"))
        .values_list("user_id", "pk")
        .first()
    )
    if hidden is None and inside is not None:
        other = memberships.exclude(user_id=inside[0]).values_list("pk", flat=True).first()
        hidden = (inside[0], other or MISSING)
    return inside, hidden or (MISSING, MISSING)


def bad_token(user):
    """(uidb64, token) of a real account with a token that is not valid."""
    first = get_user_model().objects.order_by("pk").values_list("pk", flat=True).first()
    return (urlsafe_base64_encode(force_bytes(first)), "set-password"), None


def visit_record(user):
    """In: an inspection whose record the user may read (a draft one of their team / for
    the secretariat, else a completed visit of an inspection they see); out: a
    draft record they see the inspection of but are not on the team of, else an
    inspection they do not see, else MISSING."""
    visible = inspection_list(actor=user)
    with_visit = Inspection.objects.filter(visit__isnull=False)
    if is_secretariat(user):
        readable = with_visit
    else:
        readable = with_visit.filter(visit__status=VisitStatus.COMPLETED) | with_visit.filter(
            team=user
        )
    readable = readable.filter(pk__in=visible.values("pk"))
    # A draft first where the user may read one ("draft" sorts after "completed").
    inside = readable.order_by("-visit__status", "pk").values_list("pk", flat=True).first()
    outside = (
        with_visit.filter(pk__in=visible.values("pk"))
        .exclude(pk__in=readable.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    ) or _pair(visible, Inspection.objects.all())[1]
    return inside, outside


def report_request(user):
    """The report request ``complete_demo`` opened (the secretariat reaches every one)."""
    from reports.models import ReportRequest

    return ReportRequest.objects.order_by("pk").values_list("pk", flat=True).first(), MISSING


def report_answer(user):
    """In: an answer the user reaches (a unit officer their units', the secretariat any),
    the sent one first (it has a file and may be accepted or returned); out: another
    unit's answer, or MISSING."""
    from reports.models import ReportAnswer
    from reports.selectors import answer_list

    every = ReportAnswer.objects.all()
    visible = every if is_secretariat(user) else answer_list(actor=user)
    ids = visible.order_by("pk").values_list("pk", flat=True)
    inside = ids.filter(status="sent").first() or ids.first()
    outside = every.exclude(pk__in=visible.values("pk")).order_by("pk").values_list("pk", flat=True)
    return inside, outside.first() or MISSING


def library_model(user):
    """A model in the library (everyone reads them all); "out": a case that is not."""
    from library.selectors import library_models

    return _pair(library_models(), Initiative.objects.all())


def library_photo(user):
    """(model id, photo id): a photo the library shows (the demo has none: "-"); "out":
    a case not in the library."""
    from library.models import PublishedPhoto
    from library.selectors import library_models

    inside = (
        PublishedPhoto.objects.filter(initiative__in=library_models())
        .order_by("pk")
        .values_list("initiative_id", "pk")
        .first()
    )
    return inside, (library_model(user)[1], MISSING)


def complete_demo() -> None:
    """Add what the demo has none of but a URL names, so that every role is also asked
    for a real one: a pending change of a committee, a deadline extension of the
    latest plan, for a unit of its own, and a report request to every unit that one
    ward has answered (through the services)."""
    from committees.composition import committee_change
    from plans.services import extension_grant
    from units.services.directory import unit_create

    secretariat = get_user_model().objects.get(username="bandanvan")
    committee = Committee.objects.order_by("pk").first()
    committee_change(
        actor=secretariat,
        committee=committee,
        chair=committee.chair,
        members=list(committee.members.all()),
        quorum="1/2",
        approval="1/2",
        effective_on=datetime.date(2099, 1, 1),
        reason="Kiện toàn hội đồng (dữ liệu kiểm thử).",
    )
    live = Campaign.objects.order_by("-year").first()
    extension_grant(
        actor=secretariat,
        campaign=live,
        # A new unit with no case: the extension changes what no other row sees.
        unit=unit_create(
            actor=secretariat,
            name="Ban kiểm thử gia hạn",
            kind=UnitKind.BODY,
            parent=Unit.objects.get(parent__isnull=True),
        ),
        until=live.registration_deadline + datetime.timedelta(days=30),
        reason="Đơn vị xin gia hạn (dữ liệu kiểm thử).",
    )
    _report_request(secretariat, live)


def _report_request(secretariat, campaign) -> None:
    """A sơ kết request to every unit, which Đông Ngàn has answered and sent."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from reports.models import Audience, ReportKind
    from reports.services import report_answer_save, report_answer_send, report_request_open
    from tests.files import minimal_pdf

    request = report_request_open(
        actor=secretariat,
        campaign=campaign,
        kind=ReportKind.MID_YEAR,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        audience=Audience.ALL,
    )
    officer = get_user_model().objects.get(username="canbo.dongngan")
    answer = request.answers.get(unit__name="Đảng ủy phường Đông Ngàn")
    report_answer_save(
        actor=officer,
        answer=answer,
        results="Kết quả sơ kết (dữ liệu kiểm thử).",
        file=SimpleUploadedFile("bao-cao.pdf", minimal_pdf(b"bao cao")),
    )
    report_answer_send(actor=officer, answer=answer)
