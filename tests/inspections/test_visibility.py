"""An inspector sees exactly the cases of the inspections they are on, and acts as an
inspector on those only; "my inspections" lists theirs, upcoming first."""

import datetime

from django.utils import timezone

from inspections.selectors import inspections_of_inspector
from inspections.services.scheduling import inspection_cancel
from models_registry.selectors import initiative_list
from workflow.lifecycle import Role

from .helpers import TODAY, book, make_running


def test_an_inspector_sees_no_case_before_being_put_on_a_team(world, running):
    assert list(initiative_list(actor=world.inspector)) == []
    assert Role.INSPECTOR not in running.roles_of(world.inspector)


def test_an_inspector_sees_exactly_the_cases_of_their_inspections(world, running, inspector2):
    other = make_running(world, name="Camera an ninh khu phố", unit=world.ward_b)
    book(world, [running], team=[world.inspector])
    book(world, [other], team=[inspector2])
    assert list(initiative_list(actor=world.inspector)) == [running]
    assert list(initiative_list(actor=inspector2)) == [other]
    assert Role.INSPECTOR in running.roles_of(world.inspector)
    assert Role.INSPECTOR not in other.roles_of(world.inspector)


def test_a_case_inspected_twice_by_the_same_inspector_is_listed_once(world, running):
    (first,) = book(world, [running])
    inspection_cancel(actor=world.secretariat, inspection=first, reason="Hoãn")
    book(world, [running], day=TODAY + datetime.timedelta(days=20))
    assert list(initiative_list(actor=world.inspector)) == [running]


def test_the_case_page_is_closed_to_an_inspector_who_is_not_on_its_team(
    client, world, running, inspector2
):
    book(world, [running], team=[world.inspector])
    client.force_login(inspector2)
    assert client.get(running.get_absolute_url()).status_code == 404
    client.force_login(world.inspector)
    assert client.get(running.get_absolute_url()).status_code == 200


def test_my_inspections_come_upcoming_first_then_overdue_then_the_rest(world):
    today = timezone.localdate()
    cases = [
        make_running(world, name=f"Mô hình {i}", end_date=today + datetime.timedelta(days=90))
        for i in range(4)
    ]
    past = today - datetime.timedelta(days=3)
    (overdue,) = book(world, [cases[0]], day=past, today=past)
    (later,) = book(world, [cases[1]], day=today + datetime.timedelta(days=9), today=today)
    (soon,) = book(world, [cases[2]], day=today, today=today)
    (cancelled,) = book(world, [cases[3]], day=today + datetime.timedelta(days=1), today=today)
    inspection_cancel(actor=world.secretariat, inspection=cancelled, reason="Hoãn")
    order = list(inspections_of_inspector(actor=world.inspector, today=today))
    assert order == [soon, later, overdue, cancelled]


def test_the_nav_link_shows_for_inspectors_and_the_secretariat_only(client, world):
    for user, shown in [
        (world.inspector, True),
        (world.secretariat, True),
        (world.officer_a, False),
        (world.viewer, False),
    ]:
        client.force_login(user)
        page = client.get("/ho-so/").content.decode()
        assert ('id="nav-inspections"' in page) is shown, user
