"""Every environment variable the application reads is read through config.env and named,
with its default and meaning, in docs/configuration.md: a new variable without its line
in the docs fails here, and so does a line for a variable nothing reads any more."""

import ast
import re
from pathlib import Path

import pytest

from config import env as env_module
from config.env import Environment

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "configuration.md"
# Not application code: the tests and benchmarks read the environment as they please.
NOT_APPLICATION = {"tests", "bench", "var", "node_modules", "staticfiles"}
HELPERS = {"str", "url", "bool", "int", "float", "list", "path", "is_set"}


def application_sources() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not any(
            part.startswith(".") or part in NOT_APPLICATION
            for part in path.relative_to(ROOT).parts[:-1]
        )
    )


def variables_read_through_env() -> dict[str, set[str]]:
    """Each name given to an ``env.<helper>("NAME", ...)`` call, with the files reading it."""
    found: dict[str, set[str]] = {}
    for path in application_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "env"
                and node.func.attr in HELPERS
            ):
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.relative_to(ROOT)}:{node.lineno}: name the variable literally"
                )
                found.setdefault(first.value, set()).add(str(path.relative_to(ROOT)))
    return found


def variables_documented() -> set[str]:
    """The names in the first column of the tables of docs/configuration.md."""
    names = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2:
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[1]))
    return names


def test_every_variable_the_application_reads_is_documented_and_no_other():
    read = set(variables_read_through_env())
    documented = variables_documented()
    assert read - documented == set(), "read but not in docs/configuration.md"
    assert documented - read == set(), "in docs/configuration.md but read by nothing"
    assert len(read) >= 45


def test_settings_read_no_variable_the_scan_does_not_see():
    # What this process asked for while loading the settings (those read only in
    # production, on PostgreSQL or with Redis may be missing; none may be extra).
    assert set(env_module.env.names_read) <= set(variables_read_through_env())
    assert {"DJANGO_PRODUCTION", "DATABASE_URL", "SITE_URL"} <= set(env_module.env.names_read)


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines that touch os.environ or os.getenv, but for the one write every Django entry
    point makes (manage.py, wsgi, the Celery app): setdefault of DJANGO_SETTINGS_MODULE."""
    entry_point = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "DJANGO_SETTINGS_MODULE"
        ):
            entry_point.add(id(node.func.value))
    return [
        node.lineno
        for node in ast.walk(tree)
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"environ", "environb", "getenv"}
            and id(node) not in entry_point
        )
        or (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and {alias.name for alias in node.names} & {"environ", "environb", "getenv"}
        )
    ]


def test_application_code_reads_the_environment_only_through_config_env():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in application_sources()
        if path != ROOT / "config" / "env.py"
        for line in environment_reads(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_check_sees_a_read_that_bypasses_config_env():
    tree = ast.parse(
        "import os\nfrom os import getenv\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "A = os.environ.get('A')\nB = os.getenv('B')\n"
    )
    assert sorted(environment_reads(tree)) == [2, 4, 5]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, True), ("1", True), (" Yes ", True), ("ON", True), ("0", False), ("", False)],
)
def test_a_boolean_is_one_of_four_words_or_false(raw, expected):
    environ = {} if raw is None else {"X": raw}
    assert Environment(environ).bool("X", True) is expected


def test_unset_gives_the_default_and_set_is_parsed():
    env = Environment({"N": "7", "F": "2.5", "L": " a, ,b ,", "E": "", "P": "/srv/x"})
    assert env.int("N", 1) == 7 and env.int("MISSING", 5) == 5
    assert env.float("F", 1) == 2.5 and env.float("MISSING", 2) == 2.0
    assert env.list("L", []) == ["a", "b"] and env.list("MISSING", ["x"]) == ["x"]
    assert env.str("E", "default") == "" and env.str("MISSING", "default") == "default"
    assert env.path("P", Path("/tmp")) == Path("/srv/x")
    assert env.is_set("E") and not env.is_set("MISSING")
    with pytest.raises(KeyError):
        env.str("MISSING")
    with pytest.raises(ValueError):
        Environment({"N": "many"}).int("N", 1)
    assert env.names_read[:3] == ["N", "MISSING", "F"]
