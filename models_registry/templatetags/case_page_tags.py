"""The case page's panels registered by other apps (``models_registry.panels``)."""

from django import template

from ..panels import case_panels as registered_panels

register = template.Library()


@register.simple_tag
def case_panels() -> list[str]:
    """The templates of the panels other apps show on a case page, in their order."""
    return registered_panels()
