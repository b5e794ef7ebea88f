from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request) -> dict:
    """``unread_notifications``: the header's unread count, one query, only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
