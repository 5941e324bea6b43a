"""Reading a filled 調査票 back into inventory data shaped like a YAML file, remembering each value's cell.

The result is plain data (``{"version": 1, "counter": {...}, "procedures": [...]}``) for the format's
own checks, with, for every path such as ``("procedures", 3, "steps", 2, "effort")``, the sheet and cell
it came from, so that every problem found later is reported as ``FILE.xlsx!SHEET!CELL``. What the
reader cannot even read (a label not in a drop-down, a 次の工程 it cannot parse) is a finding of its own,
with the same codes as `bpr validate`.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bpr.i18n import _
from bpr.inventory.problem import YamlInputError
from bpr.inventory.rules.base import PathKey, RuleFinding, did_you_mean
from bpr.inventory.sources import read_bytes
from bpr.survey.sheets.cells import CellError, as_text, is_blank, read_cell
from bpr.survey.sheets.layout import (
    ATTACHMENT_COLUMNS,
    ATTACHMENT_SHEET,
    BASE_SHEET,
    COUNTER_COLUMNS,
    COUNTER_SHEET,
    FIRST_ROW,
    HEADER_ROW,
    LATER_COUNTER_LINES,
    PROCEDURE_COLUMNS,
    PROCEDURE_SHEET,
    REQUIRED_MARK,
    SHEET_ORDER,
    STEP_COLUMNS,
    STEP_SHEET,
    CellKind,
    Column,
    column_letter,
)
from bpr.survey.xlsxguard import ArchiveTooLarge, check_archive

# Past this many rows in a row an empty table has ended: a sheet whose used range reaches row 1,048,576
# (a format applied to whole columns) is not walked to the bottom.
MAX_EMPTY_RUN = 1000
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
# A 調査票 of a counter with a thousand procedures and their flows is a few MiB; a returned form is read
# whole into memory, so a larger file is refused with this limit.
MAX_FORM_BYTES = 64 * 1024 * 1024
# What a damaged workbook raises: not a zip, a member missing or cut short, XML that does not parse
# (ElementTree's ParseError is a SyntaxError).
BROKEN_FILE: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    SyntaxError,
)


@dataclass(frozen=True, slots=True)
class CellRef:
    """A cell of the 調査票: sheet, 1-based row and column."""

    sheet: str
    row: int
    column: int

    @property
    def coordinate(self) -> str:
        """Return the cell's A1 name, e.g. F12."""
        return f"{column_letter(self.column - 1)}{self.row}"


@dataclass
class WorkbookData:
    """A 調査票 read back: its inventory data, where each value came from, and what could not be read."""

    path: Path
    display: str
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[PathKey, CellRef] = field(default_factory=dict)
    findings: list[tuple[str, RuleFinding]] = field(default_factory=list)
    headers: dict[PathKey, str] = field(default_factory=dict)  # the column header of each recorded path
    unreadable: str | None = None  # why the file is no 調査票 at all
    # A worklist 調査票 (`bpr survey export --worklist`, keyword `worklist`) holds only some of its counter's
    # procedures: the others are not removed on its account.
    worklist: bool = False
    # Each procedure as `bpr survey export` wrote it (the form's very hidden sheet), by id: the base of the
    # three-way merge. None for a form written before the base was kept.
    base: dict[str, dict[str, Any]] | None = None

    def location(self, cell: CellRef) -> str:
        """Return 'FILE.xlsx!SHEET!CELL'."""
        return f"{self.display}!{cell.sheet}!{cell.coordinate}"

    def cell_of(self, path: PathKey) -> CellRef | None:
        """Return the cell of a path, or of its nearest recorded parent."""
        for length in range(len(path), -1, -1):
            found = self.cells.get(path[:length])
            if found is not None:
                return found
        return None

    def add(self, code: str, path: PathKey, message: str) -> None:
        """Record a finding of the reader at a path."""
        self.findings.append((code, RuleFinding(path, message)))


class NotASurvey(Exception):
    """The file is no 調査票 written by `bpr survey export`."""


def read_workbook(path: Path, display: str | None = None) -> WorkbookData:
    """Read a filled 調査票; never raises for bad input (see `unreadable` and `findings`)."""
    result = WorkbookData(path, display if display is not None else str(path))
    try:
        workbook = _open(path)
    except NotASurvey as exc:
        result.unreadable = str(exc)
        return result
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _Reader(result, workbook).read()
    except NotASurvey as exc:
        result.unreadable = str(exc)
    except BROKEN_FILE as exc:  # read-only sheets are parsed while they are read
        result.unreadable = _("cannot be read as an Excel workbook ({reason})").format(reason=_reason(exc))
    finally:
        workbook.close()
    return result


def read_base(workbook: Any) -> dict[str, dict[str, Any]] | None:
    """Return each procedure as exported, from the form's base sheet; None without one or when it is unreadable."""
    if BASE_SHEET not in workbook.sheetnames:
        return None
    base: dict[str, dict[str, Any]] = {}
    for row in workbook[BASE_SHEET].iter_rows(values_only=True):
        if not row or not isinstance(row[0], str):
            continue
        text = "".join(cell for cell in row[1:] if isinstance(cell, str))
        try:
            data = json.loads(text)
        except ValueError:
            return None  # a damaged base: merged as a form without one (the form's values win)
        if not isinstance(data, dict):
            return None
        base[row[0]] = data
    return base


def is_worklist(workbook: Any) -> bool:
    """Tell whether an open workbook is a worklist 調査票, from the keywords `bpr survey export` gave it."""
    from bpr.survey.sheets.export import WORKLIST_KEYWORD

    keywords = getattr(getattr(workbook, "properties", None), "keywords", None)
    words = keywords.split() if isinstance(keywords, str) else []
    return bool(words) and words[0] == "bpr-survey" and WORKLIST_KEYWORD in words[1:]


def _open(path: Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        raise NotASurvey(
            _("is not an Excel workbook (.xlsx): save the 調査票 as an Excel workbook ({name})").format(name=path.name)
        )
    try:
        # Through the one guarded reader: a FIFO, a device or a link to one is refused before it is opened
        # (a FIFO named s.xlsx blocked forever; a link to /dev/zero grew without end), and so is a file
        # over the size limit.
        raw = read_bytes(path, MAX_FORM_BYTES)
        check_archive(raw)
    except YamlInputError as exc:
        raise NotASurvey(exc.message) from None
    except ArchiveTooLarge as exc:
        raise NotASurvey(str(exc)) from None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it skips (data validation, extensions): nothing for the reader of bpr.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (*BROKEN_FILE, InvalidFileException, ValueError, TypeError) as exc:
        raise NotASurvey(_("cannot be read as an Excel workbook ({reason})").format(reason=_reason(exc))) from None


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class _Reader:
    """Walks the sheets of one workbook into its WorkbookData."""

    def __init__(self, result: WorkbookData, workbook: Any) -> None:
        self.result = result
        self.workbook = workbook
        missing = [name for name in SHEET_ORDER[1:] if name not in workbook.sheetnames]
        if missing:
            raise NotASurvey(
                _(
                    "has no sheet {sheets}: it is not a 調査票 written by `bpr survey export`, "
                    "or a sheet was renamed or deleted"
                ).format(sheets="、".join(missing))
            )
        self.procedures: list[dict[str, Any]] = []
        self.procedure_index: dict[str, int] = {}

    def read(self) -> None:
        self.result.worklist = is_worklist(self.workbook)
        self.result.base = read_base(self.workbook)
        data = self.result.data
        data["version"] = 1
        data["counter"] = self._counter()
        data["procedures"] = self.procedures
        # A sheet with no procedure left: the problem is at its first row.
        self.result.cells[("procedures",)] = CellRef(PROCEDURE_SHEET, FIRST_ROW, 1)
        self._procedures()
        self._children(STEP_SHEET, STEP_COLUMNS, "steps")
        self._children(ATTACHMENT_SHEET, ATTACHMENT_COLUMNS, "attachments")

    def _counter(self) -> dict[str, Any]:
        sheet = self.workbook[COUNTER_SHEET]
        by_header = {column.header: column for column in COUNTER_COLUMNS}
        counter: dict[str, Any] = {}
        self.result.cells[("counter",)] = CellRef(COUNTER_SHEET, FIRST_ROW, 2)
        self.result.cells[()] = CellRef(COUNTER_SHEET, FIRST_ROW, 2)
        seen = set()
        for number, row in enumerate(sheet.iter_rows(min_row=FIRST_ROW, max_col=2, values_only=True), FIRST_ROW):
            label = _header_text(row[0] if row else None)
            column = by_header.get(label)
            if column is None:
                continue
            seen.add(column.header)
            self._put(
                counter, ("counter",), column, CellRef(COUNTER_SHEET, number, 2), row[1] if len(row) > 1 else None
            )
        lost = [c.header for c in COUNTER_COLUMNS if c.header not in seen and c.header not in LATER_COUNTER_LINES]
        if lost:
            raise NotASurvey(
                _("has no line {lines} on the sheet {sheet}: was the sheet changed?").format(
                    lines="、".join(lost), sheet=COUNTER_SHEET
                )
            )
        return counter

    def _procedures(self) -> None:
        for number, values in self._rows(PROCEDURE_SHEET, PROCEDURE_COLUMNS):
            index = len(self.procedures)
            procedure: dict[str, Any] = {}
            prefix: PathKey = ("procedures", index)
            self.result.cells[prefix] = CellRef(PROCEDURE_SHEET, number, 1)
            # A procedure without a step row: its `steps` is missing, at the procedure's row.
            self.result.cells[(*prefix, "steps")] = CellRef(PROCEDURE_SHEET, number, 1)
            for position, column, value in values:
                self._put(procedure, prefix, column, CellRef(PROCEDURE_SHEET, number, position + 1), value)
            self.procedures.append(procedure)
            procedure_id = procedure.get("id")
            if isinstance(procedure_id, str):
                self.procedure_index.setdefault(procedure_id, index)

    def _children(self, sheet_name: str, columns: Sequence[Column], key: str) -> None:
        """Read the rows of 業務フロー or 添付書類 into the `steps` or `attachments` of their procedures."""
        for number, values in self._rows(sheet_name, columns):
            owner_position, owner_column, owner_value = next(v for v in values if v[1].kind is CellKind.PROCEDURE)
            owner_cell = CellRef(sheet_name, number, owner_position + 1)
            row_path: PathKey = (sheet_name, number)
            self.result.cells[row_path] = owner_cell
            if is_blank(owner_value):
                self.result.add(
                    "missing-field",
                    row_path,
                    _("missing required field 'procedure' ({header}): choose the procedure this row belongs to").format(
                        header=owner_column.header
                    ),
                )
                continue
            owner = as_text(owner_value).strip()
            index = self.procedure_index.get(owner)
            if index is None:
                self.result.add(
                    "unknown-reference",
                    row_path,
                    _("this row belongs to procedure '{procedure}', which is not on the sheet {sheet}{hint}").format(
                        procedure=owner, sheet=PROCEDURE_SHEET, hint=did_you_mean(owner, self.procedure_index)
                    ),
                )
                continue
            items = self.procedures[index].setdefault(key, [])
            prefix: PathKey = ("procedures", index, key, len(items))
            if not items:
                # Whole-flow findings (no end, no effort) point at the procedure's first step row.
                self.result.cells[("procedures", index, key)] = owner_cell
            # A finding about the item as a whole points at its id (a step) or its name (an attachment).
            first = next(p for p, column, _value in values if column.path in (("id",), ("name",)))
            self.result.cells[prefix] = CellRef(sheet_name, number, first + 1)
            item: dict[str, Any] = {}
            for position, column, value in values:
                if column.path:
                    self._put(item, prefix, column, CellRef(sheet_name, number, position + 1), value)
            items.append(item)

    def _rows(self, sheet_name: str, columns: Sequence[Column]) -> Iterator[tuple[int, list[tuple[int, Column, Any]]]]:
        """Yield (row number, [(column position, column, value)]) for every row with something in an input column."""
        sheet = self.workbook[sheet_name]
        read = self._positions(sheet, sheet_name, columns)
        empty_run = 0
        for number, row in enumerate(sheet.iter_rows(min_row=FIRST_ROW, values_only=True), FIRST_ROW):
            values = [(position, column, row[position] if position < len(row) else None) for position, column in read]
            if all(is_blank(value) for _position, _column, value in values):
                empty_run += 1
                if empty_run > MAX_EMPTY_RUN:
                    return
                continue
            empty_run = 0
            yield number, values

    def _positions(self, sheet: Any, sheet_name: str, columns: Sequence[Column]) -> list[tuple[int, Column]]:
        """Return (position, column) of each column read, found by its header; raise NotASurvey when one is lost."""
        header = next(sheet.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
        found = {_header_text(text): position for position, text in enumerate(header)}
        positions = []
        lost = []
        for column in columns:
            if column.kind is CellKind.LOOKUP:
                continue
            if column.header in found:
                positions.append((found[column.header], column))
            else:
                lost.append(column.header)
        if lost:
            raise NotASurvey(
                _("has no column {columns} in row {row} of the sheet {sheet}: was the sheet changed?").format(
                    columns="、".join(lost), row=HEADER_ROW, sheet=sheet_name
                )
            )
        return positions

    def _put(self, target: dict[str, Any], prefix: PathKey, column: Column, cell: CellRef, value: Any) -> None:
        """Read one cell into its field, recording its cell; blank cells leave the field out."""
        path = (*prefix, *column.path)
        self.result.cells[path] = cell
        self.result.headers[path] = column.header
        if is_blank(value):
            return
        try:
            parsed = read_cell(column, value)
        except CellError as exc:
            self.result.add("invalid-value", path, str(exc))
            parsed = as_text(value).strip()  # the model refuses it too, at the same cell: reported once
        if parsed in (None, []) and column.kind is not CellKind.SUCCESSORS:
            return
        _set(target, column.path, parsed)


def _set(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _header_text(value: Any) -> str:
    return as_text(value).strip().removeprefix(REQUIRED_MARK).strip() if value is not None else ""
