"""Writing the 調査票: one workbook per counter that section staff fill in, prefilled from the inventory.

Sheets: 記入要領 (how to fill it in), 窓口, 手続一覧, 業務フロー, 添付書類. Input cells are unlocked and
the sheets protected without a password; enums are drop-downs of their Japanese labels; every table
has spare rows for additions. The workbook is written atomically and reproducibly: the same inventory
gives the same bytes (timestamps from SOURCE_DATE_EPOCH, else the survey date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bpr.inventory.models import Counter, Procedure
from bpr.inventory.records import Inventory
from bpr.survey.sheets.guide import write_guide
from bpr.survey.sheets.layout import (
    ATTACHMENT_COLUMNS,
    ATTACHMENT_SHEET,
    COUNTER_COLUMNS,
    COUNTER_SHEET,
    FIRST_ROW,
    HEADER_ROW,
    PROCEDURE_COLUMNS,
    PROCEDURE_SHEET,
    SPARE_ROWS,
    STEP_COLUMNS,
    STEP_SHEET,
    CellKind,
    Column,
    column_letter,
)
from bpr.survey.sheets.sheetstyle import SheetStyle, protect, set_layout
from bpr.survey.sheets.values import cell_value, field_value, percent_format

__all__ = ["counter_file_names", "write_survey_workbook", "write_survey_workbooks"]

# Ids do not wrap at a word: their columns are as wide as the longest (LibreOffice draws ASCII a little wider).
ID_PADDING = 3.0
MAX_ID_WIDTH = 32.0
INPUT_NOTE = "白い欄に記入してください (※は必須)。灰色の欄は変更できません。書き方は「記入要領」シートにあります。"


@dataclass(frozen=True)
class CounterSurvey:
    """What one 調査票 holds: a counter and its procedures, in file order."""

    counter: Counter
    procedures: tuple[Procedure, ...]


def counter_surveys(inventory: Inventory) -> list[CounterSurvey]:
    """Return one survey per loaded file with a valid counter, in path order."""
    return [
        CounterSurvey(loaded.counter, tuple(procedure for _, procedure in loaded.procedures))
        for loaded in inventory.files
        if loaded.counter is not None
    ]


def counter_file_names(counter_ids: Iterable[str]) -> list[str]:
    """Return one workbook name per counter id (shimin.xlsx), safe on every file system and never a reserved name."""
    from bpr.export.workbook import unique_file_names

    return unique_file_names(counter_ids)


def write_survey_workbooks(inventory: Inventory, out_dir: Path, counters: Collection[str] | None = None) -> list[Path]:
    """Write one 調査票 per counter (or per counter of `counters`) into `out_dir`, named after the counter id."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    surveys = counter_surveys(inventory)
    written = []
    # Names come from every counter, so that a counter's workbook has one name however many are written.
    for survey, name in zip(surveys, counter_file_names(s.counter.id for s in surveys), strict=True):
        if counters is not None and survey.counter.id not in counters:
            continue
        path = folder / name
        write_survey_workbook(survey, path)
        written.append(path)
    return written


def write_survey_workbook(survey: CounterSurvey, path: Path) -> None:
    """Write the 調査票 of one counter to `path`, atomically and reproducibly."""
    from bpr.export.safe import atomic_write
    from bpr.export.workbook import document_time

    surveyed_on = survey.counter.surveyed_on.isoformat() if survey.counter.surveyed_on else None
    stamp = document_time(surveyed_on)
    atomic_write(Path(path), lambda temporary: _save(survey, stamp, temporary))


def _save(survey: CounterSurvey, stamp: dt.datetime, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.writer.excel import ExcelWriter

    from bpr.export.safe import spreadsheet_text
    from bpr.export.workbook import StampedZip

    workbook = Workbook()
    style = SheetStyle()
    counter = survey.counter
    title = f"{counter.name} ({counter.id})"
    write_guide(workbook.active, style, title)
    _write_counter(workbook.create_sheet(COUNTER_SHEET), style, counter, title)
    procedures = survey.procedures
    last = _write_table(
        workbook.create_sheet(PROCEDURE_SHEET),
        style,
        title,
        PROCEDURE_COLUMNS,
        [(None, procedure) for procedure in procedures],
        None,
    )
    ids = (f"{FIRST_ROW}", f"{last}")
    names = {procedure.id: procedure.name for procedure in procedures}
    steps = [(procedure.id, step) for procedure in procedures for step in procedure.steps]
    _write_table(workbook.create_sheet(STEP_SHEET), style, title, STEP_COLUMNS, steps, ids, names)
    attachments = [(procedure.id, attachment) for procedure in procedures for attachment in procedure.attachments]
    _write_table(workbook.create_sheet(ATTACHMENT_SHEET), style, title, ATTACHMENT_COLUMNS, attachments, ids, names)
    # Sheets cannot be added, renamed, moved or deleted: the reader finds them by name.
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.calculation.fullCalcOnLoad = True  # the 手続名 lookups have no cached values
    properties = workbook.properties
    properties.title = spreadsheet_text(f"調査票 {counter.name}")
    properties.subject = "窓口業務の棚卸 調査票"
    properties.keywords = f"bpr-survey counter={counter.id}"
    properties.creator = "bpr"
    properties.lastModifiedBy = "bpr"
    properties.language = "ja-JP"
    properties.created = stamp
    properties.modified = stamp
    with StampedZip(path, stamp) as archive:
        ExcelWriter(workbook, archive).save()


def _write_counter(sheet: Any, style: SheetStyle, counter: Counter, title: str) -> None:
    """Write the 窓口 sheet: one line per counter field, 項目 | 内容 | 説明."""
    sheet.title = COUNTER_SHEET
    widths = (16.0, 36.0, 50.0)
    style.heading(sheet, f"窓口　{title}", INPUT_NOTE)
    for index, header in enumerate(("項目", "内容", "説明")):
        style.header(sheet.cell(HEADER_ROW, index + 1), header)
    for offset, column in enumerate(COUNTER_COLUMNS):
        row = FIRST_ROW + offset
        style.locked(sheet.cell(row, 1), column.title, bold=True)
        value = cell_value(column, field_value(counter, column.path))
        style.value(sheet.cell(row, 2), column, value, locked=column.locked)
        style.locked(sheet.cell(row, 3), column.help, wrap=True)
        style.validation(sheet, column, f"B{row}")
    set_layout(sheet, widths, title, freeze="A4", last_row=FIRST_ROW + len(COUNTER_COLUMNS) - 1)
    protect(sheet)


def _write_table(
    sheet: Any,
    style: SheetStyle,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[tuple[str | None, Any]],
    procedure_rows: tuple[str, str] | None,
    names: dict[str, str] | None = None,
) -> int:
    """Write a table sheet: heading, header, one row per (procedure id, item), spare rows; return the last row."""
    name = sheet.title
    style.heading(sheet, f"{name}　{title}", INPUT_NOTE)
    for index, column in enumerate(columns):
        style.header(sheet.cell(HEADER_ROW, index + 1), column.title)
    widths = _widths(columns, rows)
    last = FIRST_ROW + len(rows) + SPARE_ROWS[name] - 1
    for offset in range(last - FIRST_ROW + 1):
        row = FIRST_ROW + offset
        owner, item = rows[offset] if offset < len(rows) else (None, None)
        shown = []
        for index, column in enumerate(columns):
            cell = sheet.cell(row, index + 1)
            if column.kind is CellKind.PROCEDURE:
                value: Any = owner
            elif column.kind is CellKind.LOOKUP:
                assert procedure_rows is not None
                value = _lookup_formula(row, procedure_rows)
            else:
                value = cell_value(column, field_value(item, column.path)) if item is not None else None
            style.value(cell, column, value)
            if column.kind is CellKind.PERCENT:
                cell.number_format = percent_format(value)
            # The lookup shows the procedure's name: the row is as tall as that name needs.
            looked_up = (names or {}).get(owner or "") if column.kind is CellKind.LOOKUP else value
            shown.append((looked_up, widths[index]))
        style.fit_row(sheet, row, shown)
        if owner is not None and offset > 0 and rows[offset - 1][0] != owner:
            # A line above the first row of each procedure, so that its steps read as one group.
            style.separate(sheet, row, len(columns))
    for index, column in enumerate(columns):
        letter = column_letter(index)
        style.validation(sheet, column, f"{letter}{FIRST_ROW}:{letter}{last}", procedure_rows)
    frozen = next(i for i, column in enumerate(columns) if column.path == ("name",)) + 1
    set_layout(sheet, widths, title, freeze=f"{column_letter(frozen)}{FIRST_ROW}", last_row=last)
    protect(sheet)
    return last


def _widths(columns: Sequence[Column], rows: Sequence[tuple[str | None, Any]]) -> list[float]:
    """Return the column widths: id columns as wide as their longest id (within MAX_ID_WIDTH), the others as laid out."""
    from bpr.export.workbook.styles import text_width

    widths = []
    for column in columns:
        width = column.width
        if column.kind is CellKind.PROCEDURE or column.path in (("id",), ("national_id",)):
            texts = [
                owner if column.kind is CellKind.PROCEDURE else field_value(item, column.path) for owner, item in rows
            ]
            longest = max((text_width(text) for text in texts if text), default=0.0)
            width = min(max(width, longest + ID_PADDING), MAX_ID_WIDTH)
        widths.append(width)
    return widths


def _lookup_formula(row: int, procedure_rows: tuple[str, str]) -> str:
    first, last = procedure_rows
    table = f"'{PROCEDURE_SHEET}'!$A${first}:$B${last}"
    return f'=IF($A{row}="","",IFERROR(VLOOKUP($A{row},{table},2,FALSE),"(手続一覧にない手続ID)"))'
