"""A ranked table written as one or more sheets: header, frozen panes, filter, widths, print layout.

A table is read once (`plan_sheets`, `measure_rows`) to size its columns, count its rows and collect the
formats of its cells, before any sheet is written: its rows give its number of sheets, no count kept
beside them. Its rows are held until they are written (up to KEPT_ROWS rows; a longer table is read
again), so memory stays bounded however many procedures there are. openpyxl's write-only mode then
writes each sheet's frame and bpr its rows (sheet_rows.py), streamed to a temporary file, either at
once or, through `TableWork` (cores.py), on two cores. A table longer than Excel's row limit continues
on sheets named ``TITLE (2)``, ``TITLE (3)``…, each with the same header, filter and layout.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from bpr.export.celltext import spreadsheet_text
from bpr.export.openpyxl_adapter import add_comments, add_links
from bpr.export.workbook.cell_lines import broken, row_height
from bpr.export.workbook.paper import Pages, Printing, page_height, paginate, print_scale, set_printing
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.sheet_rows import SheetRows
from bpr.export.workbook.styles import (
    FONT_SIZE,
    HEADER,
    ONE_LINE,
    SCORE_HIGH_COLOUR,
    SCORE_LOW_COLOUR,
    TEXT,
    CellFormat,
    CellStyles,
    text_width,
)


class Pending(Protocol):
    """Where a table's rows wait to be written later, perhaps on another core (cores.TableWork)."""

    def add(self, waiting: TableSheets) -> None: ...


MAX_SHEET_TITLE = 31
PADDING = 2.0
# Rows a table holds from measuring to writing, so that it is built once; a longer one is read again to
# be written. Every table's rows are held until the rows are written (cores.py): 25 MB for 10,000
# procedures (11 MB of them 優先順位's), at most about 150 MB for any inventory.
KEPT_ROWS = 50_000


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell value with its own format, overriding the column's (a measure's colour, a warning)."""

    value: object
    fmt: CellFormat


# A value kept in its cell for sorting and filtering but not shown (";;;" shows nothing): a procedure's
# number and name on its second row and after. Such a row stays on the page of the row that shows them.
REPEATED = CellFormat(number_format=";;;")


@dataclass(frozen=True, slots=True)
class Folded:
    """A row folded under the row above it: on screen when its group is opened (＋ beside the rows), never printed."""

    cells: Sequence[object]


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, the format of its cells and the bounds of its width."""

    header: str
    fmt: CellFormat = TEXT
    min_width: float = 6.0
    max_width: float = 40.0


Row = Sequence[object] | Folded


def cells_of(row: Row) -> Sequence[object]:
    """Return the values of a row, folded or not."""
    return row.cells if isinstance(row, Folded) else row


@dataclass(frozen=True)
class Table:
    """A table of rows under one header; `rows` is called once (twice for more than KEPT_ROWS rows).

    The rows are counted as they are read; a `count` given as well is checked against them.
    """

    title: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Row]]
    count: int | None = None
    preamble: tuple[Sequence[object], ...] = ()
    frozen_columns: int = 0
    score_columns: tuple[int, ...] = field(default=())
    empty_text: str = "該当なし"
    printed_columns: int | None = None
    # The preamble prints at the top of every page with the header (a legend), or on the first page only.
    repeated_preamble: bool = False
    # A link per row, in the order `rows` gives them (None: none), put on the cell of `link_column`.
    links: Sequence[str | None] = ()
    link_column: int | None = None
    # A comment per row (None: none), shown on screen when the pointer rests on the cell of `comment_column`.
    comments: Sequence[str | None] = ()
    comment_column: int | None = None

    @property
    def header_row(self) -> int:
        """Return the 1-based row of the header."""
        return len(self.preamble) + 1


def sheet_titles(table: Table, count: int, row_limit: int) -> list[str]:
    """Return the titles of the sheets a table of `count` rows needs under a row limit: TITLE, TITLE (2), …"""
    capacity = row_limit - table.header_row
    if capacity < 1:
        raise ValueError(f"a row limit of {row_limit} leaves no room for rows under the header of {table.title}")
    sheets = max(1, math.ceil(count / capacity))
    return [table.title] + [continuation_title(table.title, n) for n in range(2, sheets + 1)]


def continuation_title(title: str, number: int) -> str:
    """Return the title of a continuation sheet, within Excel's 31 characters."""
    suffix = f" ({number})"
    return title[: MAX_SHEET_TITLE - len(suffix)] + suffix


class Measured(NamedTuple):
    """What reading a table once gives: its columns' widths, its number of rows, and the rows when few enough."""

    widths: list[float]
    size: int  # rows
    rows: list[Row] | None  # None: more than KEPT_ROWS, read again to be written
    formats: list[CellFormat]  # of the rows' cells, in order of first use


def measure_rows(table: Table) -> Measured:
    """Read a table's rows: each column's width (the widest header line or value, within its bounds), the count, the formats."""
    widest = [text_width(column.header) for column in table.columns]
    # A column as wide as its maximum stays so: its values need not be measured any more.
    full = [column.max_width - PADDING for column in table.columns]
    measured = [index for index, width in enumerate(widest) if width < full[index]]
    count = 0
    kept: list[Row] | None = []
    # By identity (a column's format serves every row), holding each format so that its id stays its own.
    formats: dict[int, CellFormat] = {}
    unused = {index: column.fmt for index, column in enumerate(table.columns)}
    for row in table.rows():
        count += 1
        if kept is not None:
            if count > KEPT_ROWS:
                kept = None
            else:
                kept.append(row)
        values = cells_of(row)
        for index, value in enumerate(values):
            if type(value) is Styled:
                formats.setdefault(id(value.fmt), value.fmt)
            elif value is not None and index in unused:
                fmt = unused.pop(index)
                formats.setdefault(id(fmt), fmt)
        filled = False
        for index in measured:
            if index >= len(values):
                break
            value = values[index]
            width = text_width(value.value if isinstance(value, Styled) else value)
            if width > widest[index]:
                widest[index] = width
                filled = filled or width >= full[index]
        if filled:
            measured = [index for index in measured if widest[index] < full[index]]
    widths = [
        min(column.max_width, max(column.min_width, width + PADDING))
        for column, width in zip(table.columns, widest, strict=True)
    ]
    return Measured(widths, count, kept, list(formats.values()))


Cells = list[tuple[object, CellFormat] | None]


@dataclass(frozen=True)
class SheetPlan:
    """A table read once and laid out: the sheets its rows need, each row's height, and each sheet's pages.

    `laid` holds the rows' cells as they are written (wrapped text broken into lines) when the table kept
    its rows, else None: they are read and laid out again to be written.
    """

    table: Table
    measured: Measured
    titles: list[str]
    title_rows: list[tuple[Cells, float | None]]  # the preamble and the header, laid out
    heights: list[float | None]
    folded: list[bool]
    laid: list[Cells] | None
    scale: int
    pages: list[Pages]  # one per sheet

    @property
    def page_count(self) -> int:
        """Return how many pages the table's sheets print on."""
        return sum(pages.count for pages in self.pages)


def plan_sheets(table: Table, row_limit: int, paper: str = "a4") -> SheetPlan:
    """Read a table's rows and lay them out: the sheets they need under a row limit, their heights and pages."""
    measured = measure_rows(table)
    if table.count is not None and table.count != measured.size:
        raise RuntimeError(f"the table {table.title} has {measured.size} rows, not the {table.count} it was given")
    titles = sheet_titles(table, measured.size, row_limit)
    widths = measured.widths
    formats = [column.fmt for column in table.columns]
    printed = table.printed_columns
    title_rows = [lay_out(row, [TEXT] * len(row), widths) for row in table.preamble]
    header = [column.header for column in table.columns]
    title_rows.append(lay_out(header, [HEADER] * len(formats), widths, printed))
    laid: list[Cells] | None = [] if measured.rows is not None else None
    heights: list[float | None] = []
    folded: list[bool] = []
    starts: list[int] = []  # the rows (0-based) that start a group kept on one page
    for row in measured.rows if measured.rows is not None else table.rows():
        cells, height = lay_out(row, formats, widths, printed)
        heights.append(height)
        folded.append(type(row) is Folded)
        first = cells_of(row)[0] if cells_of(row) else None
        if not (isinstance(first, Styled) and first.fmt is REPEATED):
            starts.append(len(heights) - 1)
        if laid is not None:
            laid.append(cells)
    scale = print_scale(widths[:printed] if printed is not None else widths, paper)
    capacity = row_limit - table.header_row
    on_title = [ONE_LINE if height is None else height for _, height in title_rows]
    pages = []
    for number in range(len(titles)):
        start, end = number * capacity, (number + 1) * capacity
        rows = on_title + [
            0.0 if hidden else ONE_LINE if height is None else height
            for height, hidden in zip(heights[start:end], folded[start:end], strict=True)
        ]
        head = 0 if table.repeated_preamble else len(table.preamble)
        groups = [len(on_title) + index - start + 1 for index in starts if start <= index < end]
        pages.append(paginate(rows, page_height(scale, paper), head=head, repeated=len(on_title) - head, groups=groups))
    return SheetPlan(table, measured, titles, title_rows, heights, folded, laid, scale, pages)


def lay_out(
    values: Row, formats: Sequence[CellFormat], widths: Sequence[float], printed: int | None = None
) -> tuple[Cells, float | None]:
    """Return a row's cells as they are written, wrapped text broken into lines, and the row's height (None: one line).

    The columns after the first `printed` (on screen only) neither break their text nor make the row taller:
    a row is as tall as what prints needs.
    """
    cells: Cells = []
    sized = []
    # A folded row never prints: its lines are its own (one item a line), not broken again at phrases.
    breaks = type(values) is not Folded
    for index, (value, column_fmt, width) in enumerate(zip(cells_of(values), formats, widths, strict=False)):
        shown, fmt = (value.value, value.fmt) if isinstance(value, Styled) else (value, column_fmt)
        if printed is not None and index >= printed:
            cells.append(None if shown is None else (shown, fmt))
            continue
        if breaks and fmt.wrap and isinstance(shown, str):
            shown = broken(shown, width)
        cells.append(None if shown is None else (shown, fmt))
        if fmt.wrap or fmt.size > FONT_SIZE:  # the only cells that can make a row taller (row_height)
            sized.append((shown, fmt))
    return cells, row_height(sized)


@dataclass
class TableSheets:
    """A table whose sheets' frames are written and whose formats are registered, waiting for its rows."""

    table: Table
    widths: list[float]
    title_rows: list[tuple[Cells, float | None]]
    laid: list[Cells] | None  # None: read again and laid out again
    heights: list[float | None]
    folded: list[bool]
    sheets: list[tuple[Any, int, str | None]]  # each sheet, the number of rows it takes, the text it shows when empty

    @property
    def cells(self) -> int:
        """Return about how many cells the rows take: what filling them costs."""
        return sum(count for _, count, _ in self.sheets) * len(self.table.columns)


def write_table(
    workbook: Any,
    plan: SheetPlan,
    styles: CellStyles,
    scope: Scope,
    pending: Pending | None = None,
    first_page: int | None = None,
    total_pages: int | None = None,
) -> None:
    """Write a planned table on its sheets, splitting its rows at the scope's row limit.

    With `pending` (a `TableWork`), the sheets' frames are written now and their rows when it runs.
    `first_page` and `total_pages` number its pages in the workbook's footer (None: the application counts).
    """
    waiting = frame_table(workbook, plan, styles, scope, first_page, total_pages)
    if pending is None:
        fill_table(waiting, styles)
    else:
        pending.add(waiting)


def frame_table(
    workbook: Any,
    plan: SheetPlan,
    styles: CellStyles,
    scope: Scope,
    first_page: int | None = None,
    total_pages: int | None = None,
) -> TableSheets:
    """Write a planned table's sheets' frames and register every format its cells use; return it waiting for rows."""
    table, titles = plan.table, plan.titles
    widths, count, _, formats = plan.measured
    capacity = scope.row_limit - table.header_row
    sheets = []
    page = first_page
    for number, title in enumerate(titles):
        sheet = workbook.create_sheet(title)
        on_sheet = max(0, min(capacity, count - number * capacity))
        empty_text = table.empty_text if number == 0 and on_sheet == 0 else None
        start = number * capacity
        links = table.links[start : start + on_sheet] if table.links else ()
        comments = table.comments[start : start + on_sheet] if table.comments else ()
        printing = Printing(plan.scale, plan.pages[number], page, total_pages)
        folds = any(plan.folded[start : start + on_sheet])
        _write_frame(sheet, table, widths, on_sheet, scope, printing, links, comments, folds)
        sheets.append((sheet, on_sheet, empty_text))
        page = None if page is None else page + plan.pages[number].count
    # Every format the rows use is registered now, in the order the cells use them, so that the rows can be
    # written in any order, or by another process (TableWork), with the same style indices.
    preamble = [value.fmt if isinstance(value, Styled) else TEXT for row in table.preamble for value in row]
    for fmt in [*preamble, HEADER, *formats, TEXT]:
        styles.style_index(sheets[0][0], fmt)
    return TableSheets(table, widths, plan.title_rows, plan.laid, plan.heights, plan.folded, sheets)


def fill_table(waiting: TableSheets, styles: CellStyles) -> None:
    """Write a table's rows into its sheets' frames."""
    table = waiting.table
    formats = [column.fmt for column in table.columns]
    if waiting.laid is not None:
        rows: Iterator[Cells] = iter(waiting.laid)
    else:
        rows = (lay_out(row, formats, waiting.widths, table.printed_columns)[0] for row in table.rows())
    heights = iter(zip(waiting.heights, waiting.folded, strict=True))
    for sheet, count, empty_text in waiting.sheets:
        with SheetRows(sheet, styles) as out:
            for cells, height in waiting.title_rows:
                out.append(cells, height)
            written = 0
            for cells in itertools.islice(rows, count):
                height, folded = next(heights)
                out.append(cells, height, folded)
                written += 1
            if written != count:
                raise RuntimeError(f"the table {table.title} gave {count} rows, then {written}")
            if empty_text is not None:
                out.append([(empty_text, TEXT)])


def _write_frame(
    sheet: Any,
    table: Table,
    widths: list[float],
    count: int,
    scope: Scope,
    printing: Printing,
    links: Sequence[str | None],
    comments: Sequence[str | None],
    folds: bool = False,
) -> None:
    """Set a table sheet's widths, panes, printing, filter, colour scales, links and comments, and close it (its frame)."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    last_column = get_column_letter(len(table.columns))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(width, 1)
    if folds:
        from openpyxl.worksheet.properties import Outline

        # The ＋ that opens a group of folded rows stands beside the row above them (its summary).
        sheet.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=True)
        sheet.sheet_format.outlineLevelRow = 1
    header_row = table.header_row
    sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}{header_row + 1}"
    set_printing(
        sheet,
        printing,
        title=scope.title,
        footer=scope.footer,
        title_rows=(1 if table.repeated_preamble else header_row, header_row),
        paper=scope.paper,
        issuer=scope.issuer,
    )
    # The frame of the sheet is written before its rows (SheetRows), so the rows are counted beforehand.
    last_row = header_row + max(count, 1)
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    # Always an area: without one, LibreOffice prints text that overflows the last column on a page of its own.
    sheet.print_area = f"A1:{get_column_letter(table.printed_columns or len(table.columns))}{last_row}"
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
    if table.link_column is not None:
        # openpyxl writes a sheet's links (and their relationships) with its frame, before SheetRows writes
        # the rows: the links are known by row number beforehand.
        letter = get_column_letter(table.link_column + 1)
        add_links(
            sheet, ((f"{letter}{header_row + 1 + offset}", target) for offset, target in enumerate(links) if target)
        )
    if table.comment_column is not None:
        letter = get_column_letter(table.comment_column + 1)
        add_comments(
            sheet,
            (
                (f"{letter}{header_row + 1 + offset}", spreadsheet_text(text))
                for offset, text in enumerate(comments)
                if text
            ),
        )
    sheet.close()
