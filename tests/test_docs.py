"""The README and the documents link only to files of the repository, and those exist: a
plain clone renders every link, and a moved or renamed document fails here."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "bench" / "README.md", *ROOT.glob("docs/*.md")])
# [text](target) and [text](target "title"); images too. Code spans are left out first.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:, …


def anchors(document: Path) -> set[str]:
    """The headings' anchors as GitHub makes them: lower case, punctuation dropped,
    spaces turned into hyphens."""
    text = re.sub(r"```.*?```", "", document.read_text(encoding="utf-8"), flags=re.S)
    headings = re.findall(r"^#+\s+(.+?)\s*$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def links(document: Path) -> list[str]:
    return LINK.findall(CODE.sub("", document.read_text(encoding="utf-8")))


def test_the_documents_are_there():
    names = {path.relative_to(ROOT).as_posix() for path in DOCUMENTS}
    assert {
        "README.md",
        "bench/README.md",
        "docs/architecture.md",
        "docs/operations.md",
        "docs/configuration.md",
        "docs/bieu-mau.md",
        "docs/committees.md",
        "docs/dashboards.md",
        "docs/documents.md",
    } <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves_to_a_file_of_the_repository_and_its_heading(document):
    broken = []
    for target in links(document):
        if EXTERNAL.match(target):
            continue
        path, _, anchor = target.partition("#")
        if not path:
            resolved = document
        elif path.startswith("/"):
            resolved = (ROOT / path.lstrip("/")).resolve()
        else:
            resolved = (document.parent / path).resolve()
        missing = not resolved.is_relative_to(ROOT) or not resolved.exists()
        if missing or (anchor and resolved.suffix == ".md" and anchor not in anchors(resolved)):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_points_outside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    assert "../shared" not in text
    assert "/work/" not in text


def test_the_link_reader_finds_links_and_skips_code():
    sample = ROOT / "README.md"
    found = LINK.findall(CODE.sub("", '[a](docs/x.md) `[b](nowhere.md)` ![c](img.png "t")'))
    assert found == ["docs/x.md", "img.png"]
    assert "docs/architecture.md" in links(sample)
    assert "export-xuất-excel" in anchors(ROOT / "docs" / "bieu-mau.md")
    assert "import_exportpy" in anchors(ROOT / "bench" / "README.md")
