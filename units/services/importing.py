"""Loading a real directory of units from a CSV file.

Columns (header row, any order, English or Vietnamese names, accents and case ignored):
``name`` (tên đơn vị), ``parent`` (đơn vị cấp trên; empty for a root), ``kind`` (loại
đơn vị: a code such as ``ward`` or its Vietnamese label), ``email``, ``aliases`` (tên gọi
khác, separated by ``;`` or ``|``). A unit is identified by its name under its parent,
written however (diacritics, case, the usual abbreviations, a known alias); so loading
the same file twice changes nothing the second time.
"""

import csv
import difflib
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction

from audit.services import record, snapshot
from workflow.errors import WorkflowError

from ..access import is_secretariat
from ..models import Unit, UnitKind
from ..text import fold, fold_name

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được nạp danh mục đơn vị."
NOT_UTF8 = "Tệp không phải văn bản UTF-8. Trong Excel, hãy lưu bằng “CSV UTF-8 (Comma delimited)”."
EMPTY_FILE = "Tệp rỗng: không có dòng tiêu đề."
NO_ROWS = "Tệp chỉ có dòng tiêu đề, không có đơn vị nào."
AT_LINE = "Dòng {line}: {message}"
AT_CELL = "Dòng {line}, cột “{column}”: {message}"
UNKNOWN_COLUMN = "không nhận ra cột “{header}”. Các cột hợp lệ: name, parent, kind, email, aliases."
DUPLICATE_COLUMN = "cột “{header}” xuất hiện hai lần."
NAME_COLUMN_MISSING = "thiếu cột “name” (tên đơn vị)."
BAD_CSV = "tệp CSV không đọc được ({detail})."
NAME_MISSING = "chưa có tên đơn vị."
TOO_LONG = "dài quá {limit} ký tự."
TOO_MANY_CELLS = "dòng có nhiều ô hơn số cột tiêu đề."
KIND_UNKNOWN = "loại đơn vị “{value}” không hợp lệ. Dùng một trong: {options}."
KIND_MISSING = "chưa có loại đơn vị (bắt buộc với đơn vị mới)."
EMAIL_INVALID = "địa chỉ email “{value}” không hợp lệ."
DUPLICATE_ROW = "đơn vị “{name}” đã có ở dòng {other} với cùng đơn vị cấp trên."
PARENT_SELF = "đơn vị không thể là cấp trên của chính nó."
PARENT_UNKNOWN = "không tìm thấy đơn vị cấp trên “{name}” trong tệp hay trong danh mục."
PARENT_AMBIGUOUS = "tên đơn vị cấp trên “{name}” trùng với nhiều đơn vị: {options}."
NEAREST = " Có phải là: {options}?"
PARENT_CYCLE = "đơn vị cấp trên tạo thành vòng lặp ({chain})."
EXISTING_AMBIGUOUS = (
    "tên “{name}” khớp với nhiều đơn vị đã có dưới cùng cấp trên: {options}. "
    "Vui lòng sửa danh mục trong trang quản trị trước."
)

COLUMNS = {
    "name": {"name", "ten", "ten don vi", "don vi"},
    "parent": {"parent", "don vi cap tren", "cap tren", "truc thuoc", "don vi truc thuoc"},
    "kind": {"kind", "loai", "loai don vi"},
    "email": {"email", "e mail", "thu dien tu", "email lien he"},
    "aliases": {"aliases", "alias", "ten goi khac", "ten khac"},
}
COLUMN_BY_HEADER = {header: column for column, names in COLUMNS.items() for header in names}
KIND_BY_TEXT = {
    **{fold(kind.value): kind.value for kind in UnitKind},
    **{fold(kind.label): kind.value for kind in UnitKind},
}
ALIAS_SEPARATORS = (";", "|", "\n")
NAME_LIMIT = 255
LOGGED = ("name", "kind", "parent", "email", "aliases")
DIRECTORY_LOCK = 0x44564B55  # "DVKU": the advisory lock key of the unit directory


@dataclass
class Row:
    line: int
    name: str
    key: str
    parent_name: str
    parent_key: str
    kind: str  # a UnitKind value or ""
    email: str
    aliases: list[str]
    # Filled while planning:
    parent_row: "Row | None" = None
    parent_unit: Unit | None = None
    existing: Unit | None = None


@dataclass
class UnitImportResult:
    created: list[tuple[int, str]] = field(default_factory=list)  # (line, name)
    updated: list[tuple[int, str, list[str]]] = field(default_factory=list)  # + what changed
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def at(self, line: int, message: str, column: str | None = None) -> None:
        text = (
            AT_CELL.format(line=line, column=column, message=message)
            if column
            else AT_LINE.format(line=line, message=message)
        )
        self.items.append((line, text))

    def raise_if_any(self) -> None:
        if self.items:
            raise WorkflowError(*(text for _, text in sorted(self.items, key=lambda i: i[0])))


def _split_aliases(text: str) -> list[str]:
    for separator in ALIAS_SEPARATORS[1:]:
        text = text.replace(separator, ALIAS_SEPARATORS[0])
    seen, aliases = set(), []
    for alias in (part.strip() for part in text.split(ALIAS_SEPARATORS[0])):
        if alias and fold_name(alias) not in seen:
            seen.add(fold_name(alias))
            aliases.append(alias)
    return aliases


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkflowError(NOT_UTF8) from None


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _read_rows(text: str, problems: _Problems) -> list[Row]:
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise WorkflowError(AT_LINE.format(line=1, message=BAD_CSV.format(detail=exc))) from None
    if not header or not any(cell.strip() for cell in header):
        raise WorkflowError(EMPTY_FILE)
    columns: list[str | None] = []
    for cell in header:
        column = COLUMN_BY_HEADER.get(fold(cell))
        if column is None and cell.strip():
            problems.at(1, UNKNOWN_COLUMN.format(header=cell.strip()))
        elif column in columns:
            problems.at(1, DUPLICATE_COLUMN.format(header=cell.strip()))
        columns.append(column)
    if "name" not in columns:
        problems.at(1, NAME_COLUMN_MISSING)
    problems.raise_if_any()

    rows = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.at(start, BAD_CSV.format(detail=exc))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            problems.at(start, TOO_MANY_CELLS)
            continue
        values = dict.fromkeys(COLUMNS, "")
        for column, cell in zip(columns, cells, strict=False):
            if column:
                values[column] = " ".join(cell.split()) if column != "aliases" else cell
        row = _row(start, values, problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems.items:
        raise WorkflowError(NO_ROWS)
    return rows


def _row(line: int, values: dict[str, str], problems: _Problems) -> Row | None:
    ok = True
    name = values["name"]
    if not name:
        problems.at(line, NAME_MISSING, "name")
        ok = False
    elif len(name) > NAME_LIMIT:
        problems.at(line, TOO_LONG.format(limit=NAME_LIMIT), "name")
        ok = False
    kind = ""
    if values["kind"]:
        kind = KIND_BY_TEXT.get(fold(values["kind"]), "")
        if not kind:
            options = "; ".join(f"{k.value} ({k.label})" for k in UnitKind)
            problems.at(line, KIND_UNKNOWN.format(value=values["kind"], options=options), "kind")
            ok = False
    email = values["email"]
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            problems.at(line, EMAIL_INVALID.format(value=email), "email")
            ok = False
    aliases = _split_aliases(values["aliases"])
    if any(len(alias) > NAME_LIMIT for alias in aliases):
        problems.at(line, TOO_LONG.format(limit=NAME_LIMIT), "aliases")
        ok = False
    if not ok:
        return None
    key = fold_name(name)
    return Row(
        line=line,
        name=name,
        key=key,
        parent_name=values["parent"],
        parent_key=fold_name(values["parent"]),
        kind=kind,
        email=email,
        aliases=[alias for alias in aliases if fold_name(alias) != key],
    )


def _unit_keys(unit: Unit) -> set[str]:
    return {unit.name_key, *(fold_name(alias) for alias in unit.alias_list)}


def _nearest(key: str, names_by_key: dict[str, set[str]], *, besides: str) -> str:
    keys = [k for k in names_by_key if k != besides]
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    names = dict.fromkeys(name for k in close for name in sorted(names_by_key[k]))
    return NEAREST.format(options=", ".join(f"“{n}”" for n in names)) if names else ""


def _plan(rows: list[Row], problems: _Problems) -> list[Row]:
    """Resolve parents and existing units; return the rows parents first."""
    units = list(Unit.objects.select_related("parent"))
    units_by_key: dict[str, list[Unit]] = {}
    children: dict[int | None, dict[str, list[Unit]]] = {}
    for unit in units:
        for key in _unit_keys(unit):
            units_by_key.setdefault(key, []).append(unit)
            children.setdefault(unit.parent_id, {}).setdefault(key, []).append(unit)
    rows_by_key: dict[str, list[Row]] = {}
    for row in rows:
        for key in {row.key, *(fold_name(alias) for alias in row.aliases)}:
            rows_by_key.setdefault(key, []).append(row)
    names_by_key: dict[str, set[str]] = {}
    for key, found in units_by_key.items():
        names_by_key.setdefault(key, set()).update(u.name for u in found)
    for key, found in rows_by_key.items():
        names_by_key.setdefault(key, set()).update(r.name for r in found)

    seen: dict[tuple[str, str], Row] = {}
    for row in rows:
        other = seen.setdefault((row.parent_key, row.key), row)
        if other is not row:
            problems.at(row.line, DUPLICATE_ROW.format(name=row.name, other=other.line), "name")

    for row in rows:
        if not row.parent_key:
            continue
        in_file = [r for r in rows_by_key.get(row.parent_key, []) if r is not row]
        if row.parent_key == row.key and not in_file:
            problems.at(row.line, PARENT_SELF, "parent")
        elif len(in_file) == 1:
            row.parent_row = in_file[0]
        elif in_file:
            options = ", ".join(f"“{r.name}” (dòng {r.line})" for r in in_file[:5])
            problems.at(
                row.line, PARENT_AMBIGUOUS.format(name=row.parent_name, options=options), "parent"
            )
        elif len(units_by_key.get(row.parent_key, [])) == 1:
            row.parent_unit = units_by_key[row.parent_key][0]
        elif row.parent_key in units_by_key:
            options = ", ".join(
                f"“{u.name}”" + (f" (thuộc {u.parent.name})" if u.parent else "")
                for u in units_by_key[row.parent_key][:5]
            )
            problems.at(
                row.line, PARENT_AMBIGUOUS.format(name=row.parent_name, options=options), "parent"
            )
        else:
            problems.at(
                row.line,
                PARENT_UNKNOWN.format(name=row.parent_name)
                + _nearest(row.parent_key, names_by_key, besides=row.key),
                "parent",
            )

    ordered: list[Row] = []
    state: dict[int, str] = {}  # id(row) -> "visiting" | "done"
    for row in rows:
        chain, current = [], row
        while current is not None and state.get(id(current)) != "done":
            if state.get(id(current)) == "visiting":
                loop = [*chain[chain.index(current) :], current]
                problems.at(
                    row.line,
                    PARENT_CYCLE.format(chain=" → ".join(f"dòng {r.line}" for r in loop)),
                    "parent",
                )
                break
            state[id(current)] = "visiting"
            chain.append(current)
            current = current.parent_row
        for member in reversed(chain):
            state[id(member)] = "done"
            ordered.append(member)
    if problems.items:
        return ordered

    for row in ordered:
        if row.parent_row is not None:
            parent = row.parent_row.existing  # None: the parent is new, so is the row
            if parent is None:
                continue
        else:
            parent = row.parent_unit
        keys = {row.key, *(fold_name(alias) for alias in row.aliases)}
        siblings = children.get(parent.pk if parent else None, {})
        matches = {u.pk: u for u in siblings.get(row.key, [])}
        if not matches:  # the file may use a name the directory knows as an alias
            matches = {u.pk: u for key in keys for u in siblings.get(key, [])}
        if len(matches) == 1:
            row.existing = next(iter(matches.values()))
        elif matches:
            options = ", ".join(f"“{u.name}”" for u in matches.values())
            problems.at(row.line, EXISTING_AMBIGUOUS.format(name=row.name, options=options), "name")
    for row in ordered:
        if row.existing is None and not row.kind:
            problems.at(row.line, KIND_MISSING, "kind")
    return ordered


def _apply(row: Row, parent: Unit | None, result: UnitImportResult, *, actor) -> Unit | None:
    """Create or update the row's unit (or, in a dry run, only say what would change);
    each unit created or changed is one row of the administration log."""
    unit = row.existing
    if unit is None:
        result.created.append((row.line, row.name))
        if result.dry_run:
            return None
        unit = Unit.objects.create(
            name=row.name,
            kind=row.kind,
            parent=parent,
            email=row.email,
            aliases="\n".join(row.aliases),
        )
        record(actor=actor, action="unit.import", target=unit, after=snapshot(unit, LOGGED))
        return unit
    before = snapshot(unit, LOGGED)
    changes, fields = [], []
    if row.kind and row.kind != unit.kind:
        unit.kind = row.kind
        changes.append(f"loại: {unit.get_kind_display()}")
        fields.append("kind")
    if row.email and row.email.lower() != unit.email.lower():
        unit.email = row.email
        changes.append(f"email: {row.email}")
        fields.append("email")
    known = _unit_keys(unit)
    new_aliases = [alias for alias in row.aliases if fold_name(alias) not in known]
    if new_aliases:
        unit.aliases = "\n".join([*unit.alias_list, *new_aliases])
        changes.append("thêm tên gọi khác: " + "; ".join(new_aliases))
        fields.append("aliases")
    if fields:
        if not result.dry_run:
            unit.save(update_fields=[*fields, "name_key"])
            record(
                actor=actor,
                action="unit.import",
                target=unit,
                before=before,
                after=snapshot(unit, LOGGED),
            )
        result.updated.append((row.line, unit.name, changes))
    else:
        result.unchanged.append((row.line, unit.name))
    return unit


def units_import(*, actor=None, data: bytes, dry_run: bool = False) -> UnitImportResult:
    """Create or update the units listed in a CSV file (see the module's docstring).

    Guarantees: all or nothing — every problem of the file (unknown column, missing or
    too long name, unknown kind, bad e-mail, duplicate row, unknown, ambiguous or
    circular parent) is reported at once as a ``WorkflowError`` whose messages start
    with the line number, and then nothing is written. Parents may come after their
    children in the file. Idempotent: a unit already present under the same parent is
    updated (kind and e-mail when given, aliases added, its name kept), never created
    twice. ``actor`` None means a trusted caller (the management command); a user must
    belong to the secretariat. ``dry_run`` checks and reports without writing.
    """
    if actor is not None and not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    problems = _Problems()
    rows = _read_rows(_decode(data), problems)
    with transaction.atomic():
        _lock_directory()
        ordered = _plan(rows, problems)
        problems.raise_if_any()
        result = UnitImportResult(dry_run=dry_run)
        saved: dict[int, Unit | None] = {}
        for row in ordered:
            parent = saved[id(row.parent_row)] if row.parent_row is not None else row.parent_unit
            saved[id(row)] = _apply(row, parent, result, actor=actor)
        if dry_run:
            # Changes made to the in-memory units while planning are not kept either.
            transaction.set_rollback(True)
    return result


def _lock_directory() -> None:
    """One loader at a time: two concurrent runs must not both create the same unit.
    (SQLite takes its write lock at BEGIN already; see settings.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DIRECTORY_LOCK])
