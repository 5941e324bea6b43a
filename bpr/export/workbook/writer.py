"""A sheet written row by row in openpyxl's write-only mode: cells in formats, merged spans, headings, lines."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bpr.export.workbook.styles import HEADER, HEADING, CellFormat, CellStyles, row_height

HEADING_ROW_HEIGHT = 26.0

Cell = tuple[object, CellFormat] | tuple[object, CellFormat, int]


@dataclass
class SheetWriter:
    """Appends rows to a write-only sheet of fixed column widths and remembers where it is (for charts)."""

    sheet: Any
    styles: CellStyles
    widths: dict[str, float]  # letter → width, in the order of the columns
    row: int = 0

    def add(self, *cells: Cell | None, links: dict[int, str] | None = None) -> int:
        """Add a row of (value, format[, columns spanned]) cells, as tall as its wrapped text needs.

        `links` maps a 0-based position among `cells` to a place in the workbook ('シート'!A1) or a file.
        """
        from openpyxl.utils import get_column_letter

        self.row += 1
        widths = list(self.widths.values())
        values: list[object] = []
        sized = []
        column = 0
        for cell in cells:
            if cell is None:
                values.append(None)
                column += 1
                continue
            value, fmt = cell[0], cell[1]
            span = cell[2] if len(cell) == 3 else 1
            written = self.styles.cell(self.sheet, value, fmt)
            target = (links or {}).get(len(values))
            if target is not None:
                written.hyperlink = _hyperlink(target)
            values.append(written)
            sized.append((value, fmt, sum(widths[column : column + span])))
            if span > 1:
                # The covered cells carry the format too, so that the merged cell's border is whole.
                values.extend(self.styles.cell(self.sheet, None, fmt) for _ in range(span - 1))
                first, last = get_column_letter(column + 1), get_column_letter(column + span)
                self.sheet.merged_cells.add(f"{first}{self.row}:{last}{self.row}")
            column += span
        height = row_height(sized)
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(values)
        return self.row

    def reserve(self, rows: int) -> int:
        """Leave empty rows (room for a chart) and return the first of them."""
        first = self.row + 1
        for _ in range(rows):
            self.blank()
        return first

    def blank(self) -> None:
        """Add an empty row."""
        self.sheet.append([])
        self.row += 1

    def heading(self, text: str) -> None:
        """Add a heading row, taller than the others: the space above it separates the tables."""
        self.row += 1
        self.sheet.row_dimensions[self.row].height = HEADING_ROW_HEIGHT
        self.sheet.append([self.styles.cell(self.sheet, text, HEADING)])

    def line(self, text: str, fmt: CellFormat) -> None:
        """Add a line of text across the used columns (merged), wrapped when longer than they are wide."""
        self.add((text, replace(fmt, wrap=True), len(self.widths)))

    def header(self, *labels: str | tuple[str, int]) -> int:
        """Add a table header row of labels (or (label, columns spanned)); return its number."""
        return self.add(
            *((label, HEADER) if isinstance(label, str) else (label[0], HEADER, label[1]) for label in labels)
        )


def _hyperlink(target: str) -> Any:
    """Return a hyperlink to a place in the workbook ('シート'!A1) or to a file (a relative path)."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    if "!" in target:
        return Hyperlink(ref="", location=target)
    return Hyperlink(ref="", target=target)
