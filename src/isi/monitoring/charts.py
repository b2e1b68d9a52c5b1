"""Accessible charts as server-rendered SVG. Pure: data in, escaped SVG text out.

Every chart is an `<svg role="img" aria-labelledby="…">` with `<title>` and `<desc>`, so a screen
reader announces what it shows; the page puts the data table beneath it. Nothing is told by colour
alone: each line of a line chart has its own marker shape and dash pattern and is labelled directly
at its end; bars carry their value as text. Colours are dark enough (≥ 3:1 on white) and the
strokes print in black-and-white too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

Formatter = Callable[[Decimal], str]

# Contrast against white ≥ 3:1 (WCAG 1.4.11); shapes and dashes carry the distinction anyway.
COLOURS = ("#004b87", "#a3231b", "#1b6e20", "#5b3a8f", "#7a4d00", "#333333")
DASHES = ("", "8 4", "2 4", "10 4 2 4", "5 5", "1 6")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross")
MAX_SERIES = len(MARKERS)

FONT = 'font-family="Fira Sans, Arial, sans-serif"'
CHAR_WIDTH = 7.0  # average width of a 13 px character, for layout only


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[int, Decimal]]


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(number: float) -> str:
    """Coordinates with one decimal: short and stable output."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _line(x1: float, y1: float, x2: float, y2: float, extra: str = 'stroke="#1a1a1a"') -> str:
    return f'<line x1="{_n(x1)}" x2="{_n(x2)}" y1="{_n(y1)}" y2="{_n(y2)}" {extra}/>'


def _text(x: float, y: float, content: str, extra: str = "") -> str:
    """A text element; `content` must already be escaped."""
    space = " " if extra else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" fill="#1a1a1a"{space}{extra}>{content}</text>'


def _points(*pairs: tuple[float, float]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in pairs)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 × 10^k steps)."""
    if high < low:
        low, high = high, low
    if math.isclose(low, high):
        high = low + 1 if low == 0 else low + abs(low) * 0.1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(round(start + len(ticks) * step, 10))
    return ticks


def marker(shape: str, x: float, y: float, colour: str, size: float = 5.0) -> str:
    s = size
    common = f'fill="{colour}" stroke="#fff" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}" {common}/>'
    if shape == "square":
        return f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}" {common}/>'
    if shape == "diamond":
        points = _points((x, y - s * 1.3), (x + s * 1.3, y), (x, y + s * 1.3), (x - s * 1.3, y))
        return f'<polygon points="{points}" {common}/>'
    if shape == "triangle":
        points = _points((x, y - s * 1.2), (x + s * 1.2, y + s), (x - s * 1.2, y + s))
        return f'<polygon points="{points}" {common}/>'
    if shape == "triangle-down":
        points = _points((x, y + s * 1.2), (x + s * 1.2, y - s), (x - s * 1.2, y - s))
        return f'<polygon points="{points}" {common}/>'
    # cross
    return _line(x - s, y - s, x + s, y + s, f'stroke="{colour}" stroke-width="2.5"') + _line(
        x - s, y + s, x + s, y - s, f'stroke="{colour}" stroke-width="2.5"'
    )


def _open(chart_id: str, width: float, height: float, title: str, description: str) -> list[str]:
    cid = _e(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" {FONT} font-size="13">',
        f'<title id="{cid}-title">{_e(title)}</title>',
        f'<desc id="{cid}-desc">{_e(description)}</desc>',
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#fff"/>',
    ]


def _spread(positions: list[tuple[float, int]], gap: float, top: float, bottom: float) -> dict[int, float]:
    """Move label y positions apart so that direct labels never overlap."""
    ordered = sorted(positions)
    placed: list[tuple[float, int]] = []
    for y, index in ordered:
        y = max(y, top)
        if placed and y - placed[-1][0] < gap:
            y = placed[-1][0] + gap
        placed.append((y, index))
    overflow = placed[-1][0] - bottom if placed else 0
    if overflow > 0:
        placed = [(y - overflow, i) for y, i in placed]
    return {i: y for y, i in placed}


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[Series],
    unit: str,
    fmt: Formatter,
    width: float = 760,
    height: float = 380,
) -> str:
    """Values over years; one line per series (at most MAX_SERIES), each labelled at its end."""
    shown = [s for s in series if s.points][:MAX_SERIES]
    values = [float(v) for s in shown for _, v in s.points]
    years = sorted({y for s in shown for y, _ in s.points})
    label_width = max((len(s.label) for s in shown), default=10) * CHAR_WIDTH + 70
    left, right, top, bottom = 72.0, min(max(label_width, 120.0), 300.0), 34.0, 48.0
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = _open(chart_id, width, height, title, description)
    if not values:
        parts.append(f'<text x="{_n(width / 2)}" y="{_n(height / 2)}" text-anchor="middle">–</text></svg>')
        return "".join(parts)
    ticks = nice_ticks(min(0.0, min(values)), max(values))
    lo, hi = ticks[0], ticks[-1]

    def x_of(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + (year - years[0]) / (years[-1] - years[0]) * plot_w

    def y_of(value: float) -> float:
        return top + (hi - value) / (hi - lo) * plot_h

    parts.append(f'<text x="{_n(left)}" y="{_n(top - 14)}" fill="#1a1a1a">{_e(unit)}</text>')
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{_n(left)}" x2="{_n(left + plot_w)}" y1="{_n(y)}" y2="{_n(y)}" stroke="#d0d0d0"/>'
        )
        parts.append(
            f'<text x="{_n(left - 8)}" y="{_n(y + 4)}" text-anchor="end" fill="#1a1a1a">'
            f"{_e(fmt(Decimal(str(tick))))}</text>"
        )
    step = max(1, math.ceil(len(years) / 10))
    for index, year in enumerate(years):
        x = x_of(year)
        parts.append(_line(x, top + plot_h, x, top + plot_h + 5))
        if index % step == 0 or index == len(years) - 1:
            parts.append(_text(x, top + plot_h + 22, str(year), 'text-anchor="middle"'))
    parts.append(_line(left, top + plot_h, left + plot_w, top + plot_h))
    ends: list[tuple[float, int]] = []
    for index, item in enumerate(shown):
        colour, dash, shape = COLOURS[index], DASHES[index], MARKERS[index]
        points = sorted(item.points)
        path = " ".join(f"{_n(x_of(y))},{_n(y_of(float(v)))}" for y, v in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="chart-series" data-marker="{shape}">'
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        parts.extend(marker(shape, x_of(y), y_of(float(v)), colour) for y, v in points)
        parts.append("</g>")
        ends.append((y_of(float(points[-1][1])), index))
    label_y = _spread(ends, 16.0, top + 4, top + plot_h)
    for index, item in enumerate(shown):
        last_year, last_value = sorted(item.points)[-1]
        x, y = x_of(last_year) + 12, label_y[index]
        parts.append(marker(MARKERS[index], x + 4, y - 4, COLOURS[index], 4.0))
        parts.append(_text(x + 14, y, f"{_e(item.label)}: {_e(fmt(last_value))}"))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    unit: str,
    fmt: Formatter,
    reference: Bar | None = None,
    width: float = 760,
) -> str:
    """Horizontal bars with their values written at the end; an optional dashed reference line."""
    row_h, top, bottom = 24.0, 40.0, 36.0
    left = min(max((len(b.label) for b in bars), default=8) * CHAR_WIDTH + 16, 260.0)
    right = 90.0
    height = top + bottom + row_h * max(len(bars), 1)
    plot_w = width - left - right
    parts = _open(chart_id, width, height, title, description)
    values = [float(b.value) for b in bars] + ([float(reference.value)] if reference else [])
    if not values:
        parts.append(f'<text x="{_n(width / 2)}" y="{_n(height / 2)}" text-anchor="middle">–</text></svg>')
        return "".join(parts)
    ticks = nice_ticks(min(0.0, min(values)), max(0.0, max(values)))
    lo, hi = ticks[0], ticks[-1]

    def x_of(value: float) -> float:
        return left + (value - lo) / (hi - lo) * plot_w

    plot_bottom = top + row_h * len(bars)
    parts.append(f'<text x="{_n(left)}" y="{_n(top - 24)}" fill="#1a1a1a">{_e(unit)}</text>')
    for tick in ticks:
        x = x_of(tick)
        parts.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top)}" y2="{_n(plot_bottom)}" stroke="#d0d0d0"/>'
        )
        parts.append(
            f'<text x="{_n(x)}" y="{_n(plot_bottom + 18)}" text-anchor="middle" fill="#1a1a1a">'
            f"{_e(fmt(Decimal(str(tick))))}</text>"
        )
    zero = x_of(0.0)
    labels: list[str] = []
    for index, bar in enumerate(bars):
        y = top + index * row_h
        end = x_of(float(bar.value))
        x0, w = min(zero, end), abs(end - zero)
        parts.append(_text(left - 8, y + row_h / 2 + 4, _e(bar.label), 'text-anchor="end"'))
        parts.append(
            f'<rect class="chart-bar" x="{_n(x0)}" y="{_n(y + 4)}" width="{_n(max(w, 1.0))}" '
            f'height="{_n(row_h - 8)}" fill="{COLOURS[0]}"/>'
        )
        # A white halo keeps the value readable where it crosses the reference line.
        halo = 'stroke="#fff" stroke-width="4" paint-order="stroke"'
        labels.append(_text(max(zero, end) + 6, y + row_h / 2 + 4, _e(fmt(bar.value)), halo))
    parts.append(_line(zero, top, zero, plot_bottom))
    if reference is not None:
        x = x_of(float(reference.value))
        dashed = 'class="chart-reference" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="6 4"'
        parts.append(_line(x, top - 6, x, plot_bottom, dashed))
        parts.append(
            f'<text x="{_n(x)}" y="{_n(top - 10)}" text-anchor="middle" fill="#1a1a1a">'
            f"{_e(reference.label)}: {_e(fmt(reference.value))}</text>"
        )
    parts.extend(labels)
    parts.append("</svg>")
    return "".join(parts)
