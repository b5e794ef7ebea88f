"""The case page's panels that other apps contribute (the inspections, the committee's
rounds and decisions): each app registers the template of its panel in its
``AppConfig.ready()``, so the registry's case page names no app above it.

A panel's template is included with the page's context (``initiative``, ``request``,
``csrf_token``); panels appear by their ``order``, in the case's order of life
(inspections before the committee).
"""

_case_panels: dict[str, int] = {}


def case_panel_register(template_name: str, *, order: int) -> None:
    """Show ``template_name`` on every case page, below the progress reports."""
    _case_panels[template_name] = order


def case_panels() -> list[str]:
    return sorted(_case_panels, key=lambda name: (_case_panels[name], name))
