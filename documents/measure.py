"""How much room a text takes once printed in Times New Roman: its width (from the
font's advance widths, the same as Liberation Serif's, which is metric-compatible) and
the lines it wraps to in a given width. Neither Excel nor LibreOffice re-fits the rows of
a generated workbook reliably, so the writer sets every row's height from this."""

import math
import unicodedata
from functools import lru_cache

# Advance widths of ASCII 32..126 in Times New Roman Regular, in 1/1000 em.
_ASCII = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
    722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
    722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
    500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
    444, 480, 200, 480, 541,
)  # fmt: skip
_WIDE = {"ư": 542, "ơ": 529, "Ư": 776, "Ơ": 776, "đ": 500, "Đ": 722, "“": 444, "”": 444}
BOLD_FACTOR = 1.12  # bold Times is at most this much wider, letter for letter
# Times New Roman's line spacing (ascent + descent + gap), in em.
LINE_EM = 1.15
PX_PER_PT = 4 / 3


@lru_cache(maxsize=4096)
def _char(ch: str) -> int:
    code = ord(ch)
    if 32 <= code < 127:
        return _ASCII[code - 32]
    if ch in _WIDE:
        return _WIDE[ch]
    base = unicodedata.normalize("NFD", ch)[:1]
    if base and 32 <= ord(base) < 127:
        return _ASCII[ord(base) - 32] + (50 if ch.lower() in "ươ" else 0)
    return 1000  # anything else counts as an em: never too narrow


_WORDS: dict[str, float] = {}
_WORDS_MAX = 8192  # about the number of Vietnamese syllables in use: memory stays flat


def word_em(word: str) -> float:
    """The width of ``word`` in em. Vietnamese is written in syllables, few and repeated:
    the first few thousand words met are remembered (never more: a long export of
    numbered names must not grow memory)."""
    width = _WORDS.get(word)
    if width is None:
        width = sum(map(_char, word)) / 1000
        if len(_WORDS) < _WORDS_MAX:
            _WORDS[word] = width
    return width


def text_px(text: str, *, size: float, bold: bool = False) -> float:
    factor = BOLD_FACTOR if bold else 1.0
    return sum(map(_char, text)) / 1000 * size * PX_PER_PT * factor


def lines(text: str, *, width_px: float, size: float, bold: bool = False) -> int:
    """The lines ``text`` wraps to in ``width_px`` pixels, greedy by words as a word
    processor does; each line break in the text starts a new line. A word longer than a
    line is broken where it overflows. (Counted in em, the inner loop kept lean: the
    biểu mẫu export runs it on every row.)"""
    if not text:
        return 1
    limit = width_px / (size * PX_PER_PT * (BOLD_FACTOR if bold else 1.0))
    known = _WORDS.get
    total = 0
    paragraphs = (
        text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if ("\n" in text or "\r" in text)
        else (text,)
    )
    for paragraph in paragraphs:
        count, used = 1, 0.0
        for word in paragraph.split():
            w = known(word)
            if w is None:
                w = word_em(word)
            if used:
                if used + 0.25 + w <= limit:
                    used += 0.25 + w
                    continue
                count += 1
            if w > limit:
                extra = math.ceil(w / limit) - 1
                count += extra
                w -= extra * limit
            used = w
        total += count
    return total


def line_px(size: float) -> int:
    return math.ceil(size * PX_PER_PT * LINE_EM)


def height_px(line_count: int, *, size: float) -> int:
    """A cell's height for ``line_count`` lines, with the cell's own padding."""
    return line_count * line_px(size) + 6
