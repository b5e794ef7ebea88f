"""View decorators built on the access rules."""

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from .access import is_secretariat


def secretariat_only(view: Callable) -> Callable:
    """The secretariat's administration pages (plans, the unit directory, committees'
    composition): signed-in secretariat or superuser only; to anyone else signed in the
    page does not exist (404), and the anonymous are sent to sign in."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_secretariat(request.user):
            raise Http404("Không tìm thấy trang.")
        return view(request, *args, **kwargs)

    return wrapped
