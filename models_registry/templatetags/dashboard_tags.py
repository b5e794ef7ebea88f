"""The dashboard's number links. A tag, not an ``{% include %}``: a province's page
shows about a thousand numbers, and an include per number costs more than the queries."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def figure(number) -> str:
    """A number as a link to the case list that counts it (``data-figure``: its key)."""
    return format_html(
        '<a class="figure" href="{}" data-figure="{}" aria-label="{}: {} hồ sơ">{}</a>',
        number.url,
        number.key,
        number.label,
        number.value,
        number.value,
    )
