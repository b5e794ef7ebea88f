"""The plans' piece of the shared menu."""

from django import template

from units.access import is_secretariat

register = template.Library()


@register.simple_tag(takes_context=True)
def plans_nav(context) -> bool:
    """Whether the user gets the "Kế hoạch" link (the secretariat and the superuser)."""
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and is_secretariat(user))
