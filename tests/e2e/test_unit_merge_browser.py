"""The Ban Dân vận merges a ward into another from the unit directory (the 2025 reform),
and the merged ward's cases appear under the successor in the case list filtered by it;
the directory's pages fit a phone."""

import os

import pytest

from tests.committees.committee_helpers import make_committee
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_draft
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SHOTS_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_a_ward_merged_into_another_brings_its_cases_under_the_successor(page, live_server, world):
    make_draft(world, name="Camera an ninh khu phố Đông Ngàn")
    make_draft(world, unit=world.ward_a_sub, name="Tuyến phố văn minh Đông Ngàn")
    make_draft(world, actor=world.officer_b, unit=world.ward_b, name="Mô hình của Tam Sơn")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, world.secretariat.username, PASSWORD)

    page.click("#nav-manage")
    page.click("#hub-units")
    page.wait_for_selector("#unit-tree")
    shot(page, "tree-1366.png")
    page.click("#unit-tree >> text=Đảng ủy phường Đông Ngàn")
    page.wait_for_selector("#change-merge")
    page.click("#change-merge summary")
    page.select_option("#change-merge select[name=into]", str(world.ward_b.pk))
    page.fill("#change-merge input[name=on]", "2025-06-30")
    page.fill("#change-merge input[name=reason]", "Nghị quyết 1656/NQ-UBTVQH15")
    shot(page, "merge-form-1366.png")
    page.click("#change-merge button[type=submit]")
    page.wait_for_selector(".msg.success")
    assert "Đã sáp nhập “Đảng ủy phường Đông Ngàn” vào “Đảng ủy phường Tam Sơn”" in (
        page.inner_text(".messages")
    )
    assert "chuyển 1 hồ sơ" in page.inner_text(".messages")
    shot(page, "merged-1366.png")

    # The successor's page, then its cases.
    page.click("text=kế thừa bởi >> a")
    page.wait_for_selector("#unit-cases")
    assert "Đảng ủy phường Đông Ngàn" in page.inner_text(".facts")  # among its predecessors
    page.click("#unit-cases")
    page.wait_for_url("**/ho-so/?unit=*")
    table = page.inner_text("table.cases")
    for name in (
        "Camera an ninh khu phố Đông Ngàn",
        "Tuyến phố văn minh Đông Ngàn",
        "Mô hình của Tam Sơn",
    ):
        assert name in table
    assert page.locator("table.cases tbody tr").count() == 3
    shot(page, "cases-of-successor-1366.png")


BODIES = ("UBND", "UBMTTQ", "Công an", "Đoàn Thanh niên", "Hội LHPN", "Hội CCB", "Hội ND", "Chi bộ")


def test_the_directory_fits_a_phone(phone_page, live_server, world):
    page = phone_page
    committee = make_committee(world)
    # The demo's size: 13 more wards with their 8 sub-units (118+ units in all).
    for i in range(13):
        ward = Unit.objects.create(name=f"Đảng ủy phường số {i}", kind="ward", parent=world.city)
        for body in BODIES:
            Unit.objects.create(name=f"{body} phường số {i}", kind="ward_body", parent=ward)
    assert Unit.objects.count() >= 118
    login(page, live_server, world.secretariat.username, PASSWORD)
    for path, name in (
        ("/don-vi/", "tree-390.png"),
        (f"/don-vi/{world.ward_a.pk}/", "unit-390.png"),
        ("/don-vi/nap-tep/", "import-390.png"),
        ("/hoi-dong/quan-ly/", "committees-390.png"),
        ("/hoi-dong/quan-ly/them/", "committee-create-390.png"),
        (f"/hoi-dong/quan-ly/{committee.pk}/", "committee-390.png"),
    ):
        page.goto(f"{live_server.url}{path}")
        if "change-merge" in page.content():
            page.click("#change-merge summary")
        if name == "tree-390.png":
            page.click("#unit-tree >> text=Đảng ủy phường số 0")  # the link opens the unit
            page.go_back()
            page.locator("#unit-tree summary").nth(2).click(position={"x": 4, "y": 8})
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        shot(page, name)


def test_a_committee_is_composed_from_a_date_on_its_page(page, live_server, world):
    committee = make_committee(world)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.click("#nav-manage")
    page.click("#hub-committees")
    page.click(f"#committee-list >> text={committee.name}")
    page.wait_for_selector("#committee-change-form")
    page.uncheck(f"#committee-change-form input[value='{world.members[2].pk}']")
    page.fill("#committee-change-form input[name=effective_on]", "2099-01-01")
    page.fill("#committee-change-form input[name=reason]", "Quyết định 15-QĐ/BCĐ")
    page.click("#committee-change-form button[type=submit]")
    page.wait_for_selector("#pending-changes")
    assert "Đã lên lịch kiện toàn" in page.inner_text(".messages")
    assert "Từ 01/01/2099" in page.inner_text("#pending-changes")
    assert "Lên lịch kiện toàn hội đồng" in page.inner_text("#committee-history")
    shot(page, "committee-1366.png")


def test_the_bulk_load_previews_then_writes_from_the_page(page, live_server, world, tmp_path):
    csv = tmp_path / "don-vi.csv"
    csv.write_text(
        "Tên đơn vị,Đơn vị cấp trên,Loại\n"
        "Tổ dân phố Đông Ngàn 1,UBND P. Đông Ngàn,other\n"
        "Tổ dân phố Đông Ngàn 2,UBND P. Đông Ngàn,other\n",
        encoding="utf-8",
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, world.secretariat.username, PASSWORD)
    page.goto(f"{live_server.url}/don-vi/nap-tep/")
    page.set_input_files("#unit-import-form input[type=file]", str(csv))
    page.click("#unit-import-form button[type=submit]")
    page.wait_for_selector("#import-preview")
    assert "Sẽ tạo mới 2 đơn vị" in page.inner_text("#import-preview")
    shot(page, "import-preview-1366.png")
    page.click("#import-preview button[name=confirm]")
    page.wait_for_selector("#unit-tree")
    assert "tạo mới 2 đơn vị" in page.inner_text(".messages")
    assert "Tổ dân phố Đông Ngàn 2" in page.text_content("#unit-tree")  # in a closed group
