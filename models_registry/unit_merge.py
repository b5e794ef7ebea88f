"""The registry's part in a merge of units (``units.signals.unit_merged``): the merged
unit's cases, with their history, and its deadline extensions follow the successor.

Only the case's unit changes — never its state (no transition): the transition log, the
progress reports and the inspections hang on the case and so follow it. The merge writes
one row of the administration log listing the cases moved."""

from django.db.models import Exists, OuterRef

from workflow.errors import WorkflowError

from .models import DeadlineExtension, Initiative

NAME_CLASH = (
    "Không thể sáp nhập: “{successor}” đã có mô hình “{name}” trong kế hoạch năm {year}, "
    "trùng tên với một mô hình của “{unit}”. Hãy đổi tên một trong hai trước."
)


def cases_follow_successor(sender, *, unit, successor, actor, **kwargs) -> dict[str, int]:
    """Move the cases and extensions of ``unit`` to ``successor``; refuse (nothing moves)
    when a case's name is taken in the successor for the same campaign."""
    same_name = Initiative.objects.filter(
        unit=successor, campaign_id=OuterRef("campaign_id"), name_key=OuterRef("name_key")
    )
    clashes = list(
        Initiative.objects.filter(unit=unit)
        .filter(Exists(same_name))
        .select_related("campaign")
        .order_by("campaign__year", "name")[:5]
    )
    if clashes:
        raise WorkflowError(
            *(
                NAME_CLASH.format(
                    successor=successor.name, name=c.name, year=c.campaign.year, unit=unit.name
                )
                for c in clashes
            )
        )
    ids = list(Initiative.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True))
    # One statement: the tally's trigger moves the counts along (dashboards/tally.py).
    cases = Initiative.objects.filter(pk__in=ids).update(unit=successor)
    extensions = DeadlineExtension.objects.filter(unit=unit).update(unit=successor)
    return {"cases": cases, "extensions": extensions, "case_ids": ids}
