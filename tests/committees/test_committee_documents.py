"""The decision's papers open in openpyxl and python-docx with the right rows: the annex
(title, table by unit, collective/individual, field, level) as xlsx and docx, and one
certificate per recognised model, laid out differently for a collective and an
individual. Downloads are for the committee, the secretariat and the case's unit."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from committees import documents as docs
from committees.models import VoteRound

from .committee_helpers import close, make_committee, make_inspected, votes

EXEMPLAR = "Nguyễn Văn Hùng — điển hình “vận động hiến đất làm đường”"
FORMULA = '=HYPERLINK("http://x";"Bấm vào đây")'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def decision(world):
    committee = make_committee(world)
    cases = [
        make_inspected(world, name="Khu dân cư không rác thải nhựa", field_economy=False,
                       field_culture_society=True),
        make_inspected(world, name=EXEMPLAR, subject="individual"),
        make_inspected(world, name="Camera an ninh khu phố", unit=world.ward_b_sub,
                       field_economy=False, field_defence_security=True),
        make_inspected(world, name=FORMULA, unit=world.ward_b),
    ]  # fmt: skip
    weak = make_inspected(world, name="Sân chơi an toàn cho thiếu nhi")
    for case in cases:
        votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
    votes(committee, weak, {world.members[0]: True})
    return close(committee, [*cases, weak], number="125-QĐ/BCĐ").decision


def test_the_annex_workbook_lists_the_recognised_models_by_unit(decision):
    book = load_workbook(io.BytesIO(docs.annex_xlsx(docs.annex_build(decision=decision))))
    sheet = book.active
    assert sheet["A1"].value == "PHỤ LỤC"
    assert sheet["A2"].value == (
        "DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” TIÊU BIỂU CẤP CƠ SỞ NĂM 2023"
    )
    assert sheet["A3"].value.startswith("(Kèm theo Quyết định số 125-QĐ/BCĐ ngày 15/10/2023")
    assert [c.value for c in sheet[5]] == list(docs.HEADERS)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6, max_row=9)]
    assert rows == [
        [1, "Đảng ủy phường Đông Ngàn", "Khu dân cư không rác thải nhựa", "x", None, "Văn hóa - xã hội", "Cấp cơ sở"],
        [2, None, EXEMPLAR, None, "x", "Kinh tế", "Cấp cơ sở"],
        [3, "Đảng ủy phường Tam Sơn", FORMULA, "x", None, "Kinh tế", "Cấp cơ sở"],
        [4, "UBND phường Tam Sơn", "Camera an ninh khu phố", "x", None, "Quốc phòng - an ninh", "Cấp cơ sở"],
    ]  # fmt: skip
    # The unit's cell spans its two models; the rejected model is not listed.
    assert "B6:B7" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A10"].value == "Tổng cộng: 4 mô hình, điển hình (3 tập thể, 1 cá nhân)"
    assert sheet.max_row == 10
    # A name that looks like a formula stays text.
    assert sheet["C8"].data_type == "s"


def test_the_decision_document_is_the_decision_then_its_annex_on_landscape_pages(decision):
    document = Document(io.BytesIO(docs.annex_docx(docs.annex_build(decision=decision))))
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    texts = [p.text for p in document.paragraphs]
    assert texts.index("QUYẾT ĐỊNH") < texts.index("PHỤ LỤC")
    assert any(t.startswith("Điều 1. Công nhận 4 mô hình, điển hình") for t in texts)
    assert "DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” TIÊU BIỂU CẤP CƠ SỞ NĂM 2023" in texts
    assert "Tổng cộng: 4 mô hình, điển hình (3 tập thể, 1 cá nhân)" in texts
    letterhead, signature, table = document.tables
    # The issuing unit's letterhead (settings.DVK_ISSUER: the demo's Party body).
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in letterhead.rows[0].cells[1].text
    assert "Số 125-QĐ/BCĐ" in letterhead.rows[0].cells[0].text
    assert "Nơi nhận:" in signature.rows[0].cells[0].text
    assert "T/M BAN CHỈ ĐẠO" in signature.rows[0].cells[1].text
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == list(docs.HEADERS)
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    # The merged unit cell reads the same on both of its rows, written once.
    assert rows[1][1] == rows[2][1] == "Đảng ủy phường Đông Ngàn"
    assert [row[2] for row in rows[1:]] == [
        "Khu dân cư không rác thải nhựa", EXEMPLAR, FORMULA, "Camera an ninh khu phố",
    ]  # fmt: skip
    assert [(row[3], row[4]) for row in rows[1:]] == [("x", ""), ("", "x"), ("x", ""), ("x", "")]
    # The header row repeats on every page; no row is split across pages.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_a_state_body_gets_the_state_letterhead_and_numbering(decision, settings):
    settings.DVK_ISSUER = {
        **settings.DVK_ISSUER,
        "system": "state",
        "parent": "UBND thành phố Từ Sơn",
    }
    document = Document(io.BytesIO(docs.annex_docx(docs.annex_build(decision=decision))))
    letterhead, signature, _ = document.tables
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in letterhead.rows[0].cells[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in letterhead.rows[0].cells[1].text
    assert "Số: 125-QĐ/BCĐ" in letterhead.rows[0].cells[0].text
    assert "TM. BAN CHỈ ĐẠO" in signature.rows[0].cells[1].text


def _certificate(decision, name):
    round_ = VoteRound.objects.select_related("case__unit", "case__campaign").get(
        decision=decision, case__name=name
    )
    return Document(io.BytesIO(docs.certificate_docx(decision=decision, round_=round_)))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def _framed_landscape(document) -> bool:
    section = document.sections[0]
    return (
        section.orientation == WD_ORIENT.LANDSCAPE
        and section._sectPr.find(qn("w:pgBorders")) is not None
    )


def test_a_collective_certificate_is_a_framed_landscape_page_signed_by_the_bcd(decision):
    document = _certificate(decision, "Khu dân cư không rác thải nhựa")
    assert _framed_landscape(document)
    text = _all_text(document)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "MÔ HÌNH “DÂN VẬN KHÉO” TIÊU BIỂU CẤP CƠ SỞ NĂM 2023" in text
    assert "Tập thể: Đảng ủy phường Đông Ngàn" in text
    assert "Với mô hình: “Khu dân cư không rác thải nhựa”" in text
    assert "Quyết định số 125-QĐ/BCĐ ngày 15/10/2023" in text
    assert "Từ Sơn, ngày 15 tháng 10 năm 2023" in text
    # Issued by the Ban Chỉ đạo, signed on its behalf — not by the council.
    assert "T/M BAN CHỈ ĐẠO\nTRƯỞNG BAN" in text
    assert "HỘI ĐỒNG" not in text
    assert "Chủ tịch hội đồng" in text  # the recorded signer, no name being configured
    assert "cá nhân" not in text.lower().replace("tập thể", "")


def test_an_individual_certificate_is_a_framed_landscape_page_with_a_photo_box(decision):
    document = _certificate(decision, EXEMPLAR)
    assert _framed_landscape(document)
    text = _all_text(document)
    assert "ĐIỂN HÌNH “DÂN VẬN KHÉO” TIÊU BIỂU CẤP CƠ SỞ NĂM 2023" in text
    assert "Ông (bà): Nguyễn Văn Hùng" in text
    assert "Thành tích: điển hình “vận động hiến đất làm đường”" in text
    assert "Ảnh\n3 × 4" in text or "Ảnh 3 × 4" in text.replace("\n", " ")
    assert "Tập thể:" not in text


def test_the_configured_signer_signs_the_certificate(decision, settings):
    settings.DVK_ISSUER = {**settings.DVK_ISSUER, "signer_name": "Nguyễn Văn An"}
    text = _all_text(_certificate(decision, EXEMPLAR))
    assert "Nguyễn Văn An" in text
    assert "Chủ tịch hội đồng" not in text


class TestDownloads:
    def test_the_chair_downloads_the_annex_in_both_formats(self, client, world, decision):
        client.force_login(world.chair)
        page = client.get(reverse("committees:decision", args=[decision.pk]))
        assert page.status_code == 200
        assert "Tổng cộng: 4 mô hình, điển hình" in page.content.decode()
        xlsx = client.get(reverse("committees:decision_annex_xlsx", args=[decision.pk]))
        assert xlsx["Content-Type"] == docs.XLSX_TYPE
        assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "PHỤ LỤC"
        docx = client.get(reverse("committees:decision_annex_docx", args=[decision.pk]))
        assert docx["Content-Type"] == docs.DOCX_TYPE
        assert "attachment" in docx["Content-Disposition"]
        assert "quyet-dinh-va-phu-luc-125-Q" in docx["Content-Disposition"]
        assert len(Document(io.BytesIO(docx.content)).tables) == 3

    def test_the_unit_gets_its_own_certificate_and_not_the_annex(self, client, world, decision):
        round_ = decision.rounds.get(case__name="Khu dân cư không rác thải nhựa")
        url = reverse("committees:certificate", args=[decision.pk, round_.case_id])
        client.force_login(world.officer_a)
        response = client.get(url)
        assert response.status_code == 200
        assert "giay-chung-nhan-tap-the" in response["Content-Disposition"]
        assert client.get(reverse("committees:decision", args=[decision.pk])).status_code == 404
        client.force_login(world.officer_b)
        assert client.get(url).status_code == 404

    def test_a_rejected_case_has_no_certificate(self, client, world, decision):
        weak = VoteRound.objects.get(case__name="Sân chơi an toàn cho thiếu nhi")
        client.force_login(world.secretariat)
        url = reverse("committees:certificate", args=[decision.pk, weak.case_id])
        assert client.get(url).status_code == 404
