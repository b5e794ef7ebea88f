"""In a real browser: the secretariat publishes a recognised model from its case page;
on a phone, a second ward's officer finds it in the library (search without diacritics),
sees its photo, and replicates it; the new draft carries the copied fields and the link
back, and the library then counts one replication.

With ``DVK_SHOTS`` set to a folder, the pages are also saved there as screenshots (390
and 1366 px wide)."""

import os

import pytest

from library.models import Publication
from library.services import photo_release, publication_publish
from models_registry.models import Initiative, ProgressAttachment
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.library.helpers import make_recognised
from workflow.lifecycle import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Dân vận khéo trong vận động hiến đất mở đường"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def shot(page, name: str) -> None:
    folder = os.environ.get("DVK_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_published_model_is_found_and_replicated_by_a_second_ward(
    browser, page, phone_page, live_server, world
):
    model, other = make_recognised(world, [NAME, "Phố đi bộ văn minh"], number="125-QĐ/BCĐ")
    publication_publish(actor=world.secretariat, initiative=other)
    photo_release(
        actor=world.officer_a,
        attachment=ProgressAttachment.objects.get(
            content_type="image/png", report__initiative=model
        ),
    )

    # The secretariat publishes it from the case page.
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}{model.get_absolute_url()}")
    assert "(1 ảnh)" in page.inner_text("#thu-vien")
    shot(page, "case-panel-publish-1366")
    page.click("#library-publish")
    page.wait_for_selector("#library-withdraw")
    assert Publication.objects.get(initiative=model).is_live
    page.goto(f"{live_server.url}/thu-vien/quan-ly/")
    shot(page, "manage-1366")

    # Tam Sơn's officer, on a phone, finds it from the menu by a search without accents.
    phone = phone_page
    login(phone, live_server, world.officer_b.username, PASSWORD)
    phone.click("#nav-library")
    phone.click("summary")
    phone.fill("#id_q", "hien dat mo duong")
    phone.click("#library-filter button[type=submit]")
    phone.wait_for_url(lambda url: "q=hien" in url)
    assert phone.inner_text("#result-count") == "1 mô hình"
    assert phone.input_value("#id_q") == "hien dat mo duong"
    assert phone.inner_text(".replication-count") == "—"
    shot(phone, "list-390")
    assert no_horizontal_scroll(phone)
    phone.click(f"text={NAME}")
    assert "Số 125-QĐ/BCĐ ngày 15/10/2023" in phone.inner_text(".decision")
    assert "80/100 điểm" in phone.inner_text("#kiem-tra")
    # The photo the unit chose really loads (served by the library's own view).
    # A function, not an expression: Playwright evaluates an expression again at every
    # poll, which the page's CSP (no 'unsafe-eval') refuses once the first poll is false.
    phone.wait_for_function("() => document.querySelector('#anh img').naturalWidth > 0")
    shot(phone, "model-390")
    assert no_horizontal_scroll(phone)

    phone.click("#replicate")
    phone.wait_for_url(lambda url: url.endswith("/sua/"))
    draft = Initiative.objects.get(based_on=model)
    assert (draft.unit, draft.state, draft.name, draft.goals) == (
        world.ward_b,
        State.DRAFT,
        model.name,
        model.goals,
    )
    assert phone.input_value("#id_name") == model.name
    phone.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert NAME in phone.inner_text("#based-on")
    shot(phone, "replica-case-390")

    # The library now counts one unit, and names it.
    phone.goto(f"{live_server.url}/thu-vien/")
    assert phone.inner_text(".replication-count") == "1 đơn vị"
    page.goto(f"{live_server.url}/thu-vien/{model.pk}/")
    assert "Đảng ủy phường Tam Sơn (năm 2023)" in page.inner_text("#replication-units")
    shot(page, "model-1366")
    page.goto(f"{live_server.url}/thu-vien/")
    shot(page, "list-1366")
    page.goto(f"{live_server.url}/")
    shot(page, "dashboard-1366")
