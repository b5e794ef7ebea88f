"""The report pages: what each person sees and does, and what each page costs in
queries (the same for 5 rows as for 50)."""

import datetime

import pytest
from django.urls import reverse

from reports.models import AnswerStatus, ReportAnswer, ReportRequest
from reports.services import report_answer_save, report_answer_send
from units.models import Unit, UnitKind

from .conftest import open_request, pdf, today


def _wards(world, count: int) -> None:
    for index in range(count - 2):  # the world has two wards already
        Unit.objects.create(
            name=f"Đảng ủy phường Thử {index}", kind=UnitKind.WARD, parent=world.city
        )


def _answered(world, request: ReportRequest) -> ReportAnswer:
    answer = ReportAnswer.objects.get(request=request, unit=world.ward_a)
    report_answer_save(actor=world.officer_a, answer=answer, results="Kết quả.", file=pdf())
    return report_answer_send(actor=world.officer_a, answer=answer)


@pytest.mark.parametrize("count", [5, 50])
def test_the_request_list_costs_the_same_for_few_and_many(
    client, world, count, django_assert_num_queries
):
    for index in range(count):
        open_request(world, days=index, audience="all", audience_kind="")
    client.force_login(world.secretariat)
    # session, user, memberships, campaigns, requests with their counts, unread count
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:request_list"))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [5, 50])
def test_the_compliance_page_costs_the_same_for_few_and_many(
    client, world, count, django_assert_num_queries
):
    _wards(world, count)
    request = open_request(world)
    _answered(world, request)
    client.force_login(world.secretariat)
    # session, user, memberships, the request, the answers with units and people, the
    # totals, unread count
    with django_assert_num_queries(7):
        response = client.get(reverse("reports:request_detail", args=[request.pk]))
    assert len(response.context["rows"]) == count
    # and its workbook: the same reads, no page around it
    with django_assert_num_queries(6):
        client.get(reverse("reports:request_xlsx", args=[request.pk]))


@pytest.mark.parametrize("count", [5, 50])
def test_the_answer_pages_cost_the_same_for_few_and_many(
    client, world, count, django_assert_num_queries
):
    for index in range(count):
        open_request(world, days=index + 1)
    answer = ReportAnswer.objects.filter(unit=world.ward_a).order_by("pk").first()
    client.force_login(world.officer_a)
    # session, user, memberships, the answers with their requests and units, unread count
    with django_assert_num_queries(5):
        response = client.get(reverse("reports:answer_list"))
    assert len(response.context["owing"]) == count
    # session, user, memberships, the answer, the figures from the cases, unread count
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:answer", args=[answer.pk]))
    assert response.context["editable"] is True


def test_an_officer_answers_through_the_form(client, world):
    from tests.factories import BEFORE_DEADLINE, make_draft
    from workflow.services import transition_apply

    case = make_draft(world)
    transition_apply(case=case, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    request = open_request(world)
    answer = ReportAnswer.objects.get(request=request, unit=world.ward_a)
    client.force_login(world.officer_a)
    url = reverse("reports:answer", args=[answer.pk])
    form = client.get(url).context["form"]
    assert form.initial["models_registered"] == 1  # pre-filled from the ward's case
    data = {
        "models_registered": 1, "models_running": 0, "models_finished": 0,
        "recognized_grassroots": 0, "recognized_city": 0, "people_reached": 350,
        "results": "Vận động 350 hộ dân.", "lessons": "", "proposals": "",
    }  # fmt: skip
    # Sending without the signed report: the draft is kept, the refusal says why.
    response = client.post(url, {**data, "action": "send"}, follow=True)
    assert "Vui lòng đính kèm báo cáo có chữ ký" in response.content.decode()
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.DRAFT and answer.people_reached == 350
    response = client.post(url, {**data, "action": "send", "file": pdf()}, follow=True)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SENT
    assert "Đã gửi báo cáo cho Ban Dân vận." in response.content.decode()
    # Sent: the page reads, and says why it cannot be edited.
    assert response.context["editable"] is False
    assert "chỉ sửa được khi Ban Dân vận trả lại" in response.content.decode()
    # The file goes out only through the checked view, as an attachment.
    download = client.get(reverse("reports:answer_file", args=[answer.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_another_wards_officer_does_not_see_the_answer(client, world):
    request = open_request(world)
    answer = ReportAnswer.objects.get(request=request, unit=world.ward_a)
    client.force_login(world.officer_b)
    assert client.get(reverse("reports:answer", args=[answer.pk])).status_code == 404
    assert client.get(reverse("reports:answer_file", args=[answer.pk])).status_code == 404


def test_the_secretariat_accepts_and_returns_from_the_compliance_page(client, world):
    request = open_request(world)
    answer = _answered(world, request)
    client.force_login(world.secretariat)
    page = reverse("reports:request_detail", args=[request.pk])
    response = client.post(reverse("reports:answer_return", args=[answer.pk]), {"reason": ""})
    assert response.url.startswith(page)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SENT  # no reason: refused
    client.post(reverse("reports:answer_return", args=[answer.pk]), {"reason": "Thiếu chữ ký."})
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.RETURNED and answer.returned_reason == "Thiếu chữ ký."
    content = client.get(page).content.decode()
    assert "Lý do: Thiếu chữ ký." in content


def test_the_dashboard_shows_open_requests_the_late_units_and_the_units_to_do(client, world):
    request = open_request(world, days=0)
    _answered(world, request)
    ReportRequest.objects.filter(pk=request.pk).update(
        due_date=today() - datetime.timedelta(days=2)
    )
    client.force_login(world.secretariat)
    content = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Báo cáo của đơn vị đang chờ" in content
    assert "Quá hạn chưa gửi (1)" in content and "Đảng ủy phường Tam Sơn" in content
    client.force_login(world.officer_b)
    response = client.get(reverse("dashboards:dashboard"))
    assert [a.unit for a in response.context["reports_to_give"]] == [world.ward_b]
    assert reverse("reports:answer_list") in response.content.decode()


def test_the_hub_leads_the_secretariat_to_the_reports(client, world):
    client.force_login(world.secretariat)
    content = client.get(reverse("accounts:hub")).content.decode()
    assert reverse("reports:request_list") in content


def test_opening_a_request_from_the_form(client, world):
    client.force_login(world.secretariat)
    response = client.post(
        reverse("reports:request_open"),
        {
            "campaign": world.campaign.pk, "kind": "year_end", "title": "",
            "due_date": (today() + datetime.timedelta(days=7)).isoformat(),
            "audience": "kind", "audience_kind": UnitKind.WARD, "instructions": "",
        },
    )  # fmt: skip
    request = ReportRequest.objects.get()
    assert response.url == reverse("reports:request_detail", args=[request.pk])
    assert request.title == "Báo cáo tổng kết phong trào thi đua “Dân vận khéo” năm 2023"
    assert request.answers.count() == 2
