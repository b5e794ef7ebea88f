"""Report requests from the units, end to end through the services: a request to every
ward; one sends on time, is returned and sends again; one sends late; one never sends.
The statuses, the administration log, each reminder once, the compliance table and its
workbook."""

import datetime
import io

import pytest
from django.db.models import F
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from notifications.models import Notification
from reports.models import AnswerStatus, ReportAnswer, ReportRequest
from reports.selectors import compliance_rows, request_missing_units, request_totals
from reports.services import (
    report_answer_accept,
    report_answer_return,
    report_answer_save,
    report_answer_send,
)
from tests.factories import BEFORE_DEADLINE, make_draft
from units.models import Unit, UnitKind
from workflow.deadlines import deadlines_run
from workflow.services import transition_apply

from .conftest import open_request, pdf, today

NUMBERS_B = {
    "models_registered": 4,
    "models_running": 3,
    "models_finished": 1,
    "recognized_grassroots": 1,
    "recognized_city": 0,
    "people_reached": 1200,
}


def kinds(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).select_related("user").order_by("pk"))


def who(kind: str) -> set[str]:
    return {row.user.username if row.user else row.email for row in kinds(kind)}


def answer_of(request: ReportRequest, unit: Unit) -> ReportAnswer:
    return ReportAnswer.objects.select_related("unit", "request").get(request=request, unit=unit)


def log(answer: ReportAnswer) -> list[tuple[str, str, dict, str]]:
    entries = AuditEntry.objects.filter(
        target_type="reports.reportanswer", target_id=str(answer.pk)
    ).order_by("at", "id")
    return [(e.action, e.actor_name, e.after, e.reason) for e in entries]


def time_passes(request: ReportRequest, days: int) -> None:
    """``days`` days pass: everything the request holds so far (its dates, the answers'
    sendings) moves that far into the past."""
    delta = datetime.timedelta(days=days)
    ReportRequest.objects.filter(pk=request.pk).update(
        due_date=F("due_date") - delta, opened_at=F("opened_at") - delta
    )
    ReportAnswer.objects.filter(request=request, first_sent_at__isnull=False).update(
        first_sent_at=F("first_sent_at") - delta, sent_at=F("sent_at") - delta
    )
    request.refresh_from_db()


def test_a_request_to_every_ward_from_opening_to_acceptance(client, world, ward_c, officer_c):
    # Ward A has two cases registered, one of them running; a draft does not count.
    running = make_draft(world)
    transition_apply(case=running, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    transition_apply(case=running, name="start", actor=world.officer_a, today=running.start_date)
    other = make_draft(world, unit=world.ward_a_sub, name="Mô hình dân vận khéo thứ hai")
    transition_apply(case=other, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    make_draft(world, name="Bản nháp chưa gửi")

    request = open_request(world, days=2)
    wards = [world.ward_a, world.ward_b, ward_c]
    assert list(request.answers.order_by("unit__path").values_list("unit", flat=True)) == [
        u.pk for u in sorted(wards, key=lambda u: u.path)
    ]
    assert set(request.answers.values_list("status", flat=True)) == {AnswerStatus.NOT_STARTED}
    opened = AuditEntry.objects.get(action="report_request.open")
    assert opened.actor == world.secretariat
    assert opened.after["units"] == [u.name for u in sorted(wards, key=lambda u: u.path)]
    # Each ward is told: its officers and its contact address.
    assert who("report_requested") == {
        "canbo.a",
        "dangUy.dongngan@example.test",
        "canbo.b",
        "canbo.c",
    }

    # Ward A starts: the numbers come from its own cases, then it writes and sends.
    a = answer_of(request, world.ward_a)
    a = report_answer_save(actor=world.officer_a, answer=a, results="Kết quả của Đông Ngàn.")
    assert a.status == AnswerStatus.DRAFT
    assert (a.models_registered, a.models_running, a.models_finished) == (2, 1, 0)
    assert a.counted["models_registered"] == 2
    a = report_answer_save(actor=world.officer_a, answer=a, file=pdf())
    a = report_answer_send(actor=world.officer_a, answer=a)
    assert a.status == AnswerStatus.SENT and a.sent_on_time is True
    assert who("report_sent") == {"bandanvan"}

    # Two days before the due date: the wards that have not sent are reminded, once.
    assert deadlines_run(today=today())["report-reminder"] == 2  # canbo.b, canbo.c
    assert deadlines_run(today=today())["report-reminder"] == 0
    assert deadlines_run(today=today() + datetime.timedelta(days=1))["report-reminder"] == 0
    assert who("report_reminder") == {"canbo.b", "canbo.c"}

    # The secretariat returns A's report with a reason; A sees it and sends again.
    a = report_answer_return(
        actor=world.secretariat, answer=a, reason="Thiếu số người dân được vận động."
    )
    assert a.status == AnswerStatus.RETURNED
    assert who("report_returned") == {"canbo.a", "dangUy.dongngan@example.test"}
    client.force_login(world.officer_a)
    page = client.get(reverse("reports:answer", args=[a.pk]))
    assert "Thiếu số người dân được vận động." in page.content.decode()
    assert page.context["editable"] is True

    # The due date passes. Ward B sends late; ward A re-sends (its first sending was on
    # time, and stays so); Châu Khê never sends.
    time_passes(request, 3)
    b = answer_of(request, world.ward_b)
    report_answer_save(
        actor=world.officer_b, answer=b, numbers=NUMBERS_B, results="Kết quả của Tam Sơn.",
        file=pdf("tam-son.pdf"),
    )  # fmt: skip
    b = report_answer_send(actor=world.officer_b, answer=b)
    assert b.sent_on_time is False
    a.refresh_from_db()
    a = report_answer_save(
        actor=world.officer_a, answer=a, numbers={**a.numbers(), "people_reached": 800}
    )
    assert a.status == AnswerStatus.RETURNED  # still owed until sent again
    a = report_answer_send(actor=world.officer_a, answer=a)
    assert a.status == AnswerStatus.SENT and a.sent_on_time is True
    assert len(kinds("report_sent")) == 3  # A, B, A again

    # After the due date: one list of the missing to the secretariat, once.
    assert deadlines_run(today=today())["report-missing-units"] == 1
    assert deadlines_run(today=today())["report-missing-units"] == 0
    assert deadlines_run(today=today() + datetime.timedelta(days=1))["report-missing-units"] == 0
    [missing] = kinds("report_missing_units")
    assert missing.user == world.secretariat
    assert "Đảng ủy phường Châu Khê" in missing.body_text
    assert "Tam Sơn" not in missing.body_text and "Đông Ngàn" not in missing.body_text
    assert deadlines_run(today=today())["report-reminder"] == 0  # past due: no reminder

    report_answer_accept(actor=world.secretariat, answer=a)
    assert who("report_accepted") == {"canbo.a", "dangUy.dongngan@example.test"}

    # The log of A's answer, in order.
    assert [(action, actor) for action, actor, _, _ in log(a)] == [
        ("report_answer.save", "Cán bộ Đông Ngàn"),
        ("report_answer.save", "Cán bộ Đông Ngàn"),
        ("report_answer.send", "Cán bộ Đông Ngàn"),
        ("report_answer.return", "Ban Dân vận"),
        ("report_answer.save", "Cán bộ Đông Ngàn"),
        ("report_answer.send", "Cán bộ Đông Ngàn"),
        ("report_answer.accept", "Ban Dân vận"),
    ]
    returned = log(a)[3]
    assert returned[2] == {"status": "Bị trả lại"} and returned[3].startswith("Thiếu số người")
    assert log(a)[4][2] == {"people_reached": 800}  # only what changed

    # The figures the city's report reads, and the compliance table.
    totals = request_totals(request=request)
    assert totals["answers"] == 2
    assert totals["models_registered"] == 2 + 4
    assert totals["people_reached"] == 800 + 1200
    assert request_missing_units(request=request) == [ward_c]
    rows = {r.unit.name: r for r in compliance_rows(request=request, today=today())}
    assert {name: (r.status, r.timeliness_code) for name, r in rows.items()} == {
        "Đảng ủy phường Đông Ngàn": (AnswerStatus.ACCEPTED, "on_time"),
        "Đảng ủy phường Tam Sơn": (AnswerStatus.SENT, "late"),
        "Đảng ủy phường Châu Khê": (AnswerStatus.NOT_STARTED, "missing"),
    }

    # The compliance page and its workbook, as the secretariat reads them.
    client.force_login(world.secretariat)
    page = client.get(reverse("reports:request_detail", args=[request.pk])).content.decode()
    assert "Muộn 1 ngày" in page and "Chưa gửi, quá hạn 1 ngày" in page
    assert reverse("reports:answer_file", args=[a.pk]) in page
    response = client.get(reverse("reports:request_xlsx", args=[request.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == request.title
    header = cells[3]
    assert header[:5] == ["STT", "Đơn vị", "Tình trạng", "Gửi lúc", "Thời hạn"]
    assert (
        header[5] == "Số mô hình đã đăng ký"
        and header[10] == "Số người dân được vận động, hưởng lợi"
    )
    body = {row[1]: row for row in cells[4:7]}
    assert body["Đảng ủy phường Đông Ngàn"][2:3] + body["Đảng ủy phường Đông Ngàn"][4:6] == [
        "Đã tiếp nhận", "Đúng hạn", 2,
    ]  # fmt: skip
    assert body["Đảng ủy phường Đông Ngàn"][10] == 800
    assert body["Đảng ủy phường Đông Ngàn"][11] == "bao-cao-so-ket.pdf"
    assert isinstance(body["Đảng ủy phường Tam Sơn"][3], datetime.datetime)
    assert body["Đảng ủy phường Tam Sơn"][4] == "Muộn 1 ngày"
    assert body["Đảng ủy phường Châu Khê"][2:5] == ["Chưa làm", None, "Chưa gửi, quá hạn 1 ngày"]
    assert body["Đảng ủy phường Châu Khê"][5] is None  # nothing sent: no numbers
    total = cells[7]
    assert total[1] == "Tổng (2 báo cáo đã gửi, đã tiếp nhận)"
    assert total[5:11] == [6, 1 + 3, 0 + 1, 0 + 1, 0, 2000]


def test_the_answers_are_fixed_when_the_request_opens(world, ward_c):
    request = open_request(world)
    Unit.objects.create(name="Đảng ủy phường Tân Hồng", kind=UnitKind.WARD, parent=world.city)
    ward_c.kind = UnitKind.BODY
    ward_c.save()
    assert request.answers.count() == 3
    assert request_missing_units(request=request) == sorted(
        [world.ward_a, world.ward_b, ward_c], key=lambda u: u.path
    )


@pytest.mark.parametrize(
    ("audience", "extra", "expected"),
    [
        ("all", {}, ["Đảng ủy phường Đông Ngàn", "Đảng ủy phường Tam Sơn"]),
        ("subtree", {"audience_unit": "ward_a"}, ["Đảng ủy phường Đông Ngàn", "UBND phường Đông Ngàn"]),
        ("kind", {"audience_kind": UnitKind.WARD_BODY}, ["UBND phường Đông Ngàn", "UBND phường Tam Sơn"]),
    ],
)  # fmt: skip
def test_who_is_asked(world, audience, extra, expected):
    if "audience_unit" in extra:
        extra = {"audience_unit": getattr(world, extra["audience_unit"])}
    request = open_request(world, **{"audience": audience, "audience_kind": "", **extra})
    assert list(request.answers.order_by("unit__path").values_list("unit__name", flat=True)) == (
        expected
    )


def test_a_phase_review_counts_the_cases_of_its_years(world):
    make_draft(world)
    case = make_draft(world, name="Mô hình thứ hai")
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    request = open_request(world, kind="phase", year_from=2021, year_to=2023)
    assert request.title.endswith("giai đoạn 2021–2023")
    answer = report_answer_save(
        actor=world.officer_a, answer=answer_of(request, world.ward_a), results="Giai đoạn."
    )
    assert answer.models_registered == 1
    older = open_request(world, kind="phase", year_from=2019, year_to=2022)
    answer = report_answer_save(
        actor=world.officer_a, answer=answer_of(older, world.ward_a), results="Giai đoạn."
    )
    assert answer.models_registered == 0
