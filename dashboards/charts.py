"""Chart geometry, computed on the server so the page needs no script and no outside
service: the years chart is an inline SVG whose viewBox scales to a phone's width; the
bars by field and by unit are plain CSS widths (``Number.share``)."""

from dataclasses import dataclass, field

from .figures import Number, YearColumn

WIDTH, HEIGHT = 640, 300
TOP, BOTTOM, LEFT = 24, 40, 8  # room for the totals above and the years below


@dataclass
class Segment:
    y: float
    height: float
    number: Number


@dataclass
class Column:
    x: float
    width: float
    label: str
    total: Number
    total_y: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass
class YearChart:
    width: int
    height: int
    baseline: float
    columns: list[Column]


def year_chart(columns: list[YearColumn]) -> YearChart:
    """Stacked columns, one per year, one band per state (bottom up, lifecycle order)."""
    plot = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / max(len(columns), 1)
    bar = min(72.0, slot * 0.6)
    baseline = float(HEIGHT - BOTTOM)
    drawn = []
    for i, column in enumerate(columns):
        x = LEFT + i * slot + (slot - bar) / 2
        y = baseline
        segments = []
        for number in column.segments:
            if not number.value:
                continue
            h = plot * number.share / 100.0
            y -= h
            segments.append(Segment(round(y, 2), round(h, 2), number))
        drawn.append(
            Column(
                x=round(x, 2),
                width=round(bar, 2),
                label=str(column.year),
                total=column.total,
                total_y=round(y - 6, 2),
                segments=segments,
            )
        )
    return YearChart(width=WIDTH, height=HEIGHT, baseline=baseline, columns=drawn)
