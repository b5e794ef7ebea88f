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


def fold(text: str | None) -> str:
    """Lower-case ASCII words of ``text``, diacritics removed, separated by one space."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", stripped.lower()).split())


def fold_name(text: str | None) -> str:
    """``fold`` with the usual abbreviations of unit names spelled out."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in fold(text).split())
