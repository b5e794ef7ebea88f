"""The registration form (biểu mẫu) of plan 47-KH/BCĐ, as data shared by the import and
the export: the canonical column names (what errors and exports say) and the folded
words that recognise each header however a unit typed it (DESIGN.md §5)."""

import difflib
from dataclasses import dataclass

from units.text import fold

from ...models import Field, Subject

# Canonical column names: the import reports problems under these, the export writes them.
COL_STT = "Số TT"
COL_UNIT = "Tên đơn vị đăng ký"
COL_NAME = "Tên mô hình công tác “DVK”"
COL_GOALS = "Mục tiêu (chỉ tiêu) cần đạt được"
COL_FIELDS = "Lĩnh vực"
COL_START = "Thời gian bắt đầu"
COL_END = "Thời gian kết thúc"
COL_LEVELS = "Đăng ký đạt"

FIELD_HEADERS: dict[str, str] = {
    Field.ECONOMY: "Lĩnh vực Kinh tế",
    Field.CULTURE_SOCIETY: "Lĩnh vực VH - XH",
    Field.DEFENCE_SECURITY: "Lĩnh vực QP - AN",
    Field.POLITICAL_SYSTEM: (
        "Lĩnh vực Xây dựng hệ thống chính trị (xây dựng tổ chức Đảng, chính quyền, MTTQ, "
        "tổ chức chính trị - xã hội)"
    ),
}
SUBJECT_HEADERS: dict[str, str] = {
    Subject.COLLECTIVE: "Tập thể",
    Subject.INDIVIDUAL: "Cá nhân",
}
SUBJECTS = (Subject.COLLECTIVE, Subject.INDIVIDUAL)

# Export only: the title block and the group headers that carry the year.
LETTERHEAD = "Tên đơn vị: {unit}"
TITLE_LINES = (
    "BIỂU MẪU",
    "DANH SÁCH ĐĂNG KÝ XÂY DỰNG MÔ HÌNH CÔNG TÁC",
    "“DÂN VẬN KHÉO” Ở CƠ SỞ NĂM {year}",
)
PLAN_LINE = "(Kèm theo Kế hoạch số {number}, ngày {date} của {issuer})"
PLAN_LINE_NO_NUMBER = "(Kèm theo Kế hoạch của {issuer} năm {year})"
DEFAULT_ISSUER = "BCĐ thực hiện Phong trào thi đua “Dân vận khéo”"
GOALS_HEADER = "Mục tiêu (chỉ tiêu) cần đạt được trong năm {year}"
PERIOD_HEADER = "Thời gian tiến hành vận động trong năm {year}"
LEVELS_HEADER = "Đăng ký đạt mô hình công tác, điển hình “Dân vận khéo” tiêu biểu năm {year}"
TOTAL_LABEL = "Tổng"

# Recognisers: folded words. A header matches when it contains one of them, or comes
# close enough to one (typos such as "Tập thê" survive folding; others need the ratio).
STT_KEYS = ("so tt", "stt", "so thu tu")
UNIT_KEYS = ("ten don vi", "don vi dang ky")
NAME_KEYS = ("ten mo hinh", "mo hinh cong tac", "ten dien hinh")
GOALS_KEYS = ("muc tieu", "chi tieu")
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    # Checked in this order: the political system's long header mentions "xã hội".
    Field.POLITICAL_SYSTEM: ("he thong chinh tri", "xay dung he thong"),
    Field.ECONOMY: ("kinh te",),
    Field.CULTURE_SOCIETY: ("vh xh", "van hoa xa hoi", "van hoa"),
    Field.DEFENCE_SECURITY: ("qp an", "quoc phong an ninh", "quoc phong"),
}
SUBJECT_KEYS: dict[str, tuple[str, ...]] = {
    Subject.COLLECTIVE: ("tap the",),
    Subject.INDIVIDUAL: ("ca nhan",),
}
PERIOD_KEYS = ("thoi gian",)
START_KEYS = ("bat dau", "tu ngay", "tu thang")
END_KEYS = ("ket thuc", "den ngay", "den thang")
LEVELS_KEYS = ("dang ky dat",)
TOTAL_KEYS = ("tong", "tong cong", "tong so", "cong")

# What units put in a cell to mark it.
MARKS = frozenset({"x", "✓", "✔", "v", "☑", "☒", "√"})
# Rows that only hold these are placeholders ("...", "…"), not data.
PLACEHOLDER_CHARS = frozenset(".…-–—_ ")

FUZZY_RATIO = 0.88


def looks_like(text: str, keys: tuple[str, ...]) -> bool:
    """Whether header ``text`` names the column that ``keys`` recognise."""
    folded = fold(text)
    if not folded:
        return False
    padded = f" {folded} "
    if any(f" {key} " in padded for key in keys):
        return True
    words = folded.split()
    for key in keys:
        size = len(key.split())
        if len(key) < 5:
            continue  # short keys ("stt") would match too much when fuzzy
        for start in range(max(1, len(words) - size + 1)):
            window = " ".join(words[start : start + size])
            if difflib.SequenceMatcher(None, key, window).ratio() >= FUZZY_RATIO:
                return True
    return False


def level_matches(text: str, level_name: str) -> bool:
    """Whether a level column's header names ``level_name`` ("Cấp huyện, thành phố")."""
    folded, wanted = fold(text), fold(level_name)
    if not folded or not wanted:
        return False
    if folded == wanted or wanted in folded:
        return True
    return difflib.SequenceMatcher(None, wanted, folded).ratio() >= FUZZY_RATIO


@dataclass(frozen=True)
class Layout:
    """Where each column of the form sits on one sheet (0-based column indexes)."""

    header_row: int  # sheet row (1-based) of the first header row
    first_data_row: int  # sheet row of the first row below the headers
    stt: int | None
    unit: int
    name: int
    goals: int | None
    marks: dict[tuple[str, str], int]  # (field, subject) → column
    start: int
    end: int
    levels: dict[int, int]  # RecognitionLevel pk → column
    title_text: str  # the title block above the headers, folded (to find the year)

    @property
    def field_columns(self) -> list[int]:
        return sorted(self.marks.values())

    @property
    def level_columns(self) -> list[int]:
        return sorted(self.levels.values())
