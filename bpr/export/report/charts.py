"""Horizontal bar charts as inline SVG: geometry here, drawing (escaped) in the templates' `bars` macro.

A chart is a picture of a table the page shows beside it (hours by measure, by year), so its values
come from the same summary; it adds no figure of its own. Each bar is labelled with its value, so the
chart reads without colour, and the SVG carries role="img" and a <title>.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 150
BAR_AREA = 380
VALUE_WIDTH = 110
BAR_HEIGHT = 22
GAP = 8
TOP = 8


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, value text, colour and place."""

    label: str
    value: str
    fill: str
    stroke: str
    y: float
    width: float
    text_y: float


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart: its id (for aria), title, size and bars."""

    id: str
    title: str
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float, str, str, str]]) -> BarChart:
    """Return a chart of rows (label, value, value text, fill, stroke); bars are scaled to the largest value."""
    largest = max((value for _, value, _, _, _ in rows), default=0.0)
    bars = []
    for index, (label, value, text, fill, stroke) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = 0.0 if largest <= 0 else round(max(0.0, value) / largest * BAR_AREA, 1)
        bars.append(Bar(label, text, fill, stroke, y, width, y + BAR_HEIGHT / 2 + 5))
    height = TOP * 2 + len(rows) * (BAR_HEIGHT + GAP)
    return BarChart(chart_id, title, LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height, LABEL_WIDTH, BAR_HEIGHT, tuple(bars))
