"""One meaning of "submitted" (``models_registry.conditions.SUBMITTED``): the case list's
filter, the dashboard, the Word sơ kết and the xlsx tổng kết give the same number, and
none counts a case that was never sent — a draft, a returned draft back with its unit,
nor a draft withdrawn before issue 14 made withdrawal a move of registered cases only."""

import io
import re

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from models_registry.conditions import Stage
from models_registry.models import Initiative
from tests.factories import make_draft
from workflow.lifecycle import State
from workflow.models import TransitionLog

from .dashboard_data import build_cases


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def withdrawn_without_submitting(world) -> Initiative:
    """What the old lifecycle allowed: a draft withdrawn straight away (state and log
    written as ``transition_apply`` wrote them then; the engine refuses it now)."""
    case = make_draft(world, name="Bản nháp rút ngay, chưa từng gửi")
    Initiative.objects.filter(pk=case.pk).update(state=State.WITHDRAWN)
    TransitionLog.objects.create(
        case=case,
        transition="withdraw",
        source=State.DRAFT,
        target=State.WITHDRAWN,
        actor=world.officer_a,
        actor_role="unit_officer",
        reason="Tạo nhầm",
    )
    return case


def four_counts(client, user, campaign) -> dict[str, int]:
    client.force_login(user)
    scope = {"campaign": campaign.pk}
    listed = client.get(
        reverse("models_registry:initiative_list"), {**scope, "stage": Stage.SUBMITTED}
    )
    dashboard = client.get(reverse("dashboards:dashboard"), scope)
    word = client.get(reverse("dashboards:dashboard_report_docx"), {**scope, "kind": "so-ket"})
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("dashboards:dashboard_report_xlsx"), {**scope, "kind": "tong-ket"}
            ).content
        )
    )
    summary = [row for row in book["Tổng hợp"].iter_rows(values_only=True) if row]
    return {
        "list": listed.context["page"].paginator.count,
        "dashboard": dashboard.context["overview"].submitted.value,
        "so_ket_docx": int(re.search(r"trong đó (\d+) đã gửi đăng ký", text).group(1)),
        "tong_ket_xlsx": next(row[1] for row in summary if row[0] == "Đã gửi đăng ký"),
    }


@pytest.mark.parametrize("who", ["secretariat", "officer_a"])
def test_the_list_dashboard_and_both_reports_agree_and_leave_out_what_was_never_sent(
    client, world, monkeypatch, who
):
    built = build_cases(world, monkeypatch)
    old = withdrawn_without_submitting(world)
    ever_sent = set(
        Initiative.objects.filter(campaign=world.campaign, registered_at__isnull=False)
        .exclude(state=State.DRAFT)
        .values_list("pk", flat=True)
    )
    # Every state is there, the old withdrawn draft and a returned one included.
    states = set(Initiative.objects.filter(campaign=world.campaign).values_list("state", flat=True))
    assert states == set(State.values)
    assert old.pk not in ever_sent and built.cases["returned"].pk not in ever_sent

    counts = four_counts(client, getattr(world, who), world.campaign)

    assert set(counts.values()) == {len(ever_sent)}, counts
    client.force_login(getattr(world, who))
    listed = client.get(
        reverse("models_registry:initiative_list"),
        {"campaign": world.campaign.pk, "stage": Stage.SUBMITTED},
    )
    names = {case.name for case in listed.context["page"].object_list}
    assert old.name not in names and "Bản nháp chưa gửi" not in names


def test_the_units_table_does_not_count_a_unit_registered_by_a_never_sent_case(client, world):
    """Ward B's only case was withdrawn from its draft: ward B has not registered."""
    make_draft(world, unit=world.ward_b, actor=world.officer_b, name="Của phường B")
    Initiative.objects.filter(unit=world.ward_b).update(state=State.WITHDRAWN)
    client.force_login(world.secretariat)
    overview = client.get(reverse("dashboards:dashboard"), {"campaign": world.campaign.pk}).context[
        "overview"
    ]
    row = next(row for row in overview.units.rows if row.unit == world.ward_b)
    assert (row.total.value, row.submitted.value, row.registered) == (1, 0, False)
