"""Composing a committee (issue 13): members, chair and rule changed from a date, one row
of the administration log per change, rounds keeping the members they were opened with;
the secretariat's pages, refused to everyone else, their queries pinned."""

import datetime
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from committees.composition import committee_change, committee_changes_apply
from committees.models import ChangeStatus, Committee, VoteRound
from committees.services import round_tally, vote_cast
from tests.committees.committee_helpers import close, make_committee, make_inspected, votes
from tests.factories import make_user
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

TODAY = datetime.date(2023, 10, 1)
LATER = datetime.date(2023, 10, 20)


def log_of(committee) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            target_type="committees.committee", target_id=str(committee.pk)
        ).order_by("pk")
    )


def newcomer(world, name="thanhvien.moi"):
    return make_user(name, (Role.COMMITTEE, world.city), full_name="Thành viên mới")


def test_a_change_dated_today_applies_at_once_with_one_log_row(world):
    committee = make_committee(world)
    new = newcomer(world)
    committee_change(
        actor=world.secretariat, committee=committee, chair=world.members[0],
        members=[world.chair, *world.members[1:], new], quorum="1/2", approval=Fraction(9, 10),
        effective_on=TODAY, reason="QĐ 12-QĐ/BCĐ", today=TODAY,
    )  # fmt: skip
    committee.refresh_from_db()
    assert committee.chair == world.members[0]
    assert set(committee.members.all()) == {world.chair, *world.members, new}
    assert (committee.quorum, committee.approval) == (Fraction(1, 2), Fraction(9, 10))
    (row,) = log_of(committee)
    assert row.action == "committee.change" and row.actor == world.secretariat
    assert row.before["chair"] == "Chủ tịch hội đồng"
    assert row.after["chair"] == "Thành viên 1"
    assert "Thành viên mới" in row.after["members"]
    assert "Thành viên mới" not in row.before["members"]
    assert (row.before["quorum"], row.after["quorum"]) == ("2/3", "50%")
    assert row.after["effective_on"] == "01/10/2023"
    assert row.reason == "QĐ 12-QĐ/BCĐ"


def test_a_later_change_waits_for_its_date_and_the_sweep_applies_it_once(client, world):
    committee = make_committee(world)
    case = make_inspected(world)
    gone = world.members[2]
    new = newcomer(world)
    change = committee_change(
        actor=world.secretariat, committee=committee, chair=world.chair,
        members=[world.members[0], world.members[1], new], quorum="2/3", approval="7/10",
        effective_on=LATER, today=TODAY,
    )  # fmt: skip
    assert change.status == ChangeStatus.PENDING
    assert [r.action for r in log_of(committee)] == ["committee.change_schedule"]
    # Until the date, rights stay with the composition in force.
    detail = reverse("models_registry:initiative_detail", args=[case.pk])
    client.force_login(new)
    assert client.get(detail).status_code == 404
    client.force_login(gone)
    assert client.get(detail).status_code == 200

    assert committee_changes_apply(LATER - datetime.timedelta(days=1)) == 0
    assert committee_changes_apply(LATER) == 1
    assert committee_changes_apply(LATER) == 0
    assert [r.action for r in log_of(committee)] == [
        "committee.change_schedule",
        "committee.change",
    ]
    client.force_login(get_user_model().objects.get(pk=new.pk))
    assert client.get(detail).status_code == 200
    client.force_login(get_user_model().objects.get(pk=gone.pk))
    assert client.get(detail).status_code == 404
    with pytest.raises(WorkflowError):
        vote_cast(actor=gone, committee=committee, case=case, in_favour=True)


def test_a_round_keeps_the_members_it_was_opened_with(world):
    committee = make_committee(world)  # chair + 3 members: 3 of 4 must vote, 3 for
    case = make_inspected(world)
    votes(committee, case, {world.chair: True, world.members[0]: True})
    round_ = VoteRound.objects.get(case=case)
    assert round_.members.count() == 4
    extra = [newcomer(world, f"thanhvien.moi{i}") for i in range(3)]
    committee_change(
        actor=world.secretariat, committee=committee, chair=world.chair,
        members=[*world.members, *extra], quorum="2/3", approval="7/10",
        effective_on=TODAY, today=TODAY,
    )  # fmt: skip
    assert committee.members.count() == 7
    # The newcomers do not vote in a round opened before them...
    with pytest.raises(WorkflowError, match="mở trước khi đồng chí vào hội đồng"):
        vote_cast(actor=extra[0], committee=committee, case=case, in_favour=False)
    # ...and the rule still counts the four the round was opened with.
    votes(committee, case, {world.members[1]: True})
    tally = round_tally(VoteRound.objects.get(pk=round_.pk))
    assert (tally.members, tally.votes_for, tally.met) == (4, 3, True)
    result = close(committee, [case])
    (closed,) = result.rounds
    assert (closed.member_count, closed.votes_for, closed.outcome) == (4, 3, "recognized")


def test_only_the_secretariat_composes(world):
    committee = make_committee(world)
    for actor in (world.chair, world.viewer, world.officer_a, world.members[0]):
        with pytest.raises(WorkflowError, match="Chỉ Ban Dân vận"):
            committee_change(
                actor=actor, committee=committee, chair=world.chair, members=world.members,
                quorum="2/3", approval="7/10", effective_on=TODAY, today=TODAY,
            )  # fmt: skip
    assert not log_of(committee)


# --- pages ------------------------------------------------------------------------------


def page_urls(committee):
    return [
        ("get", reverse("committees:manage")),
        ("get", reverse("committees:manage_create")),
        ("post", reverse("committees:manage_create")),
        ("get", reverse("committees:manage_detail", args=[committee.pk])),
        ("post", reverse("committees:manage_detail", args=[committee.pk])),
        ("post", reverse("committees:manage_change_cancel", args=[committee.pk, 1])),
    ]


def test_the_pages_are_a_404_for_every_role_but_the_secretariat(client, world):
    committee = make_committee(world)
    for user in (
        world.chair, world.members[0], world.viewer, world.officer_a, world.inspector,
        world.outsider,
    ):  # fmt: skip
        client.force_login(user)
        for method, url in page_urls(committee):
            assert getattr(client, method)(url).status_code == 404, (user.username, url)
    client.logout()
    for method, url in page_urls(committee):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    superuser = get_user_model().objects.create_superuser("quantri", "q@example.test", "x")
    client.force_login(superuser)
    assert client.get(reverse("committees:manage")).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_the_list_reads_a_fixed_number_of_queries(client, world, count, django_assert_num_queries):
    for i in range(count):
        unit = world.ward_a if i == 0 else world.ward_b
        level = world.level_base if i < 2 else world.level_city
        if not Committee.objects.filter(unit=unit, level=level).exists():
            make_committee(world, unit=unit, level=level)
    client.force_login(world.secretariat)
    # session, user, memberships, unread count, the committees (one query)
    with django_assert_num_queries(5):
        response = client.get(reverse("committees:manage"))
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 10])
def test_the_committee_page_reads_a_fixed_number_of_queries(
    client, world, extra, django_assert_num_queries
):
    committee = make_committee(world, members=[*world.members, *(
        newcomer(world, f"them{i}") for i in range(extra)
    )])  # fmt: skip
    committee_change(
        actor=world.secretariat, committee=committee, chair=world.chair, members=world.members,
        quorum="2/3", approval="7/10", effective_on=timezone.localdate() + datetime.timedelta(3),
    )  # fmt: skip
    client.force_login(world.secretariat)
    # session, user, memberships, the committee, its members, pending changes, their
    # members, the log, unread count, the people to choose from (chair, members)
    with django_assert_num_queries(11):
        response = client.get(reverse("committees:manage_detail", args=[committee.pk]))
    assert response.status_code == 200
    assert "Thay đổi chưa có hiệu lực" in response.content.decode()


def test_the_page_composes_and_the_change_is_told(client, world):
    committee = make_committee(world)
    new = newcomer(world)
    client.force_login(world.secretariat)
    response = client.post(
        reverse("committees:manage_detail", args=[committee.pk]),
        {
            "chair": world.chair.pk,
            "members": [world.members[0].pk, new.pk],
            "quorum": "2/3",
            "approval": "70%",
            "effective_on": timezone.localdate().isoformat(),
            "reason": "QĐ kiện toàn",
        },
        follow=True,
    )
    assert "Đã kiện toàn" in response.content.decode()
    assert set(committee.members.all()) == {world.chair, world.members[0], new}
    assert [r.action for r in log_of(committee)] == ["committee.change"]


def test_the_page_creates_a_committee(client, world):
    client.force_login(world.secretariat)
    response = client.post(
        reverse("committees:manage_create"),
        {
            "name": "Hội đồng phường Đông Ngàn",
            "level": world.level_base.pk,
            "unit": world.ward_a.pk,
            "chair": world.chair.pk,
            "members": [m.pk for m in world.members],
            "quorum": "2/3",
            "approval": "70",
        },
    )
    committee = Committee.objects.get(name="Hội đồng phường Đông Ngàn")
    assert response.status_code == 302
    assert committee.approval == Fraction(7, 10)
    assert [r.action for r in log_of(committee)] == ["committee.create"]
