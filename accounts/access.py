"""Who may use the administration pages: the secretariat and the superuser."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from units.access import is_secretariat

REFUSED = "Trang này chỉ dành cho Ban Dân vận và quản trị hệ thống."


def secretariat_required(view):
    """Anyone else is sent to their own start page with a message saying why."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_secretariat(request.user):
            messages.error(request, REFUSED)
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapped
