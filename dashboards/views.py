"""The dashboard ("Tổng quan") and the sơ kết / tổng kết report downloads.

Thin: read the scope from the query string, ask the dashboard selectors for the figures
of the roles the user holds, render. Every figure links to the case list."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from reports.selectors import answers_to_give, requests_open_overview
from units.access import READER_ROLES, is_secretariat, memberships_of, officer_units, roles_of_user
from units.models import Unit
from workflow.lifecycle import Role

from .charts import year_chart
from .figures import base_cases, overview
from .reports import (
    REPORT_KINDS,
    SO_KET,
    TONG_KET,
    report_as_of,
    report_build,
    report_docx,
    report_xlsx,
)
from .roles import committee_desk, inspector_agenda, officer_todo, todo_counted
from .scope import scope_from_request, sees_everything

NO_ROLE = "Tài khoản chưa được phân quyền xem số liệu. Vui lòng liên hệ Ban Dân vận."
AS_OF_INVALID = "Ngày tính số liệu phải có dạng dd/mm/yyyy, ví dụ 30/06/2023."
DUE_MISSING = {
    SO_KET: "Kế hoạch năm {year} chưa có hạn báo cáo sơ kết",
    TONG_KET: "Kế hoạch năm {year} chưa có hạn báo cáo tổng kết",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _ancestors(unit: Unit | None, *, known: list[Unit]) -> list[Unit]:
    """The unit and the units above it, the root first. Those of ``known`` (already read
    for this request) are not read again: the secretariat's own unit is the root."""
    if unit is None:
        return []
    ids = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    found = {u.pk: u for u in [*known, unit] if u.pk in ids}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        found.update((u.pk, u) for u in Unit.objects.filter(pk__in=missing))
    return [found[pk] for pk in ids if pk in found]


@dataclass
class ReportChoice:
    """One report button: the day it counts to, or why the user must choose it."""

    kind: str
    label: str
    as_of: datetime.date  # the day the figures are counted to (today at the latest)
    due: datetime.date | None  # the campaign's date for this report
    missing: str  # why the day must be chosen (the plan has no date), else ""
    query: str  # the download's parameters, the day included

    @property
    def future(self) -> bool:
        return self.due is not None and self.due > self.as_of


def report_choices(scope, *, today: datetime.date) -> list[ReportChoice]:
    """Each report of the scope as of the campaign's date for it (the mid-year report's
    due date for the sơ kết, the year-end report's for the tổng kết; today while that day
    is still to come); over a range of years, as of today."""
    choices = []
    for kind, label in REPORT_KINDS:
        due = report_as_of(scope.campaign, kind)
        missing = ""
        if scope.campaign is not None and due is None:
            missing = DUE_MISSING[kind].format(year=scope.campaign.year)
        as_of = min(due, today) if due else today
        query = urlencode({**scope.params, "kind": kind, "as_of": f"{as_of:%d/%m/%Y}"})
        choices.append(ReportChoice(kind, label, as_of, due, missing, query))
    return choices


def _as_of(request: HttpRequest, scope_campaign, kind: str) -> datetime.date | None:
    """The day the download counts to: the one chosen (``as_of``, dd/mm/yyyy), else the
    campaign's date for the report. Raises ValueError on a malformed day."""
    text = request.GET.get("as_of", "").strip()
    if text:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    return report_as_of(scope_campaign, kind)


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = roles_of_user(user)
    scope = scope_from_request(actor=user, params=request.GET)
    # Those who see everything, and whoever reads a unit's subtree (its officers, its
    # leaders): the overview of what they may see.
    full = sees_everything(user) or bool(officer_units(user, roles=READER_ROLES))
    context = {"scope": scope, "roles": roles, "no_role": NO_ROLE}
    if full:
        context["overview"] = overview(scope, actor=user)
        context["year_chart"] = year_chart(context["overview"].years)
        context["crumbs"] = _ancestors(scope.unit, known=[m.unit for m in memberships_of(user)])
        context["report_choices"] = report_choices(scope, today=timezone.localdate())
    if Role.UNIT_OFFICER in roles and not sees_everything(user):
        counted = todo_counted(context["overview"]) if full else None
        context["todo"] = officer_todo(scope, base_cases(scope, actor=user), counted=counted)
    # The report requests (app ``reports``): open ones and their late units to the
    # secretariat, the answers still owed to a unit officer.
    if is_secretariat(user):
        context["report_requests"] = requests_open_overview(actor=user)
    elif Role.UNIT_OFFICER in roles:
        context["reports_to_give"] = answers_to_give(actor=user)
    if Role.INSPECTOR in roles:
        context["agenda"] = inspector_agenda(actor=user, today=scope.today)
    if Role.COMMITTEE in roles:
        context["desk"] = committee_desk(actor=user, today=scope.today)
    query = request.GET.copy()
    query.pop("unit", None)
    context["scope_query"] = query.urlencode()
    context["scope_params"] = urlencode(scope.params)
    return render(request, "dashboards/dashboard.html", context)


@login_required
def dashboard_report_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The scope's figures as an xlsx workbook or a Word draft, for the people who see
    the overview (the data is scoped to what they may see all the same)."""
    user = request.user
    if not (sees_everything(user) or officer_units(user, roles=READER_ROLES)):
        return render(request, "dashboards/dashboard.html", {"no_role": NO_ROLE}, status=403)
    kind = request.GET.get("kind", "")
    campaign_scope = scope_from_request(actor=user, params=request.GET)
    try:
        as_of = _as_of(request, campaign_scope.campaign, kind)
    except ValueError:
        messages.error(request, AS_OF_INVALID)
        back = urlencode(campaign_scope.params)
        return redirect(reverse("dashboards:dashboard") + (f"?{back}" if back else ""))
    scope = campaign_scope
    if as_of is not None and as_of < timezone.localdate():
        scope = scope_from_request(actor=user, params=request.GET, as_of=as_of)
    report = report_build(scope, actor=user, kind=kind)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "docx":
        body, content_type, ext = report_docx(report), DOCX, "docx"
    else:
        body, content_type, ext = report_xlsx(report), XLSX, "xlsx"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.file_stem}-{stamp}.{ext}"'
    return response
