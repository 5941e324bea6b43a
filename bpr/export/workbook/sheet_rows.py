"""The rows of a table sheet, written as worksheet XML by bpr itself: what openpyxl writes, in a fraction of the time.

For each cell of a write-only sheet openpyxl builds a Cell, binds and checks its value, hashes its style
array to find the style's index, and drives lxml's incremental writer element by element: some 20 µs a
cell, two thirds of `bpr roadmap` on 10,000 procedures (650,000 cells). The table sheets write their rows
here instead. openpyxl still writes the frame of the sheet (properties, panes, column widths, filter,
colour scales, print settings) around an empty ``<sheetData>``; `SheetRows` fills that element in place,
each cell as openpyxl's lxml writer writes it (strings inline, numbers as ``%.16g``, the style's index in
the workbook, the same types and attributes), in UTF-8 rather than ASCII with character references. The
content is the same cell for cell: tests/test_workbook_golden.py compares it with dumps written by
openpyxl's cells (benchmarks/workbook_dump.py).

The sheets with merged cells, links and charts (概要, 算定方法) are a few hundred cells and stay
with openpyxl's cells (`CellStyles.cell`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

from bpr.export.celltext import spreadsheet_text
from bpr.export.openpyxl_adapter import sheet_file
from bpr.export.workbook.styles import CellFormat, CellStyles

# What openpyxl's write-only sheet writes for a sheet without rows: the place the rows go.
EMPTY_SHEET_DATA = b"<sheetData></sheetData>"
FLUSH_CHARACTERS = 1 << 20  # rows are encoded and written in batches of about this many characters

Cell = tuple[object, CellFormat] | None


@dataclass(frozen=True)
class SheetFile:
    """A closed write-only sheet as another process knows it: the file its frame was written to, and its title."""

    path: str
    title: str


class SheetRows:
    """Writes rows of (value, format) cells into a closed write-only sheet's file, where its rows belong.

    Use as a context manager, after every property of the sheet is set: entering closes the sheet unless it
    is closed already (openpyxl writes its frame), `append` adds rows, and leaving completes the file. A row is as tall as `height`
    says (points), or the sheet's default height when it is None. In a process that has not the sheet
    itself, a `SheetFile` names its closed frame.
    """

    def __init__(self, sheet: Any | SheetFile, styles: CellStyles) -> None:
        self.sheet = sheet
        self.styles = styles
        self.row = 0
        self._known: dict[int, tuple[CellFormat, str]] = {}
        self._letters: list[str] = []
        self._pending: list[str] = []
        self._pending_size = 0
        self._file: IO[bytes] | None = None
        self._tail = b""

    def __enter__(self) -> SheetRows:
        if isinstance(self.sheet, SheetFile):  # written by another process (cores.py)
            path = self.sheet.path
        else:
            if not self.sheet.closed:
                self.sheet.close()
            path = sheet_file(self.sheet)
        with open(path, "rb") as frame:
            head, found, tail = frame.read().partition(EMPTY_SHEET_DATA)
        if not found:
            raise RuntimeError(f"openpyxl wrote no empty <sheetData> for the sheet {self.sheet.title!r}")
        self._tail = b"</sheetData>" + tail
        self._file = open(path, "wb")  # closed in __exit__
        self._file.write(head + b"<sheetData>")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        assert self._file is not None
        try:
            if kind is None:
                self._flush()
                self._file.write(self._tail)
        finally:
            self._file.close()

    def append(self, cells: Sequence[Cell], height: float | None = None, folded: bool = False) -> None:
        """Add a row of cells (None leaves a column empty); a folded row is hidden in a group (outline level 1)."""
        self.row += 1
        number = str(self.row)
        size = "" if height is None else f' ht="{height:.16g}" customHeight="1"'
        fold = ' hidden="1" outlineLevel="1"' if folded else ""
        parts = [f'<row r="{number}"{size}{fold}>']
        known = self._known
        letters = self._letters
        if len(cells) > len(letters):
            letters.extend(_column_letter(index) for index in range(len(letters), len(cells)))
        for column, cell in enumerate(cells):
            if cell is None:
                continue
            value, fmt = cell
            style = known.get(id(fmt))
            if style is None:
                # Keyed by identity (a column's format serves every row), holding the format so that its
                # id is not reused; equal formats made apart share one style (CellStyles).
                style = known[id(fmt)] = (fmt, self._style_attribute(fmt))
            kind = type(value)
            if kind is str:
                content = _inline_string(value)
            elif kind is int:
                content = f' t="n"><v>{"%.16g" % value}</v>'  # type: ignore[str-format]  # noqa: UP031 (an int is finite)
            elif kind is float:
                content = f' t="n"><v>{_number(value)}</v>'  # type: ignore[arg-type]
            else:
                content = _value_xml(value)
            parts.append(f'<c r="{letters[column]}{number}"{style[1]}{content}</c>')
        parts.append("</row>")
        text = "".join(parts)
        self._pending.append(text)
        self._pending_size += len(text)
        if self._pending_size >= FLUSH_CHARACTERS:
            self._flush()

    def _style_attribute(self, fmt: CellFormat) -> str:
        """Return the cells' style attribute of a format, registered in the workbook on first use, as openpyxl does."""
        index = self.styles.style_index(self.sheet, fmt)
        return "" if index is None else f' s="{index}"'

    def _flush(self) -> None:
        assert self._file is not None
        # UTF-8, XML's encoding when none is declared (openpyxl's frame is ASCII, a part of it). lxml writes
        # openpyxl's rows as ASCII with a character reference for every other character: 8 bytes for a
        # kanji instead of 3, which made the sheets 2.5 times larger and slower to encode and compress.
        self._file.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()
        self._pending_size = 0


def _value_xml(value: object) -> str:
    """Return the type attribute and content of a cell, as openpyxl writes them (after the style attribute)."""
    if isinstance(value, str):
        return _inline_string(value)
    if isinstance(value, bool):
        return f' t="b"><v>{value:d}</v>'
    if isinstance(value, int | float):
        return f' t="n"><v>{_number(value)}</v>'
    if value is None:
        return ' t="n">'
    raise TypeError(f"a workbook cell cannot hold {type(value).__name__}: {value!r}")


def _number(value: float) -> str:
    # openpyxl's safe_string: 16 significant digits; NaN and infinities leave the value empty.
    return "%.16g" % value if math.isfinite(value) else ""  # noqa: UP031 (openpyxl's format, for every number)


@functools.lru_cache(maxsize=4096)  # names, labels and marks repeat on every row; a reason passes once
def _inline_string(text: str) -> str:
    """Return an inline string cell's type and content: text is always a string, never a formula."""
    cleaned = spreadsheet_text(text)
    if not cleaned:
        return ' t="inlineStr">'
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    space = ' xml:space="preserve"' if cleaned != cleaned.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escaped}</t></is>'


def _column_letter(index: int) -> str:
    """Return the letter of a 0-based column: A, B, … Z, AA, …"""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))
