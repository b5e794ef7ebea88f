"""Where each role lands after signing in, and a menu that shows only what the user can
use (issue 13: a staff flag with no rights no longer shows "Quản trị")."""

import pytest

from tests.factories import PASSWORD, make_user
from workflow.lifecycle import Role


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("secretariat", "/ho-so/tong-quan/"),
        ("viewer", "/ho-so/tong-quan/"),
        ("officer_a", "/ho-so/tong-quan/#officer-todo"),
        ("chair", "/hoi-dong/"),
        ("inspector", "/kiem-tra/cua-toi/"),
        ("outsider", "/ho-so/tong-quan/"),
    ],
)
def test_each_role_lands_on_its_own_first_page(world, client, who, landing):
    client.force_login(getattr(world, who))
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, landing)


def test_signing_in_leads_home_and_home_to_the_role_page(world, client):
    response = client.post("/dang-nhap/", {"username": "kiemtra", "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/kiem-tra/cua-toi/"


def test_a_next_page_given_at_sign_in_still_wins(world, client):
    response = client.post(
        "/dang-nhap/", {"username": "canbo.a", "password": PASSWORD, "next": "/ho-so/"}
    )
    assert response["Location"] == "/ho-so/"


def test_the_superuser_lands_on_the_dashboard(world, client, superuser):
    client.force_login(superuser)
    assert client.get("/")["Location"] == "/ho-so/tong-quan/"


def test_an_officer_who_is_also_on_the_committee_lands_on_the_to_do(world, client):
    both = make_user("kiemnhiem", (Role.UNIT_OFFICER, world.ward_a), (Role.COMMITTEE, world.city))
    client.force_login(both)
    assert client.get("/")["Location"] == "/ho-so/tong-quan/#officer-todo"


def nav(client) -> str:
    text = client.get("/thong-bao/").content.decode()
    return text[text.index('<nav class="nav">') : text.index("</nav>")]


def test_the_menu_shows_administration_only_to_who_can_use_it(
    world, client, superuser, staff_without_rights
):
    client.force_login(world.secretariat)
    menu = nav(client)
    assert 'id="nav-manage"' in menu and 'id="nav-admin"' not in menu

    client.force_login(superuser)
    menu = nav(client)
    assert 'id="nav-manage"' in menu and 'id="nav-admin"' in menu

    for user in (staff_without_rights, world.officer_a, world.viewer, world.inspector):
        client.force_login(user)
        menu = nav(client)
        assert 'id="nav-manage"' not in menu and 'id="nav-admin"' not in menu, user


def test_a_staff_account_given_some_admin_permission_sees_the_admin_link(
    client, staff_without_rights
):
    from django.contrib.auth.models import Permission

    staff_without_rights.user_permissions.add(Permission.objects.get(codename="view_unit"))
    client.force_login(staff_without_rights)
    assert 'id="nav-admin"' in nav(client)


def test_the_sign_in_page_offers_a_forgotten_password(client, db):
    text = client.get("/dang-nhap/").content.decode()
    assert 'href="/tai-khoan/quen-mat-khau/"' in text and "Quên mật khẩu?" in text


def test_an_account_without_any_role_is_not_shown_pages_it_would_find_empty(world, client):
    client.force_login(world.outsider)
    menu = nav(client)
    assert 'id="nav-dashboard"' not in menu and 'id="nav-cases"' not in menu
    assert 'id="nav-inbox"' in menu
    client.force_login(world.officer_a)
    menu = nav(client)
    assert 'id="nav-dashboard"' in menu and 'id="nav-cases"' in menu
