"""Photos and documents of a visit: images and PDFs only, judged by their content, under a
size limit; a refused file is named in a clear Vietnamese message and changes nothing."""

import datetime

import pytest
from django.utils import timezone

from inspections.models import FieldVisit, VisitAttachment
from inspections.services.thumbnails import attachment_thumbnail_make
from inspections.services.visits import VisitInput, visit_complete, visit_save_draft
from workflow.errors import WorkflowError

from .helpers import PDF_BYTES, VISIT_DAY, book, full_visit, image_bytes, make_running, upload


def save(world, inspection, files, data=None, service=visit_save_draft):
    return service(
        actor=world.inspector,
        inspection=inspection,
        data=data or VisitInput(findings="Ghi chép tại hiện trường"),
        files=files,
        today=VISIT_DAY,
    )


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


class TestAccepted:
    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
    def test_an_image_is_kept_and_the_worker_makes_its_thumbnail(self, world, booked, fmt, _media):
        visit = save(world, booked, [upload("anh-hien-truong.bin", image_bytes(fmt))])
        (attachment,) = visit.attachments.all()
        assert attachment.is_image
        assert attachment.original_name == "anh-hien-truong.bin"
        assert attachment.content_type == f"image/{fmt.lower()}"
        assert not attachment.thumbnail  # not in the request (issue 15)
        assert not attachment.file.name.endswith(".bin")  # named from the content
        assert len(stored_files(_media)) == 1
        # What the worker's task runs:
        assert attachment_thumbnail_make(attachment_id=attachment.pk)
        assert not attachment_thumbnail_make(attachment_id=attachment.pk)  # once only
        attachment.refresh_from_db()
        assert attachment.thumbnail
        assert len(stored_files(_media)) == 2

    def test_a_pdf_is_kept_without_a_thumbnail(self, world, booked):
        visit = save(world, booked, [upload("bien-ban.pdf", PDF_BYTES)])
        (attachment,) = visit.attachments.all()
        assert attachment.kind == "pdf"
        assert attachment.content_type == "application/pdf"
        assert not attachment.thumbnail


class TestRefused:
    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("anh.jpg", b"Day khong phai la anh ma la van ban thuong."),
            ("tai-lieu.pdf", b"<html><body>gia dang PDF</body></html>"),
            ("bao-cao.docx", b"PK\x03\x04" + b"\x00" * 200),
            ("anh-hong.jpg", image_bytes("JPEG")[:300]),
            ("anh.gif", image_bytes("GIF")),
        ],
    )
    def test_what_is_not_an_image_or_a_pdf_is_refused_and_nothing_changes(
        self, world, booked, name, content, _media
    ):
        with pytest.raises(WorkflowError) as excinfo:
            save(world, booked, [upload("tot.jpg", image_bytes()), upload(name, content)])
        (message,) = excinfo.value.messages
        assert f"Tệp “{name}” không được nhận" in message
        assert "chỉ nhận ảnh (JPG, PNG, WEBP) hoặc tài liệu PDF" in message
        assert not FieldVisit.objects.exists()
        assert not VisitAttachment.objects.exists()
        assert stored_files(_media) == []

    def test_a_file_over_the_limit_is_refused_and_the_draft_is_unchanged(
        self, world, booked, settings, _media
    ):
        save(world, booked, [upload("nho.png", image_bytes("PNG", size=(20, 20)))])
        before = stored_files(_media)
        settings.INSPECTION_UPLOAD_MAX_BYTES = 50 * 1024
        big = image_bytes("PNG") + b"\x00" * 60 * 1024
        with pytest.raises(WorkflowError) as excinfo:
            save(world, booked, [upload("anh-lon.png", big)], data=VisitInput(findings="đổi"))
        (message,) = excinfo.value.messages
        assert "Tệp “anh-lon.png” quá lớn" in message
        assert "tối đa 50 KB" in message
        visit = FieldVisit.objects.get()
        assert visit.findings == "Ghi chép tại hiện trường"
        assert visit.attachments.count() == 1
        assert stored_files(_media) == before

    def test_a_refused_file_also_stops_completion(self, world, booked, criteria):
        with pytest.raises(WorkflowError, match="không được nhận"):
            save(
                world,
                booked,
                [upload("x.jpg", b"not an image")],
                data=full_visit(criteria, level=world.level_base),
                service=visit_complete,
            )
        booked.case.refresh_from_db()
        assert booked.case.state == "in_progress"

    def test_a_failed_completion_leaves_no_file_behind(self, world, booked, criteria, _media):
        with pytest.raises(WorkflowError):
            save(
                world,
                booked,
                [upload("anh.jpg", image_bytes())],
                data=full_visit(criteria, level=None),  # passed without a level
                service=visit_complete,
            )
        assert stored_files(_media) == []


class TestThePage:
    @pytest.fixture
    def today_booking(self, world, criteria):
        today = timezone.localdate()
        case = make_running(world, end_date=today + datetime.timedelta(days=30))
        (inspection,) = book(world, [case], day=today, today=today)
        return inspection

    def test_a_bad_file_from_the_page_gets_a_clear_message_and_nothing_is_saved(
        self, client, world, today_booking
    ):
        client.force_login(world.inspector)
        response = client.post(
            f"/kiem-tra/{today_booking.pk}/bien-ban/",
            {
                "findings": "Ghi chép",
                "action": "draft",
                "files": [upload("virus.jpg", b"MZ\x90\x00 this is an executable")],
            },
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Tệp “virus.jpg” không được nhận" in page
        assert not FieldVisit.objects.exists()

    def test_photos_are_served_to_who_sees_the_case_only(self, client, world, today_booking):
        client.force_login(world.inspector)
        client.post(
            f"/kiem-tra/{today_booking.pk}/bien-ban/",
            {"action": "draft", "files": [upload("anh.jpg", image_bytes())]},
        )
        attachment = VisitAttachment.objects.get()
        attachment_thumbnail_make(attachment_id=attachment.pk)  # the worker's task
        response = client.get(f"/kiem-tra/tep/{attachment.pk}/anh-nho/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        client.force_login(world.officer_b)
        assert client.get(f"/kiem-tra/tep/{attachment.pk}/").status_code == 404
        # A draft's photos stay with the team and the secretariat.
        client.force_login(world.officer_a)
        assert client.get(f"/kiem-tra/tep/{attachment.pk}/").status_code == 404
