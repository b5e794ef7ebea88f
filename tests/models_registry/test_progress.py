"""Progress reports: who may write them, when, and which attachments get in."""

import datetime

import pytest
from django.utils import timezone

from models_registry.models import ProgressAttachment, ProgressKind, ProgressReport
from models_registry.services.progress import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    XLSX,
    progress_report_create,
)
from tests.factories import BEFORE_DEADLINE
from tests.models_registry.uploads import (
    REPORT_DAY,
    docm_bytes,
    docx_bytes,
    good_files,
    image_bytes,
    make_running,
    media_files,
    pdf_bytes,
    upload,
    xlsx_bytes,
)
from workflow.errors import WorkflowError
from workflow.services import transition_apply


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def running(world):
    return make_running(world)


def report(world, case, *, actor=None, files=(), **overrides):
    data = {
        "kind": ProgressKind.MID_YEAR,
        "report_date": REPORT_DAY,
        "achievements": "45/60 hộ đã ký biên bản hiến đất; hoàn thành 300 m đường.",
        "percent_complete": 60,
    }
    data.update(overrides)
    return progress_report_create(
        actor=actor or world.officer_a, initiative=case, files=list(files), **data
    )


def refused(world, case, match: str, **kwargs) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        report(world, case, **kwargs)
    assert any(match in message for message in caught.value.messages), caught.value.messages
    return caught.value


def assert_nothing_saved(media) -> None:
    assert not ProgressReport.objects.exists()
    assert not ProgressAttachment.objects.exists()
    assert not media.exists() or media_files(media) == []


def test_unit_officer_reports_progress_with_every_allowed_kind_of_file(world, running, media):
    saved = report(world, running, files=good_files())

    assert (saved.initiative, saved.kind, saved.percent_complete, saved.created_by) == (
        running,
        ProgressKind.MID_YEAR,
        60,
        world.officer_a,
    )
    attachments = {a.original_name: a for a in saved.attachments.all()}
    assert {name: a.content_type for name, a in attachments.items()} == {
        "Biên bản họp dân.pdf": PDF.content_type,
        "anh-hien-dat.png": PNG.content_type,
        "IMG_0042.JPG": JPEG.content_type,
        "Báo cáo.docx": DOCX.content_type,
        "Số liệu.xlsx": XLSX.content_type,
    }
    stored = media_files(media)
    assert len(stored) == 5
    for attachment in attachments.values():
        path = media / attachment.file.name
        assert path in stored
        assert path.stat().st_size == attachment.size
        # Generated names: nothing of what the user typed reaches the disk.
        assert attachment.original_name not in attachment.file.name
        assert attachment.file.name.startswith("progress/")
    assert (media / attachments["Biên bản họp dân.pdf"].file.name).read_bytes() == pdf_bytes()


def test_officer_of_a_parent_unit_may_report_for_a_sub_unit(world):
    case = make_running(world, unit=world.ward_a_sub)
    assert report(world, case).initiative == case


@pytest.mark.parametrize("who", ["officer_b", "secretariat", "inspector", "chair", "viewer"])
def test_only_officers_of_the_cases_unit_may_report_progress(world, running, media, who):
    refused(world, running, "Chỉ cán bộ của đơn vị đăng ký", actor=getattr(world, who))
    assert_nothing_saved(media)


def test_progress_cannot_be_reported_on_a_draft(world, draft, media):
    refused(world, draft, "Đang triển khai", files=good_files())
    assert_nothing_saved(media)


def test_progress_cannot_be_reported_on_a_registered_case(world, draft, media):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    refused(world, draft, "“Đã đăng ký”")
    assert_nothing_saved(media)


def test_progress_cannot_be_reported_once_withdrawn(world, running, media):
    transition_apply(case=running, name="withdraw", actor=world.officer_a, reason="Sáp nhập.")
    refused(world, running, "“Đã rút đăng ký”", files=good_files())
    assert_nothing_saved(media)


def test_a_withdrawal_that_lands_first_wins_over_a_report_from_a_stale_page(world, running, media):
    stale = type(running).objects.get(pk=running.pk)  # what the officer's page loaded
    transition_apply(
        case=running, name="withdraw", actor=world.officer_a, reason="Đơn vị dừng mô hình."
    )
    refused(world, stale, "“Đã rút đăng ký”", files=good_files())
    assert_nothing_saved(media)


def test_the_fields_of_a_report_are_checked_together(world, running, media):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    error = refused(
        world,
        running,
        "sau ngày hôm nay",
        report_date=tomorrow,
        achievements="   ",
        percent_complete=101,
        kind="weekly",
    )
    assert len(error.messages) == 4
    assert "Chưa nhập kết quả đạt được so với mục tiêu." in error.messages
    assert "Mức độ hoàn thành phải là số nguyên từ 0 đến 100." in error.messages
    assert "Loại báo cáo không hợp lệ." in error.messages
    assert_nothing_saved(media)


def test_a_report_dated_before_the_model_started_is_refused(world, running):
    refused(world, running, "trước ngày bắt đầu", report_date=datetime.date(2023, 2, 1))


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("bien-ban.pdf", b"<html><script>alert(1)</script></html>", "không phải PDF"),
        ("bien-ban.pdf", b"%PDF-1.7\n" + b"A" * 100, "không phải PDF"),  # no end marker
        ("anh.png", b"MZ\x90\x00" + b"\x00" * 200, "không phải ảnh PNG"),
        ("anh.jpg", image_bytes("PNG"), "không phải ảnh JPEG"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"<?php echo 1; ?>" * 20, "không phải ảnh JPEG"),
        ("bao-cao.docx", xlsx_bytes(), "không phải tài liệu Word"),
        ("so-lieu.xlsx", docx_bytes(), "không phải bảng tính Excel"),
        ("bao-cao.docx", b"PK\x03\x04 not really a zip", "không phải tài liệu Word"),
        ("bao-cao.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "định dạng cũ"),
        ("bao-cao.docx", docm_bytes(), "macro"),
        ("trang.html", b"<html></html>", "không thuộc loại được phép"),
        ("anh.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "không thuộc loại được phép"),
        ("bao-cao", pdf_bytes(), "không thuộc loại được phép"),
        ("rong.pdf", b"", "rỗng"),
    ],
    # Ids without the bytes: a built document's bytes (their length too) depend on the
    # time it was zipped, and every pytest-xdist worker must collect the same ids.
    ids=lambda value: "file" if isinstance(value, bytes) else None,
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(
    world, running, media, name, content, match
):
    error = refused(
        world, running, match, files=[upload("that-tot.pdf", pdf_bytes()), upload(name, content)]
    )
    assert len(error.messages) == 1
    assert_nothing_saved(media)


def test_an_oversized_file_is_refused_and_nothing_is_saved(world, running, media, settings):
    settings.PROGRESS_ATTACHMENT_MAX_BYTES = 2048
    big = upload("ban-scan.pdf", pdf_bytes()[:-7] + b" " * 4096 + b"%%EOF\n")
    error = refused(world, running, "vượt quá dung lượng cho phép 2 KB", files=[big])
    assert "ban-scan.pdf" in error.messages[0]
    assert_nothing_saved(media)


def test_more_files_than_allowed_are_refused(world, running, media, settings):
    settings.PROGRESS_ATTACHMENT_MAX_FILES = 2
    refused(world, running, "tối đa 2 tệp", files=good_files()[:3])
    assert_nothing_saved(media)


def test_every_bad_file_is_named_in_one_refusal(world, running, media):
    error = refused(
        world,
        running,
        "a.pdf",
        files=[upload("a.pdf", b"nope"), upload("b.png", b"nope"), *good_files()[:2]],
    )
    assert [m.split("”")[0] for m in error.messages] == ["Tệp “a.pdf", "Tệp “b.png"]
    assert_nothing_saved(media)


def test_names_sent_with_a_path_keep_only_the_file_name(world, running, media):
    saved = report(world, running, files=[upload("..\\..\\C:\\tmp\\bao-cao.pdf", pdf_bytes())])
    attachment = saved.attachments.get()
    assert attachment.original_name == "bao-cao.pdf"
    assert (media / attachment.file.name).resolve().is_relative_to(media.resolve())
