"""The sơ kết counts as of the campaign's mid-year date, the tổng kết as of its year-end
date: what happened after the day is left out (a case created later, a recognition
decided later, a report written later); the two documents have the sections of what
each is for; the page says which day each button counts to, and lets the day be chosen
when the plan has none."""

import datetime
import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from committees.services import committee_create, rounds_close, vote_cast
from models_registry.models import Campaign, ProgressKind
from models_registry.services.progress import progress_report_create
from tests.factories import BEFORE_DEADLINE, make_draft
from tests.inspections.helpers import book, complete, full_visit, make_criteria, make_running
from workflow.services import transition_apply

from .dashboard_data import clock

DOCX = "dashboards:dashboard_report_docx"
XLSX = "dashboards:dashboard_report_xlsx"
MID_YEAR = datetime.date(2023, 6, 30)  # the campaign's mid-year report due date
YEAR_END = datetime.date(2023, 11, 30)  # and its year-end one


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _recognize(world, monkeypatch, committee, criteria, case, *, inspected, decided):
    (inspection,) = book(world, [case])
    with clock(monkeypatch, inspected):
        complete(world, inspection, full_visit(criteria, level=world.level_base))
    for member in [world.chair, *world.members]:
        vote_cast(actor=member, committee=committee, case=case, in_favour=True)
    if decided is None:
        return
    with clock(monkeypatch, decided):
        rounds_close(
            actor=world.chair,
            committee=committee,
            round_ids=[committee.rounds.get(case=case, status="open").pk],
            decision_number=f"{decided:%d%m}-QĐ/BCĐ",
            decision_date=decided,
            reason="",
            today=decided,
        )


@pytest.fixture
def year(world, monkeypatch):
    """Ward A's 2023, on the log's clock:

    "Đầu năm" registered and running from 01/03, its mid-year report written on 20/06,
    inspected on 01/09 and recognised on 15/09 (after the mid-year date);
    "Giữa năm" created and sent on 10/07 (after the mid-year date);
    "Cuối năm" running from 01/03, inspected on 20/11 and recognised on 05/12 (after the
    year-end date); its mid-year report written late, on 10/07."""
    criteria = make_criteria(world.campaign)
    committee = committee_create(
        name="Hội đồng xét công nhận cấp cơ sở năm 2023",
        level=world.level_base,
        unit=world.city,
        chair=world.chair,
        members=world.members,
    )
    with clock(monkeypatch, datetime.date(2023, 3, 1)):
        early = make_running(world, name="Mô hình đầu năm")
        late = make_running(world, name="Mô hình cuối năm")
    with clock(monkeypatch, datetime.date(2023, 6, 20)):
        progress_report_create(
            actor=world.officer_a,
            initiative=early,
            kind=ProgressKind.MID_YEAR,
            report_date=datetime.date(2023, 6, 20),
            achievements="Đạt 60% chỉ tiêu",
            percent_complete=60,
        )
    with clock(monkeypatch, datetime.date(2023, 7, 10)):
        middle = make_draft(world, name="Mô hình giữa năm")
        transition_apply(case=middle, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
        progress_report_create(
            actor=world.officer_a,
            initiative=late,
            kind=ProgressKind.MID_YEAR,
            report_date=datetime.date(2023, 7, 10),
            achievements="Đạt 40% chỉ tiêu",
            percent_complete=40,
        )
    _recognize(
        world, monkeypatch, committee, criteria, early,
        inspected=datetime.date(2023, 9, 1), decided=datetime.date(2023, 9, 15),
    )  # fmt: skip
    _recognize(
        world, monkeypatch, committee, criteria, late,
        inspected=datetime.date(2023, 11, 20), decided=datetime.date(2023, 12, 5),
    )  # fmt: skip
    return {"early": early, "middle": middle, "late": late}


def _download(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response
    return response.content


def _text(content: bytes) -> tuple[str, list]:
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    return text, cells


def _rows(content: bytes, sheet: str) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {row[0]: row[1:] for row in book[sheet].iter_rows(values_only=True) if row}


def test_the_so_ket_counts_as_of_the_mid_year_date(client, world, year):
    text, cells = _text(
        _download(client, world.secretariat, DOCX, campaign=world.campaign.pk, kind="so-ket")
    )
    assert "Số liệu tính đến ngày 30/06/2023" in text
    # "Giữa năm" did not exist yet; nothing was recognised yet.
    assert "Tổng số 2 mô hình, điển hình" in text
    assert "Mô hình giữa năm" not in cells
    assert "Đang triển khai: 2 mô hình" in text
    assert "Đã có báo cáo sơ kết: 1/2 mô hình" in text  # the late one's came on 10/07
    assert "Được công nhận:" not in text
    assert "Mô hình đầu năm" not in cells  # no list of recognised models yet

    book = _rows(
        _download(client, world.secretariat, XLSX, campaign=world.campaign.pk, kind="so-ket"),
        "Tổng hợp",
    )
    assert book["Đã gửi đăng ký"][0] == 2
    assert book["— Đang triển khai"][0] == 2
    assert book["— Đã công nhận"][0] == 0


def test_the_tong_ket_counts_as_of_the_year_end_date(client, world, year):
    text, cells = _text(
        _download(client, world.secretariat, DOCX, campaign=world.campaign.pk, kind="tong-ket")
    )
    assert "Số liệu tính đến ngày 30/11/2023" in text
    assert "Tổng số 3 mô hình, điển hình" in text
    # "Cuối năm" was inspected, its decision came on 05/12: not recognised as of 30/11.
    assert "Được công nhận: 1 mô hình, điển hình (cấp cơ sở: 1;" in text
    assert "Mô hình đầu năm" in cells
    assert "Mô hình cuối năm" not in cells

    content = _download(client, world.secretariat, XLSX, campaign=world.campaign.pk)
    summary = _rows(content, "Tổng hợp")
    assert summary["Đã gửi đăng ký"][0] == 3
    assert summary["— Đã công nhận"][0] == 1
    assert summary["— Đã kiểm tra"][0] == 1
    assert _rows(content, "Theo cấp")["Cấp cơ sở"] == (3, 1)
    assert [r[1] for r in _rows(content, "Danh sách công nhận").values()][-1] == ("Mô hình đầu năm")


def test_as_of_today_counts_everything_that_happened(client, world, year):
    today = f"{timezone.localdate():%d/%m/%Y}"
    content = _download(
        client, world.secretariat, XLSX, campaign=world.campaign.pk, kind="tong-ket", as_of=today
    )
    assert _rows(content, "Tổng hợp")["— Đã công nhận"][0] == 2


def test_the_so_ket_and_the_tong_ket_have_the_sections_of_what_each_is_for(client, world, year):
    so_ket, _ = _text(
        _download(client, world.secretariat, DOCX, campaign=world.campaign.pk, kind="so-ket")
    )
    tong_ket, _ = _text(
        _download(client, world.secretariat, DOCX, campaign=world.campaign.pk, kind="tong-ket")
    )
    assert "Sơ kết 6 tháng đầu năm phong trào thi đua “Dân vận khéo” năm 2023" in so_ket
    assert "nhiệm vụ trọng tâm 6 tháng cuối năm" in so_ket
    for heading in (
        "II. KẾT QUẢ THỰC HIỆN 6 THÁNG ĐẦU NĂM",
        "III. NHỮNG VIỆC CHẬM, QUÁ HẠN CẦN ĐÔN ĐỐC",
        "V. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM",
    ):
        assert heading in so_ket and heading not in tong_ket
    # the tasks name the plan's next dates
    assert "gửi báo cáo tổng kết trước ngày 30/11/2023" in so_ket
    assert "hoàn thành trước ngày 15/10/2023" in so_ket

    assert "Tổng kết phong trào thi đua “Dân vận khéo” năm 2023" in tong_ket
    for heading in (
        "III. KẾT QUẢ CÔNG NHẬN MÔ HÌNH, ĐIỂN HÌNH TIÊU BIỂU",
        "IV. SO SÁNH VỚI CÁC NĂM",
        "V. ĐỀ XUẤT KHEN THƯỞNG",
        "VI. ĐÁNH GIÁ CHUNG VÀ BÀI HỌC KINH NGHIỆM",
        "VII. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024",
    ):
        assert heading in tong_ket and heading not in so_ket
    assert "Bài học kinh nghiệm" in tong_ket and "Bài học kinh nghiệm" not in so_ket
    assert "đề nghị khen thưởng 1 tập thể, cá nhân" in tong_ket

    sheets = {}
    for kind in ("so-ket", "tong-ket"):
        content = _download(client, world.secretariat, XLSX, campaign=world.campaign.pk, kind=kind)
        sheets[kind] = load_workbook(io.BytesIO(content)).sheetnames
    assert "Đề xuất khen thưởng" in sheets["tong-ket"]
    assert "Đề xuất khen thưởng" not in sheets["so-ket"]
    assert "So sánh các năm" not in sheets["so-ket"]


def test_the_page_says_which_day_each_report_counts_to(client, world, year):
    client.force_login(world.secretariat)
    html = client.get(reverse("dashboards:dashboard"), {"campaign": world.campaign.pk}).content
    html = html.decode()
    assert "Số liệu tính đến ngày <strong>30/06/2023</strong>" in html
    assert "Số liệu tính đến ngày <strong>30/11/2023</strong>" in html
    assert "kind=so-ket&amp;as_of=30%2F06%2F2023" in html
    assert "kind=tong-ket&amp;as_of=30%2F11%2F2023" in html


def test_a_plan_without_its_dates_lets_the_day_be_chosen(client, world, year):
    Campaign.objects.filter(pk=world.campaign.pk).update(mid_year_report_due=None)
    client.force_login(world.secretariat)
    page = client.get(reverse("dashboards:dashboard"), {"campaign": world.campaign.pk})
    html = page.content.decode()
    assert "Kế hoạch năm 2023 chưa có hạn báo cáo sơ kết: chọn ngày tính số liệu" in html
    today = timezone.localdate()
    assert f'name="as_of" value="{today:%d/%m/%Y}"' in html  # today by default
    # The tổng kết still counts to the plan's year-end date.
    assert "Số liệu tính đến ngày <strong>30/11/2023</strong>" in html

    text, _ = _text(
        _download(
            client, world.secretariat, DOCX,
            campaign=world.campaign.pk, kind="so-ket", as_of="31/07/2023",
        )
    )  # fmt: skip
    assert "Số liệu tính đến ngày 31/07/2023" in text
    assert "Tổng số 3 mô hình, điển hình" in text

    response = client.get(
        reverse(DOCX), {"campaign": world.campaign.pk, "kind": "so-ket", "as_of": "2023-07-31"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Ngày tính số liệu phải có dạng dd/mm/yyyy" in page.content.decode()


def test_the_command_counts_to_the_campaign_date_by_default(world, year, tmp_path):
    path = tmp_path / "so-ket.docx"
    call_command(
        "dashboard_report", "--campaign=2023", "--kind=so-ket", f"--docx={path}",
        stdout=io.StringIO(),
    )  # fmt: skip
    text, _ = _text(path.read_bytes())
    assert "Số liệu tính đến ngày 30/06/2023" in text
    assert "Tổng số 2 mô hình, điển hình" in text
    call_command(
        "dashboard_report", "--campaign=2023", "--kind=so-ket", "--as-of=31/07/2023",
        f"--docx={path}", stdout=io.StringIO(),
    )  # fmt: skip
    assert "Tổng số 3 mô hình, điển hình" in _text(path.read_bytes())[0]
