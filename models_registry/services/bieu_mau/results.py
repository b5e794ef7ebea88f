"""What the import reports: the error for a file that is not a form, one problem by
row and column, a planned row, the plan and the outcome."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from units.models import Unit
from workflow.errors import WorkflowError
from workflow.lifecycle import State

from ...models import FIELD_FLAGS, Campaign, Field, Initiative, RecognitionLevel, Subject

WHOLE_ROW = "Cả dòng"
FILE_COLUMN = ""


class ImportFileError(WorkflowError):
    """The file as a whole cannot be read as a registration form; nothing was changed."""


# --- results ---


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is: ``row`` 1 is the first data row of the form."""

    message: str
    row: int | None = None
    sheet_row: int | None = None
    column: str = FILE_COLUMN
    letter: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "sheet_row": self.sheet_row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Dòng {self.row} (dòng {self.sheet_row} trên trang tính)")
        if self.column and self.column != WHOLE_ROW:
            column = f"cột “{self.column}”" + (f" ({self.letter})" if self.letter else "")
            where.append(column)
        return (", ".join(where) + ": " if where else "") + self.message


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    EXISTS = "exists"


ACTION_LABELS = {
    (Action.CREATE, False): "Tạo bản nháp",
    (Action.CREATE, True): "Tạo và gửi đăng ký",
    (Action.UPDATE, False): "Cập nhật bản nháp",
    (Action.UPDATE, True): "Cập nhật và gửi đăng ký",
    (Action.UNCHANGED, False): "Không thay đổi (bản nháp)",
    (Action.UNCHANGED, True): "Gửi đăng ký bản nháp đã có",
    (Action.EXISTS, False): "Đã có, giữ nguyên",
    (Action.EXISTS, True): "Đã có, giữ nguyên",
}


@dataclass(slots=True)  # one per row of the form: 50,000 of them at most
class PlannedRow:
    row: int
    sheet_row: int
    unit_text: str = ""
    unit: Unit | None = None
    name: str = ""
    goals: str = ""
    fields: list[str] = field(default_factory=list)
    subject: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    level: RecognitionLevel | None = None
    action: str = ""
    existing_id: int | None = None
    existing_state: str = ""
    problems: list[Problem] = field(default_factory=list)

    def problem(self, column: str, letter: str, message: str) -> None:
        self.problems.append(
            Problem(message, row=self.row, sheet_row=self.sheet_row, column=column, letter=letter)
        )

    def data(self) -> dict[str, Any]:
        """The keyword arguments of ``initiative_create`` / ``initiative_update``."""
        values: dict[str, Any] = {
            "name": self.name,
            "goals": self.goals,
            "subject": self.subject or Subject.COLLECTIVE,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "target_level": self.level,
        }
        for flag, choice in FIELD_FLAGS.items():
            values[flag] = choice.value in self.fields
        return values

    def as_dict(self, *, submit: bool) -> dict[str, Any]:
        return {
            "row": self.row,
            "sheet_row": self.sheet_row,
            "unit": self.unit.name if self.unit else self.unit_text,
            "name": self.name,
            "goals": self.goals,
            "fields": "; ".join(Field(f).label for f in self.fields),
            "subject": Subject(self.subject).label if self.subject else "",
            "start": self.start_date.strftime("%d/%m/%Y") if self.start_date else "",
            "end": self.end_date.strftime("%d/%m/%Y") if self.end_date else "",
            "level": self.level.name if self.level else "",
            "action": self.action,
            "action_label": ACTION_LABELS.get((self.action, submit), "") if self.action else "",
            "existing_id": self.existing_id,
            "existing_state": State(self.existing_state).label if self.existing_state else "",
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class ImportPlan:
    """What importing the file would do, row by row, and every problem found."""

    campaign: Campaign
    submit: bool
    sheet: str
    rows: list[PlannedRow]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "create": self.count(Action.CREATE),
            "update": self.count(Action.UPDATE),
            "unchanged": self.count(Action.UNCHANGED),
            "exists": self.count(Action.EXISTS),
            "problems": len(self.problems),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.year,
            "submit": self.submit,
            "sheet": self.sheet,
            "counts": self.counts(),
            "rows": [row.as_dict(submit=self.submit) for row in self.rows],
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class ImportOutcome:
    """What an applied import did (or, with problems, what it would not do)."""

    plan: ImportPlan
    problems: list[Problem]
    created: list[Initiative] = field(default_factory=list)
    updated: list[Initiative] = field(default_factory=list)
    submitted: list[Initiative] = field(default_factory=list)
    unchanged: list[Initiative] = field(default_factory=list)
    existing: list[PlannedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        def cases(items):
            return [{"id": c.pk, "name": c.name, "unit": c.unit.name} for c in items]

        return {
            "ok": self.ok,
            "created": cases(self.created),
            "updated": cases(self.updated),
            "submitted": cases(self.submitted),
            "unchanged": cases(self.unchanged),
            "existing": [
                {"id": r.existing_id, "name": r.name, "unit": r.unit.name if r.unit else ""}
                for r in self.existing
            ],
            "problems": [p.as_dict() for p in self.problems],
        }
