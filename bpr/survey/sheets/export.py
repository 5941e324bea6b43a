"""Writing the 調査票: one workbook per counter that section staff fill in, prefilled from the inventory.

Sheets: 記入要領 (how to fill it in), 窓口, 手続一覧, 業務フロー, 添付書類. Input cells are unlocked and
the sheets protected without a password; enums are drop-downs of their Japanese labels; every table
has spare rows for additions. The workbook is written atomically and reproducibly: the same inventory
gives the same bytes (timestamps from SOURCE_DATE_EPOCH, else the survey date).

The worklist (`bpr survey export --worklist`) is what to survey first while flows are skeletons: the
skeleton procedures (`flow_source: skeleton`) a city handles, largest `annual_volume` first (ties by id),
taken until they carry the share asked of all their cases; a procedure with no case never is. Its
調査票 hold only those procedures, in the worklist's order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from bpr.inventory.enums import FlowSource
from bpr.inventory.models import Counter, Procedure
from bpr.inventory.problem import YamlInputError
from bpr.inventory.records import Inventory
from bpr.inventory.sources import read_bytes
from bpr.survey.sheets.guide import write_guide
from bpr.survey.sheets.layout import (
    ATTACHMENT_COLUMNS,
    ATTACHMENT_SHEET,
    BASE_CHUNK,
    BASE_SHEET,
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

__all__ = [
    "DEFAULT_WORKLIST_SHARE",
    "Worklist",
    "WorklistEntry",
    "counter_file_names",
    "make_worklist",
    "write_survey_workbook",
    "write_survey_workbooks",
]

# Ids do not wrap at a word: their columns are as wide as the longest (LibreOffice draws ASCII a little wider).
ID_PADDING = 3.0
MAX_ID_WIDTH = 32.0
INPUT_NOTE = "白い欄に記入してください (※は必須)。灰色の欄は変更できません。書き方は「記入要領」シートにあります。"
DEFAULT_WORKLIST_SHARE = 0.9
# In a worklist 調査票's title and properties: it lists only the procedures to survey first.
WORKLIST_TITLE = "優先して調査する手続"
WORKLIST_KEYWORD = "worklist"


@dataclass(frozen=True)
class CounterSurvey:
    """What one 調査票 holds: a counter and its procedures, in file order."""

    counter: Counter
    procedures: tuple[Procedure, ...]
    worklist: bool = False  # only the counter's procedures of a worklist, not all of them


def counter_surveys(inventory: Inventory) -> list[CounterSurvey]:
    """Return one survey per loaded file with a valid counter, in path order."""
    return [
        CounterSurvey(loaded.counter, tuple(procedure for _, procedure in loaded.procedures))
        for loaded in inventory.files
        if loaded.counter is not None
    ]


def counter_file_names(counter_ids: Iterable[str]) -> list[str]:
    """Return one workbook name per counter id (shimin.xlsx), safe on every file system and never a reserved name."""
    from bpr.export.filenames import numbered_names, safe_stem

    return numbered_names((safe_stem(counter_id, fallback="counter") for counter_id in counter_ids), ".xlsx")


@dataclass(frozen=True)
class WorklistEntry:
    """One procedure of the worklist: its rank (1 = most cases), counter, and the cases up to and including it."""

    rank: int
    counter: Counter
    procedure: Procedure
    cumulative_cases: int


@dataclass(frozen=True)
class Worklist:
    """The skeleton procedures to survey first, and what they leave for later.

    `skeleton_procedures` and `skeleton_cases` count the skeleton procedures the city handles (of the
    counters asked); `not_handled` the skeleton procedures marked `handled: false`, which are left out.
    """

    share: Fraction
    entries: tuple[WorklistEntry, ...]
    skeleton_procedures: int
    skeleton_cases: int
    without_cases: int
    not_handled: int

    @property
    def cases(self) -> int:
        """Return the annual cases the worklist's procedures carry."""
        return self.entries[-1].cumulative_cases if self.entries else 0

    @property
    def covered(self) -> float:
        """Return the share of the skeleton procedures' cases the worklist carries (0 when they have none)."""
        return self.cases / self.skeleton_cases if self.skeleton_cases else 0.0

    @property
    def left(self) -> int:
        """Return how many skeleton procedures (handled, with or without cases) the worklist leaves for later."""
        return self.skeleton_procedures - len(self.entries)

    def procedure_ids(self) -> list[str]:
        """Return the worklist's procedure ids, largest first."""
        return [entry.procedure.id for entry in self.entries]


def make_worklist(
    inventory: Inventory, share: float | Fraction = DEFAULT_WORKLIST_SHARE, counters: Collection[str] | None = None
) -> Worklist:
    """Return the skeleton procedures that together carry `share` (0 < share ≤ 1) of the skeleton procedures' cases.

    Procedures are taken in descending annual_volume, ties by id, until the cases taken reach at least
    `share` of all (compared exactly: 0.7 of 10 cases is 7); procedures with 0 cases and those marked
    `handled: false` never are. `counters` limits the procedures to those counters'.
    """
    if not 0 < share <= 1:  # NaN too
        raise ValueError(f"a worklist share is more than 0 and at most 1, not {share}")
    wanted = Fraction(str(share)) if isinstance(share, float) else Fraction(share)
    skeletons: list[tuple[Counter, Procedure]] = []
    not_handled = 0
    for counter, procedure, _path in inventory.entries():
        if procedure.flow_source is not FlowSource.SKELETON or (counters is not None and counter.id not in counters):
            continue
        if procedure.handled:
            skeletons.append((counter, procedure))
        else:
            not_handled += 1
    total = sum(procedure.annual_volume for _counter, procedure in skeletons)
    ranked = sorted(
        ((c, p) for c, p in skeletons if p.annual_volume > 0), key=lambda item: (-item[1].annual_volume, item[1].id)
    )
    entries: list[WorklistEntry] = []
    cases = 0
    for counter, procedure in ranked:
        if cases >= wanted * total:
            break
        cases += procedure.annual_volume
        entries.append(WorklistEntry(len(entries) + 1, counter, procedure, cases))
    without = sum(1 for _counter, procedure in skeletons if procedure.annual_volume == 0)
    return Worklist(wanted, tuple(entries), len(skeletons), total, without, not_handled)


def worklist_surveys(inventory: Inventory, worklist: Worklist) -> list[CounterSurvey]:
    """Return the 調査票 of a worklist: per counter (in path order) its worklist procedures, largest first."""
    by_counter: dict[str, list[Procedure]] = {}
    for entry in worklist.entries:
        by_counter.setdefault(entry.counter.id, []).append(entry.procedure)
    return [
        CounterSurvey(survey.counter, tuple(by_counter.get(survey.counter.id, ())), worklist=True)
        for survey in counter_surveys(inventory)
    ]


# What `bpr survey export` wrote into a folder: the SHA-256 of each form as written. A form whose bytes no
# longer match was changed after it was written (filled in, most likely) and is never overwritten.
FORMS_LEDGER = ".bpr-survey-forms"


class FilledFormsError(Exception):
    """Forms in the folder were changed since bpr wrote them: an export would overwrite what was filled in."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__(", ".join(map(str, paths)))
        self.paths = paths


# A 調査票 bpr wrote is well under this; anything larger is not one of its forms (and is not read whole).
MAX_FORM_BYTES = 256 * 1024 * 1024


def _digest(path: Path) -> str:
    """Return the SHA-256 of a form, read through the guarded reader (no FIFO, device or unbounded file)."""
    try:
        return hashlib.sha256(read_bytes(path, MAX_FORM_BYTES)).hexdigest()
    except YamlInputError:
        return ""  # not a file bpr wrote: it differs from every digest of the ledger


def _written_before(folder: Path) -> dict[str, str]:
    ledger = folder / FORMS_LEDGER
    try:
        text = read_bytes(ledger, 16 * 1024 * 1024).decode("utf-8", errors="replace")
    except YamlInputError:
        return {}  # no ledger, or not one bpr wrote (a FIFO, a folder): no form is known as bpr's
    out = {}
    for line in text.splitlines():
        digest, _space, name = line.partition("  ")
        if digest and name:
            out[name] = digest
    return out


def survey_targets(
    inventory: Inventory, counters: Collection[str] | None = None, worklist: Worklist | None = None
) -> list[tuple[CounterSurvey, str]]:
    """Return the forms an export writes, with their file names."""
    surveys = counter_surveys(inventory) if worklist is None else worklist_surveys(inventory, worklist)
    # Names come from every counter, so that a counter's workbook has one name however many are written.
    return [
        (survey, name)
        for survey, name in zip(surveys, counter_file_names(s.counter.id for s in surveys), strict=True)
        if (counters is None or survey.counter.id in counters) and (worklist is None or survey.procedures)
    ]


def filled_forms(folder: Path, names: Collection[str]) -> list[Path]:
    """Return the forms among `names` in `folder` that are not as bpr wrote them (changed, or not bpr's)."""
    before = _written_before(folder)
    changed = []
    for name in sorted(names):
        path = folder / name
        if (path.exists() or path.is_symlink()) and (not path.is_file() or before.get(name) != _digest(path)):
            changed.append(path)
    return changed


def write_survey_workbooks(
    inventory: Inventory,
    out_dir: Path,
    counters: Collection[str] | None = None,
    worklist: Worklist | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write one 調査票 per counter (or per counter of `counters`) into `out_dir`, named after the counter id.

    With a worklist, only the counters holding some of its procedures get one, holding only those. A form
    already there that was changed since bpr wrote it raises FilledFormsError before anything is written,
    unless `overwrite`.
    """
    from bpr.export.atomic import atomic_write

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    targets = survey_targets(inventory, counters, worklist)
    if not overwrite:
        changed = filled_forms(folder, [name for _survey, name in targets])
        if changed:
            raise FilledFormsError(changed)
    written = []
    for survey, name in targets:
        path = folder / name
        write_survey_workbook(survey, path)
        written.append(path)
    ledger = {**_written_before(folder), **{path.name: _digest(path) for path in written}}
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(ledger.items()))
    atomic_write(folder / FORMS_LEDGER, lambda target: target.write_text(text, encoding="utf-8", newline="\n"))
    return written


def write_survey_workbook(survey: CounterSurvey, path: Path) -> None:
    """Write the 調査票 of one counter to `path`, atomically and reproducibly."""
    from bpr.export.atomic import atomic_write
    from bpr.export.workbook import document_time

    surveyed_on = survey.counter.surveyed_on.isoformat() if survey.counter.surveyed_on else None
    stamp = document_time(surveyed_on)
    atomic_write(Path(path), lambda temporary: _save(survey, stamp, temporary))


def _save(survey: CounterSurvey, stamp: dt.datetime, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    from bpr.export.celltext import spreadsheet_text
    from bpr.export.openpyxl_adapter import write_xlsx

    workbook = Workbook()
    style = SheetStyle()
    counter = survey.counter
    title = f"{counter.name} ({counter.id})"
    if survey.worklist:
        title = f"{title} {WORKLIST_TITLE}"
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
    _write_base(workbook.create_sheet(BASE_SHEET), procedures)
    # Sheets cannot be added, renamed, moved or deleted: the reader finds them by name.
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.calculation.fullCalcOnLoad = True  # the 手続名 lookups have no cached values
    properties = workbook.properties
    properties.title = spreadsheet_text(f"調査票 {counter.name}")
    properties.subject = "窓口業務の棚卸 調査票"
    properties.keywords = f"bpr-survey counter={counter.id}" + (f" {WORKLIST_KEYWORD}" if survey.worklist else "")
    properties.creator = "bpr"
    properties.lastModifiedBy = "bpr"
    properties.language = "ja-JP"
    properties.created = stamp
    properties.modified = stamp
    write_xlsx(workbook, path, stamp)


def _write_base(sheet: Any, procedures: Sequence[Procedure]) -> None:
    """Write each procedure as exported, as JSON in cells of BASE_CHUNK characters: the base `survey import`
    compares the returned form and the YAML with, so that an edit made to the YAML meanwhile is never undone."""
    sheet.sheet_state = "veryHidden"
    for procedure in procedures:
        text = json.dumps(procedure.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
        chunks = [text[i : i + BASE_CHUNK] for i in range(0, len(text), BASE_CHUNK)]
        sheet.append([procedure.id, *chunks])


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
