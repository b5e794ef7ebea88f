"""The menu's administration links: each shown only to someone who can use it."""

from django import template

from units.access import is_secretariat, memberships_of

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_nav(context) -> dict:
    """``cases``: the dashboard and the case list, for anyone holding a role (an account
    without one sees nothing there); ``manage``: the secretariat's "Quản lý" pages;
    ``django_admin``: the Django admin, only for a staff account that holds some
    permission there (a staff flag alone opens an empty admin that says "you may not
    see anything")."""
    user = context["user"]
    if not user.is_authenticated:
        return {"cases": False, "manage": False, "django_admin": False}
    django_admin = (
        user.is_active and user.is_staff and (user.is_superuser or bool(user.get_all_permissions()))
    )
    return {
        "cases": user.is_superuser or bool(memberships_of(user)),
        "manage": is_secretariat(user),
        "django_admin": django_admin,
    }
