"""The access matrix: every URL pattern × every demo role (and anonymous) × an object
inside and one outside the role's scope × GET and POST, checked against the explicit
table in ``tests/access/matrix.py``.

A URL pattern with no row in that table fails ``test_every_url_pattern_has_a_row``:
add a row (see the module's docstring). What each cell means:

- ``ok``: the page answered (2xx, or a redirect without an error message);
- ``login``: sent to the sign-in page; ``refused``: sent elsewhere with an error
  message; ``403``, ``404``, ``405``, ``400``: that status.

POSTs carry no data (with a valid CSRF token): a refused POST must be refused before
its form is read; an allowed one answers its form's errors, or does what a button with no
form does (open a plan, stop an account...): every POST runs in a savepoint rolled back
after it, so that no cell changes the demo the next cells see. Objects are sampled from
the demo (``tests/access/objects.py``); "out" is an object of the same kind the role
may not reach, or an id that does not exist when the role reaches them all.

To see what the site answers today (e.g. to write a new row), run with
``DVK_ACCESS_MATRIX_PRINT=1`` and read the printed rows (``-s``); to walk only some rows
while writing them, ``DVK_ACCESS_MATRIX_ONLY=plans:,units:tree`` (name prefixes)."""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.demo_data import demo_load

from .matrix import EXCLUDED_PREFIXES, MATRIX, ROLES, Row
from .objects import complete_demo

LOGIN = reverse("login")


def _patterns(resolver=None, namespace="") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _patterns(entry, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
        else:
            found.append((f"{namespace}<unnamed {entry.pattern}>", entry))
    return found


def _url_names() -> list[str]:
    return sorted({name for name, _ in _patterns() if not name.startswith(EXCLUDED_PREFIXES)})


def _walked_names() -> list[str]:
    only = tuple(filter(None, os.environ.get("DVK_ACCESS_MATRIX_ONLY", "").split(",")))
    return [name for name in _url_names() if not only or name.startswith(only)]


def _request(client: Client, method: str, url: str):
    if method == "get":
        return client.get(url)
    with transaction.atomic():
        response = client.post(url)
        transaction.set_rollback(True)
    return response


def test_every_url_pattern_has_a_row():
    missing = [name for name in _url_names() if name not in MATRIX]
    assert not missing, (
        "URL patterns without a row in tests/access/matrix.py (add one: who may GET and "
        f"POST it, inside and outside their scope): {missing}"
    )
    stale = [name for name in MATRIX if name not in _url_names()]
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"


def _outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith(LOGIN):
            return "login"
        queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
        if any(m.level >= constants.WARNING for m in queued):
            return "refused"
        return "ok"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def _url(name: str, row: Row, ids) -> str:
    if not row.kwargs:
        return reverse(name)
    values = ids if isinstance(ids, tuple) else (ids,)
    return reverse(name, kwargs=dict(zip(row.kwargs, values, strict=True)))


def _session_cookie(client: Client) -> str | None:
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel is not None else None


@pytest.fixture
def demo(db):
    demo_load()
    complete_demo()


@pytest.mark.long
def test_the_access_matrix(demo):
    users = {
        role: get_user_model().objects.get(username=username) if username else None
        for role, username in ROLES.items()
    }
    printing = bool(os.environ.get("DVK_ACCESS_MATRIX_PRINT"))
    problems, checked, printed = [], 0, []
    # What each objects function picks for a role, sampled once: no cell changes the
    # demo (POSTs are rolled back).
    sampled = {}
    for role, user in users.items():
        client, signed_in_as = Client(), None
        for name in _walked_names():
            row = MATRIX[name]
            if (row.objects, role) not in sampled:
                sampled[row.objects, role] = row.objects(user or users["secretariat"])
            inside, outside = sampled[row.objects, role]
            scopes = {"in": inside, "out": outside} if row.kwargs else {"in": ()}
            seen = {}
            for scope, ids in scopes.items():
                if ids is None:
                    continue
                url = _url(name, row, ids)
                for method in ("get", "post"):
                    # Signed in again when a cell ended the session (it changes the
                    # cookie): compared without reading the session back each time.
                    cookie = _session_cookie(client)
                    if user is not None and (not cookie or cookie != signed_in_as):
                        client.force_login(user)
                        signed_in_as = _session_cookie(client)
                    response = _request(client, method, url)
                    got = _outcome(response)
                    checked += 1
                    seen[(method, scope)] = got
                    if printing:
                        continue
                    want = row.expected(method, role, scope)
                    if got not in want:
                        problems.append(
                            f"{role} {method.upper()} {name} [{scope}] {url}: {got}, table says {want}"
                        )
            printed.append((name, role, seen))
    if printing:
        _print(printed)
    print(f"access matrix: {checked} requests")
    assert not problems, "\n".join(problems)


def _print(printed) -> None:
    by_name: dict = {}
    for name, role, seen in printed:
        by_name.setdefault(name, {})[role] = seen
    for name, roles in sorted(by_name.items()):
        print(f"    {name!r}: {{")
        for role, seen in roles.items():
            get = (seen.get(("get", "in")), seen.get(("get", "out")))
            post = (seen.get(("post", "in")), seen.get(("post", "out")))
            print(f"        {role!r}: ({get!r}, {post!r}),")
        print("    },")
