"""The unit directory run by the secretariat (issue 13): add, rename, move, close, merge,
the bulk load from the page — each change one row of the administration log, each page
refused to every other role, each list's queries pinned."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from dashboards.models import CaseTally
from dashboards.tally import tally_fold
from models_registry.models import Initiative
from tests.dashboards.test_tally import assert_tally_is_the_cases
from tests.factories import make_draft, make_user
from units.models import Membership, Unit, UnitKind
from units.selectors import unit_match
from units.services import (
    unit_close,
    unit_create,
    unit_merge,
    unit_move,
    unit_rename,
    unit_update,
)
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

REFORM = datetime.date(2025, 6, 30)


def entries(unit) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(target_type="units.unit", target_id=str(unit.pk)))


# --- services ---------------------------------------------------------------------------


def test_each_change_writes_one_audit_row_with_before_and_after(world):
    actor = world.secretariat
    unit = unit_create(
        actor=actor, name="Hội Khuyến học phường Đông Ngàn", kind=UnitKind.WARD_BODY,
        parent=world.ward_a,
    )  # fmt: skip
    (created,) = entries(unit)
    assert created.action == "unit.create" and created.before == {}
    assert created.after["name"] == "Hội Khuyến học phường Đông Ngàn"
    assert created.actor == actor

    unit = unit_rename(
        actor=actor, unit=unit, name="Hội Khuyến học P. Đông Ngàn mới", reason="QĐ 1"
    )
    unit_update(
        actor=actor,
        unit=unit,
        short_name="HKH",
        kind=UnitKind.WARD_BODY,
        email="",
        aliases=unit.aliases,
    )
    unit_move(actor=actor, unit=unit, parent=world.ward_b)
    unit_close(actor=actor, unit=unit, on=REFORM, reason="QĐ giải thể")
    rows = {e.action: e for e in entries(unit)}
    assert len(entries(unit)) == 5
    assert rows["unit.rename"].before["name"] == "Hội Khuyến học phường Đông Ngàn"
    assert rows["unit.rename"].after["name"] == "Hội Khuyến học P. Đông Ngàn mới"
    assert rows["unit.rename"].reason == "QĐ 1"
    assert rows["unit.update"].before == {"short_name": ""}
    assert rows["unit.update"].after == {"short_name": "HKH"}
    assert rows["unit.move"].before == {"parent": world.ward_a.name}
    assert rows["unit.move"].after == {"parent": world.ward_b.name}
    assert rows["unit.close"].before == {"active_to": None}
    assert rows["unit.close"].after == {"active_to": "30/06/2025"}
    # An edit without a change writes nothing.
    unit_update(
        actor=actor,
        unit=unit,
        short_name="HKH",
        kind=UnitKind.WARD_BODY,
        email="",
        aliases=unit.aliases,
    )
    assert len(entries(unit)) == 5


def test_only_the_secretariat_changes_the_directory(world):
    for actor in (world.officer_a, world.viewer, world.chair, world.inspector, None):
        with pytest.raises(WorkflowError):
            unit_rename(actor=actor, unit=world.ward_a, name="Tên khác")
    assert not AuditEntry.objects.exists()


def test_a_renamed_unit_is_still_found_by_its_old_name(world):
    unit_rename(actor=world.secretariat, unit=world.ward_a_sub, name="UBND phường Đông Ngàn mới")
    assert unit_match("Ủy ban nhân dân P. Đông Ngàn") == world.ward_a_sub
    assert unit_match("UBND phường Đông Ngàn mới") == world.ward_a_sub


def test_a_move_keeps_the_path_of_the_whole_subtree(world):
    below = Unit.objects.create(name="Chi hội phụ nữ khu 1", kind="other", parent=world.ward_a_sub)
    unit_move(actor=world.secretariat, unit=world.ward_a_sub, parent=world.ward_b)
    below.refresh_from_db()
    assert below.path == f"{world.ward_b.path}{world.ward_a_sub.pk}/{below.pk}/"
    with pytest.raises(WorkflowError, match="chính nó"):
        unit_move(actor=world.secretariat, unit=world.ward_b, parent=below)


def test_a_unit_with_open_sub_units_is_not_closed(world):
    with pytest.raises(WorkflowError, match="trực thuộc"):
        unit_close(actor=world.secretariat, unit=world.ward_a, on=REFORM, reason="QĐ")


def test_a_merge_moves_cases_memberships_and_sub_units_and_the_tally_follows(world):
    drafts = [
        make_draft(world, name="Mô hình một"),
        make_draft(world, unit=world.ward_a_sub, name="Mô hình hai"),
    ]
    tally_fold()
    before_city = dict(CaseTally.objects.values_list("unit_id", "cases"))[world.city.pk]
    officer_a = world.officer_a
    moved = unit_merge(
        actor=world.secretariat, unit=world.ward_a, into=world.ward_b, on=REFORM, reason="NQ 1"
    )
    assert moved["cases"] == 1 and moved["memberships"] == 1 and moved["units"] == 1
    assert set(Initiative.objects.filter(unit=world.ward_b).values_list("name", flat=True)) == {
        "Mô hình một"
    }
    sub = Unit.objects.get(pk=world.ward_a_sub.pk)
    assert sub.parent_id == world.ward_b.pk and sub.path.startswith(world.ward_b.path)
    assert Membership.objects.get(user=officer_a).unit_id == world.ward_b.pk
    ward_a = Unit.objects.get(pk=world.ward_a.pk)
    assert ward_a.active_to == REFORM and ward_a.successor_id == world.ward_b.pk
    # States untouched; the history (transition log) hangs on the case and follows it.
    assert {c.state for c in Initiative.objects.filter(pk__in=[d.pk for d in drafts])} == {"draft"}
    # Reports by the old name count under the successor.
    assert unit_match("Đảng ủy P. Đông Ngàn") == world.ward_b
    # The dashboard's tally: both cases now count in ward B, none in ward A.
    assert_tally_is_the_cases(world, scopes=False)
    counts = dict(CaseTally.objects.values_list("unit_id", "cases"))
    assert counts.get(world.ward_b.pk) == 2
    assert world.ward_a.pk not in counts
    assert counts[world.city.pk] == before_city
    (row,) = [e for e in entries(ward_a) if e.action == "unit.merge"]
    assert row.before["successor"] is None and row.after["successor"] == world.ward_b.name
    assert row.after["moved"]["case_ids"] == [drafts[0].pk]
    assert row.reason == "NQ 1"


def test_a_merge_is_refused_whole_when_a_case_name_clashes(world):
    make_draft(world, name="Dân vận khéo xây dựng nông thôn mới")
    make_draft(
        world, actor=world.officer_b, unit=world.ward_b, name="Dân vận khéo xây dựng nông thôn mới"
    )
    with pytest.raises(WorkflowError, match="trùng tên"):
        unit_merge(
            actor=world.secretariat, unit=world.ward_a, into=world.ward_b, on=REFORM, reason="NQ"
        )
    assert Initiative.objects.filter(unit=world.ward_a).count() == 1
    assert Membership.objects.get(user=world.officer_a).unit_id == world.ward_a.pk
    assert Unit.objects.get(pk=world.ward_a.pk).active_to is None
    assert not AuditEntry.objects.exists()


def test_the_merged_wards_officer_keeps_working_on_the_cases_under_the_successor(client, world):
    case = make_draft(world, name="Mô hình một")
    unit_merge(
        actor=world.secretariat, unit=world.ward_a, into=world.ward_b, on=REFORM, reason="NQ 1"
    )
    officer = type(world.officer_a).objects.get(pk=world.officer_a.pk)
    client.force_login(officer)
    assert (
        client.get(reverse("models_registry:initiative_detail", args=[case.pk])).status_code == 200
    )
    client.force_login(world.officer_b)
    assert (
        client.get(reverse("models_registry:initiative_detail", args=[case.pk])).status_code == 200
    )


# --- pages ------------------------------------------------------------------------------


def page_urls(world):
    pk = world.ward_a.pk
    return [
        ("get", reverse("units:tree")),
        ("get", reverse("units:create")),
        ("post", reverse("units:create")),
        ("get", reverse("units:import")),
        ("post", reverse("units:import")),
        ("get", reverse("units:detail", args=[pk])),
        *(
            ("post", reverse(f"units:{name}", args=[pk]))
            for name in ("edit", "rename", "move", "close", "merge")
        ),
    ]


def test_every_page_is_a_404_for_every_role_but_the_secretariat(client, world):
    others = [
        world.officer_a, world.inspector, world.chair, world.members[0], world.viewer,
        world.outsider, make_user("thanhvien.phuong", (Role.COMMITTEE, world.ward_a)),
    ]  # fmt: skip
    for user in others:
        client.force_login(user)
        for method, url in page_urls(world):
            response = getattr(client, method)(url, {"name": "X", "into": world.ward_b.pk})
            assert response.status_code == 404, (user.username, method, url)
    client.logout()
    for method, url in page_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url
    assert Unit.objects.get(pk=world.ward_a.pk).name == "Đảng ủy phường Đông Ngàn"
    assert not AuditEntry.objects.exists()


def test_the_superuser_uses_the_pages(client, world):
    admin = get_superuser()
    client.force_login(admin)
    assert client.get(reverse("units:tree")).status_code == 200


def get_superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("quantri", "qt@example.test", "x")


def _grow(world, count: int) -> None:
    for i in range(count):
        Unit.objects.create(name=f"Tổ dân phố số {i}", kind="other", parent=world.ward_b_sub)


@pytest.mark.parametrize("extra", [5, 120])
def test_the_tree_page_reads_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, extra
):
    _grow(world, extra)
    client.force_login(world.secretariat)
    # session, user, memberships, the unread count, the units (one query)
    with django_assert_num_queries(5):
        response = client.get(reverse("units:tree"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<details") == 4  # the city, two wards, ward B's UBND
    assert f"Tổ dân phố số {extra - 1}" in html
    with django_assert_num_queries(5):
        response = client.get(reverse("units:tree"), {"q": "to dan pho so 1"})
    assert "Tổ dân phố số 1" in response.content.decode()


@pytest.mark.parametrize("extra", [5, 60])
def test_the_unit_page_reads_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, extra
):
    _grow(world, extra)
    client.force_login(world.secretariat)
    url = reverse("units:detail", args=[world.ward_b_sub.pk])
    # session, user, memberships, the unit, its ancestors, children, predecessors, the
    # unread count, and the options of the three unit choices (move, close, merge)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200


def test_a_merge_through_the_page_is_logged_and_told(client, world):
    make_draft(world, name="Mô hình một")
    client.force_login(world.secretariat)
    response = client.post(
        reverse("units:merge", args=[world.ward_a.pk]),
        {"into": world.ward_b.pk, "on": "2025-06-30", "reason": "Nghị quyết 1656/NQ-UBTVQH15"},
        follow=True,
    )
    assert "Đã sáp nhập “Đảng ủy phường Đông Ngàn” vào “Đảng ủy phường Tam Sơn”" in (
        response.content.decode()
    )
    assert AuditEntry.objects.filter(action="unit.merge").count() == 1


def test_a_refused_change_shows_why_on_the_page(client, world):
    client.force_login(world.secretariat)
    response = client.post(
        reverse("units:close", args=[world.ward_a.pk]), {"on": "2025-06-30", "reason": "QĐ"}
    )
    assert response.status_code == 400
    assert "còn 1 đơn vị trực thuộc đang hoạt động" in response.content.decode()


def test_the_bulk_load_previews_then_writes_with_the_same_code(client, world):
    client.force_login(world.secretariat)
    csv = "name,parent,kind\nTổ dân phố 1,UBND P. Tam Sơn,other\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("don-vi.csv", csv, content_type="text/csv")
    response = client.post(reverse("units:import"), {"file": upload})
    html = response.content.decode()
    assert "Sẽ tạo mới <strong>1</strong> đơn vị" in html
    assert not Unit.objects.filter(name="Tổ dân phố 1").exists()
    data = response.context["confirm_form"].initial["data"]
    response = client.post(reverse("units:import"), {"confirm": "1", "data": data}, follow=True)
    assert "tạo mới 1 đơn vị" in response.content.decode()
    unit = Unit.objects.get(name="Tổ dân phố 1")
    assert unit.parent_id == world.ward_b_sub.pk
    (row,) = entries(unit)
    assert row.action == "unit.import" and row.actor == world.secretariat


def test_a_bad_file_is_refused_on_the_preview_with_its_lines(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.secretariat)
    upload = SimpleUploadedFile("x.csv", "name,parent\nA,Không có\n".encode(), "text/csv")
    response = client.post(reverse("units:import"), {"file": upload})
    assert "Dòng 2" in response.content.decode()
    assert not Unit.objects.filter(name="A").exists()
