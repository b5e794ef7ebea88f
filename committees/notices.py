"""Who hears about the committee's work, where the inspections know the people.

- The inspectors of a case (the teams that carried out its inspections) learn of its
  award, alongside the unit and the secretariat (whom the notifications app tells).
- Committee members are reminded of the cases waiting for their vote: once per case when
  it has waited longer than its campaign allows (``Campaign.decision_wait_days``), and
  D-7, D-3, D-1 before the campaign's recognition date (15/10 in the 2023 plan).

Each message has a dedupe key that names the event, so a sweep run twice for one day, or
a transition's receivers run twice, sends nothing twice.
"""

import datetime

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from inspections.models import InspectionStatus
from models_registry.models import Campaign
from notifications.recipients import secretariat_recipients, unit_recipients, users_recipients
from notifications.services import notification_queue
from workflow.deadlines import sweep_rule
from workflow.signals import case_transitioned, case_transitioned_each, cases_transitioned

from .case_selectors import committee_queue
from .models import Committee, RoundStatus, Vote

RECOGNITION_REMIND_DAYS = (7, 3, 1)


def case_inspectors(case) -> list:
    """The active members of the teams that carried out an inspection of ``case``."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            inspection_teams__case=case,
            inspection_teams__status=InspectionStatus.DONE,
        )
        .distinct()
        .order_by("pk")
    )


def _iso_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@receiver(case_transitioned, dispatch_uid="inspections.award_to_inspectors")
def award_to_inspectors(sender, *, case, log, actor, **kwargs) -> None:
    # Inside the transition's transaction: the rows commit or roll back with the award.
    if log.transition not in ("recognize", "upgrade"):
        return
    # Whoever already hears as the unit or the secretariat gets no second message.
    told = {
        person.pk
        for person in [*unit_recipients(case.unit), *secretariat_recipients()]
        if not isinstance(person, str)
    }
    inspectors = [person for person in case_inspectors(case) if person.pk not in told]
    if not inspectors:
        return
    payload = log.payload or {}
    notification_queue(
        kind="case_recognized_inspectors",
        recipients=users_recipients(inspectors),
        dedupe_key=f"transition:{log.pk}:case_recognized_inspectors",
        context={
            "level": case.recognized_level,
            "upgrade": log.transition == "upgrade",
            "decision_number": payload.get("decision_number", ""),
            "decision_date": _iso_date(payload.get("decision_date")),
        },
        case=case,
    )


# A batch through the door (``transitions_apply``) is answered case by case, the same way.
cases_transitioned.connect(
    case_transitioned_each(award_to_inspectors),
    weak=False,
    dispatch_uid="inspections.award_to_inspectors.batch",
)


def _voted(committee: Committee, case_ids: list[int]) -> set[tuple[int, int]]:
    """(case id, member id) of the votes already cast in the committee's open rounds."""
    return set(
        Vote.objects.filter(
            round__committee=committee,
            round__status=RoundStatus.OPEN,
            round__case_id__in=case_ids,
        ).values_list("round__case_id", "member_id")
    )


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@sweep_rule("committee-vote-waiting")
def committee_vote_waiting(today: datetime.date) -> int:
    """Cases that have waited for a committee's vote longer than their campaign allows:
    each member who has not voted on one hears about it once."""
    sent = 0
    for committee in Committee.objects.select_related("level__campaign", "unit").order_by("pk"):
        allowed = committee.level.campaign.decision_wait_days
        cutoff = _end_of(today - datetime.timedelta(days=allowed))
        cases = list(
            committee_queue(committee=committee)
            .filter(waiting_since__lte=cutoff)
            .select_related("unit")
        )
        if not cases:
            continue
        members = list(committee.members.filter(is_active=True).order_by("pk"))
        voted = _voted(committee, [case.pk for case in cases])
        review_path = reverse("committees:review", args=[committee.pk])
        for case in cases:
            waiting = [m for m in members if (case.pk, m.pk) not in voted]
            sent += len(
                notification_queue(
                    kind="committee_vote_waiting",
                    recipients=waiting,
                    dedupe_key=f"committee-vote-waiting:{committee.pk}:{case.pk}",
                    context={
                        "committee": committee,
                        "waiting_days": (today - timezone.localdate(case.waiting_since)).days,
                        "allowed_days": allowed,
                        "review_path": review_path,
                    },
                    case=case,
                )
            )
    return sent


@sweep_rule("committee-recognition-date")
def committee_recognition_date(today: datetime.date) -> int:
    """D-7, D-3 and D-1 before a campaign's recognition date: each member of its
    committees gets the list of cases still waiting for their vote."""
    days = {today + datetime.timedelta(days=n): n for n in RECOGNITION_REMIND_DAYS}
    campaigns = list(Campaign.objects.filter(recognition_date__in=list(days)))
    if not campaigns:
        return 0
    sent = 0
    committees = (
        Committee.objects.filter(level__campaign__in=campaigns)
        .select_related("level__campaign", "unit")
        .order_by("pk")
    )
    for committee in committees:
        campaign = committee.level.campaign
        cases = list(committee_queue(committee=committee).select_related("unit"))
        if not cases:
            continue
        voted = _voted(committee, [case.pk for case in cases])
        review_path = reverse("committees:review", args=[committee.pk])
        for member in committee.members.filter(is_active=True).order_by("pk"):
            mine = [case for case in cases if (case.pk, member.pk) not in voted]
            if not mine:
                continue
            sent += len(
                notification_queue(
                    kind="committee_recognition_date",
                    recipients=[member],
                    dedupe_key=f"committee-recognition-date:{committee.pk}:{today}",
                    context={
                        "committee": committee,
                        "cases": mine,
                        "recognition_date": campaign.recognition_date,
                        "days_left": days[campaign.recognition_date],
                        "review_path": review_path,
                    },
                )
            )
    return sent
