"""The field-visit record (biên bản kiểm tra) as a Word file, from the visit on the case
page: for whoever sees the completed visit there; a draft only for its team and the
secretariat; nobody else (404)."""

import io

import pytest
from django.urls import reverse
from docx import Document

from .helpers import book, complete, draft, full_visit


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def completed(world, running, criteria):
    (inspection,) = book(world, [running], round_label="Đợt 1")
    complete(world, inspection, full_visit(criteria, points=18, level=world.level_base))
    return inspection


def test_the_record_holds_the_team_the_model_the_scores_and_the_verdict(client, world, completed):
    client.force_login(world.officer_a)
    page = client.get(completed.case.get_absolute_url())
    url = reverse("inspections:visit_record", args=[completed.pk])
    assert url in page.content.decode()  # the download link sits on the visit
    response = client.get(url)
    assert response.status_code == 200
    assert "bien-ban-kiem-tra" in response["Content-Disposition"]
    text = _text(response.content)
    assert "BIÊN BẢN" in text
    assert "ĐOÀN KIỂM TRA" in text
    assert "Cán bộ kiểm tra — Trưởng đoàn" in text
    assert f"“{completed.case.name}”" in text
    assert "Tổng điểm" in text and "90" in text  # five criteria × 18
    assert "Kết luận: Đạt. Đề nghị công nhận: cấp cơ sở." in text
    assert "TRƯỞNG ĐOÀN\nKIỂM TRA" in text and "ĐƠN VỊ ĐƯỢC KIỂM TRA" in text


def test_others_get_no_record(client, world, completed):
    url = reverse("inspections:visit_record", args=[completed.pk])
    for user in (world.officer_b, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign-in


def test_a_draft_record_is_for_the_team_and_the_secretariat_only(client, world, running, criteria):
    (inspection,) = book(world, [running])
    draft(world, inspection, full_visit(criteria, points=10))
    url = reverse("inspections:visit_record", args=[inspection.pk])
    client.force_login(world.officer_a)
    assert client.get(url).status_code == 404
    for user in (world.inspector, world.secretariat):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_download_takes_a_fixed_number_of_queries(
    client, world, completed, django_assert_max_num_queries
):
    client.force_login(world.secretariat)
    url = reverse("inspections:visit_record", args=[completed.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
