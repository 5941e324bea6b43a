"""The shared tables (bpr/export/tables) in the workbook: as a sheet of their own, or as a block of 概要.

Each column's cell format comes from its kind (KIND_FORMATS), bold when the column is `strong`; a value
the model draws its own way becomes a cell here: a measure in its colour (利用促進 when it is uptake of a
channel that exists, as a document names it), a link as its text, a list one item a line, a status in
its colour. A row's role sets its label apart: a total in bold, a reference on grey.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace

from bpr.analysis.labels import MEASURE_LABELS
from bpr.export.presentation import UPTAKE_LABEL
from bpr.export.tables.model import Column, Items, Kind, Link, Marked, MeasureMark, Role, Row, Status, Table
from bpr.export.workbook import table as sheets
from bpr.export.workbook.styles import (
    CENTRED,
    DECIMAL,
    EXPECTED,
    LINK,
    MET_FILL,
    NOT_MET_FILL,
    NUMBER,
    PEOPLE,
    SHARE,
    TEXT,
    WARNED,
    WRAPPED,
    CellFormat,
    measure_format,
)
from bpr.export.workbook.writer import SheetWriter

KIND_FORMATS: dict[Kind, CellFormat] = {
    Kind.TEXT: WRAPPED,
    Kind.CODE: TEXT,
    Kind.LABEL: CENTRED,
    Kind.MEASURE: CENTRED,
    Kind.YEAR: CENTRED,
    Kind.RANK: NUMBER,
    Kind.COUNT: NUMBER,
    Kind.SCORE: DECIMAL,
    Kind.FTE: PEOPLE,
    Kind.EXPECTED: EXPECTED,
    Kind.SHARE: SHARE,
}
STATUS_FORMATS: dict[str, CellFormat] = {
    "met": CellFormat(horizontal="center", wrap=True, fill=MET_FILL, bold=True),
    # Met by the plan alone: never green (model v3, property 8).
    "planned": CellFormat(horizontal="center", wrap=True, bold=True),
    "not-met": CellFormat(horizontal="center", wrap=True, fill=NOT_MET_FILL, bold=True),
    "warn": WARNED,
}
ROLE_LABELS: dict[Role, CellFormat] = {
    Role.TOTAL: CellFormat(bold=True, fill="F2F2F2"),
    Role.SUMMARY: CellFormat(bold=True, fill="F2F2F2"),
    Role.REFERENCE: CellFormat(fill="F2F2F2", wrap=True),
}


@functools.cache  # one object per format: the table writer finds a format's style by identity first
def cell_format(kind: Kind, strong: bool = False) -> CellFormat:
    """Return the format of a column's cells: its kind's, in bold for a strong column."""
    fmt = KIND_FORMATS[kind]
    return _bold(fmt) if strong else fmt


def sheet_columns(table: Table, formats: Mapping[str, CellFormat]) -> tuple[sheets.Column, ...]:
    """Return a table's columns as a sheet writes them: the header on its lines, the format, the widths."""
    return tuple(
        sheets.Column(
            column.lines,
            formats.get(column.key) or cell_format(column.kind, column.strong),
            column.min_width,
            column.max_width,
        )
        for column in table.columns
    )


def as_sheet(
    table: Table,
    *,
    frozen_columns: int = 0,
    preamble: tuple[Sequence[object], ...] = (),
    printed: str | None = None,
    links: Sequence[str | None] = (),
    linked: str | None = None,
    formats: Mapping[str, CellFormat] | None = None,
) -> sheets.Table:
    """Return a table as a sheet: its title, columns and rows, the score columns coloured on a scale.

    `printed`: the key of the last column printed; `links`: a link per row, put on the column `linked`;
    `formats`: the format of some columns' cells by key, instead of their kind's.
    """
    keys = table.keys
    link_column = None if linked is None else keys.index(linked)
    source = table.rows
    columns = table.columns

    def rows() -> Iterator[sheets.Row]:
        targets = iter(links)
        for row in source():
            cells = _sheet_row(row, columns)
            if next(targets, None) and link_column is not None:
                cells[link_column] = sheets.Styled(cells[link_column], LINK)
            yield cells

    return sheets.Table(
        table.title,
        sheet_columns(table, formats or {}),
        rows,
        preamble=preamble,
        frozen_columns=frozen_columns,
        score_columns=tuple(index for index, column in enumerate(columns) if column.kind is Kind.SCORE),
        printed_columns=None if printed is None else keys.index(printed) + 1,
        links=links,
        link_column=link_column,
    )


def write_block(out: SheetWriter, table: Table) -> tuple[int, int]:
    """Write a table into a sheet of blocks (概要): its header, then its rows; return its first and last rows."""
    out.header(*(column.lines for column in table.columns))
    first = out.row + 1
    for row in table.rows():
        write_row(out, table, row)
    return first, out.row


def write_row(out: SheetWriter, table: Table, row: Row) -> None:
    """Write a row under a table's block, in its columns' formats (a line the sheet adds to a shared table)."""
    out.add(*_block_row(row, table.columns))


def sheet_value(value: object) -> object:
    """Return a value as a cell holds it: a text or number, or one styled as it is (a measure, a status)."""
    convert = _CONVERTERS.get(type(value))
    return value if convert is None else convert(value)


def _sheet_row(row: Row, columns: tuple[Column, ...]) -> list[object]:
    """Return a row's cells for a sheet: the columns' formats apply, except where a value or the row's role sets one."""
    if isinstance(row, Marked):
        return [sheets.Styled(value, fmt) for value, fmt in _role_cells(row, columns)]
    get = _CONVERTERS.get
    return [value if (convert := get(type(value))) is None else convert(value) for value in row]


def _block_row(row: Row, columns: tuple[Column, ...]) -> list[tuple[object, CellFormat]]:
    """Return a row's (value, format) cells for a block: an empty cell is an empty text in its column's format."""
    if isinstance(row, Marked):
        return _role_cells(row, columns)
    return [_cell(value, column) for value, column in zip(row, columns, strict=True)]


def _cell(value: object, column: Column) -> tuple[object, CellFormat]:
    """Return a value and its format: its own (a measure, a status) or its column's (bold only when it holds a value)."""
    if value is None or value == "":
        return "", cell_format(column.kind)
    shown = sheet_value(value)
    if isinstance(shown, sheets.Styled):
        return shown.value, shown.fmt
    return shown, cell_format(column.kind, column.strong)


def _role_cells(row: Marked, columns: tuple[Column, ...]) -> list[tuple[object, CellFormat]]:
    """Return the cells of a row with a role: its label (first cell) on grey, every cell of a total in bold."""
    label, *values = row.cells
    cells = [_cell(value, column) for value, column in zip(values, columns[1:], strict=True)]
    if row.role is Role.TOTAL:
        cells = [(value, _bold(fmt)) for value, fmt in cells]
    return [(_cell(label, columns[0])[0], ROLE_LABELS[row.role]), *cells]


@functools.cache
def _bold(fmt: CellFormat) -> CellFormat:
    return replace(fmt, bold=True)


def _measure(mark: MeasureMark) -> sheets.Styled:
    label = UPTAKE_LABEL if mark.uptake else MEASURE_LABELS[mark.measure]
    return sheets.Styled(label, measure_format(mark.measure, fixed=mark.fixed))


def _items(items: Items) -> str:
    separator = "\n" if items.separator is None else items.separator
    try:
        joined = separator.join(items.parts)  # type: ignore[arg-type]  # texts, the usual case (reasons)
    except TypeError:
        joined = separator.join(str(sheet_value(part)) for part in items.parts)
    return items.lead + joined


def _status(status: Status) -> sheets.Styled:
    # 未達（期限経過）on one line where the column is wide enough; else broken between phrases (cell_lines.py).
    return sheets.Styled(status.label, STATUS_FORMATS[status.state])


def _link(link: Link) -> str:
    return link.text


_CONVERTERS: dict[type, Callable[..., object]] = {
    MeasureMark: _measure,
    Link: _link,
    Items: _items,
    Status: _status,
}
