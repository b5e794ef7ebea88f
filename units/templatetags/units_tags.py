"""The directory's piece of other pages: the menu's links to the secretariat's
directory pages (units, committees' composition)."""

from django import template

from ..access import is_secretariat

register = template.Library()


@register.simple_tag(takes_context=True)
def directory_nav(context) -> bool:
    """Whether the user gets the directory's links (units, committees): the secretariat and
    the superuser (read from the memberships the page loads anyway: no query)."""
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and is_secretariat(user))
