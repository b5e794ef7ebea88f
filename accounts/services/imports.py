"""Many accounts from one file: an xlsx workbook or a CSV, one account per row.

Columns, found by their header text (accents, case and spacing ignored, in any order,
after any letterhead rows): họ và tên, email, đơn vị, vai trò; optionally tên đăng nhập.
Units are matched as everywhere else (``units.selectors.unit_match``: diacritics, case,
abbreviations and aliases do not matter); roles by their Vietnamese name or code.

Reading never writes: ``accounts_file_read`` returns every row with its problems, each
named by row and column, and the page shows them all before anything is created.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from models_registry.services.bieu_mau.results import ImportFileError
from models_registry.services.bieu_mau.safety import registration_file_check
from units.models import Unit
from units.selectors import unit_match
from units.text import fold
from workflow.errors import WorkflowError
from workflow.lifecycle import Role

from .accounts import AccountData, account_problems, username_for

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000

NOT_READABLE = "Không đọc được tệp: hãy dùng tệp Excel (.xlsx) hoặc CSV (UTF-8)."
TOO_LARGE = "Tệp lớn quá {mb} MB."
TOO_MANY_ROWS = "Tệp có hơn {rows} dòng: hãy chia thành nhiều tệp."
NO_HEADER = (
    "Không tìm thấy dòng tiêu đề. Tệp cần các cột: “Họ và tên”, “Email”, “Đơn vị”, “Vai trò”."
)
COLUMN_MISSING = "Thiếu cột “{column}”."
NO_ROWS = "Tệp không có dòng nào sau dòng tiêu đề."
ROLE_UNKNOWN = "không nhận ra vai trò “{value}”. Dùng một trong: {options}."
DUPLICATE_IN_FILE = "trùng với dòng {other}."
REQUIRED = "chưa có giá trị."

# Column code -> (Vietnamese header shown in messages, folded header texts accepted).
COLUMNS = {
    "full_name": ("Họ và tên", {"ho va ten", "ho ten", "ten can bo", "full name", "name"}),
    "email": ("Email", {"email", "e mail", "thu dien tu", "dia chi email", "dia chi thu"}),
    "unit": ("Đơn vị", {"don vi", "ten don vi", "don vi cong tac", "unit"}),
    "role": ("Vai trò", {"vai tro", "quyen", "role", "chuc nang"}),
    "username": ("Tên đăng nhập", {"ten dang nhap", "username", "tai khoan"}),
}
REQUIRED_COLUMNS = ("full_name", "email", "unit", "role")
HEADER_BY_TEXT = {text: code for code, (_, texts) in COLUMNS.items() for text in texts}

ROLE_BY_TEXT = {
    **{fold(role.value): role.value for role in Role},
    **{fold(role.label): role.value for role in Role},
    "can bo": Role.UNIT_OFFICER,
    "ban dan van": Role.SECRETARIAT,
    "thuong truc bcd": Role.SECRETARIAT,
    "kiem tra": Role.INSPECTOR,
    "can bo kiem tra": Role.INSPECTOR,
    "thanh vien bcd": Role.COMMITTEE,
    "thanh vien hoi dong": Role.COMMITTEE,
    "hoi dong": Role.COMMITTEE,
    "lanh dao": Role.VIEWER,
}


@dataclass
class FileRow:
    line: int  # the row's number in the sheet (or the CSV's line), as the user sees it
    values: dict[str, str]
    unit: Unit | None = None
    role: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column header, text)

    @property
    def username(self) -> str:
        return self.values.get("username") or username_for(self.values.get("email", ""))

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else ""

    def data(self) -> AccountData:
        return AccountData(
            full_name=self.values["full_name"],
            email=self.values["email"],
            unit=self.unit,
            role=self.role,
            username=self.values.get("username", ""),
        )


@dataclass
class AccountsFile:
    rows: list[FileRow]

    @property
    def problems(self) -> list[str]:
        return [
            f"Dòng {row.line}, cột “{column}”: {text}"
            for row in self.rows
            for column, text in row.problems
        ]

    @property
    def ok(self) -> bool:
        return not any(row.problems for row in self.rows)


def _cells_xlsx(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    # The biểu mẫu import's guard: size, zip bombs, encrypted or renamed files, checked
    # before openpyxl parses any XML (with defusedxml).
    try:
        registration_file_check(io.BytesIO(data), name=name)
    except ImportFileError as error:
        messages = [m for m in error.messages if "biểu mẫu" not in m]
        raise WorkflowError(*(messages or [NOT_READABLE])) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook, or a broken one: the same answer to the user
        raise WorkflowError(NOT_READABLE) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, ["" if c is None else str(c) for c in cells]))
            if len(rows) > MAX_ROWS + 20:
                break
        return rows
    finally:
        workbook.close()


def _cells_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkflowError(NOT_READABLE) from None
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    try:
        return list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1))
    except csv.Error:
        raise WorkflowError(NOT_READABLE) from None


def _header(rows) -> tuple[int, dict[str, int]]:
    """The first row naming at least two known columns, and where each column is."""
    for index, (_, cells) in enumerate(rows[:20]):
        found: dict[str, int] = {}
        for position, cell in enumerate(cells):
            code = HEADER_BY_TEXT.get(fold(cell))
            if code and code not in found:
                found[code] = position
        if len(found) >= 2:
            return index, found
    raise WorkflowError(NO_HEADER)


def accounts_file_read(*, data: bytes, name: str) -> AccountsFile:
    """Every row of the file, with its unit and role resolved and its problems listed
    (by row and column). Raises ``WorkflowError`` when the file itself is unreadable or
    lacks a required column."""
    if len(data) > MAX_BYTES:
        raise WorkflowError(TOO_LARGE.format(mb=MAX_BYTES // (1024 * 1024)))
    is_xlsx = name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    rows = _cells_xlsx(data, name) if is_xlsx else _cells_csv(data)
    start, columns = _header(rows)
    missing = [COLUMNS[code][0] for code in REQUIRED_COLUMNS if code not in columns]
    if missing:
        raise WorkflowError(*(COLUMN_MISSING.format(column=column) for column in missing))
    body = [
        (line, cells)
        for line, cells in rows[start + 1 :]
        if any(str(cell).strip() for cell in cells)
    ]
    if not body:
        raise WorkflowError(NO_ROWS)
    if len(body) > MAX_ROWS:
        raise WorkflowError(TOO_MANY_ROWS.format(rows=MAX_ROWS))

    file_rows = []
    for line, cells in body:
        values = {
            code: " ".join(str(cells[position]).split()) if position < len(cells) else ""
            for code, position in columns.items()
        }
        file_rows.append(FileRow(line=line, values=values))
    file_rows_check(file_rows)
    return AccountsFile(rows=file_rows)


def file_rows_check(rows: list[FileRow]) -> None:
    """Resolve each row's unit and role and list its problems (against the accounts and
    units that exist now: run again at confirmation)."""
    User = get_user_model()
    taken_emails = {
        email.lower(): username
        for email, username in User.objects.exclude(email="").values_list("email", "username")
    }
    taken_usernames = {u.lower() for u in User.objects.values_list("username", flat=True)}
    directory = list(Unit.objects.all())
    units: dict[str, Unit | WorkflowError] = {}
    seen_emails: dict[str, int] = {}
    seen_usernames: dict[str, int] = {}
    header = {code: label for code, (label, _) in COLUMNS.items()}
    role_options = "; ".join(role.label for role in Role)

    for row in rows:
        for code in REQUIRED_COLUMNS:
            if code != "full_name" and not row.values.get(code):
                row.problems.append((header[code], REQUIRED))
        unit_text = row.values.get("unit", "")
        if unit_text:
            if unit_text not in units:
                try:
                    units[unit_text] = unit_match(unit_text, units=directory)
                except WorkflowError as error:
                    units[unit_text] = error
            found = units[unit_text]
            if isinstance(found, WorkflowError):
                row.problems.append((header["unit"], found.messages[0]))
            else:
                row.unit = found
        role_text = row.values.get("role", "")
        if role_text:
            row.role = ROLE_BY_TEXT.get(fold(role_text), "")
            if not row.role:
                row.problems.append(
                    (header["role"], ROLE_UNKNOWN.format(value=role_text, options=role_options))
                )
        if not row.values.get("email"):
            if not row.values.get("full_name"):
                row.problems.append((header["full_name"], REQUIRED))
            continue
        problems = account_problems(
            AccountData(**{**row.data().__dict__, "role": row.role or Role.UNIT_OFFICER}),
            taken_emails=taken_emails,
            taken_usernames=taken_usernames,
        )
        problems.pop("role", None)  # reported above, with the file's own text
        for code, text in problems.items():
            row.problems.append((header[code], text))
        email, username = row.values["email"].lower(), row.username.lower()
        if "email" not in problems and email in seen_emails:
            other = seen_emails[email]
            row.problems.append((header["email"], DUPLICATE_IN_FILE.format(other=other)))
        elif "username" not in problems and username in seen_usernames:
            other = seen_usernames[username]
            row.problems.append((header["username"], DUPLICATE_IN_FILE.format(other=other)))
        seen_emails.setdefault(email, row.line)
        seen_usernames.setdefault(username, row.line)
