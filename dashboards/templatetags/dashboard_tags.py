"""The dashboard's number links, and the rows of its units table.

Tags, not ``{% include %}``s or template loops: a province's page shows about a thousand
numbers in 160 rows, and rendering them through templates cost several times the page's
SQL (bench/dashboard.py). The markup is the templates' own, written in Python."""

from html import escape as _escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def escape(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper (a thousand calls a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def figure_html(number) -> SafeString:
    """A number as a link to the case list that counts it (``data-figure``: its key)."""
    value = escape(number.value)
    return mark_safe(  # every value is escaped
        f'<a class="figure" href="{escape(number.url)}" data-figure="{escape(number.key)}" '
        f'aria-label="{escape(number.label)}: {value} hồ sơ">{value}</a>'
    )


@register.simple_tag
def figure(number) -> SafeString:
    return figure_html(number)


def _status(row, deadline_passed: bool) -> str:
    if row.own:
        return "—"
    if row.registered:
        return '<span class="badge state-recognized">Đã đăng ký</span>'
    if row.drafts.value:
        return '<span class="badge state-in_progress">Có bản nháp, chưa gửi</span>'
    late = " — quá hạn" if deadline_passed else ""
    return f'<span class="badge state-not_recognized">Chưa đăng ký{late}</span>'


@register.simple_tag
def unit_row(row, scope_query: str, deadline_passed: bool) -> SafeString:
    """A row of the units table (figures.UnitRow): the unit (a link that narrows the
    dashboard to it, ``scope_query`` being the dashboard's other parameters), a bar of
    its share, four numbers and whether it has registered."""
    unit = row.unit
    name = escape(unit.name)
    if row.own:
        cell = f'{name} <span class="muted small">(chính đơn vị)</span>'
    else:
        query = f"{escape(scope_query)}&" if scope_query else ""
        cell = f'<a href="?{query}unit={unit.pk}">{name}</a>'
    missing = "missing" if not row.own and not row.registered else ""
    return mark_safe(  # every value is escaped
        f'<tr class="{missing}" data-unit="{unit.pk}">\n'
        f"        <td>{cell}\n"
        f'          <span class="bar" aria-hidden="true"><span style="width: '
        f'{row.total.share:.1f}%"></span></span></td>\n'
        f"        <td>{figure_html(row.total)}</td>\n"
        f"        <td>{figure_html(row.submitted)}</td>\n"
        f'        <td class="col-drafts">{figure_html(row.drafts)}</td>\n'
        f"        <td>{figure_html(row.recognized)}</td>\n"
        f"        <td>{_status(row, deadline_passed)}</td>\n"
        f"      </tr>"
    )
