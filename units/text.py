"""Vietnamese text folded for comparison: no diacritics, no case, single spaces.

"Đảng ủy phường Đông Ngàn", "DANG UY PHUONG DONG NGAN" and "Đảng uỷ P. Đông Ngàn" all
fold to "dang uy phuong dong ngan"; that folded form is what unit matching, duplicate
detection and the diacritic-insensitive search compare.
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")

# Abbreviations that units use for each other's names, spelled out (DESIGN.md §8).
# Keys and values are already folded; longer keys are tried first.
ABBREVIATIONS: dict[str, str] = {
    "ubmttq": "uy ban mat tran to quoc",
    "mttq": "mat tran to quoc",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "lhpn": "lien hiep phu nu",
    "hlhpn": "hoi lien hiep phu nu",
    "ccb": "cuu chien binh",
    "hccb": "hoi cuu chien binh",
    "hnd": "hoi nong dan",
    "dtn": "doan thanh nien",
    "tn": "thanh nien",
    "p": "phuong",
    "tp": "thanh pho",
    "ldld": "lien doan lao dong",
    "bchqs": "ban chi huy quan su",
}


def _strip(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The combining diacritics of Latin script (U+0300–U+036F, those with a combining class:
# every Vietnamese tone and vowel mark), removed by one regular expression instead of a
# loop over characters; text with anything else non-ASCII takes the loop (issue 17: the
# import folds a few names per row, and a fifth of a 5,000-row import went here).
_MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]"
)


def fold(text: str | None) -> str:
    """Lower-case ASCII words of ``text``, diacritics removed, separated by one space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = _MARKS.sub("", decomposed)
    if not stripped.isascii():  # another script, or marks of another block
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def fold_name(text: str | None) -> str:
    """``fold`` with the usual abbreviations of unit names spelled out."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in fold(text).split())
