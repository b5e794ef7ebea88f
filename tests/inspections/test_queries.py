"""Every inspection page reads a fixed number of queries, the same for 5 rows and 50."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import VisitAttachment
from inspections.services.scheduling import inspection_cancel
from models_registry.selectors import initiative_get
from tests.factories import make_user
from units.access import memberships_of
from workflow.lifecycle import Role

from .helpers import book, complete, full_visit, make_criteria, make_running

SIZES = [5, 50]


def running_cases(world, count, *, end_in_days=7, name="Mô hình kiểm tra số"):
    today = timezone.localdate()
    units = [world.ward_a, world.ward_a_sub, world.ward_b, world.ward_b_sub]
    return [
        make_running(
            world,
            name=f"{name} {i}",
            unit=units[i % len(units)],
            end_date=today + datetime.timedelta(days=end_in_days),
        )
        for i in range(count)
    ]


@pytest.fixture
def team(world):
    second = make_user("kiemtra.hai", (Role.INSPECTOR, world.city), full_name="Kiểm tra Hai")
    return [world.inspector, second]


def booked_round(world, team, count, *, done=False):
    today = timezone.localdate()
    cases = running_cases(world, count, end_in_days=30)
    inspections = book(world, cases, team=team, day=today, today=today)
    if done:
        criteria = make_criteria(world.campaign)
        for inspection in inspections:
            complete(
                world,
                inspection,
                full_visit(criteria, level=world.level_base, visit_date=today),
                actor=world.inspector,
                today=today,
            )
    return inspections


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("query", ["", "?group=unit", "?group=none&ward=thanh-pho"])
def test_to_inspect_page(client, world, team, size, query, django_assert_max_num_queries):
    running_cases(world, size)
    client.force_login(world.secretariat)
    # The cases and the wards they sit in: one query each, grouped and filtered in Python.
    with django_assert_max_num_queries(8):
        response = client.get(f"/kiem-tra/can-kiem-tra/{query}")
    assert response.content.decode().count('name="cases"') == (0 if "ward" in query else size)


@pytest.mark.parametrize("size", SIZES)
def test_calendar_page(client, world, team, size, django_assert_max_num_queries):
    booked_round(world, team, size)
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(8):
        response = client.get("/kiem-tra/lich/")
    assert response.content.decode().count('id="inspection-') == size


@pytest.mark.parametrize("size", SIZES)
def test_my_inspections_page(client, world, team, size, django_assert_max_num_queries):
    booked_round(world, team, size)
    client.force_login(world.inspector)
    with django_assert_max_num_queries(6):
        response = client.get("/kiem-tra/cua-toi/")
    assert response.content.decode().count('class="card inspection-item"') == size


def case_with_history(world, team, size, name):
    """A case with ``size - 1`` cancelled inspections and one done with ``size`` photos."""
    today = timezone.localdate()
    (case,) = running_cases(world, 1, end_in_days=60, name=name)
    for _ in range(size - 1):
        (inspection,) = book(world, [case], team=team, day=today, today=today)
        inspection_cancel(actor=world.secretariat, inspection=inspection, reason="Hoãn")
    (inspection,) = book(world, [case], team=team, day=today, today=today)
    criteria = list(world.campaign.criteria.all()) or make_criteria(world.campaign)
    visit = complete(
        world,
        inspection,
        full_visit(criteria, level=world.level_base, visit_date=today),
        today=today,
    )
    for i in range(size):
        VisitAttachment.objects.create(
            visit=visit,
            kind="image",
            file=f"inspections/x{i}.jpg",
            thumbnail=f"inspections/thumbs/x{i}.jpg",
            original_name=f"anh-{i}.jpg",
            content_type="image/jpeg",
            size=10,
            uploaded_by=world.inspector,
        )
    case.refresh_from_db()
    return case


def test_case_page_reads_as_many_queries_for_5_inspections_as_for_50(client, world, team):
    small, large = (case_with_history(world, team, size, f"Hồ sơ {size}") for size in SIZES)
    client.force_login(world.secretariat)
    counts = []
    for case, size in ((small, 5), (large, 50)):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(case.get_absolute_url()).content.decode()
        counts.append(len(queries))
        assert page.count('class="inspection-entry"') == size
        assert page.count("/anh-nho/") == size
    assert counts[0] == counts[1]


@pytest.mark.parametrize("size", SIZES)
def test_the_case_panel_itself(rf, world, team, size, django_assert_num_queries):
    case = case_with_history(world, team, size, "Hồ sơ")
    # As the case page has it: its unit read with it (the panel names the place only
    # where it is not the unit's own).
    case = initiative_get(actor=world.secretariat, pk=case.pk)
    request = rf.get(case.get_absolute_url())
    request.user = world.secretariat
    memberships_of(world.secretariat)  # read once per request by the page already
    # inspections, their teams, scores, attachments; the re-inspection guard
    with django_assert_num_queries(5):
        html = Template("{% load inspections_tags %}{% case_inspections_panel case %}").render(
            Context({"request": request, "case": case})
        )
    assert html.count('class="inspection-entry"') == size


@pytest.mark.parametrize("size", SIZES)
def test_visit_form_page(client, world, size, django_assert_max_num_queries):
    today = timezone.localdate()
    make_criteria(world.campaign, count=size, max_points=10)
    (case,) = running_cases(world, 1, end_in_days=60)
    (inspection,) = book(world, [case], day=today, today=today)
    client.force_login(world.inspector)
    with django_assert_max_num_queries(8):
        response = client.get(f"/kiem-tra/{inspection.pk}/bien-ban/")
    assert response.content.decode().count('class="score"') == size


@pytest.mark.parametrize("size", SIZES)
def test_results_export(client, world, team, size, django_assert_max_num_queries):
    booked_round(world, team, size, done=True)
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(9):
        response = client.get(f"/kiem-tra/xuat-ket-qua/?campaign={world.campaign.pk}")
    assert response.status_code == 200
