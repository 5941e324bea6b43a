"""Reading the national survey's table: CSV in UTF-8, UTF-8 with a BOM or CP932, or XLSX; columns by header name.

The Digital Agency publishes the survey as CSV and XLSX with the same column names, sometimes below an
extra title row, and a city's copy has passed through Excel (CP932, BOM, numbers as text). The header
row is the first of the first rows that holds every required column; columns are found by name, never
by position, after NFKC normalisation (full-width brackets and spaces as Excel users type them).
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bpr.i18n import _, ngettext
from bpr.inventory.problem import YamlInputError
from bpr.inventory.sources import read_bytes
from bpr.names import compared_name
from bpr.survey.xlsxguard import ArchiveTooLarge, check_archive

HEADER_SEARCH_ROWS = 10
# The whole national survey (every procedure of every body) is some tens of MiB as CSV.
MAX_SURVEY_BYTES = 512 * 1024 * 1024
_ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp932", "CP932 (Shift_JIS)"))


class SurveyInputError(Exception):
    """The survey file cannot be read as a table with the columns bpr needs."""


@dataclass
class SurveyTable:
    """The rows of a survey file as dicts keyed by the canonical column names, with how it was read."""

    rows: list[dict[str, str]]
    header_row: int  # 1-based row of the header in the file
    encoding: str
    notes: list[str] = field(default_factory=list)


def normalise_header(text: str) -> str:
    """Return a header as compared: NFKC, without spaces (全角括弧 and 半角括弧 alike)."""
    return compared_name(text)


def read_survey_table(path: Path, required: Sequence[str], optional: Sequence[str]) -> SurveyTable:
    """Read a survey file's rows keyed by column name; raise SurveyInputError saying what is wrong."""
    try:
        raw = read_bytes(path, MAX_SURVEY_BYTES)
    except YamlInputError as exc:  # a folder, a device, a file too large
        raise SurveyInputError(f"{path}: {exc.message}") from None
    if raw[:4] == b"PK\x03\x04":
        grid, encoding, notes = _xlsx_grid(path, raw), "XLSX", list[str]()
    elif path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise SurveyInputError(
            _("{path}: is not an Excel workbook (.xlsx) although its name says so").format(path=path)
        )
    else:
        text, encoding, notes = _decode(path, raw)
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            grid = list(reader)
        except csv.Error as exc:  # a cell over csv's 131,072 characters, a NUL: not the survey's CSV
            raise SurveyInputError(
                _("{path}: line {line} cannot be read as CSV ({reason})").format(
                    path=path, line=reader.line_num, reason=exc
                )
            ) from None
    return _table(path, grid, encoding, notes, required, optional)


def _decode(path: Path, raw: bytes) -> tuple[str, str, list[str]]:
    if b"\x00" in raw[:4096]:
        raise SurveyInputError(
            _("{path}: is a binary file, not CSV text (UTF-16 CSV: save it as UTF-8 or CP932)").format(path=path)
        )
    for codec, label in _ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        notes = []
        if codec == "cp932" and not any("\u3040" <= ch <= "\u30ff" for ch in text[:20000]):
            notes.append(
                _("read as {encoding}, but no kana was found: check that the names look right").format(encoding=label)
            )
        return text, label + (" with BOM" if raw.startswith(b"\xef\xbb\xbf") else ""), notes
    raise SurveyInputError(
        _("{path}: is neither UTF-8 nor CP932 (Shift_JIS) text: save it as UTF-8 CSV").format(path=path)
    )


def _xlsx_grid(path: Path, raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        check_archive(raw)
    except ArchiveTooLarge as exc:
        raise SurveyInputError(f"{path}: {exc}") from None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it skips (data validation, extensions): nothing for the reader of bpr.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SurveyInputError(
            _("{path}: is not a readable Excel workbook ({error})").format(path=path, error=type(exc).__name__)
        ) from None
    try:
        if not workbook.worksheets:
            raise SurveyInputError(_("{path}: has no sheet").format(path=path))
        sheet = workbook.worksheets[0]
        # The rows the sheet holds, not the used range it claims (A1:XFD1048576 in a 29 KB file).
        sheet.reset_dimensions()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _column_name(index: int) -> str:
    """Return a column's letters as a spreadsheet names it (0 → A, 26 → AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(
    path: Path,
    grid: list[list[str]],
    encoding: str,
    notes: list[str],
    required: Sequence[str],
    optional: Sequence[str],
) -> SurveyTable:
    wanted = {normalise_header(name): name for name in (*required, *optional)}
    best: tuple[int, int, dict[str, int]] | None = None
    for number, row in enumerate(grid[:HEADER_SEARCH_ROWS], start=1):
        found = {}
        for index, cell in enumerate(row):
            name = wanted.get(normalise_header(cell))
            if name is not None and name not in found:
                found[name] = index
        hits = sum(1 for name in required if name in found)
        if best is None or hits > best[1]:
            best = (number, hits, found)
        if hits == len(required):
            break
    if best is None or best[1] == 0:
        raise SurveyInputError(
            _(
                "{path}: no header row with the survey's column names in the first {rows} rows (expected {columns} …)"
            ).format(path=path, rows=HEADER_SEARCH_ROWS, columns=", ".join(required[:4]))
        )
    header_row, _hits, columns = best
    header = grid[header_row - 1]
    for name, index in columns.items():
        again = [i for i, cell in enumerate(header) if i != index and wanted.get(normalise_header(cell)) == name]
        if again:
            # The first is read; a second 総手続件数 (a city's edit, a bad export) must not go unnoticed.
            notes.append(
                _("the column 「{name}」 appears {count} times (columns {columns}): the first is read").format(
                    name=name,
                    count=len(again) + 1,
                    columns=", ".join(_column_name(i) for i in sorted([index, *again])),
                )
            )
    missing = [name for name in required if name not in columns]
    if missing:
        raise SurveyInputError(
            ngettext(
                "{path}: row {row} lacks the required column {columns}",
                "{path}: row {row} lacks the required columns {columns}",
                len(missing),
            ).format(path=path, row=header_row, columns=", ".join(f"「{name}」" for name in missing))
        )
    rows = []
    for row in grid[header_row:]:
        if not any(cell.strip() for cell in row):
            continue
        rows.append({name: (row[index].strip() if index < len(row) else "") for name, index in columns.items()})
    return SurveyTable(rows, header_row, encoding, notes)
