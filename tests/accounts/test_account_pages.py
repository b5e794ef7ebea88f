"""The administration pages: the secretariat and the superuser only (everyone else is
sent to their own start page with a message), their query counts pinned, and the
changes they make."""

import pytest
from django.contrib.auth import get_user_model

from accounts.access import REFUSED
from accounts.services.accounts import AccountData, account_create, account_deactivate
from audit.models import AuditEntry
from audit.services import record
from tests.factories import make_user
from workflow.lifecycle import Role

PAGES = [
    "/quan-ly/",
    "/quan-ly/tai-khoan/",
    "/quan-ly/tai-khoan/tao-moi/",
    "/quan-ly/tai-khoan/nhap-tep/",
    "/quan-ly/tai-khoan/nhap-tep/xac-nhan/",
    "/quan-ly/tai-khoan/{officer}/",
    "/quan-ly/nhat-ky/",
]
ACTIONS = [
    "/quan-ly/tai-khoan/{officer}/sua/",
    "/quan-ly/tai-khoan/{officer}/vai-tro/",
    "/quan-ly/tai-khoan/{officer}/vai-tro/{membership}/bo/",
    "/quan-ly/tai-khoan/{officer}/gui-thu-moi/",
    "/quan-ly/tai-khoan/{officer}/ngung-su-dung/",
    "/quan-ly/tai-khoan/{officer}/dung-lai/",
]
OTHERS = ["officer_a", "inspector", "chair", "members", "viewer", "outsider"]


def person(world, who):
    found = getattr(world, who)
    return found[0] if isinstance(found, list) else found


def url(template, world):
    membership = world.officer_b.memberships.get()
    return template.format(officer=world.officer_b.pk, membership=membership.pk)


@pytest.mark.parametrize("who", OTHERS)
def test_every_page_and_action_sends_anyone_else_home_with_a_message(world, client, who):
    client.force_login(person(world, who))
    for template in PAGES:
        response = client.get(url(template, world))
        assert response.status_code == 302, template
        assert response["Location"] == "/", template
    for template in ACTIONS:
        response = client.post(url(template, world), {"unit": world.city.pk, "role": "secretariat"})
        assert response.status_code == 302, template
    followed = client.get("/quan-ly/tai-khoan/", follow=True)
    assert REFUSED in followed.content.decode()
    assert world.officer_b.memberships.count() == 1
    world.officer_b.refresh_from_db()
    assert world.officer_b.is_active
    assert not AuditEntry.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    for template in PAGES:
        response = client.get(url(template, world))
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/?next=")


def test_a_secretariat_does_not_see_or_open_a_superusers_account(world, client, superuser):
    client.force_login(world.secretariat)
    listing = client.get("/quan-ly/tai-khoan/").content.decode()
    assert "quantri" not in listing
    assert client.get(f"/quan-ly/tai-khoan/{superuser.pk}/").status_code == 404
    client.force_login(superuser)
    assert "quantri" in client.get("/quan-ly/tai-khoan/").content.decode()


@pytest.mark.parametrize("extra", [5, 50])
def test_the_account_list_costs_the_same_queries_for_5_and_50_accounts(
    world, client, django_assert_num_queries, extra
):
    for i in range(extra):
        make_user(f"canbo{i}", (Role.UNIT_OFFICER, world.ward_a_sub), (Role.VIEWER, world.city))
    client.force_login(world.secretariat)
    # session, user, the actor's roles, unit options, the unit filtered on, count, page,
    # their roles, the header's unread count
    with django_assert_num_queries(9):
        response = client.get(f"/quan-ly/tai-khoan/?role=unit_officer&unit={world.ward_a.pk}")
    assert response.status_code == 200
    assert f"{extra + 1} tài khoản." in response.content.decode()


def test_the_list_filters_by_unit_subtree_role_state_and_text(world, client):
    account_deactivate(actor=world.secretariat, user=world.officer_b)
    client.force_login(world.secretariat)

    def names(query):
        page = client.get("/quan-ly/tai-khoan/?" + query).context["page"]
        return sorted(user.username for user in page.object_list)

    assert names(f"unit={world.ward_a.pk}") == ["canbo.a"]
    assert names(f"unit={world.city.pk}&role=committee") == [
        "chutich",
        "thanhvien1",
        "thanhvien2",
        "thanhvien3",
    ]
    assert names("active=0") == ["canbo.b"]
    assert names("q=Tam S%C6%A1n") == ["canbo.b"]  # "Tam Sơn" in the full name
    assert names("q=kiemtra") == ["kiemtra"]


def test_the_detail_page_costs_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    for i in range(5):
        record(actor=world.secretariat, action="account.invite", target=world.officer_a,
               after={"email": f"x{i}@example.test"})  # fmt: skip
    client.force_login(world.secretariat)
    # session, user, actor's roles, the account, its roles, history, unit options, the
    # header's unread count
    with django_assert_num_queries(8):
        response = client.get(f"/quan-ly/tai-khoan/{world.officer_a.pk}/")
    assert response.status_code == 200


def test_creating_an_account_on_the_page(world, client):
    client.force_login(world.secretariat)
    response = client.post(
        "/quan-ly/tai-khoan/tao-moi/",
        {
            "full_name": "Ngô Thị Lan",
            "email": "lan@example.test",
            "unit": world.ward_b_sub.pk,
            "role": "unit_officer",
            "invite": "on",
        },
        follow=True,
    )
    text = response.content.decode()
    assert (
        "Đã tạo tài khoản “lan@example.test” và gửi thư mời đặt mật khẩu tới lan@example.test."
        in text
    )
    assert "Chưa đặt mật khẩu" in text
    assert "Cán bộ đơn vị — UBND phường Tam Sơn" in text
    again = client.post(
        "/quan-ly/tai-khoan/tao-moi/",
        {"full_name": "Ngô Thị Lan", "email": "LAN@example.test", "unit": world.ward_b_sub.pk,
         "role": "unit_officer"},
    )  # fmt: skip
    assert "đã thuộc về tài khoản" in again.content.decode()


def test_roles_deactivation_and_reactivation_on_the_page(world, client):
    client.force_login(world.secretariat)
    base = f"/quan-ly/tai-khoan/{world.officer_a.pk}/"
    client.post(base + "vai-tro/", {"unit": world.city.pk, "role": "inspector"})
    assert world.officer_a.memberships.filter(role="inspector").exists()
    added = world.officer_a.memberships.get(role="inspector")
    client.post(base + f"vai-tro/{added.pk}/bo/")
    assert not world.officer_a.memberships.filter(role="inspector").exists()
    page = client.post(base + "ngung-su-dung/", {"reason": "Chuyển công tác"}, follow=True)
    assert "Đã ngừng sử dụng tài khoản “canbo.a”." in page.content.decode()
    world.officer_a.refresh_from_db()
    assert not world.officer_a.is_active
    client.post(base + "dung-lai/")
    world.officer_a.refresh_from_db()
    assert world.officer_a.is_active
    assert list(
        AuditEntry.objects.filter(target_id=str(world.officer_a.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["account.role_add", "account.role_remove", "account.deactivate", "account.reactivate"]


def test_a_deactivated_officer_is_signed_out_and_cannot_sign_in(world, client):
    client.force_login(world.officer_a)
    assert client.get("/ho-so/").status_code == 200
    account_deactivate(actor=world.secretariat, user=world.officer_a)
    response = client.get("/ho-so/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("rows", [5, 60])
def test_the_log_page_costs_the_same_queries_for_5_and_60_rows(
    world, client, django_assert_num_queries, rows
):
    for i in range(rows):
        account_create(
            actor=world.secretariat,
            data=AccountData(full_name=f"Người {i}", email=f"n{i}@example.test",
                             unit=world.ward_a, role="unit_officer"),
            invite=False,
        )  # fmt: skip
    client.force_login(world.secretariat)
    # session, user, actor's roles, count, page, the header's unread count
    with django_assert_num_queries(6):
        response = client.get("/quan-ly/nhat-ky/?action=account.create&who=Ban")
    assert response.status_code == 200
    assert f"{rows} mục." in response.content.decode()


def test_the_log_page_filters_and_shows_before_and_after(world, client):
    account_deactivate(actor=world.secretariat, user=world.officer_a, reason="Nghỉ hưu")
    account_deactivate(actor=world.secretariat, user=world.officer_b)
    client.force_login(world.secretariat)
    response = client.get("/quan-ly/nhat-ky/?target=canbo.a&action=account.deactivate")
    text = response.content.decode()
    assert "1 mục." in text
    assert "Ngừng sử dụng tài khoản" in text
    assert '<span class="before">có</span>' in text and '<span class="after">không</span>' in text
    assert "Lý do: Nghỉ hưu" in text
    assert "2 mục." in client.get("/quan-ly/nhat-ky/?date_from=2000-01-01").content.decode()
    assert "0 mục." in client.get("/quan-ly/nhat-ky/?date_to=2000-01-01").content.decode()
    assert "0 mục." in client.get("/quan-ly/nhat-ky/?who=Không ai").content.decode()


def test_the_superuser_uses_every_page(world, client, superuser):
    client.force_login(superuser)
    for template in PAGES[:-3]:
        assert client.get(url(template, world)).status_code == 200, template
    assert client.get(url(PAGES[-2], world)).status_code == 200
    assert client.get("/quan-ly/nhat-ky/").status_code == 200
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_correcting_an_address_on_the_page(world, client):
    client.force_login(world.secretariat)
    page = client.post(
        f"/quan-ly/tai-khoan/{world.officer_b.pk}/sua/",
        {"full_name": "Cán bộ Tam Sơn", "email": "tamson@example.test"},
        follow=True,
    )
    assert "Đã lưu thông tin tài khoản." in page.content.decode()
    world.officer_b.refresh_from_db()
    assert world.officer_b.email == "tamson@example.test"
    refused = client.post(
        f"/quan-ly/tai-khoan/{world.officer_b.pk}/sua/",
        {"full_name": "Cán bộ Tam Sơn", "email": "canbo.a@example.test"},
        follow=True,
    )
    assert "đã thuộc về tài khoản “canbo.a”" in refused.content.decode()
