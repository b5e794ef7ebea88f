"""Step 2b: plan against the database. Decide, without writing, what every row would
become (create, update a draft, unchanged, already registered), with every problem by row
and column: used for the preview and for ``--dry-run``."""

import datetime

from django.utils import timezone

from units.access import is_secretariat, units_for_officer
from units.models import Unit
from units.selectors import unit_match
from units.text import fold
from workflow.errors import WorkflowError
from workflow.lifecycle import State

from ...models import Campaign, Initiative
from . import layout as F
from .parse import registration_file_read
from .results import WHOLE_ROW, Action, ImportPlan, PlannedRow

UNIT_OUT_OF_SCOPE = (
    "Bạn chỉ được nhập đăng ký cho đơn vị mình và các đơn vị trực thuộc; "
    "“{unit}” không thuộc phạm vi đó."
)
NO_LEVEL = "Chưa đánh dấu cấp đăng ký đạt (bắt buộc khi gửi đăng ký)."
DATE_MISSING = "Chưa nhập {label} (bắt buộc khi gửi đăng ký)."
GOALS_MISSING = "Chưa nhập mục tiêu (bắt buộc khi gửi đăng ký)."
DUPLICATE_IN_FILE = "Trùng với dòng {other} trong tệp (cùng đơn vị và tên mô hình)."
SUBMIT_NOT_OFFICER = (
    "Chỉ cán bộ của đơn vị “{unit}” mới gửi đăng ký được; hãy nhập dưới dạng bản nháp "
    "để đơn vị tự gửi."
)
EXISTS = "Đã có hồ sơ này (trạng thái “{state}”), giữ nguyên."
NOT_ALLOWED = "Chỉ cán bộ đơn vị và Ban Dân vận mới nhập được biểu mẫu."

# --- step 2b: plan against the database ---


def _import_scope(actor) -> set[int] | None:
    """The unit ids ``actor`` may import for; None means every unit (the Ban Dân vận)."""
    if is_secretariat(actor):
        return None
    return set(units_for_officer(actor).values_list("pk", flat=True))


def import_allowed(actor) -> bool:
    scope = _import_scope(actor)
    return scope is None or bool(scope)


def _same_as(case: Initiative, row: PlannedRow) -> bool:
    data = row.data()
    level = data.pop("target_level")
    if case.target_level_id != (level.pk if level else None):
        return False
    return all(getattr(case, key) == value for key, value in data.items())


def registration_import_plan(
    *,
    actor,
    campaign: Campaign,
    source,
    name: str,
    submit: bool,
    today: datetime.date | None = None,
) -> ImportPlan:
    """What importing ``source`` for ``campaign`` as ``actor`` would do; writes nothing.

    Every row gets an action (create, update a draft, unchanged, already registered) or
    problems, each with its row (1 = first data row, and the sheet row) and column. A row
    that names an existing case of the same campaign and unit (name compared without
    diacritics or case) never becomes a second case. Rows outside the actor's units are
    problems. With ``submit`` the submission rules (required columns, the deadline,
    who may submit) are checked here too, so the preview shows what confirm would refuse.
    Raises ``ImportFileError`` when the file is not a readable form."""
    if not import_allowed(actor):
        raise WorkflowError(NOT_ALLOWED)
    today = today or timezone.localdate()
    read = registration_file_read(source, campaign=campaign, name=name)
    rows = read.rows
    scope = _import_scope(actor)
    officer_units = set(units_for_officer(actor).values_list("pk", flat=True))
    directory = list(Unit.objects.all())
    resolved: dict[str, Unit | WorkflowError] = {}

    for row in rows:
        if not row.unit_text:
            continue
        if row.unit_text not in resolved:
            try:
                resolved[row.unit_text] = unit_match(
                    row.unit_text, units=directory, suggest_within=scope
                )
            except WorkflowError as error:
                resolved[row.unit_text] = error
        found = resolved[row.unit_text]
        column_letter = read.letters[F.COL_UNIT]
        if isinstance(found, WorkflowError):
            row.problem(F.COL_UNIT, column_letter, found.messages[0])
            continue
        if scope is not None and found.pk not in scope:
            row.problem(F.COL_UNIT, column_letter, UNIT_OUT_OF_SCOPE.format(unit=found.name))
            continue
        row.unit = found

    # Each row's (unit, folded name), folded once; the names grouped by unit, so that
    # each chunk of units gathers its names without going through every row again.
    row_keys: list[tuple[int, str] | None] = [
        (row.unit.pk, fold(row.name)) if row.unit is not None and row.name else None for row in rows
    ]
    names_of: dict[int, set[str]] = {}
    for key in row_keys:
        if key is not None:
            names_of.setdefault(key[0], set()).add(key[1])
    existing: dict[tuple[int, str], Initiative] = {}
    unit_ids = sorted(names_of)
    for start in range(0, len(unit_ids), 500):
        chunk = unit_ids[start : start + 500]
        names = set().union(*(names_of[unit_id] for unit_id in chunk))
        for case in Initiative.objects.filter(
            campaign=campaign, unit_id__in=chunk, name_key__in=names
        ):
            existing[(case.unit_id, case.name_key)] = case
    del names_of

    seen: dict[tuple[int, str], int] = {}
    deadline_errors: dict[int, list[str]] = {}
    for row, key in zip(rows, row_keys, strict=True):
        if key is None:
            continue
        if key in seen:
            row.problem(
                F.COL_NAME, read.letters[F.COL_NAME], DUPLICATE_IN_FILE.format(other=seen[key])
            )
            continue
        seen[key] = row.row
        case = existing.get(key)
        if case is None:
            row.action = Action.CREATE
        elif case.state == State.DRAFT:
            row.existing_id = case.pk
            row.existing_state = case.state
            row.action = Action.UNCHANGED if _same_as(case, row) else Action.UPDATE
        else:
            row.existing_id = case.pk
            row.existing_state = case.state
            row.action = Action.EXISTS
        if submit and row.action != Action.EXISTS and not row.problems:
            _check_submission(
                row, actor, campaign, today, officer_units, deadline_errors, read.letters
            )

    problems = [p for row in rows for p in row.problems]
    if problems:
        for row in rows:
            row.action = "" if row.problems else row.action
    return ImportPlan(campaign, submit, read.sheet, rows, problems)


def _check_submission(
    row: PlannedRow,
    actor,
    campaign: Campaign,
    today: datetime.date,
    officer_units: set[int],
    deadline_errors: dict[int, list[str]],
    letters: dict[str, str],
) -> None:
    if not row.goals:
        row.problem(F.COL_GOALS, letters.get(F.COL_GOALS, ""), GOALS_MISSING)
    if row.start_date is None:
        row.problem(
            F.COL_START, letters[F.COL_START], DATE_MISSING.format(label="thời gian bắt đầu")
        )
    if row.end_date is None:
        row.problem(F.COL_END, letters[F.COL_END], DATE_MISSING.format(label="thời gian kết thúc"))
    if row.level is None:
        row.problem(F.COL_LEVELS, letters.get(F.COL_LEVELS, ""), NO_LEVEL)
    if row.problems:
        return
    if row.unit.pk not in officer_units:
        row.problem(WHOLE_ROW, "", SUBMIT_NOT_OFFICER.format(unit=row.unit.name))
        return
    # The case's own rule (the deadline, a late-submission extension): asked of an
    # unsaved case with the row's values, once per unit since only the unit matters.
    if row.unit.pk not in deadline_errors:
        probe = Initiative(campaign=campaign, unit=row.unit, **row.data())
        deadline_errors[row.unit.pk] = probe.transition_errors(
            "submit", actor=actor, today=today, payload={}
        )
    for message in deadline_errors[row.unit.pk]:
        row.problem(WHOLE_ROW, "", message)
