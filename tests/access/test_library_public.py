"""The access matrix's library rows for the anonymous once the secretariat made the
library public: they read the list, the published models and their photos, and nothing
else — a case not in the library is missing, every action still asks them to sign in."""

from django.contrib.auth import get_user_model
from django.test import Client

from library.services import library_public_set

from .matrix import LIBRARY_PUBLIC, MATRIX, Row
from .test_access_matrix import _outcome, _request, _url, demo  # noqa: F401  (the fixture)


def _expected(cell, scope: str) -> set[str]:
    if isinstance(cell, tuple):
        cell = cell[0] if scope == "in" else cell[1]
    return set(cell.split("|"))


def test_every_library_url_has_a_public_row():
    assert sorted(LIBRARY_PUBLIC) == sorted(n for n in MATRIX if n.startswith("library:"))


def test_the_anonymous_read_the_public_library_and_nothing_more(demo):  # noqa: F811
    secretariat = get_user_model().objects.get(username="bandanvan")
    library_public_set(actor=secretariat, public=True)
    client, problems = Client(), []
    for name, (get, post) in LIBRARY_PUBLIC.items():
        row: Row = MATRIX[name]
        inside, outside = row.objects(secretariat)
        scopes = {"in": inside, "out": outside} if row.kwargs else {"in": ()}
        for scope, ids in scopes.items():
            if ids is None:
                continue
            url = _url(name, row, ids)
            for method, cell in (("get", get), ("post", post)):
                want = _expected(cell, scope)
                if "-" in want:
                    continue
                got = _outcome(_request(client, method, url))
                if got not in want:
                    problems.append(
                        f"anonymous {method.upper()} {name} [{scope}] {url}: {got}, want {want}"
                    )
    assert not problems, "\n".join(problems)
