"""A race on PostgreSQL: two members of the secretariat decide on the same report at the
same moment, one accepting it, the other returning it. The row lock lets exactly one
win; the other is refused with the status it found, and only the winner's log row and
message are written."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from notifications.models import Notification
from reports.models import AnswerStatus, Audience, ReportAnswer, ReportKind
from reports.services import (
    report_answer_accept,
    report_answer_return,
    report_answer_save,
    report_answer_send,
    report_request_open,
)
from tests.factories import build_world, make_user
from tests.races import race, require_postgres
from units.models import UnitKind
from workflow.lifecycle import Role

from .conftest import pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_accept_and_a_return_at_once_leave_exactly_one_decision():
    require_postgres()
    world = build_world()
    second = make_user("bandanvan2", (Role.SECRETARIAT, world.city), full_name="Ban Dân vận 2")
    request = report_request_open(
        actor=world.secretariat,
        campaign=world.campaign,
        kind=ReportKind.MID_YEAR,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
        audience=Audience.KIND,
        audience_kind=UnitKind.WARD,
    )
    answer = ReportAnswer.objects.get(request=request, unit=world.ward_a)
    report_answer_save(actor=world.officer_a, answer=answer, results="Kết quả.", file=pdf())
    report_answer_send(actor=world.officer_a, answer=answer)

    outcomes = race(
        lambda: report_answer_accept(
            actor=world.secretariat, answer=ReportAnswer.objects.get(pk=answer.pk)
        ),
        lambda: report_answer_return(
            actor=second, answer=ReportAnswer.objects.get(pk=answer.pk), reason="Thiếu chữ ký."
        ),
    )
    assert sorted(outcome for outcome, _ in outcomes) == ["ok", "refused"]
    answer.refresh_from_db()
    decisions = AuditEntry.objects.filter(
        action__in=["report_answer.accept", "report_answer.return"], target_id=str(answer.pk)
    )
    assert decisions.count() == 1
    messages = Notification.objects.filter(kind__in=["report_accepted", "report_returned"])
    if outcomes[0][0] == "ok":
        assert answer.status == AnswerStatus.ACCEPTED
        assert "Đã tiếp nhận" in outcomes[1][1]
        assert set(messages.values_list("kind", flat=True)) == {"report_accepted"}
    else:
        assert answer.status == AnswerStatus.RETURNED
        assert "Bị trả lại" in outcomes[0][1]
        assert set(messages.values_list("kind", flat=True)) == {"report_returned"}
