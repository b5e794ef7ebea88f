"""One pager for every paginated list (config/templates/_pager.html): its links keep the
list's filter, and a list of one page shows none."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def test_the_pager_keeps_the_filter_in_both_links():
    page = Paginator(range(60), 25).page(2)
    html = render_to_string("_pager.html", {"page": page, "query": "q=cho&unit=7"})
    assert 'href="?q=cho&amp;unit=7&page=1">‹ Trang trước</a>' in html
    assert 'href="?q=cho&amp;unit=7&page=3">Trang sau ›</a>' in html
    assert "Trang 2/3" in html


def test_an_unfiltered_list_links_to_its_pages_alone():
    html = render_to_string("_pager.html", {"page": Paginator(range(60), 25).page(1)})
    assert 'href="?page=2">Trang sau ›</a>' in html
    assert "Trang trước" not in html


def test_a_list_of_one_page_has_no_pager():
    html = render_to_string("_pager.html", {"page": Paginator(range(5), 25).page(1)})
    assert "pager" not in html
