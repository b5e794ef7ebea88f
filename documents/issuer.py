"""Who issues the documents and in which format: the issuing unit's configuration
(``settings.DVK_ISSUER``, from the environment, defaults from the demo's plan
47-KH/BCĐ of Từ Sơn) and the standard its letterhead follows — Hướng dẫn 36-HD/VPTW
(2018) for a Party body, Nghị định 30/2020/NĐ-CP for a State one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

PARTY, STATE = "party", "state"


@dataclass(frozen=True)
class Standard:
    """The blocks and sizes (pt) of one standard; margins in cm (top, bottom, left,
    right) for a portrait page — a landscape page keeps them on the same edges of the
    text."""

    nation: tuple[tuple[str, float, bool], ...]  # the right-hand heading: (text, size, bold)
    nation_underlined: bool
    parent_size: float
    body_size: float  # the issuing body's name
    number_size: float
    place_size: float
    type_size: float  # "BÁO CÁO", "QUYẾT ĐỊNH"
    subject_size: float  # the trích yếu under it
    text_size: float
    table_size: float
    recipients_title_size: float
    recipients_size: float
    signer_size: float
    margins: tuple[float, float, float, float]
    star: bool  # the "*" under a Party body's name
    on_behalf: str  # "T/M" (Party) or "TM." (State)


STANDARDS = {
    PARTY: Standard(
        nation=(("ĐẢNG CỘNG SẢN VIỆT NAM", 15, True),),
        nation_underlined=True,
        parent_size=14,
        body_size=14,
        number_size=14,
        place_size=14,
        type_size=16,
        subject_size=14,
        text_size=14,
        table_size=12,
        recipients_title_size=14,
        recipients_size=12,
        signer_size=14,
        margins=(2.0, 2.0, 3.0, 1.5),
        star=True,
        on_behalf="T/M",
    ),
    STATE: Standard(
        nation=(
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True),
            ("Độc lập - Tự do - Hạnh phúc", 14, True),
        ),
        nation_underlined=True,
        parent_size=13,
        body_size=13,
        number_size=13,
        place_size=14,
        type_size=14,
        subject_size=14,
        text_size=14,
        table_size=12,
        recipients_title_size=12,
        recipients_size=11,
        signer_size=14,
        margins=(2.0, 2.0, 3.0, 1.5),
        star=False,
        on_behalf="TM.",
    ),
}


@dataclass(frozen=True)
class Issuer:
    system: str
    parent: str  # the body above the issuer (cơ quan chủ quản), may be empty
    name: str  # the issuing body, as on the letterhead; "\n" breaks the line
    short: str  # its code in a document's number: 47-KH/BCĐ
    authority: str  # who signs on behalf of: "T/M BAN CHỈ ĐẠO"
    signer_title: str
    signer_name: str
    place: str

    @property
    def standard(self) -> Standard:
        return STANDARDS[self.system]

    @property
    def on_behalf(self) -> str:
        return f"{self.standard.on_behalf} {self.authority.upper()}"

    def number(self, kind: str, number: str = "") -> str:
        """The "Số" line. Party: "Số 12-BC/BCĐ"; State: "Số: 12/BC-BCĐ". A decision's
        number as the committee recorded it ("125-QĐ/BCĐ") is kept as it is; without a
        number, room is left for the one the secretariat gives when it is signed."""
        if number and "/" in number:
            return f"Số {number}" if self.system == PARTY else f"Số: {number}"
        n = number or "\u00a0" * 6
        if self.system == PARTY:
            return f"Số {n}-{kind}/{self.short}"
        return f"Số: {n}/{kind}-{self.short}"

    def place_date(self, day: datetime.date) -> str:
        return f"{self.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def issuer_get() -> Issuer:
    config = settings.DVK_ISSUER
    system = config["system"] if config["system"] in STANDARDS else PARTY
    return Issuer(
        system=system,
        parent=config["parent"],
        name=config["name"],
        short=config["short"],
        authority=config["authority"],
        signer_title=config["signer_title"],
        signer_name=config["signer_name"],
        place=config["place"],
    )
