"""Format 1.2's counter hours and arrival profiles (待たせない): opening hours, monthly and hourly weights."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from bpr.i18n import N_, _

MAX_WINDOWS = 1000
_NOT_A_PROFILE = N_(
    "a monthly profile is 12 weights, January to December ([0.9, 0.9, 1.9, 1.6, …]), or a mapping month →"
    " weight (3: 1.9, 4: 1.6; a month left out weighs 1)"
)
_NOT_AN_HOURLY_PROFILE = N_(
    "an hourly profile is a mapping hour of the clock → weight (9: 1.3, 10: 1.4; an hour left out weighs 1)"
)


def _weight(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(_("a weight is a finite number of 0 or more, not {value}").format(value=repr(value)))
    return float(value)


def _keyed_weights(value: dict[Any, Any], low: int, high: int, what: str) -> dict[int, float]:
    out: dict[int, float] = {}
    for written, weight in value.items():
        # YAML keys arrive as text (bpr's reader keeps every key a string): '4' is April.
        key = int(written) if isinstance(written, str) and written.isascii() and written.isdigit() else written
        if isinstance(key, bool) or not isinstance(key, int) or not low <= key <= high:
            raise ValueError(
                _("{what} is a whole number from {low} to {high}, not {value}").format(
                    what=_(what), low=low, high=high, value=repr(written)
                )
            )
        out[key] = _weight(weight)
    return dict(sorted(out.items()))


def _monthly_profile(value: Any) -> Any:
    """Accept 12 weights (January first) or a mapping month (1–12) → weight; some weight must be above 0."""
    if isinstance(value, list):
        if len(value) != 12:
            raise ValueError(_(_NOT_A_PROFILE))
        weights: list[float] | dict[int, float] = [_weight(w) for w in value]
        total = sum(weights)
    elif isinstance(value, dict) and value:
        weights = _keyed_weights(value, 1, 12, N_("a month"))
        total = sum(weights.values()) + (12 - len(weights))
    else:
        raise ValueError(_(_NOT_A_PROFILE))
    if total <= 0:
        raise ValueError(_("a profile needs some weight above 0: no case would ever come"))
    return weights


def _hourly_profile(value: Any) -> Any:
    """Accept a mapping hour of the clock (0–23) → weight."""
    if not isinstance(value, dict) or not value:
        raise ValueError(_(_NOT_AN_HOURLY_PROFILE))
    return _keyed_weights(value, 0, 23, N_("an hour of the clock"))


_WEIGHT_SCHEMA = {"type": "number", "minimum": 0}
MonthlyProfile = Annotated[
    list[float] | dict[int, float],
    BeforeValidator(_monthly_profile),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": _WEIGHT_SCHEMA, "minItems": 12, "maxItems": 12},
                {
                    "type": "object",
                    "minProperties": 1,
                    "patternProperties": {"^([1-9]|1[0-2])$": _WEIGHT_SCHEMA},
                    "additionalProperties": False,
                },
            ],
            "description": "1月から12月までの12個の重み、または 月（1〜12）→ 重み の対応（書かない月は1）。",
        }
    ),
]
HourlyProfile = Annotated[
    dict[int, float],
    BeforeValidator(_hourly_profile),
    WithJsonSchema(
        {
            "type": "object",
            "minProperties": 1,
            "patternProperties": {"^([0-9]|1[0-9]|2[0-3])$": _WEIGHT_SCHEMA},
            "additionalProperties": False,
            "description": "時刻（0〜23）→ 重み の対応（書かない時刻は1）。",
        }
    ),
]
_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _opening_hours(value: Any) -> Any:
    """Accept 'HH:MM-HH:MM' within one day, the opening before the closing."""
    match = _HOURS_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(_("opening hours are written 'HH:MM-HH:MM', such as '08:30-17:15'"))
    start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
    if start_h > 23 or end_h > 24 or start_m > 59 or end_m > 59 or (end_h == 24 and end_m):
        raise ValueError(_("'{value}' is not a time of the day: hours 0–24, minutes 0–59").format(value=value))
    if start_h * 60 + start_m >= end_h * 60 + end_m:
        raise ValueError(_("the counter must open before it closes, not '{value}'").format(value=value))
    return f"{start_h:02d}:{start_m:02d}-{end_h:02d}:{end_m:02d}"


OpeningHours = Annotated[
    str,
    BeforeValidator(_opening_hours),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$",
            "description": "'HH:MM-HH:MM' の形（例 '08:30-17:15'）。",
        }
    ),
]


def opening_minutes(hours: str) -> tuple[int, int]:
    """Return opening hours 'HH:MM-HH:MM' as minutes after midnight (opening, closing)."""
    start, _sep, end = hours.partition("-")
    return int(start[:2]) * 60 + int(start[3:]), int(end[:2]) * 60 + int(end[3:])
