import re

from django.conf import settings

from workflow.lifecycle import TRANSITIONS, mermaid_diagram


def test_the_readme_shows_the_lifecycle_as_the_code_defines_it():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- lifecycle:start -->\n```mermaid\n(.*?)\n```", readme, re.S)
    assert block, "README.md lost its lifecycle block"
    assert block.group(1) == mermaid_diagram(), "run `manage.py lifecycle_diagram` into README"


def test_the_diagram_has_every_transition_from_every_source():
    diagram = mermaid_diagram()
    for spec in TRANSITIONS.values():
        for source in spec.sources:
            assert f"{source} --> {spec.target}: {spec.name}" in diagram
