"""The rows of the case list.

A tag, not a template loop: fifty rows of a dozen variables each cost more through
Django's template engine (about 4.5 ms a page) than the page's SQL allows
(bench/dashboard.py). The markup is the template's own, written in Python."""

from html import escape as _escape

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from workflow.lifecycle import State

from ..models import Subject

register = template.Library()


def escape(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper (fifty rows a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


NONE = "—"
# ``get_FOO_display`` rebuilds its field's choices on every call (twice a row).
STATE_LABELS = dict(State.choices)
SUBJECT_LABELS = dict(Subject.choices)

# The case page's address, reversed once per script prefix with a stand-in for the pk
# (``reverse`` fifty times cost as much as the rest of the rows).
_PK = 987654321
_DETAIL_URLS: dict[str, str] = {}


def case_url(pk: int) -> str:
    """``Initiative.get_absolute_url`` of the case ``pk``."""
    prefix = get_script_prefix()
    url = _DETAIL_URLS.get(prefix)
    if url is None:
        url = _DETAIL_URLS[prefix] = reverse("models_registry:initiative_detail", args=[_PK])
    return url.replace(str(_PK), str(pk))


@register.simple_tag
def case_row(case) -> SafeString:
    """A row of the list: the case's name (a link to it) and year, its unit, fields,
    subject, the level it aims at, and its state with the level it was recognised at.
    ``case`` is read as ``initiative_rows`` leaves it: nothing here queries."""
    recognized = case.recognized_level
    level = f' <span class="small">{escape(recognized.name)}</span>' if recognized else ""
    target = case.target_level.name if case.target_level else ""
    state = case.state
    return mark_safe(  # every value is escaped
        "\n  <tr>\n"
        f'    <td data-label="Tên mô hình"><a href="{escape(case_url(case.pk))}">'
        f"{escape(case.name)}</a>"
        f'<div class="muted small">Năm {escape(case.campaign.year)}</div></td>\n'
        f'    <td data-label="Đơn vị">{escape(case.unit.name)}</td>\n'
        f'    <td data-label="Lĩnh vực">{escape(case.fields_display or NONE)}</td>\n'
        f'    <td data-label="Đối tượng">'
        f"{escape(SUBJECT_LABELS.get(case.subject, case.subject))}</td>\n"
        f'    <td data-label="Cấp đăng ký">{escape(target or NONE)}</td>\n'
        f'    <td data-label="Trạng thái"><span class="badge state-{escape(state)}">'
        f"{escape(STATE_LABELS.get(state, state))}</span>{level}</td>\n"
        "  </tr>\n  "
    )
