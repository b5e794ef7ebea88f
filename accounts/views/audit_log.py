"""The administration log, for the secretariat and the superuser: read-only."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..access import secretariat_required
from ..forms import AuditFilterForm

PER_PAGE = 50

# How the log's field names read on the page (the other apps' fields show as stored
# until they are named here).
FIELD_LABELS = {
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "email": "Email",
    "is_active": "Đang sử dụng",
    "roles": "Vai trò",
    "name": "Tên",
    "reason": "Lý do",
    "until": "Đến ngày",
    "unit": "Đơn vị",
}


def _shown(value):
    """A logged value as the page says it (None stays None: that side had no value)."""
    if value is None:
        return None
    if value is True:
        return "có"
    if value is False:
        return "không"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value) or "(không có)"
    return str(value) if value != "" else "(trống)"


@secretariat_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    target_type = request.GET.get("target_type", "")
    target_id = request.GET.get("target_id", "")
    entries = selectors.audit_list(**filters, target_type=target_type, target_id=target_id)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    order = {name: position for position, name in enumerate(FIELD_LABELS)}
    for entry in page.object_list:
        # jsonb keeps its keys in its own order: the known fields are shown in ours.
        changes = sorted(entry.changes, key=lambda change: order.get(change[0], len(order)))
        entry.rows = [
            (FIELD_LABELS.get(name, name), _shown(before), _shown(after))
            for name, before, after in changes
        ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
