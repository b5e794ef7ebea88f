"""The library's pieces on other pages: the case page's panel (publish, withdraw, the
photos a unit chooses, the link of a replication), the secretariat's management page
and public switch, the menu, the "Quản lý" hub and the dashboard's count."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from library import services
from library.models import Publication, PublishedPhoto
from models_registry.models import Initiative, ProgressAttachment
from tests.factories import make_draft
from tests.library.helpers import make_published, make_recognised, make_running_with_photo

MANAGE = reverse("library:manage")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page(client, user, case) -> str:
    client.force_login(user)
    return client.get(case.get_absolute_url()).content.decode()


def test_the_secretariat_sees_why_a_case_not_recognised_cannot_be_published(client, world):
    html = page(client, world.secretariat, make_draft(world))
    assert '<button type="button" disabled id="library-publish">' in html
    assert "hồ sơ này đang ở trạng thái “Bản nháp”" in html
    response = client.post(reverse("library:publish", args=[make_draft(world, name="Khác").pk]))
    assert response.status_code == 302
    assert not Publication.objects.exists()


def test_the_secretariat_publishes_and_withdraws_from_the_case_page(client, world):
    (case,) = make_recognised(world, ["Mô hình được công nhận"])
    assert 'id="library-publish"' in page(client, world.secretariat, case)
    client.post(reverse("library:publish", args=[case.pk]))
    html = client.get(case.get_absolute_url()).content.decode()
    assert 'id="library-withdraw"' in html and reverse("library:detail", args=[case.pk]) in html

    client.post(reverse("library:withdraw", args=[case.pk]), {"reason": "Đơn vị xin rút."})
    assert not Publication.objects.get().is_live
    assert "Lý do: Đơn vị xin rút." in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["officer_a", "viewer", "inspector"])
def test_no_one_else_publishes_or_sees_the_button(client, world, who):
    (case,) = make_recognised(world, ["Mô hình được công nhận"])
    assert 'id="library-publish"' not in page(client, getattr(world, who), case)
    response = client.post(reverse("library:publish", args=[case.pk]), follow=True)
    assert services.ONLY_SECRETARIAT in response.content.decode()
    assert not Publication.objects.exists()


def test_the_units_officer_chooses_photos_on_the_case_page_while_it_runs(client, world):
    case = make_running_with_photo(world, name="Mô hình có ảnh")
    image = ProgressAttachment.objects.get(content_type="image/png")
    html = page(client, world.officer_a, case)
    assert "Cho phép công bố" in html and "biên bản.pdf" not in html.split('id="thu-vien"')[1]
    client.post(reverse("library:photo_choose", args=[case.pk, image.pk]), {"publish": "1"})
    assert PublishedPhoto.objects.get().attachment == image
    assert "Bỏ chọn" in client.get(case.get_absolute_url()).content.decode()
    # Another ward's officer does not even reach the case.
    client.force_login(world.officer_b)
    url = reverse("library:photo_choose", args=[case.pk, image.pk])
    assert client.post(url, {"publish": "0"}).status_code == 404
    assert PublishedPhoto.objects.exists()


def test_a_replication_shows_its_link_and_the_model_its_replications(client, world):
    (model,) = make_published(world, ["Dân vận khéo trong hiến đất mở đường"])
    client.force_login(world.officer_b)
    response = client.post(reverse("library:replicate", args=[model.pk]), {"unit": world.ward_b.pk})
    draft = Initiative.objects.get(based_on=model)
    assert response["Location"] == reverse("models_registry:initiative_edit", args=[draft.pk])
    html = client.get(draft.get_absolute_url()).content.decode()
    assert 'id="based-on"' in html and reverse("library:detail", args=[model.pk]) in html
    html = page(client, world.secretariat, model)
    assert "Đảng ủy phường Tam Sơn (năm 2023)" in html
    library = client.get(reverse("library:detail", args=[model.pk])).content.decode()
    assert "Đã được 1 đơn vị nhân rộng" in library


def test_the_replicate_button_says_why_it_is_unavailable(client, world):
    (model,) = make_published(world, ["Mô hình được công nhận"])
    url = reverse("library:detail", args=[model.pk])
    for user, reason in (
        (world.officer_a, "do chính đơn vị"),
        (world.viewer, services.REPLICATE_NOT_OFFICER),
    ):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert '<button type="button" disabled id="replicate">' in html
        assert reason in html


class TestManagement:
    def test_the_secretariat_switches_the_library_public_and_back(self, client, world):
        client.force_login(world.secretariat)
        assert 'id="hub-library"' in client.get(reverse("accounts:hub")).content.decode()
        assert "Công khai thư viện" in client.get(MANAGE).content.decode()
        client.post(MANAGE, {"public": "1"})
        assert services.library_settings().public
        client.post(MANAGE, {"public": "0"})
        assert not services.library_settings().public
        assert AuditEntry.objects.filter(action="library.public").count() == 2

    def test_it_lists_the_recognised_cases_to_publish_from(self, client, world):
        first, second = make_recognised(world, ["Mô hình thứ nhất", "Mô hình thứ hai"])
        make_draft(world, name="Bản nháp không có ở đây")
        client.force_login(world.secretariat)
        html = client.get(MANAGE).content.decode()
        assert "Mô hình thứ nhất" in html and second.name in html
        assert "Bản nháp không có ở đây" not in html
        client.post(reverse("library:publish", args=[first.pk]), {"next": "manage"})
        assert list(Publication.objects.values_list("initiative", flat=True)) == [first.pk]

    @pytest.mark.parametrize("who", ["officer_a", "viewer", "chair"])
    def test_no_one_else_reaches_it(self, client, world, who):
        client.force_login(getattr(world, who))
        assert client.get(MANAGE).status_code == 404
        assert client.post(MANAGE, {"public": "1"}).status_code == 404
        assert not services.library_settings().public


def test_the_menu_leads_everyone_signed_in_to_the_library(client, world):
    for user in (world.officer_a, world.viewer, world.outsider):
        client.force_login(user)
        html = client.get(reverse("notifications:inbox")).content.decode()
        assert f'href="{reverse("library:list")}" id="nav-library"' in html


def test_the_dashboard_counts_replications_per_year(client, world):
    (model,) = make_published(world, ["Mô hình được công nhận"])
    services.initiative_replicate(actor=world.officer_b, source=model, unit=world.ward_b)
    client.force_login(world.secretariat)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    section = html.split('id="replications-by-year"')[1]
    assert 'Năm 2023</span> <span class="figure">1</span>' in section
