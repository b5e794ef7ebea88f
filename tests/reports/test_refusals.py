"""What the report services refuse: the wrong person, the wrong unit, the wrong state, a
closed campaign, a file that is not a signed report — each with its sentence, nothing
written."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from models_registry.models import CampaignStatus
from models_registry.services import progress
from reports import services
from reports.models import AnswerStatus, ReportAnswer, ReportRequest
from reports.services import (
    report_answer_accept,
    report_answer_return,
    report_answer_save,
    report_answer_send,
)
from tests.factories import make_user
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

from .conftest import open_request, pdf


@pytest.fixture
def request_(world):
    return open_request(world)


@pytest.fixture
def answer_a(request_, world):
    return ReportAnswer.objects.get(request=request_, unit=world.ward_a)


def refused(fn, **kwargs) -> list[str]:
    with pytest.raises(WorkflowError) as caught:
        fn(**kwargs)
    return caught.value.messages


def sent(world, answer):
    report_answer_save(actor=world.officer_a, answer=answer, results="Kết quả.", file=pdf())
    return report_answer_send(actor=world.officer_a, answer=answer)


def test_only_the_secretariat_opens_a_request(world):
    for actor in (world.officer_a, world.viewer, world.chair, world.outsider):
        with pytest.raises(WorkflowError) as caught:
            services.report_request_open(
                actor=actor, campaign=world.campaign, kind="mid_year",
                due_date=None, audience="all",
            )  # fmt: skip
        assert caught.value.messages == [services.ONLY_SECRETARIAT]
    assert not ReportRequest.objects.exists()


def test_opening_names_every_problem_at_once(world):
    messages = refused(
        services.report_request_open,
        actor=world.secretariat,
        campaign=world.campaign,
        kind="custom",
        due_date=None,
        audience="subtree",
        year_from=2023,
    )
    assert messages == [
        services.TITLE_REQUIRED,
        services.DUE_REQUIRED,
        services.AUDIENCE_UNIT_REQUIRED,
    ]
    assert not ReportRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="report_request.open").exists()


def test_an_officer_cannot_answer_for_another_unit(world, answer_a):
    messages = refused(report_answer_save, actor=world.officer_b, answer=answer_a, results="x")
    assert messages == [services.NOT_OFFICER.format(unit="Đảng ủy phường Đông Ngàn")]
    assert refused(report_answer_send, actor=world.secretariat, answer=answer_a) == messages
    answer_a.refresh_from_db()
    assert answer_a.status == AnswerStatus.NOT_STARTED


def test_an_officer_of_a_sub_unit_cannot_answer_for_the_ward(world, answer_a):
    sub_officer = make_user("canbo.ubnd", (Role.UNIT_OFFICER, world.ward_a_sub))
    assert refused(report_answer_save, actor=sub_officer, answer=answer_a, results="x")


def test_only_the_secretariat_accepts_or_returns(world, answer_a):
    answer = sent(world, answer_a)
    assert refused(report_answer_accept, actor=world.officer_a, answer=answer) == [
        services.ONLY_SECRETARIAT
    ]
    assert refused(report_answer_return, actor=world.viewer, answer=answer, reason="x") == [
        services.ONLY_SECRETARIAT
    ]
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SENT


def test_wrong_states_are_refused_with_the_current_status(world, answer_a):
    unit = "Đảng ủy phường Đông Ngàn"
    assert refused(report_answer_send, actor=world.officer_a, answer=answer_a) == [
        services.NOT_SENDABLE.format(unit=unit, status="Chưa làm")
    ]
    assert refused(report_answer_accept, actor=world.secretariat, answer=answer_a) == [
        services.NOT_SENT.format(unit=unit, status="Chưa làm")
    ]
    answer = sent(world, answer_a)
    assert refused(report_answer_save, actor=world.officer_a, answer=answer, results="y") == [
        services.NOT_EDITABLE.format(unit=unit, status="Đã gửi")
    ]
    assert refused(report_answer_send, actor=world.officer_a, answer=answer) == [
        services.NOT_SENDABLE.format(unit=unit, status="Đã gửi")
    ]
    report_answer_accept(actor=world.secretariat, answer=answer)
    assert refused(report_answer_return, actor=world.secretariat, answer=answer, reason="z") == [
        services.NOT_SENT.format(unit=unit, status="Đã tiếp nhận")
    ]


def test_a_return_needs_a_reason(world, answer_a):
    answer = sent(world, answer_a)
    assert refused(report_answer_return, actor=world.secretariat, answer=answer, reason="  ") == [
        services.REASON_REQUIRED
    ]
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SENT


def test_sending_needs_the_results_and_the_signed_report(world, answer_a):
    report_answer_save(actor=world.officer_a, answer=answer_a)
    assert refused(report_answer_send, actor=world.officer_a, answer=answer_a) == [
        services.RESULTS_REQUIRED,
        services.FILE_REQUIRED,
    ]


def test_a_closed_campaign_takes_no_request_and_no_answer(world, answer_a):
    world.campaign.status = CampaignStatus.CLOSED
    world.campaign.save()
    closed = [services.CAMPAIGN_CLOSED.format(year=2023)]
    with pytest.raises(WorkflowError) as caught:
        open_request(world)
    assert caught.value.messages == closed
    assert refused(report_answer_save, actor=world.officer_a, answer=answer_a, results="x") == (
        closed
    )


def test_negative_numbers_are_refused(world, answer_a):
    numbers = dict.fromkeys(
        ("models_registered", "models_running", "models_finished", "recognized_grassroots",
         "recognized_city"), 1,
    )  # fmt: skip
    numbers["people_reached"] = -5
    messages = refused(report_answer_save, actor=world.officer_a, answer=answer_a, numbers=numbers)
    assert messages == [
        services.NUMBER_INVALID.format(label="Số người dân được vận động, hưởng lợi")
    ]


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        # Not a PDF inside: the project's attachment checks say so, in their words.
        ("bao-cao.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF",
         progress.FILE_CONTENT_MISMATCH.format(name="bao-cao.pdf", ext=".pdf", expected="PDF")),
        ("bao-cao.exe", b"MZ\x90\x00", progress.FILE_TYPE_NOT_ALLOWED.format(name="bao-cao.exe")),
        # A genuine workbook: a good attachment elsewhere, but no signed report.
        ("so-lieu.xlsx", _xlsx(), services.FILE_NOT_REPORT.format(name="so-lieu.xlsx")),
    ],
    # Named by the file: a built workbook's bytes carry its zip time, and every
    # pytest-xdist worker must collect the same test ids.
    ids=["pdf-not-pdf", "exe", "xlsx"],
)  # fmt: skip
def test_the_signed_report_goes_through_the_projects_upload_checks(
    world, answer_a, name, content, expected
):
    upload = SimpleUploadedFile(name, content)
    assert refused(report_answer_save, actor=world.officer_a, answer=answer_a, file=upload) == [
        expected
    ]
    answer_a.refresh_from_db()
    assert answer_a.status == AnswerStatus.NOT_STARTED and not answer_a.file


def test_a_new_file_replaces_the_old_one_on_disk(
    world, answer_a, django_capture_on_commit_callbacks
):
    first = report_answer_save(actor=world.officer_a, answer=answer_a, file=pdf("mot.pdf"))
    old_path = first.file.path
    with django_capture_on_commit_callbacks(execute=True):
        second = report_answer_save(actor=world.officer_a, answer=first, file=pdf("hai.pdf"))
    assert second.file_name == "hai.pdf"
    assert os.path.exists(second.file.path)
    assert not os.path.exists(old_path)
