"""The city's sơ kết / tổng kết from the units' own reports: the sums of what the units
sent beside the figures counted from the cases, the names of the units that did not
report (a returned report counts as not sent), plainly said when no request was made;
the phase review compares the years of its range, from the cases and from each year's
answers."""

import datetime
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from models_registry.models import Campaign, RecognitionLevel
from models_registry.services.initiatives import initiative_create
from reports.models import Audience, ReportKind
from reports.services import (
    report_answer_accept,
    report_answer_return,
    report_answer_save,
    report_answer_send,
    report_request_open,
)
from tests.factories import BEFORE_DEADLINE, make_draft, make_user
from tests.files import minimal_pdf
from tests.inspections.helpers import make_running
from units.models import UnitKind
from workflow.lifecycle import Role
from workflow.services import transition_apply

DOCX = "dashboards:dashboard_report_docx"
XLSX = "dashboards:dashboard_report_xlsx"
REGISTERED = "Số mô hình đã đăng ký"
PEOPLE = "Số người dân được vận động, hưởng lợi"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cases(world):
    """Ward A: two models running; ward B: one registered; one draft (not counted)."""
    make_running(world, name="Tổ tự quản an ninh trật tự")
    make_running(world, name="Chợ văn minh")
    registered = make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Đường hoa")
    transition_apply(case=registered, name="submit", actor=world.officer_b, today=BEFORE_DEADLINE)
    make_draft(world, name="Bản nháp")


def _today() -> str:
    return f"{timezone.localdate():%d/%m/%Y}"


def _open(world, kind, *, campaign=None, **extra):
    return report_request_open(
        actor=world.secretariat,
        campaign=campaign or world.campaign,
        kind=kind,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
        audience=Audience.KIND,
        audience_kind=UnitKind.WARD,
        **extra,
    )


def _answer(request, unit, officer, **numbers):
    answer = request.answers.get(unit=unit)
    report_answer_save(
        actor=officer,
        answer=answer,
        numbers={
            "models_registered": 0,
            "models_running": 0,
            "models_finished": 0,
            "recognized_grassroots": 0,
            "recognized_city": 0,
            "people_reached": 0,
            **numbers,
        },
        results="Các mô hình triển khai đúng kế hoạch.",
        file=SimpleUploadedFile("bao-cao.pdf", minimal_pdf(b"bao cao"), "application/pdf"),
    )
    return report_answer_send(actor=officer, answer=answer)


def _get(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(name), {"as_of": _today(), **params})
    assert response.status_code == 200
    return response.content


def _word(content: bytes) -> tuple[str, dict]:
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = {}
    for table in document.tables[1:]:
        rows = [[c.text for c in row.cells] for row in table.rows]
        tables.setdefault(tuple(rows[0]), []).append(rows)
    return text, tables


def _sheet(content: bytes, name: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[name].iter_rows(values_only=True))


def _row(rows, first):
    return next(row for row in rows if row and row[0] == first)


def test_the_so_ket_sums_what_the_units_sent_and_names_who_did_not(client, world, ward_c, cases):
    request = _open(world, ReportKind.MID_YEAR)
    a = _answer(request, world.ward_a, world.officer_a, models_registered=5, people_reached=1200)
    report_answer_accept(actor=world.secretariat, answer=a)
    b = _answer(request, world.ward_b, world.officer_b, models_registered=2, people_reached=300)
    report_answer_return(actor=world.secretariat, answer=b, reason="Thiếu chữ ký")

    text, tables = _word(
        _get(client, world.secretariat, DOCX, campaign=world.campaign.pk, kind="so-ket")
    )
    # Ward B's report was returned: it counts nothing and ward B is named.
    assert "1/3 đơn vị đã gửi báo cáo" in text
    assert f"Theo yêu cầu “{request.title}”" in text
    assert (
        "Còn 2 đơn vị chưa gửi báo cáo: Đảng ủy phường Châu Khê, Đảng ủy phường Tam Sơn." in text
        or "Còn 2 đơn vị chưa gửi báo cáo: Đảng ủy phường Tam Sơn, Đảng ủy phường Châu Khê." in text
    )
    (table,) = tables[("Chỉ tiêu", "Đếm từ hồ sơ", "Các đơn vị báo cáo", "Chênh lệch")]
    rows = {row[0]: row[1:] for row in table[1:]}
    assert rows[REGISTERED] == ["3", "5", "2"]  # 3 sent cases; 5 reported
    assert rows[PEOPLE] == ["—", "1200", "—"]  # no case counts people reached
    assert "Đơn vị chưa gửi báo cáo sơ kết: 2 (nêu ở mục II.3)." in text

    # Ward B sends it again: both sums count, only Châu Khê is missing.
    _answer(request, world.ward_b, world.officer_b, models_registered=2, people_reached=300)
    content = _get(client, world.secretariat, XLSX, campaign=world.campaign.pk, kind="so-ket")
    rows = _sheet(content, "Báo cáo của đơn vị")
    assert _row(rows, REGISTERED)[1:] == (3, 7, 4)
    assert _row(rows, PEOPLE)[1:] == (None, 1500, None)
    missing = _sheet(content, "Đơn vị chưa báo cáo")
    assert _row(missing, 1) == (1, "Đảng ủy phường Châu Khê")
    assert len([row for row in missing if row and isinstance(row[0], int)]) == 1


def test_a_report_without_a_request_says_so(client, world, cases):
    _open(world, ReportKind.MID_YEAR)  # a sơ kết request does not answer the tổng kết
    text, _ = _word(
        _get(client, world.secretariat, DOCX, campaign=world.campaign.pk, kind="tong-ket")
    )
    assert (
        "Ban Chỉ đạo chưa gửi yêu cầu báo cáo tổng kết năm 2023 đến các đơn vị, nên chưa có "
        "số liệu do các đơn vị báo cáo" in text
    )
    assert "chưa gửi báo cáo:" not in text
    content = _get(client, world.secretariat, XLSX, campaign=world.campaign.pk, kind="tong-ket")
    note = [row[0] for row in _sheet(content, "Đơn vị chưa báo cáo") if row and row[0]]
    assert any("chưa gửi yêu cầu báo cáo tổng kết năm 2023" in str(line) for line in note)


def test_a_unit_officer_sees_only_their_units_answers(client, world, ward_c, cases):
    request = _open(world, ReportKind.MID_YEAR)
    _answer(request, world.ward_a, world.officer_a, models_registered=5)
    text, _ = _word(_get(client, world.officer_a, DOCX, campaign=world.campaign.pk, kind="so-ket"))
    assert "1/1 đơn vị đã gửi báo cáo" in text
    assert "Tất cả các đơn vị được yêu cầu đã gửi báo cáo." in text
    assert "Tam Sơn" not in text and "Châu Khê" not in text


@pytest.fixture
def phase(world, ward_c, cases):
    """2021 and 2022 campaigns with cases of ward A; 2021's tổng kết answered by ward A,
    2022 with no request; the phase review 2021–2023 answered by ward A only."""
    for year, count in ((2021, 3), (2022, 1)):
        campaign = Campaign.objects.create(
            year=year,
            name=f"Phong trào thi đua “Dân vận khéo” năm {year}",
            registration_deadline=datetime.date(year, 3, 6),
        )
        level = RecognitionLevel.objects.create(campaign=campaign, rank=1, name="Cấp cơ sở")
        for i in range(count):
            case = initiative_create(
                actor=world.officer_a,
                campaign=campaign,
                unit=world.ward_a,
                name=f"Mô hình năm {year} số {i}",
                goals="Hoàn thành",
                field_economy=True,
                subject="collective",
                start_date=datetime.date(year, 3, 1),
                end_date=datetime.date(year, 11, 30),
                target_level=level,
            )
            transition_apply(
                case=case, name="submit", actor=world.officer_a, today=datetime.date(year, 3, 1)
            )
        if year == 2021:
            request = _open(world, ReportKind.YEAR_END, campaign=campaign)
            _answer(request, world.ward_a, world.officer_a, models_registered=4)
            _answer(request, world.ward_b, world.officer_b, models_registered=1)
    request = _open(world, ReportKind.PHASE, year_from=2021, year_to=2023)
    _answer(request, world.ward_a, world.officer_a, models_registered=9, people_reached=5000)
    return request


def test_the_phase_review_compares_its_years_from_cases_and_answers(client, world, phase):
    params = {"campaign": "all", "year_min": 2021, "year_max": 2023, "kind": "tong-ket"}
    text, tables = _word(_get(client, world.secretariat, DOCX, **params))
    assert "Tổng kết phong trào thi đua “Dân vận khéo” giai đoạn 2021–2023" in text
    # The phase's own request: ward A sent, ward B and Châu Khê did not.
    assert f"Theo yêu cầu “{phase.title}”" in text
    assert "1/3 đơn vị đã gửi báo cáo" in text
    # A table per year: the cases' figures beside that year's answers.
    per_year = tables[("Chỉ tiêu", "Đếm từ hồ sơ", "Các đơn vị báo cáo", "Chênh lệch")]
    assert len(per_year) == 1 + 3  # the phase's own, then 2021, 2022, 2023
    registered = [{row[0]: row[1:] for row in t[1:]}[REGISTERED] for t in per_year[1:]]
    assert registered == [["3", "5", "2"], ["1", "—", "—"], ["3", "—", "—"]]
    assert "Ban Chỉ đạo chưa gửi yêu cầu báo cáo tổng kết năm 2022" in text

    content = _get(client, world.secretariat, XLSX, **params)
    rows = _sheet(content, "So sánh giai đoạn")
    header = next(row for row in rows if row and row[0] == "Chỉ tiêu")
    assert header[1:] == (
        "2021: hồ sơ", "2021: đơn vị báo cáo",
        "2022: hồ sơ", "2022: đơn vị báo cáo",
        "2023: hồ sơ", "2023: đơn vị báo cáo",
    )  # fmt: skip
    assert _row(rows, REGISTERED)[1:] == (3, 5, 1, None, 3, None)
    assert _row(_sheet(content, "Báo cáo của đơn vị"), PEOPLE)[1:] == (None, 5000, None)


def test_an_officer_of_several_units_sees_only_theirs(client, world, ward_c, cases):
    both = make_user(
        "canbo.ab", (Role.UNIT_OFFICER, world.ward_a), (Role.UNIT_OFFICER, world.ward_b)
    )
    request = _open(world, ReportKind.MID_YEAR)
    _answer(request, world.ward_a, world.officer_a, models_registered=5)
    text, _ = _word(_get(client, both, DOCX, campaign=world.campaign.pk, kind="so-ket"))
    assert "1/2 đơn vị đã gửi báo cáo" in text
    assert "Còn 1 đơn vị chưa gửi báo cáo: Đảng ủy phường Tam Sơn." in text
    assert "Châu Khê" not in text
