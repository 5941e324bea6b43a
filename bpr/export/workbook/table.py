"""A ranked table written as one or more sheets: header, frozen panes, filter, widths, print layout.

Rows stream through openpyxl's write-only mode, so memory stays flat however many procedures there
are. A table longer than Excel's row limit continues on sheets named ``TITLE (2)``, ``TITLE (3)``…,
each with the same header, filter and layout.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import (
    HEADER,
    SCORE_HIGH_COLOUR,
    SCORE_LOW_COLOUR,
    TEXT,
    CellFormat,
    CellStyles,
    row_height,
    set_print_layout,
    text_width,
)

MAX_SHEET_TITLE = 31
PADDING = 2.0


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell value with its own format, overriding the column's (a measure's colour, a warning)."""

    value: object
    fmt: CellFormat


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, the format of its cells and the bounds of its width."""

    header: str
    fmt: CellFormat = TEXT
    min_width: float = 6.0
    max_width: float = 40.0


Row = Sequence[object]


@dataclass(frozen=True)
class Table:
    """A table of rows under one header; `rows` is called once to size the columns and once to write."""

    title: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Row]]
    count: int
    preamble: tuple[Row, ...] = ()
    frozen_columns: int = 0
    score_columns: tuple[int, ...] = field(default=())
    empty_text: str = "該当なし"
    printed_columns: int | None = None

    @property
    def header_row(self) -> int:
        """Return the 1-based row of the header."""
        return len(self.preamble) + 1


def sheet_titles(table: Table, row_limit: int) -> list[str]:
    """Return the titles of the sheets a table needs under a row limit: TITLE, TITLE (2), …"""
    capacity = row_limit - table.header_row
    if capacity < 1:
        raise ValueError(f"a row limit of {row_limit} leaves no room for rows under the header of {table.title}")
    sheets = max(1, math.ceil(table.count / capacity))
    return [table.title] + [continuation_title(table.title, n) for n in range(2, sheets + 1)]


def continuation_title(title: str, number: int) -> str:
    """Return the title of a continuation sheet, within Excel's 31 characters."""
    suffix = f" ({number})"
    return title[: MAX_SHEET_TITLE - len(suffix)] + suffix


def column_widths(table: Table) -> list[float]:
    """Return each column's width: the widest header line or value, within the column's bounds."""
    widest = [text_width(column.header) for column in table.columns]
    for row in table.rows():
        for index, value in enumerate(row):
            shown = value.value if isinstance(value, Styled) else value
            width = text_width(shown)
            if width > widest[index]:
                widest[index] = width
    return [
        min(column.max_width, max(column.min_width, width + PADDING))
        for column, width in zip(table.columns, widest, strict=True)
    ]


def write_table(workbook: Any, table: Table, titles: list[str], styles: CellStyles, scope: Scope) -> None:
    """Write a table on the sheets named by `titles`, splitting its rows at the scope's row limit."""
    widths = column_widths(table)
    capacity = scope.row_limit - table.header_row
    rows = iter(table.rows())
    for title in titles:
        sheet = workbook.create_sheet(title)
        written = _write_sheet(sheet, table, widths, _take(rows, capacity), styles, scope)
        if written == 0 and title == titles[0]:
            sheet.append([styles.cell(sheet, table.empty_text)])


def _take(rows: Iterator[Row], count: int) -> Iterator[Row]:
    for _ in range(count):
        row = next(rows, None)
        if row is None:
            return
        yield row


def _write_sheet(
    sheet: Any, table: Table, widths: list[float], rows: Iterator[Row], styles: CellStyles, scope: Scope
) -> int:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    last_column = get_column_letter(len(table.columns))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(width, 1)
    header_row = table.header_row
    sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}{header_row + 1}"
    set_print_layout(
        sheet,
        title=scope.title,
        footer=scope.footer,
        title_rows=header_row,
        paper=scope.paper,
        issuer=scope.issuer,
    )
    out = _RowWriter(sheet, styles, widths)
    for preamble in table.preamble:
        out.append(preamble, [TEXT] * len(preamble))
    out.append([column.header for column in table.columns], [HEADER] * len(table.columns))
    formats = [column.fmt for column in table.columns]
    written = 0
    for row in rows:
        out.append(row, formats)
        written += 1
    # Filter, colour scales and print area come after the rows in the sheet's XML, so they can be set now.
    last_row = header_row + max(written, 1)
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    if table.printed_columns is not None:
        sheet.print_area = f"A1:{get_column_letter(table.printed_columns)}{last_row}"
    for index in table.score_columns:
        letter = get_column_letter(index + 1)
        sheet.conditional_formatting.add(
            f"{letter}{header_row + 1}:{letter}{last_row}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color=SCORE_LOW_COLOUR,
                end_type="num",
                end_value=100,
                end_color=SCORE_HIGH_COLOUR,
            ),
        )
    return written


def _placed_cells(values: Sequence[Any], row_idx: int) -> Iterator[Any]:
    """Return the cells of a row at their columns (None leaves a column empty), as openpyxl writes them."""
    for column, cell in enumerate(values, 1):
        if cell is not None:
            cell.column = column
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell


class _RowWriter:
    """Appends rows of values in formats to a write-only sheet, each row as tall as its wrapped text needs."""

    def __init__(self, sheet: Any, styles: CellStyles, widths: Sequence[float]) -> None:
        self.sheet = sheet
        self.styles = styles
        self.widths = widths
        self.row = 0
        # Every value this writer appends is a styled cell or None. openpyxl's write-only sheet first tries
        # each value as a plain value, and only on the ValueError (whose message formats the cell's repr)
        # takes it as a cell: a fifth of the time of a 10,000-procedure workbook. Placing the cells
        # directly writes the same XML (the workbook tests compare the content) in less time.
        sheet._values_to_row = _placed_cells

    def append(self, values: Row, formats: Sequence[CellFormat]) -> None:
        self.row += 1
        cells = []
        sized = []
        for value, column_fmt, width in zip(values, formats, self.widths, strict=False):
            shown, fmt = (value.value, value.fmt) if isinstance(value, Styled) else (value, column_fmt)
            cells.append(None if shown is None else self.styles.cell(self.sheet, shown, fmt))
            sized.append((shown, fmt, width))
        height = row_height(sized)
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(cells)
        if height is not None:
            # The row is written: forget its dimension, or 100,000 rows would keep 100,000 objects alive.
            del self.sheet.row_dimensions[self.row]
