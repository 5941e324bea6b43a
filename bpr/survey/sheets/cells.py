"""What a filled cell of the 調査票 means (the reader's half of the cell format).

Excel and LibreOffice store what people type in more than one way: a number typed in a text cell, a
date typed in a text cell, TRUE for yes, an empty string for nothing, full-width digits. Every reader
here takes what a cell holds, whatever its type, and returns the value of the format, or raises
`CellError` with a message that says what to write instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from bpr.i18n import _
from bpr.inventory.rules.base import did_you_mean
from bpr.survey.sheets.labels import LIST_JOINER, NO_WORDS, YES, YES_WORDS, lookup_table, normalise, split_list
from bpr.survey.sheets.layout import CellKind, Column
from bpr.survey.sheets.successors import SuccessorTextError, parse_successors

_MINUTES_UNITS = {"": 1.0, "分": 1.0, "m": 1.0, "min": 1.0, "h": 60.0, "時間": 60.0, "d": 1440.0, "日": 1440.0}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(分|m|min|h|時間|d|日)?$")
_INTEGER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$|^[+-]?\d+$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class CellError(ValueError):
    """A cell's content is not what its column takes."""


def is_blank(value: Any) -> bool:
    """Tell whether a cell is empty: nothing, or only spaces (LibreOffice may keep an empty string)."""
    return value is None or (isinstance(value, str) and not value.strip())


def read_cell(column: Column, value: Any) -> Any:
    """Return the format's value of a non-blank cell of a column; raise CellError when it cannot be read."""
    kind = column.kind
    if kind in (CellKind.TEXT, CellKind.PROCEDURE):
        return as_text(value).strip()
    if kind is CellKind.NOTE:
        return as_text(value).replace("\r\n", "\n").replace("\r", "\n")
    if kind is CellKind.LINES:
        return [line.strip() for line in as_text(value).splitlines() if line.strip()]
    if kind is CellKind.INTEGER:
        return _integer(value)
    if kind is CellKind.CHOICE:
        return _choice(column, as_text(value))
    if kind is CellKind.CHOICES:
        return [_choice(column, item) for item in split_list(as_text(value))]
    if kind is CellKind.FLAG:
        return _flag(column, value)
    if kind is CellKind.MINUTES:
        return _minutes(column, value)
    if kind is CellKind.PERCENT:
        return _share(value)
    if kind is CellKind.SUCCESSORS:
        try:
            return parse_successors(as_text(value))
        except SuccessorTextError as exc:
            raise CellError(f"{column.field_name}: {exc}") from None
    if kind is CellKind.DATE:
        return _date(value)
    raise AssertionError(f"the column {column.header} is not read")


def as_text(value: Any) -> str:
    """Return a cell as text: numbers as typed (9108, not 9108.0), dates as ISO dates, booleans as TRUE/FALSE."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _integer(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # the model says a number is wanted
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    text = unicodedata.normalize("NFKC", as_text(value)).strip().removesuffix("円").removesuffix("件").strip()
    if _INTEGER.match(text):
        return int(text.replace(",", ""))
    return as_text(value).strip()  # the model explains: input should be a valid integer


def _choice(column: Column, text: str) -> str:
    table = lookup_table(column.labels)
    found = table.get(normalise(text))
    if found is not None:
        return found
    choices = column.choices()
    hint = did_you_mean(text.strip(), choices)
    raise CellError(
        _("{field}: '{value}' is not one of the choices of {header}: {choices}{hint}").format(
            field=column.field_name,
            value=text.strip(),
            header=column.header,
            choices=LIST_JOINER.join(choices),
            hint=hint,
        )
    )


def _flag(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = normalise(as_text(value))
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise CellError(
        _(
            "{field}: '{value}' is not a yes or a no: write {yes} for yes and leave the cell empty for no ({header})"
        ).format(field=column.field_name, value=as_text(value).strip(), yes=YES, header=column.header)
    )


def _minutes(column: Column, value: Any) -> Any:
    if isinstance(value, bool):
        raise CellError(
            _("{field}: write a number of minutes, not {value} ({header})").format(
                field=column.field_name, value=as_text(value), header=column.header
            )
        )
    if isinstance(value, int | float):
        return value  # the model refuses a negative or endless one
    text = unicodedata.normalize("NFKC", as_text(value)).strip().lower()
    match = _DURATION.match(text)
    if match is None:
        raise CellError(
            _(
                "{field}: '{value}' is not a duration: write minutes (15), "
                "or a number with 分, 時間 or 日 (1.5時間, 3日) ({header})"
            ).format(field=column.field_name, value=as_text(value).strip(), header=column.header)
        )
    minutes = float(match.group(1)) * _MINUTES_UNITS[match.group(2) or ""]
    return int(minutes) if minutes.is_integer() else minutes


def _share(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # the model says a share is a number
    if isinstance(value, int | float):
        return value
    text = unicodedata.normalize("NFKC", as_text(value)).strip()
    percent = text.endswith("%")
    try:
        number = Decimal(text.removesuffix("%").strip())
    except InvalidOperation:
        return as_text(value).strip()  # the model explains what a share is
    if not number.is_finite():
        return math.nan
    return float(number / 100) if percent else float(number)


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", as_text(value)).strip()
    match = _DATE.match(text)
    if match is not None:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    return as_text(value).strip()  # the model explains: a valid date
