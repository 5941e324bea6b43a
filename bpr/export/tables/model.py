"""A table as every output shows it: columns (header, kind of value, unit), rows, and the count they give.

The model says what a table holds, never how a format draws it: the workbook derives each column's cell
format from its kind (bpr/export/workbook/shared_tables.py), the report its markup and number format
(bpr/export/report/tables.py). A value is a number or a text, or one of the few values below that each
output draws its own way (a measure in its colour, a link to a page, a status, a list). A table is counted
by its rows, never by a number kept beside them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from bpr.inventory.enums import Measure


class Kind(Enum):
    """What a column's values are, which gives their number format and alignment in every output."""

    TEXT = "text"  # words, wrapped in a narrow column
    CODE = "code"  # an identifier, on one line
    LABEL = "label"  # a short label or a mark, centred
    MEASURE = "measure"  # a MeasureMark, in its measure's colour
    YEAR = "year"  # a fiscal year (令和7年度), centred, never broken
    RANK = "rank"  # a position in the ranking
    COUNT = "count"  # a whole number: cases, hours, yen (1,234)
    SCORE = "score"  # a score from 0 to 100 with one decimal (87.5)
    FTE = "fte"  # 人工, with two decimals so that a tenth of a person shows (0.25)
    EXPECTED = "expected"  # an expected count per case, with one or two decimals (1.11)
    SHARE = "share"  # a share, as a percentage with one decimal (12.5%)

    @property
    def numeric(self) -> bool:
        """Tell whether the kind's values are numbers (aligned right)."""
        return self in NUMERIC_KINDS


NUMERIC_KINDS = frozenset({Kind.RANK, Kind.COUNT, Kind.SCORE, Kind.FTE, Kind.EXPECTED, Kind.SHARE})


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its key, its header (broken into lines where a narrow column needs it), its kind and unit.

    `strong` sets the column's values apart (the total a row adds up to); the widths bound the column in
    characters where the output sets widths (the workbook's sheets).
    """

    key: str
    header: str
    kind: Kind = Kind.TEXT
    unit: str | None = None
    strong: bool = False
    min_width: float = 6.0
    max_width: float = 40.0

    @property
    def lines(self) -> str:
        """Return the header as a narrow column shows it: its lines, then the unit on a line of its own."""
        return self.header if self.unit is None else f"{self.header}\n({self.unit})"

    @property
    def line(self) -> str:
        """Return the header on one line, as a page shows it: 期待削減 (時間/年)."""
        return one_line(self.lines)


# A line break between two Japanese words joins them; beside Latin text or a parenthesis it is a space.
_SPACED = re.compile(r"[\x21-\x7e]")
_OPENING = re.compile(r"(?<=\S)\(")


@functools.lru_cache(maxsize=1024)
def one_line(text: str) -> str:
    """Return a header's lines as one line: RPA\\nスコア → RPA スコア, うち\\n確定計画 → うち確定計画.

    A narrow column may set a unit tight against its word (年間額(円)); the line sets it off (年間額 (円)).
    A header of one line is a name, shown as it is written (業務改善(BPR)).
    """
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    joined = lines[0]
    for line in lines[1:]:
        spaced = bool(joined and line) and bool(_SPACED.fullmatch(joined[-1]) or _SPACED.fullmatch(line[0]))
        joined += (" " if spaced else "") + line
    return _OPENING.sub(" (", joined)


@dataclass(frozen=True, slots=True)
class MeasureMark:
    """A measure in a cell, drawn in its colour.

    `uptake`: uptake of a channel that exists (a document names it 利用促進); `fixed`: a plan the inventory fixed.
    """

    measure: Measure
    uptake: bool = False
    fixed: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A text naming something the report has a page for (`page`: procedure or section, `key` its id).

    The report links the text to the page (`key` None: no page) and shows the badge after it; the workbook
    shows the text.
    """

    text: str
    page: Literal["procedure", "section"]
    key: str | None
    badge: str = ""


@dataclass(frozen=True, slots=True)
class Items:
    """Several values in one cell, after a lead: joined by `separator`, or one a line (None)."""

    parts: tuple[object, ...]
    lead: str = ""
    separator: str | None = None


@dataclass(frozen=True, slots=True)
class Status:
    """A judgement and its state (met, planned, not-met or warn), which gives its colour."""

    label: str
    state: str


class Role(Enum):
    """What a row stands for besides the rows above it."""

    TOTAL = "total"  # their sum
    SUMMARY = "summary"  # them read another way (the steady state after the years)
    REFERENCE = "reference"  # a figure to compare them with (参考), not part of them


@dataclass(frozen=True, slots=True)
class Marked:
    """A row with a role."""

    role: Role
    cells: tuple[object, ...]


Row = Sequence[object] | Marked


def cells_of(row: Row) -> Sequence[object]:
    """Return the values of a row, with a role or without."""
    return row.cells if isinstance(row, Marked) else row


@dataclass(frozen=True)
class Table:
    """A table: its title, columns and rows (`rows` is called each time they are read, so they may stream).

    `row_header`: the first column names each row (the report marks its cells as the row's heading).
    """

    title: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Row]]
    row_header: bool = False

    @property
    def count(self) -> int:
        """Return the number of rows, counted."""
        return sum(1 for _ in self.rows())

    @property
    def keys(self) -> tuple[str, ...]:
        """Return the columns' keys, in order."""
        return tuple(column.key for column in self.columns)

    def select(self, *keys: str) -> Table:
        """Return the table with only the columns of `keys`, in that order (a page shows fewer than a sheet)."""
        positions = [self.keys.index(key) for key in keys]
        source = self.rows

        def rows() -> Iterable[Row]:
            for row in source():
                cells = cells_of(row)
                chosen = tuple(cells[index] for index in positions)
                yield Marked(row.role, chosen) if isinstance(row, Marked) else chosen

        return Table(
            self.title,
            tuple(self.columns[index] for index in positions),
            rows,
            row_header=self.row_header and positions[:1] == [0],
        )
