"""The committee's pages: who may open them, what they show, the vote and close forms
posted through them, the case page's panel; and their query counts, the same for 5
cases as for 50."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import RecognitionDecision, Vote, VoteRound
from committees.services import vote_cast
from inspections.services.visits import visit_complete
from models_registry.models import Campaign, RecognitionLevel
from models_registry.services.carry_over import initiative_carry_over
from tests.factories import make_user
from tests.inspections.helpers import book, full_visit, make_running
from workflow.lifecycle import Role, State

from .committee_helpers import (
    VISIT_DAY,
    close,
    criteria_for,
    make_committee,
    make_inspected,
    votes,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def committee(world):
    return make_committee(world)


@pytest.fixture
def inspected(world):
    return make_inspected(world, name="Khu dân cư không rác thải nhựa")


def many_inspected(world, count: int, *, start: int = 0) -> list:
    """``count`` inspected cases, booked together (faster than one by one)."""
    criteria_for(world)
    from inspections.models import Criterion

    criteria = list(
        Criterion.objects.filter(campaign=world.campaign, subject="collective").order_by("order")
    )
    cases = [make_running(world, name=f"Mô hình số {start + i}") for i in range(count)]
    for inspection in book(world, cases):
        data = full_visit(criteria, level=world.level_base)
        visit_complete(actor=world.inspector, inspection=inspection, data=data, today=VISIT_DAY)
    return cases


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


class TestAccess:
    def test_the_nav_shows_the_committee_link_to_members_only(self, client, world, committee):
        client.force_login(world.members[0])
        assert 'id="nav-committee"' in client.get(reverse("committees:home")).content.decode()
        client.force_login(world.officer_a)
        page = client.get(reverse("models_registry:initiative_list")).content.decode()
        assert 'id="nav-committee"' not in page

    @pytest.mark.parametrize("who", ["officer_a", "secretariat", "inspector", "outsider"])
    def test_a_non_member_gets_404_on_the_committees_pages(self, client, world, committee, who):
        client.force_login(getattr(world, who))
        for name in ("committees:review", "committees:chair"):
            assert client.get(reverse(name, args=[committee.pk])).status_code == 404
        assert "chưa là thành viên" in client.get(reverse("committees:home")).content.decode()

    def test_a_non_member_cannot_post_a_vote(self, client, world, committee, inspected):
        client.force_login(world.officer_a)
        url = reverse("workflow:vote_cast", args=[committee.pk, inspected.pk])
        assert client.post(url, {"choice": "for"}).status_code == 404
        assert not Vote.objects.exists()

    def test_a_member_is_sent_back_from_the_chairs_page(self, client, world, committee):
        client.force_login(world.members[0])
        response = client.get(reverse("committees:chair", args=[committee.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("committees:review", args=[committee.pk])
        assert "Chỉ Chủ tịch" in response.content.decode()


class TestReviewAndVote:
    def test_the_queue_shows_the_inspection_summary_and_progress(
        self, client, world, committee, inspected
    ):
        client.force_login(world.members[0])
        page = client.get(reverse("committees:review", args=[committee.pk])).content.decode()
        assert "Khu dân cư không rác thải nhựa" in page
        assert 'Tổng điểm: <strong class="visit-score">80/100</strong>' in page
        assert (
            "Đạt" in page and 'Đề nghị công nhận: <span class="recommended-level">Cấp cơ sở' in page
        )
        assert "Đơn vị chưa gửi báo cáo tiến độ." in page
        assert "0/4</strong> thành viên đã biểu quyết (cần 3)" in page

    def test_a_member_votes_and_changes_the_vote_through_the_page(
        self, client, world, committee, inspected
    ):
        client.force_login(world.members[0])
        review = reverse("committees:review", args=[committee.pk])
        url = reverse("workflow:vote_cast", args=[committee.pk, inspected.pk])
        response = client.post(url, {"choice": "for", "comment": "Rất hiệu quả", "next": review})
        # Back to the case voted on, not to the top of the page (issue 14).
        assert response.status_code == 302
        assert response["Location"] == f"{review}#case-{inspected.pk}"
        page = client.get(review).content.decode()
        assert "Đã ghi nhận phiếu tán thành" in page
        assert "Đồng chí đã biểu quyết <strong>tán thành</strong>" in page
        client.post(url, {"choice": "against", "next": review})
        (vote,) = Vote.objects.all()
        assert vote.in_favour is False and vote.comment == ""

    def test_next_never_leaves_the_site(self, client, world, committee, inspected):
        client.force_login(world.members[0])
        url = reverse("workflow:vote_cast", args=[committee.pk, inspected.pk])
        response = client.post(url, {"choice": "for", "next": "https://evil.example/"})
        assert response["Location"] == f"{inspected.get_absolute_url()}#case-{inspected.pk}"

    def test_a_vote_without_a_choice_is_refused_in_words(self, client, world, committee, inspected):
        client.force_login(world.members[0])
        url = reverse("workflow:vote_cast", args=[committee.pk, inspected.pk])
        response = client.post(url, {"comment": "?"}, follow=True)
        assert "Vui lòng chọn tán thành hoặc không tán thành." in response.content.decode()
        assert not Vote.objects.exists()


class TestTheChairCloses:
    def test_the_chair_closes_many_under_one_decision_through_the_page(
        self, client, world, committee, inspected
    ):
        other = make_inspected(world, name="Camera an ninh khu phố")
        for case in (inspected, other):
            votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
        client.force_login(world.chair)
        chair_page = reverse("committees:chair", args=[committee.pk])
        page = client.get(chair_page).content.decode()
        assert page.count("Đạt yêu cầu biểu quyết") == 2
        rounds = list(VoteRound.objects.values_list("pk", flat=True))
        response = client.post(
            reverse("workflow:rounds_close", args=[committee.pk]),
            {
                "rounds": rounds,
                "decision_number": "125-QĐ/BCĐ",
                "decision_date": "2023-10-15",
                "next": chair_page,
            },
            follow=True,
        )
        content = response.content.decode()
        assert "Đã kết thúc biểu quyết 2 hồ sơ: 2 được công nhận, 0 không." in content
        assert "Quyết định số 125-QĐ/BCĐ ngày 15/10/2023" in content
        decision = RecognitionDecision.objects.get()
        assert decision.rounds.count() == 2

    def test_a_refused_close_keeps_the_ticks_and_the_number_and_says_why_at_the_field(
        self, client, world, committee, inspected
    ):
        other = make_inspected(world, name="Camera an ninh khu phố")
        for case in (inspected, other):
            votes(committee, case, dict.fromkeys([world.chair, *world.members], True))
        first, second = VoteRound.objects.order_by("pk").values_list("pk", flat=True)
        client.force_login(world.chair)
        # A number but no date: the service refuses, and says so at the date.
        response = client.post(
            reverse("workflow:rounds_close", args=[committee.pk]),
            {"rounds": [second], "decision_number": "125-QĐ/BCĐ", "decision_date": ""},
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors == {"decision_date": ["Vui lòng nhập ngày ký quyết định công nhận."]}
        page = response.content.decode()
        assert f'value="{second}" class="round-check" data-case="{other.pk}" checked' in page
        assert f'value="{first}" class="round-check" data-case="{inspected.pk}">' in page
        assert 'value="125-QĐ/BCĐ"' in page
        assert not RecognitionDecision.objects.exists()

    def test_a_member_posting_the_close_form_changes_nothing(
        self, client, world, committee, inspected
    ):
        votes(committee, inspected, dict.fromkeys([world.chair, *world.members], True))
        client.force_login(world.members[0])
        response = client.post(
            reverse("workflow:rounds_close", args=[committee.pk]),
            {"rounds": [VoteRound.objects.get().pk], "decision_number": "1", "decision_date": "2023-10-15"},
            follow=True,
        )  # fmt: skip
        assert "Chỉ Chủ tịch hội đồng" in response.content.decode()
        inspected.refresh_from_db()
        assert inspected.state == State.INSPECTED


class TestTheCasePage:
    def test_the_unit_sees_the_tally_and_decision_but_not_who_voted(
        self, client, world, committee, inspected
    ):
        votes(committee, inspected, dict.fromkeys([world.chair, *world.members], True))
        close(committee, [inspected])
        client.force_login(world.officer_a)
        page = client.get(inspected.get_absolute_url()).content.decode()
        assert "Đã công nhận cấp cơ sở" in page
        assert "Quyết định số <strong>125-QĐ/BCĐ</strong> ngày 15/10/2023" in page
        assert "4/4</strong> thành viên đã biểu quyết" in page
        assert 'class="vote"' not in page
        client.force_login(world.secretariat)
        page = client.get(inspected.get_absolute_url()).content.decode()
        assert page.count('class="vote"') == 4

    def test_an_open_round_is_shown_to_the_committee_only(
        self, client, world, committee, inspected
    ):
        vote_cast(actor=world.members[0], committee=committee, case=inspected, in_favour=True)
        client.force_login(world.members[1])
        assert "Đang biểu quyết" in client.get(inspected.get_absolute_url()).content.decode()
        client.force_login(world.officer_a)
        assert "committee-votes" not in client.get(inspected.get_absolute_url()).content.decode()

    def test_the_carried_over_case_shows_last_years_recognition(
        self, client, world, committee, inspected
    ):
        votes(committee, inspected, dict.fromkeys([world.chair, *world.members], True))
        close(committee, [inspected], number="88-QĐ/BCĐ")
        next_year = Campaign.objects.create(
            year=2024,
            name="Phong trào thi đua “Dân vận khéo” năm 2024",
            registration_deadline=datetime.date(2024, 3, 6),
        )
        RecognitionLevel.objects.create(campaign=next_year, rank=1, name="Cấp cơ sở")
        carried = initiative_carry_over(actor=world.officer_a, source=inspected, campaign=next_year)
        client.force_login(world.officer_a)
        page = client.get(carried.get_absolute_url()).content.decode()
        assert "Kết quả công nhận năm 2023" in page
        assert (
            "đã được công nhận <strong>cấp cơ sở</strong> theo Quyết định số 88-QĐ/BCĐ ngày 15/10/2023"
            in page
        )


class TestQueryCounts:
    def test_the_committee_pages_cost_the_same_for_5_cases_and_50(self, client, world, committee):
        committee_member = world.members[0]
        cases = many_inspected(world, 5)
        for case in cases:
            vote_cast(actor=committee_member, committee=committee, case=case, in_favour=True)
        urls = {
            "home": reverse("committees:home"),
            "review": reverse("committees:review", args=[committee.pk]),
            "chair": reverse("committees:chair", args=[committee.pk]),
        }
        client.force_login(world.chair)
        for url in urls.values():
            client.get(url)  # warm the session
        five = {name: queries(client, url) for name, url in urls.items()}

        more = many_inspected(world, 45, start=5)
        for case in more:
            vote_cast(actor=committee_member, committee=committee, case=case, in_favour=True)
        for url in urls.values():
            # Again: making 45 cases may take over a minute on a loaded machine, and the
            # session's "seen" stamp is then written once more (config/middleware.py).
            client.get(url)
        fifty = {name: queries(client, url) for name, url in urls.items()}
        assert fifty == five
        page = client.get(urls["review"]).content.decode()
        assert page.count('class="card review-case"') == 50
        # Pinned. Every page: session, user, memberships, unread count. Review: the
        # committee, the queue, its progress reports, inspections, visits with levels,
        # attachments, the rounds with my vote. Chair: the committee, open rounds, their
        # votes, decisions. Home: committees, decisions, one queue count per committee.
        assert five == {"home": 7, "review": 12, "chair": 8}, five

    def test_a_decision_page_costs_the_same_for_5_cases_and_50(self, client, world):
        committee = make_committee(world, quorum="1/4", approval="1/4")
        small = many_inspected(world, 5)
        big = many_inspected(world, 50, start=5)
        for case in [*small, *big]:
            vote_cast(actor=world.members[0], committee=committee, case=case, in_favour=True)
        five = close(committee, small, number="1-QĐ/BCĐ").decision
        fifty = close(committee, big, number="2-QĐ/BCĐ").decision
        client.force_login(world.chair)
        url5 = reverse("committees:decision", args=[five.pk])
        url50 = reverse("committees:decision", args=[fifty.pk])
        client.get(url5)
        assert queries(client, url50) == queries(client, url5) <= 10

    def test_the_case_page_costs_the_same_with_one_vote_and_four(
        self, client, world, committee, inspected
    ):
        vote_cast(actor=world.members[0], committee=committee, case=inspected, in_favour=True)
        client.force_login(world.secretariat)
        url = inspected.get_absolute_url()
        client.get(url)
        one = queries(client, url)
        votes(committee, inspected, dict.fromkeys([world.chair, *world.members[1:]], True))
        assert queries(client, url) == one
        close(committee, [inspected])
        recognised = queries(client, url)  # other panels differ by state; ours does not
        outsider = make_user("thanhvien.moi", (Role.COMMITTEE, world.city))
        city = make_committee(world, level=world.level_city, members=[outsider])
        votes(city, inspected, {world.chair: True, outsider: False})
        # A second committee's round (an upgrade) costs nothing more either.
        assert queries(client, url) == recognised
