"""Where each person lands after signing in (the ``home`` URL), and the "Quản lý" hub."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from units.access import roles_of_user
from workflow.lifecycle import Role

from ..access import secretariat_required


def landing_url(user) -> str:
    """The page of the work this person does first: the secretariat and leaders the
    dashboard; a unit officer their unit's to-do (the dashboard's first card); a
    committee member the review queue; an inspector "Lịch của tôi". Someone holding
    several roles lands by the first of that order."""
    roles = roles_of_user(user)
    if user.is_superuser or Role.SECRETARIAT in roles:
        return reverse("dashboards:dashboard")
    if Role.UNIT_OFFICER in roles:
        return reverse("dashboards:dashboard") + "#officer-todo"
    if Role.COMMITTEE in roles:
        return reverse("committees:home")
    if Role.INSPECTOR in roles:
        return reverse("inspections:mine")
    return reverse("dashboards:dashboard")


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    return redirect(landing_url(request.user))


@secretariat_required
def hub_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/hub.html")
