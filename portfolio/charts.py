"""Charts drawn by the app as inline SVG: the geometry is worked out here, the markup is in
templates/portfolio/includes/. Coordinates are strings with a decimal point, whatever the
language of the page, so the template never localises them into "12,5".

A chart is a picture for those who would rather look than read: the page always gives its text
summary and its numbers as a table next to it, and the table's links lead to the lists behind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format

LABEL_WIDTH = 190
VALUE_WIDTH = 70
ROW = 26
BAR = 18
TOP = 8


def _n(value: float) -> str:
    return f"{value:.1f}"


def fmt(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def nice_max(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


@dataclass
class Bar:
    label: str
    value: float
    display: str
    href: str = ""
    css: str = ""
    # geometry
    y: str = "0"
    width: str = "0"
    text_y: str = "0"
    value_x: str = "0"


@dataclass
class BarChart:
    """Horizontal bars with their labels on the left and values at their ends."""

    title: str
    bars: list[Bar]
    width: int = 640
    height: int = 0
    label_width: int = LABEL_WIDTH
    plot_width: int = 0

    @property
    def label_x(self) -> str:
        return _n(self.label_width - 8)


def bar_chart(title: str, items: list[tuple[str, float, str, str, str]],
              width: int = 640) -> BarChart:
    """`items`: (label, value, shown value, link, css class)."""
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    top = nice_max(max((value for _l, value, *_rest in items), default=0))
    bars = []
    for index, (label, value, display, href, css) in enumerate(items):
        y = TOP + index * ROW
        length = plot * value / top if top else 0
        bars.append(Bar(
            label=label, value=value, display=display, href=href, css=css, y=_n(y),
            width=_n(max(length, 0)), text_y=_n(y + BAR / 2 + 4),
            value_x=_n(LABEL_WIDTH + max(length, 0) + 6),
        ))
    return BarChart(title=title, bars=bars, width=width, height=TOP * 2 + len(items) * ROW,
                    plot_width=plot)


@dataclass
class PairedBar:
    label: str
    first: float
    second: float
    first_display: str
    second_display: str
    href: str = ""
    over: bool = False
    y1: str = "0"
    y2: str = "0"
    w1: str = "0"
    w2: str = "0"
    text_y: str = "0"
    x1: str = "0"
    x2: str = "0"
    t1: str = "0"
    t2: str = "0"


@dataclass
class PairedChart:
    title: str
    bars: list[PairedBar]
    first_name: str
    second_name: str
    width: int = 640
    height: int = 0
    label_width: int = LABEL_WIDTH

    @property
    def label_x(self) -> str:
        return _n(self.label_width - 8)


PAIR_ROW = 44
PAIR_BAR = 15


def paired_chart(title: str, first_name: str, second_name: str,
                 items: list[tuple[str, float, float, str]], width: int = 640) -> PairedChart:
    """Two bars per row (e.g. budget and actuals): (label, first, second, link)."""
    plot = width - LABEL_WIDTH - VALUE_WIDTH - 30
    top = nice_max(max((max(a, b) for _l, a, b, _h in items), default=0))
    bars = []
    for index, (label, first, second, href) in enumerate(items):
        y = TOP + index * PAIR_ROW
        w1 = plot * first / top if top else 0
        w2 = plot * second / top if top else 0
        bars.append(PairedBar(
            label=label, first=first, second=second, first_display=fmt(first),
            second_display=fmt(second), href=href, over=second > first > 0,
            y1=_n(y), y2=_n(y + PAIR_BAR + 2), w1=_n(w1), w2=_n(w2),
            text_y=_n(y + PAIR_BAR + 5), x1=_n(LABEL_WIDTH + w1 + 6),
            x2=_n(LABEL_WIDTH + w2 + 6), t1=_n(y + PAIR_BAR - 3), t2=_n(y + 2 * PAIR_BAR - 1),
        ))
    return PairedChart(title=title, bars=bars, first_name=first_name, second_name=second_name,
                       width=width, height=TOP * 2 + len(items) * PAIR_ROW)


@dataclass
class Series:
    name: str
    css: str
    segments: list[str] = field(default_factory=list)
    points: list[tuple[str, str, str]] = field(default_factory=list)  # x, y, shown value


@dataclass
class Tick:
    label: str
    x: str = "0"
    y: str = "0"


@dataclass
class LineChart:
    title: str
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_bottom(self) -> str:
        return _n(self.bottom)

    @property
    def plot_right(self) -> str:
        return _n(self.right)


def line_chart(title: str, x_labels: list[str],
               series: list[tuple[str, str, list[float | None]]], *, unit_decimals: int = 0,
               width: int = 640, height: int = 240) -> LineChart:
    """Lines over the same x positions (e.g. months); None leaves a gap in a line.

    `series`: (name, css class, values).
    """
    left, right, top, bottom = 52, width - 16, 12, height - 30
    values = [v for _n_, _c, vs in series for v in vs if v is not None]
    ceiling = nice_max(max(values, default=0))
    count = max(len(x_labels), 1)
    step = (right - left) / max(count - 1, 1)

    def x_at(index: int) -> float:
        return left + index * step if count > 1 else (left + right) / 2

    def y_at(value: float) -> float:
        return bottom - (bottom - top) * value / ceiling

    drawn = []
    for name, css, vs in series:
        line = Series(name=name, css=css)
        current: list[str] = []
        for index, value in enumerate(vs):
            if value is None:
                if current:
                    line.segments.append(" ".join(current))
                current = []
                continue
            x, y = x_at(index), y_at(value)
            current.append(f"{_n(x)},{_n(y)}")
            line.points.append((_n(x), _n(y), fmt(value, unit_decimals)))
        if current:
            line.segments.append(" ".join(current))
        drawn.append(line)
    x_ticks = [Tick(label=label, x=_n(x_at(i)), y=_n(bottom + 18)) for i, label in
               enumerate(x_labels)]
    # Four steps for a ceiling of 2 × 10ⁿ, five otherwise: the ticks are round numbers.
    mantissa = ceiling / 10 ** math.floor(math.log10(ceiling))
    parts = 4 if math.isclose(mantissa, 2) else 5
    step_value = ceiling / parts
    decimals = 0 if float(step_value).is_integer() else 1
    y_ticks = [Tick(label=fmt(step_value * part, decimals), x=_n(left - 6),
                    y=_n(y_at(step_value * part))) for part in range(parts + 1)]
    return LineChart(title=title, series=drawn, x_ticks=x_ticks, y_ticks=y_ticks, width=width,
                     height=height, left=left, right=right, top=top, bottom=bottom)
