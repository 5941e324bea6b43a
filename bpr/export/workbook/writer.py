"""A sheet of blocks (概要, 算定方法), composed row by row, then paginated, then written.

The rows are held until the sheet is written: their heights say where its pages break (a heading starts
a block that moves to the next page whole rather than split, when it fits on one), and 概要 can name the
pages of every sheet on its first page before it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bpr.export.workbook.cell_lines import broken, row_height
from bpr.export.workbook.paper import Pages, Printing, page_height, paginate, print_scale, set_printing
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import HEADER, HEADING, ONE_LINE, CellFormat, CellStyles

HEADING_ROW_HEIGHT = 24.0

Cell = tuple[object, CellFormat] | tuple[object, CellFormat, int]


@dataclass(frozen=True)
class _Row:
    """A composed row: its cells (value, format, columns spanned), its height, its links by position."""

    cells: tuple[tuple[object, CellFormat, int] | None, ...]
    height: float | None
    links: dict[int, str] = field(default_factory=dict)


@dataclass
class SheetWriter:
    """Composes the rows of a sheet of fixed column widths and remembers where it is (for charts and breaks)."""

    widths: dict[str, float]  # letter → width, in the order of the columns
    rows: list[_Row] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # rows that start a block kept on one page
    forced: list[int] = field(default_factory=list)  # rows that end a page

    @property
    def row(self) -> int:
        """Return the number of the last row composed (0 before the first)."""
        return len(self.rows)

    def add(self, *cells: Cell | None, links: dict[int, str] | None = None) -> int:
        """Add a row of (value, format[, columns spanned]) cells, as tall as its wrapped text needs.

        Wrapped text is broken into lines between phrases at the width of its cell (cell_lines.py).
        `links` maps a 0-based position among `cells` to a place in the workbook ('シート'!A1) or a file.
        """
        widths = list(self.widths.values())
        composed: list[tuple[object, CellFormat, int] | None] = []
        sized = []
        column = 0
        for cell in cells:
            if cell is None:
                composed.append(None)
                column += 1
                continue
            value, fmt = cell[0], cell[1]
            span = cell[2] if len(cell) == 3 else 1
            width = sum(widths[column : column + span])
            if fmt.wrap and isinstance(value, str):
                value = broken(value, width)
            composed.append((value, fmt, span))
            sized.append((value, fmt))
            column += span
        self.rows.append(_Row(tuple(composed), row_height(sized), dict(links or {})))
        return self.row

    def reserve(self, rows: int) -> int:
        """Leave empty rows (room for a chart) and return the first of them."""
        first = self.row + 1
        for _ in range(rows):
            self.blank()
        return first

    def blank(self) -> None:
        """Add an empty row."""
        self.rows.append(_Row((), None))

    def heading(self, text: str) -> None:
        """Add a heading row, taller than the others: the block it starts is kept on one page when it fits."""
        self.rows.append(_Row(((text, HEADING, 1),), HEADING_ROW_HEIGHT))
        self.groups.append(self.row)

    def line(self, text: str, fmt: CellFormat) -> None:
        """Add a line of text across the used columns (merged), wrapped when longer than they are wide."""
        self.add((text, replace(fmt, wrap=True), len(self.widths)))

    def header(self, *labels: str | tuple[str, int]) -> int:
        """Add a table header row of labels (or (label, columns spanned)); return its number."""
        return self.add(
            *((label, HEADER) if isinstance(label, str) else (label[0], HEADER, label[1]) for label in labels)
        )

    def truncate(self, row: int) -> None:
        """Drop the rows composed after `row` (to compose them again another way)."""
        del self.rows[row:]
        self.groups = [start for start in self.groups if start <= row]
        self.forced = [end for end in self.forced if end <= row]

    def end_page(self) -> None:
        """End the page after the last row composed."""
        self.forced.append(self.row)

    def first_page_holds(self, paper: str = "a4") -> bool:
        """Tell whether every row composed so far fits on the first page."""
        return sum(ONE_LINE if row.height is None else row.height for row in self.rows) <= page_height(
            self.scale, paper
        )

    @property
    def scale(self) -> int:
        """Return the scale the sheet prints at: its columns across the page's width, at most 100 %."""
        return print_scale(self.widths.values())

    def pages(self, paper: str = "a4") -> Pages:
        """Return where the sheet's pages break, at its scale."""
        heights = [ONE_LINE if row.height is None else row.height for row in self.rows]
        return paginate(heights, page_height(self.scale, paper), groups=self.groups, forced=self.forced)

    def write(self, sheet: Any, styles: CellStyles) -> None:
        """Write the composed rows into a write-only sheet: values in their formats, merged spans, heights, links."""
        from openpyxl.utils import get_column_letter

        for letter, width in self.widths.items():
            sheet.column_dimensions[letter].width = width
        for number, row in enumerate(self.rows, start=1):
            values: list[object] = []
            column = 0
            for position, cell in enumerate(row.cells):
                if cell is None:
                    values.append(None)
                    column += 1
                    continue
                value, fmt, span = cell
                written = styles.cell(sheet, value, fmt)
                target = row.links.get(position)
                if target is not None:
                    written.hyperlink = _hyperlink(target)
                values.append(written)
                if span > 1:
                    # The covered cells carry the format too, so that the merged cell's border is whole.
                    values.extend(styles.cell(sheet, None, fmt) for _ in range(span - 1))
                    first, last = get_column_letter(column + 1), get_column_letter(column + span)
                    sheet.merged_cells.add(f"{first}{number}:{last}{number}")
                column += span
            # Every row's height is written, the default too: LibreOffice sets an empty row at its own
            # height, and a chart over empty rows (概要) would then reach into the next page.
            sheet.row_dimensions[number].height = ONE_LINE if row.height is None else row.height
            sheet.append(values)


def _hyperlink(target: str) -> Any:
    """Return a hyperlink to a place in the workbook ('シート'!A1) or to a file (a relative path)."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    if "!" in target:
        return Hyperlink(ref="", location=target)
    return Hyperlink(ref="", target=target)


def write_composed(
    workbook: Any, title: str, out: SheetWriter, styles: CellStyles, scope: Scope, printing: Printing
) -> Any:
    """Create a sheet, set how it prints and write a composed sheet's rows into it; return the sheet."""
    sheet = workbook.create_sheet(title)
    set_printing(
        sheet, printing, title=scope.title, footer=scope.footer, title_rows=None, paper=scope.paper, issuer=scope.issuer
    )
    out.write(sheet, styles)
    return sheet
