from django import template

from notifications.services import duration_words

register = template.Library()


@register.filter
def duration(value) -> str:
    """A timedelta in Vietnamese words ("12 phút", "7 giờ 5 phút")."""
    return duration_words(value.total_seconds()) if value is not None else ""
