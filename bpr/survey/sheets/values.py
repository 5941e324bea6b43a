"""What a cell of the 調査票 shows for a field of the inventory (the writer's half of the cell format)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from bpr.inventory.models import MINUTES_PER_DAY
from bpr.survey.sheets.labels import LIST_JOINER, YES
from bpr.survey.sheets.layout import CellKind, Column
from bpr.survey.sheets.successors import successors_text

DAY_WORD = "日"
HOUR_WORD = "時間"


def field_value(item: BaseModel, path: tuple[str, ...]) -> Any:
    """Return the value of a field at a path inside a model (None when a part is missing)."""
    value: Any = item
    for part in path:
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def cell_value(column: Column, value: Any) -> Any:
    """Return what a column's cell holds for a field value: text, a number, a date, or None for an empty cell."""
    kind = column.kind
    if value is None or (column.zero_blank and value == 0):
        return None
    if kind is CellKind.CHOICE:
        return _label(column.labels, value)
    if kind is CellKind.CHOICES:
        return LIST_JOINER.join(_label(column.labels, item) for item in value) or None
    if kind is CellKind.FLAG:
        return YES if value else None
    if kind is CellKind.LINES:
        return "\n".join(value) or None
    if kind is CellKind.MINUTES:
        return minutes_cell(float(value))
    if kind is CellKind.SUCCESSORS:
        return successors_text(value)
    if kind is CellKind.DATE:
        return value if isinstance(value, dt.date) else None
    if kind is CellKind.PERCENT:
        return float(value)
    return value


def _label(labels: Mapping[Any, str], value: Any) -> str:
    return labels.get(value, str(value))


def minutes_cell(minutes: float) -> int | float | str | None:
    """Return a duration as its cell shows it: minutes as a number, whole days as '3日'; None for zero."""
    if minutes == 0:
        return None
    if minutes >= MINUTES_PER_DAY and minutes % MINUTES_PER_DAY == 0:
        return f"{int(minutes // MINUTES_PER_DAY)}{DAY_WORD}"
    return int(minutes) if minutes.is_integer() else minutes


def percent_format(share: float | None) -> str:
    """Return the number format of a share: whole percentages without decimals, others with as many as they need."""
    if share is None or round(share * 100, 9).is_integer():
        return "0%"
    return "0.0##%"
