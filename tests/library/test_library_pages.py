"""The library's pages: who may read them (signed in; the public only when the
secretariat opened it), what they show and never show, search and filters, the photos
served as every upload is, and their query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from library import services
from library.models import PublishedPhoto
from models_registry.models import ProgressAttachment
from tests.factories import make_draft
from tests.library.helpers import (
    ACHIEVEMENTS,
    FINDINGS,
    decide,
    inspect,
    make_published,
    make_recognised,
    make_running_with_photo,
    submit,
)
from units.models import Unit, UnitKind

LIST = reverse("library:list")
LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def published(world):
    (model,) = make_published(
        world, ["Dân vận khéo trong vận động hiến đất mở đường"], number="125-QĐ/BCĐ"
    )
    return model


def public(world, on: bool = True) -> None:
    services.library_public_set(actor=world.secretariat, public=on)


def detail(case) -> str:
    return reverse("library:detail", args=[case.pk])


def photo_url(case, photo) -> str:
    return reverse("library:photo", args=[case.pk, photo.pk])


class TestWhoMayRead:
    def test_anonymous_is_sent_to_sign_in_while_the_library_is_not_public(
        self, client, world, published
    ):
        photo = PublishedPhoto.objects.get()
        for url in (LIST, detail(published), photo_url(published, photo)):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    def test_anonymous_reads_list_page_and_photo_once_it_is_public(self, client, world, published):
        public(world)
        photo = PublishedPhoto.objects.get()
        assert published.name in client.get(LIST).content.decode()
        assert client.get(detail(published)).status_code == 200
        assert client.get(photo_url(published, photo)).status_code == 200
        # The public reads; it never acts.
        response = client.post(reverse("library:replicate", args=[published.pk]))
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        public(world, on=False)
        assert client.get(LIST)["Location"].startswith(LOGIN)

    @pytest.mark.parametrize("who", ["officer_a", "officer_b", "inspector", "viewer", "outsider"])
    def test_anyone_signed_in_reads_it_even_outside_their_unit(self, client, world, published, who):
        client.force_login(getattr(world, who))
        assert published.name in client.get(LIST).content.decode()
        assert client.get(detail(published)).status_code == 200


def hidden_cases(world) -> dict:
    """One case of each kind the library must never show, each named after what it is."""
    (unpublished,) = make_recognised(world, ["Bí mật công nhận chưa công bố"])
    (withdrawn,) = make_published(world, ["Bí mật đã gỡ khỏi thư viện"])
    services.publication_withdraw(actor=world.secretariat, initiative=withdrawn, reason="Gỡ.")
    (rejected,) = decide(
        world,
        inspect(world, [make_running_with_photo(world, name="Bí mật không được công nhận")]),
        in_favour=False,
    )
    return {
        "draft": make_draft(world, name="Bí mật bản nháp"),
        "registered": submit(world, make_draft(world, name="Bí mật đã đăng ký")),
        "rejected": rejected,
        "unpublished": unpublished,
        "withdrawn": withdrawn,
    }


class TestNeverShown:
    @pytest.mark.parametrize("signed_in", [True, False])
    def test_a_draft_registered_rejected_unpublished_or_withdrawn_case_never_appears(
        self, client, world, published, signed_in
    ):
        hidden = hidden_cases(world)
        if signed_in:
            client.force_login(world.secretariat)  # sees every case elsewhere
        else:
            public(world)
        listing = client.get(LIST).content.decode()
        found = client.get(LIST, {"q": "bi mat"}).content.decode()
        everything = client.get(LIST, {"q": "mo hinh"}).content.decode()
        assert published.name in listing
        assert "Bí mật" not in listing + found + everything
        for kind, case in hidden.items():
            assert client.get(detail(case)).status_code == 404, kind
            assert client.get(reverse("library:photo", args=[case.pk, 1])).status_code == 404
            for attachment in ProgressAttachment.objects.filter(report__initiative=case):
                # Even a photo its unit chose, under a guessed id.
                photo = PublishedPhoto.objects.filter(attachment=attachment).first()
                if photo:
                    assert client.get(photo_url(case, photo)).status_code == 404, kind
                    assert client.get(photo_url(published, photo)).status_code == 404, kind

    def test_a_photo_the_unit_did_not_choose_is_not_shown(self, client, world):
        (model,) = make_published(world, ["Mô hình không chọn ảnh"], release=False)
        client.force_login(world.officer_b)
        page = client.get(detail(model)).content.decode()
        assert 'id="anh"' not in page
        assert client.get(reverse("library:photo", args=[model.pk, 1])).status_code == 404


class TestModelPage:
    def test_it_shows_goals_results_findings_score_decision_photo_and_no_names(
        self, client, world, published
    ):
        client.force_login(world.officer_b)
        page = client.get(detail(published)).content.decode()
        for text in (
            published.goals,
            ACHIEVEMENTS,
            FINDINGS,
            "80/100 điểm",
            "Số 125-QĐ/BCĐ ngày 15/10/2023",
            "Đảng ủy phường Đông Ngàn",
        ):
            assert text in page, text
        photo = PublishedPhoto.objects.get()
        assert photo_url(published, photo) in page
        # No personal data: not who reported, inspected, voted or signed; not whom the
        # inspectors met.
        for name in ("Cán bộ Đông Ngàn", "Cán bộ kiểm tra", "Chủ tịch hội đồng", "Thành viên 1"):
            assert name not in page, name
        assert "Bí thư Đảng ủy phường" not in page

    def test_a_photo_is_served_inline_sandboxed_and_never_cached(self, client, world, published):
        public(world)
        response = client.get(photo_url(published, PublishedPhoto.objects.get()))
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "private, no-store"


class TestSearchAndFilters:
    @pytest.fixture
    def models(self, world):
        economy = make_published(world, ["Dân vận khéo trong hiến đất mở đường"])[0]
        culture = make_published(world, ["Phố đi bộ văn minh"], unit=world.ward_b, photo=False)[0]
        return economy, culture

    def names(self, client, **query) -> list[str]:
        response = client.get(LIST, query)
        return sorted(m.name for m in response.context["page"].object_list)

    def test_search_ignores_diacritics_and_case_and_reads_the_unit(self, client, world, models):
        client.force_login(world.viewer)
        assert self.names(client, q="HIEN DAT") == ["Dân vận khéo trong hiến đất mở đường"]
        assert self.names(client, q="phố đi bộ") == ["Phố đi bộ văn minh"]
        assert self.names(client, q="tam son") == ["Phố đi bộ văn minh"]

    def test_filters_by_unit_including_its_sub_units_level_and_year(self, client, world, models):
        client.force_login(world.viewer)
        both = ["Dân vận khéo trong hiến đất mở đường", "Phố đi bộ văn minh"]
        assert self.names(client, unit=world.ward_b.pk) == ["Phố đi bộ văn minh"]
        assert self.names(client, level="Cấp cơ sở", year=2023) == both
        assert self.names(client, year=2023, field="economy") == both
        assert self.names(client, field="culture_society") == []
        # A value no published model has is not offered: the form says so, nothing leaks.
        response = client.get(LIST, {"year": 1999})
        assert response.context["form"].errors


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


class TestQueryCounts:
    def test_the_list_costs_the_same_for_5_models_and_50(self, client, world, settings):
        settings.CASES_PER_PAGE = 100
        make_published(world, [f"Mô hình số {i}" for i in range(5)], photo=False)
        client.force_login(world.officer_b)
        client.get(LIST)
        five = _queries(client, LIST)
        searched = _queries(client, f"{LIST}?q=mo+hinh&year=2023")
        make_published(world, [f"Mô hình số {i}" for i in range(5, 50)], photo=False)
        assert _queries(client, LIST) == five
        assert _queries(client, f"{LIST}?q=mo+hinh&year=2023") == searched
        assert len(client.get(LIST).context["page"].object_list) == 50
        # Session, user, memberships, unread count; the filters' years, levels and
        # units; the count; the rows with their replication counts.
        assert five == 9, five

    def test_the_model_page_costs_the_same_for_5_replications_and_50(self, client, world):
        (model,) = make_published(world, ["Mô hình được nhân rộng"])
        units = [
            Unit.objects.create(
                name=f"Tổ dân phố số {i}", kind=UnitKind.WARD_BODY, parent=world.ward_b
            )
            for i in range(50)
        ]
        for unit in units[:5]:
            services.initiative_replicate(actor=world.officer_b, source=model, unit=unit)
        client.force_login(world.officer_b)
        url = detail(model)
        client.get(url)
        five = _queries(client, url)
        for unit in units[5:]:
            services.initiative_replicate(actor=world.officer_b, source=model, unit=unit)
        assert _queries(client, url) == five
        assert client.get(url).content.decode().count("Tổ dân phố số") == 50
        # Session, user, memberships, unread count; the model; its reports, visits,
        # decisions, photos, replications; the open campaign for the replicate button.
        assert five == 11, five
