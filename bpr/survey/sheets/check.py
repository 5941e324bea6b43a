"""Checking filled 調査票 with the format's own checks, each problem located at its cell (FILE.xlsx!SHEET!CELL).

A workbook's data goes through the same `FileChecker` as a YAML file, and the cross-file rules run over
the workbooks together with the rest of the inventory folder they are imported into (without the
counter files they replace), so a reference to another counter's procedure works, and a duplicate id
across files is found. The codes are those of `bpr validate`; only the place differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bpr.i18n import _
from bpr.inventory.checker import FileChecker
from bpr.inventory.codes import severity_of
from bpr.inventory.problem import Problem, Severity, found
from bpr.inventory.records import LoadedFile
from bpr.inventory.rules.base import PathKey, RuleFinding
from bpr.survey.sheets.reader import CellRef, WorkbookData, read_workbook


@dataclass
class WorkbookFile(LoadedFile):
    """A 調査票 loaded as an inventory file: positions are cells, and problems carry their cell's name."""

    source: WorkbookData | None = None

    def where(self, path: PathKey) -> str:
        """Return 'FILE.xlsx!SHEET!CELL' of a path."""
        cell = self.cell_for(path)
        return self.path if cell is None or self.source is None else self.source.location(cell)

    def problem(self, code: str, finding: RuleFinding) -> Problem:
        """Return a problem for a finding of a cross-file rule, at its cell."""
        found = super().problem(code, finding)
        return self.locate(found, finding)

    def locate(self, problem: Problem, finding: RuleFinding) -> Problem:
        """Return a problem placed at the cell of a finding's path, its column named in the message."""
        cell = self.cell_for(finding.path, finding.field)
        if cell is None or self.source is None:
            return replace(problem, location=self.path)
        message = problem.message
        header = self._header(finding.path, finding.field)
        if header and header not in message:
            message = f"{message} [{header}]"
        return replace(problem, line=cell.row, column=cell.column, message=message, location=self.source.location(cell))

    def cell_for(self, path: PathKey, missing: str | None = None) -> CellRef | None:
        """Return the cell a finding at a path is about (a missing field's own cell), or None."""
        if self.source is None:
            return None
        return self.source.cell_of(_field_path(path, missing))

    def _header(self, path: PathKey, missing: str | None) -> str | None:
        if self.source is None:
            return None
        full = _field_path(path, missing)
        for length in range(len(full), 0, -1):
            header = self.source.headers.get(full[:length])
            if header is not None:
                return header
        return None


def _field_path(path: PathKey, missing: str | None) -> PathKey:
    """Return the path of the cell a finding is about: a missing field's own cell, not its row's."""
    return (*path, missing) if missing is not None else path


@dataclass
class SurveyCheck:
    """Workbooks checked together with the inventory folder: their data, the folder's other files, every problem."""

    workbooks: list[WorkbookFile] = field(default_factory=list)
    others: list[LoadedFile] = field(default_factory=list)  # the folder's files that no workbook replaces
    replaced: dict[str, Path] = field(default_factory=dict)  # counter id -> the folder's file it is in
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Return the errors among the problems."""
        return [problem for problem in self.problems if problem.severity is Severity.ERROR]


def check_workbooks(paths: Sequence[Path], folder: Path) -> SurveyCheck:
    """Read and check filled 調査票 against the inventory in `folder` (which may be empty or missing)."""
    result = SurveyCheck()
    for path in paths:
        source = read_workbook(path)
        if source.unreadable is not None:
            message = _("{workbook} {reason}").format(workbook=source.display, reason=source.unreadable)
            result.problems.append(
                Problem(
                    source.display,
                    1,
                    1,
                    severity_of("file-unreadable"),
                    "file-unreadable",
                    message,
                    location=source.display,
                )
            )
            continue
        result.workbooks.append(_check_one(source))
    counters = {w.counter.id for w in result.workbooks if w.counter is not None}
    for loaded, path in _folder_files(folder):
        counter_id = loaded.counter.id if loaded.counter is not None else None
        if counter_id is not None and counter_id in counters and counter_id not in result.replaced:
            # Replaced by the workbook: its problems and ids are the workbook's now.
            result.replaced[counter_id] = path
            continue
        result.others.append(loaded)
    _run_cross_file_rules(result)
    result.problems.extend(p for w in result.workbooks for p in w.problems)
    # The folder's other files count for their errors (the inventory must stay valid), not for their warnings.
    result.problems.extend(p for loaded in result.others for p in loaded.problems if p.severity is Severity.ERROR)
    result.problems.sort(key=_reading_order)
    return result


def _check_one(source: WorkbookData) -> WorkbookFile:
    """Run the checks of one file on a workbook's data; its problems are located at cells."""
    loaded = WorkbookFile(path=source.display, source=source)
    checker = FileChecker(loaded, source.data)
    checker.check(source.data)
    # A label the reader could not read is also a value the model refuses, at the same cell: reported once.
    read_cells = {loaded.cell_for(finding.path) for _, finding in source.findings}
    seen: set[tuple[CellRef | None, str, str]] = set()
    for index, (code, finding) in enumerate([*source.findings, *checker.findings]):
        cell = loaded.cell_for(finding.path, finding.field)
        from_model = index >= len(source.findings)
        if from_model and code in ("invalid-value", "missing-field") and cell in read_cells:
            continue
        base = found(
            source.display, 1, 1, severity_of(code), code, finding.message, _procedure_id(source.data, finding.path)
        )
        if (cell, code, base.message) in seen:
            continue
        seen.add((cell, code, base.message))
        loaded.problems.append(loaded.locate(base, finding))
    for index, item in enumerate(source.data.get("procedures", [])):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            loaded.declared_ids[index] = item["id"]
    return loaded


def _procedure_id(data: dict[str, Any], path: PathKey) -> str | None:
    if len(path) < 2 or path[0] != "procedures" or not isinstance(path[1], int):
        return None
    procedures = data.get("procedures", [])
    item = procedures[path[1]] if path[1] < len(procedures) else None
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def _folder_files(folder: Path) -> list[tuple[LoadedFile, Path]]:
    """Load the inventory files of a folder one by one, without the cross-file rules (they run with the workbooks)."""
    if not folder.exists():
        return []
    from bpr.inventory.loader import display_path, link_outside, load_file
    from bpr.inventory.sources import iter_yaml_files

    found = []
    for item in iter_yaml_files([folder]):
        path, exists, error = item.path, item.exists, item.error
        display = display_path(path)
        if item.outside is not None:
            found.append((link_outside(display, item.outside), path))
        elif error is not None:
            message = _("the folder cannot be read ({error}): the YAML files in it were not checked").format(
                error=error
            )
            code = "file-unreadable"
            found.append(
                (LoadedFile(display, problems=[Problem(display, 1, 1, severity_of(code), code, message)]), path)
            )
        elif exists:
            found.append((load_file(path, display), path))
    return found


def _run_cross_file_rules(result: SurveyCheck) -> None:
    from bpr.inventory.checker import run_inventory_rules

    files: list[LoadedFile] = [*result.others, *result.workbooks]
    run_inventory_rules(files)


def _reading_order(problem: Problem) -> tuple[str, int, int, int, str]:
    """Sort a workbook's problems sheet by sheet in the workbook's order, then by row and column."""
    from bpr.survey.sheets.layout import SHEET_ORDER

    sheet = problem.location.split("!")[1] if problem.location and problem.location.count("!") >= 2 else ""
    rank = SHEET_ORDER.index(sheet) if sheet in SHEET_ORDER else -1
    return (problem.file, rank, problem.line, problem.column, problem.code)
