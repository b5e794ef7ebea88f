"""The dashboard's number links."""

from django import template

register = template.Library()


@register.inclusion_tag("dashboards/_figure.html")
def figure(number) -> dict:
    """A number as a link to the case list that counts it (``data-figure``: its key)."""
    return {"n": number}
