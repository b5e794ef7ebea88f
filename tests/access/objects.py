"""For each kind of object a URL names, the objects a user may reach ("in" their scope)
and one they may not ("out"), sampled from the demo. Where a user reaches every object
of a kind, "out" is an id that does not exist: out of scope must answer like missing."""

from committees.models import Committee, RecognitionDecision, VoteRound
from committees.selectors import committees_of
from inspections.models import Criterion, Inspection, VisitAttachment
from inspections.selectors import inspection_list
from models_registry.models import ImportJob, Initiative, ProgressAttachment
from models_registry.selectors import initiative_list
from notifications.models import Notification
from notifications.selectors import inbox_list
from units.access import roles_of_user
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
