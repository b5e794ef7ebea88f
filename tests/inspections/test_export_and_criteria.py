"""The results workbook of a campaign or a round; the criteria the secretariat keeps; the
demo's criteria and inspected cases."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from inspections.exports import results_xlsx
from inspections.models import Criterion, Inspection
from inspections.services.criteria import criterion_create, criterion_delete, criterion_update
from models_registry.models import Campaign, Initiative
from tests.demo_data import demo_load
from workflow.errors import WorkflowError
from workflow.lifecycle import State

from .helpers import VISIT_DAY, book, complete, draft, full_visit, make_criteria, make_running


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook[title].iter_rows(values_only=True))


class TestExport:
    @pytest.fixture
    def results(self, world, criteria):
        individual = make_criteria(world.campaign, subject="individual", count=2, max_points=50)
        a = make_running(world, name='=HYPERLINK("http://x")')
        b = make_running(world, name="Nguyễn Văn A — điển hình", subject="individual")
        c = make_running(world, name="Camera an ninh khu phố", unit=world.ward_b)
        (ia,) = book(world, [a], round_label="Đợt 1")
        (ib,) = book(world, [b], round_label="Đợt 1", day=VISIT_DAY - datetime.timedelta(days=1))
        (ic,) = book(world, [c], round_label="Đợt 2", day=VISIT_DAY - datetime.timedelta(days=2))
        complete(world, ia, full_visit(criteria, points=18, level=world.level_base))
        complete(world, ib, full_visit(individual, points=40, level=world.level_city))
        draft(world, ic, full_visit(criteria, points=10))  # not a result yet
        return a, b, c

    def test_one_sheet_per_subject_with_a_column_per_criterion(self, world, results):
        a, b, _ = results
        content = results_xlsx(actor=world.secretariat, campaign=world.campaign)
        collective = sheet_rows(content, "Tập thể")
        assert collective[0][:3] == ("STT", "Đơn vị", "Tên mô hình, điển hình")
        assert "1. Tiêu chí 1 (collective) (tối đa 20)" in collective[0]
        assert len(collective) == 2  # the draft is not a result
        row = dict(zip(collective[0], collective[1], strict=True))
        assert row["Tên mô hình, điển hình"] == a.name
        assert row["Đơn vị"] == "Đảng ủy phường Đông Ngàn"
        assert row["Tổng điểm"] == 90
        assert row["Kết luận"] == "Đạt"
        assert row["Ngày kiểm tra"] == datetime.datetime(2023, 10, 10)
        individual = sheet_rows(content, "Cá nhân")
        row = dict(zip(individual[0], individual[1], strict=True))
        assert (row["Tên mô hình, điển hình"], row["Tổng điểm"]) == (b.name, 80)
        assert row["Đề nghị công nhận"] == "Cấp huyện, thành phố"

    def test_text_that_looks_like_a_formula_stays_text(self, world, results):
        content = results_xlsx(actor=world.secretariat, campaign=world.campaign)
        workbook = load_workbook(io.BytesIO(content))
        cell = workbook["Tập thể"]["C2"]
        assert cell.value == '=HYPERLINK("http://x")'
        assert cell.data_type == "s"
        # Quote-prefixed too (issue 15, finding 8): editing the cell keeps it text.
        assert cell.quotePrefix

    def test_a_round_narrows_the_export(self, world, results):
        content = results_xlsx(
            actor=world.secretariat, campaign=world.campaign, round_label="Đợt 2"
        )
        assert len(sheet_rows(content, "Tập thể")) == 1

    def test_the_unit_exports_only_what_it_may_see(self, world, results):
        content = results_xlsx(actor=world.officer_b, campaign=world.campaign)
        assert len(sheet_rows(content, "Tập thể")) == 1
        assert len(sheet_rows(content, "Cá nhân")) == 1

    def test_the_page_sends_an_xlsx(self, client, world, results):
        client.force_login(world.secretariat)
        response = client.get(f"/kiem-tra/xuat-ket-qua/?campaign={world.campaign.pk}&round=Đợt 1")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "ket-qua-kiem-tra-2023" in response["Content-Disposition"]
        assert len(sheet_rows(response.content, "Tập thể")) == 2


class TestCriteria:
    def test_the_secretariat_adds_edits_and_removes_criteria(self, world):
        added = criterion_create(
            actor=world.secretariat,
            campaign=world.campaign,
            subject="collective",
            name="Sáng tạo",
            max_points=20,
        )
        second = criterion_create(
            actor=world.secretariat,
            campaign=world.campaign,
            subject="collective",
            name="Bền vững",
            max_points=20,
        )
        assert (added.order, second.order) == (1, 2)
        criterion_update(
            actor=world.secretariat, criterion=added, name="Sáng tạo, hiệu quả", max_points=25
        )
        added.refresh_from_db()
        assert (added.name, added.max_points) == ("Sáng tạo, hiệu quả", 25)
        criterion_delete(actor=world.secretariat, criterion=second)
        assert list(Criterion.objects.all()) == [added]

    def test_others_cannot_touch_them(self, world, criteria):
        for who in (world.inspector, world.officer_a, world.chair):
            with pytest.raises(WorkflowError, match="Chỉ Ban Dân vận"):
                criterion_create(
                    actor=who, campaign=world.campaign, subject="collective", name="x", max_points=5
                )

    def test_duplicates_and_zero_points_are_refused(self, world, criteria):
        with pytest.raises(WorkflowError, match="đã có tiêu chí"):
            criterion_create(
                actor=world.secretariat,
                campaign=world.campaign,
                subject="collective",
                name=criteria[0].name,
                max_points=10,
            )
        with pytest.raises(WorkflowError, match="lớn hơn 0"):
            criterion_create(
                actor=world.secretariat,
                campaign=world.campaign,
                subject="collective",
                name="Mới",
                max_points=0,
            )

    def test_a_scored_criterion_keeps_its_maximum_and_cannot_be_removed(
        self, world, booked, criteria
    ):
        complete(world, booked, full_visit(criteria, level=world.level_base))
        with pytest.raises(WorkflowError, match="không đổi được điểm tối đa"):
            criterion_update(
                actor=world.secretariat, criterion=criteria[0], name="x", max_points=30
            )
        with pytest.raises(WorkflowError, match="không xóa được"):
            criterion_delete(actor=world.secretariat, criterion=criteria[0])

    def test_a_draft_score_bounds_how_low_the_maximum_may_go(self, world, booked, criteria):
        draft(world, booked, full_visit(criteria, points=15))
        with pytest.raises(WorkflowError, match="15 điểm"):
            criterion_update(
                actor=world.secretariat, criterion=criteria[0], name="x", max_points=10
            )
        criterion_update(actor=world.secretariat, criterion=criteria[0], name="x", max_points=15)

    def test_the_criteria_page_adds_one(self, client, world):
        client.force_login(world.secretariat)
        response = client.post(
            f"/kiem-tra/tieu-chi/?campaign={world.campaign.pk}",
            {"subject": "individual", "order": 1, "name": "Gương mẫu", "max_points": 20},
        )
        assert response.status_code == 302
        assert Criterion.objects.get().subject == "individual"
        page = client.get(f"/kiem-tra/tieu-chi/?campaign={world.campaign.pk}").content.decode()
        assert "Gương mẫu" in page


@pytest.mark.django_db
def test_the_demo_has_the_criteria_and_inspected_cases_and_can_run_twice():
    from demo.registry import seed_demo

    demo_load()
    for year in (2022, 2023):
        campaign = Campaign.objects.get(year=year)
        for subject in ("collective", "individual"):
            points = list(
                Criterion.objects.filter(campaign=campaign, subject=subject).values_list(
                    "max_points", flat=True
                )
            )
            assert points == [20] * 5
    inspected = Initiative.objects.filter(state=State.INSPECTED)
    assert inspected.count() >= 5
    assert all(case.inspections.filter(visit__status="completed").exists() for case in inspected)
    counts = (Criterion.objects.count(), Inspection.objects.count())
    seed_demo()
    assert (Criterion.objects.count(), Inspection.objects.count()) == counts
