"""Issue 15, finding 2: committee rights (seeing, voting, re-inspection) come from the
committees a user sits on now and those committees' reach; a leader (viewer) of one
ward reads that ward only."""

import io

import openpyxl
import pytest
from django.urls import reverse

from committees.services import committee_members_set
from tests.committees.committee_helpers import close, make_committee, make_inspected, votes
from tests.factories import make_draft, make_user
from workflow.errors import WorkflowError
from workflow.lifecycle import Role
from workflow.services import transition_apply


@pytest.fixture
def cases(world):
    """An inspected case in each ward."""
    return make_inspected(world, name="Mô hình Đông Ngàn"), make_inspected(
        world, unit=world.ward_b_sub, name="Mô hình Tam Sơn"
    )


def detail(case):
    return reverse("models_registry:initiative_detail", args=[case.pk])


def reinspect(client, case):
    url = reverse("models_registry:initiative_transition", args=[case.pk])
    return client.post(
        url, {"transition": "request_reinspection", "expected_state": "inspected", "reason": "x"}
    )


def test_a_committee_membership_on_no_committee_opens_no_case(client, world, cases):
    _, case_b = cases
    loner = make_user("thanhvien.phuong", (Role.COMMITTEE, world.ward_a))
    client.force_login(loner)
    for case in cases:
        assert client.get(detail(case)).status_code == 404
        assert reinspect(client, case).status_code == 404
    with pytest.raises(WorkflowError):
        transition_apply(case=case_b, name="request_reinspection", actor=loner, reason="x")
    case_b.refresh_from_db()
    assert case_b.state == "inspected"


def test_a_ward_committee_reaches_its_ward_only(client, world, cases):
    case_a, case_b = cases
    member = make_user("thanhvien.dongngan", (Role.COMMITTEE, world.ward_a))
    make_committee(world, unit=world.ward_a, chair=member, members=[])
    client.force_login(member)
    assert client.get(detail(case_a)).status_code == 200
    assert client.get(detail(case_b)).status_code == 404
    assert reinspect(client, case_b).status_code == 404
    with pytest.raises(WorkflowError):
        transition_apply(case=case_b, name="request_reinspection", actor=member, reason="x")
    listing = client.get(reverse("models_registry:initiative_list")).context["page"]
    assert [c.pk for c in listing.object_list] == [case_a.pk]


def test_a_member_removed_from_every_committee_loses_sight_and_reinspection(client, world, cases):
    case_a, _ = cases
    committee = make_committee(world)
    gone = world.members[0]
    client.force_login(gone)
    assert client.get(detail(case_a)).status_code == 200
    committee_members_set(committee=committee, members=world.members[1:])
    assert client.get(detail(case_a)).status_code == 404
    assert reinspect(client, case_a).status_code == 404
    gone.refresh_from_db()  # a fresh user object: nothing cached
    with pytest.raises(WorkflowError):
        transition_apply(case=case_a, name="request_reinspection", actor=gone, reason="x")
    # A member who still sits on the committee may ask for it.
    transition_apply(case=case_a, name="request_reinspection", actor=world.members[1], reason="x")


def test_a_ward_viewer_reads_its_ward_only_and_exports_it_only(client, world):
    mine = make_draft(world, name="Nháp Đông Ngàn")
    theirs = make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Nháp Tam Sơn")
    leader = make_user("lanhdao.dongngan", (Role.VIEWER, world.ward_a))
    client.force_login(leader)
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404
    listing = client.get(reverse("models_registry:initiative_list")).context["page"]
    assert [c.pk for c in listing.object_list] == [mine.pk]
    response = client.get(reverse("models_registry:export"), {"campaign": world.campaign.pk})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)
    assert "Nháp Đông Ngàn" in text
    assert "Nháp Tam Sơn" not in text
    # The city's leadership still reads everything.
    client.force_login(world.viewer)
    assert client.get(detail(theirs)).status_code == 200


def test_a_ward_viewers_dashboard_is_narrowed_to_its_ward(client, world):
    make_draft(world, name="Nháp Đông Ngàn")
    make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Nháp Tam Sơn")
    leader = make_user("lanhdao.dongngan", (Role.VIEWER, world.ward_a))
    client.force_login(leader)
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert response.context["scope"].unit == world.ward_a
    assert "todo" not in response.context
    # Asking for another ward is not honoured: the scope stays within theirs.
    response = client.get(reverse("dashboards:dashboard"), {"unit": world.ward_b.pk})
    assert response.context["scope"].unit != world.ward_b


def test_a_ward_viewer_reads_no_city_decision_but_its_own_cases_certificate(client, world):
    committee = make_committee(world)
    ours = make_inspected(world, name="Mô hình Đông Ngàn")
    theirs = make_inspected(world, unit=world.ward_b_sub, name="Mô hình Tam Sơn")
    ballot = {world.chair: True, **dict.fromkeys(world.members, True)}
    votes(committee, ours, ballot)
    votes(committee, theirs, ballot)
    decision = close(committee, [ours, theirs]).decision
    leader = make_user("lanhdao.dongngan", (Role.VIEWER, world.ward_a))
    client.force_login(leader)
    assert client.get(reverse("committees:decision", args=[decision.pk])).status_code == 404
    certificate = "committees:certificate"
    assert client.get(reverse(certificate, args=[decision.pk, ours.pk])).status_code == 200
    assert client.get(reverse(certificate, args=[decision.pk, theirs.pk])).status_code == 404
    client.force_login(world.viewer)  # the city's leadership
    assert client.get(reverse("committees:decision", args=[decision.pk])).status_code == 200
