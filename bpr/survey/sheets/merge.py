"""Merging checked 調査票 into the counter files of an inventory folder, through `bpr.survey.yamldoc`.

A workbook's counter goes into the folder's file of that counter (found by counter id), or into a new
``DIR/<counter id>.yaml`` (``_con.yaml`` for a name Windows reserves). Its procedures are added or
changed field by field where their meaning differs; a procedure of the file that the workbook no longer
lists is removed, unless the workbook is a worklist 調査票 (`bpr survey export --worklist`, keyword
`worklist`): it holds only some of the counter's procedures, so it updates or adds those and removes none. What the 調査票 does not hold (a procedure's `plan`) stays as the file has it. The
merged files are checked once more, with the rest of the folder, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bpr.i18n import _
from bpr.inventory.checker import load_text, run_inventory_rules
from bpr.inventory.codes import severity_of
from bpr.inventory.models import Procedure
from bpr.inventory.problem import Problem, Severity
from bpr.inventory.records import LoadedFile
from bpr.survey.sheets.check import SurveyCheck, WorkbookFile
from bpr.survey.sheets.layout import PROCEDURE_FIELDS
from bpr.survey.sheets.plain import compact_procedure, keep_forms
from bpr.survey.yamldoc import (
    CounterDocument,
    YamlDocError,
    counter_file_name,
    duration_text,
    to_plain,
    write_documents,
)

ADDED = "(added)"  # what CounterDocument.update_procedure returns for a procedure it appended


@dataclass
class CounterChange:
    """What an import does to one counter file."""

    path: Path
    counter_id: str
    workbook: str
    created: bool = False
    counter_fields: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # procedure id -> the fields that changed
    removed: list[str] = field(default_factory=list)
    # Fields changed both in the form and in the file since the export: the file's value is kept.
    conflicts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        """Tell whether the file changes at all."""
        return bool(self.created or self.counter_fields or self.added or self.changed or self.removed)


@dataclass
class SurveyMerge:
    """The documents an import would write, what changes in each, and the problems that stop it."""

    documents: list[CounterDocument] = field(default_factory=list)
    changes: list[CounterChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Return the errors among the problems."""
        return [problem for problem in self.problems if problem.severity is Severity.ERROR]


def merge_workbooks(check: SurveyCheck, folder: Path) -> SurveyMerge:
    """Merge checked workbooks (without errors) into the counter files of `folder`; write nothing."""
    result = SurveyMerge()
    for workbook in check.workbooks:
        try:
            document, created = _document(workbook, check, folder)
        except YamlDocError as exc:
            result.problems.append(_file_problem(workbook.path, str(exc)))
            continue
        result.documents.append(document)
        result.changes.append(_merge_one(document, workbook, created))
    if not result.errors:
        result.problems.extend(_recheck(result.documents, check.others))
    return result


def write_merged(merge: SurveyMerge) -> list[Path]:
    """Write the changed counter files, each atomically; return their paths."""
    return write_documents(merge.documents)


def _document(workbook: WorkbookFile, check: SurveyCheck, folder: Path) -> tuple[CounterDocument, bool]:
    counter = _counter_plain(workbook)
    counter_id = counter["id"]
    existing = check.replaced.get(counter_id)
    if existing is not None:
        return CounterDocument.load(existing), False
    path = folder / counter_file_name(counter_id)
    if path.exists():
        raise YamlDocError(
            _(
                "{path} already exists and holds another counter: the counter '{counter}' of {workbook} "
                "would need this file name"
            ).format(path=path, counter=counter_id, workbook=workbook.path)
        )
    return CounterDocument.create(path, counter), True


def _merge_one(document: CounterDocument, workbook: WorkbookFile, created: bool) -> CounterChange:
    assert workbook.source is not None
    change = CounterChange(document.path, document.counter_id, workbook.path, created=created)
    change.counter_fields = [] if created else document.update_counter(_counter_plain(workbook))
    existing = set(document.procedure_ids())
    base = workbook.source.base
    listed = []
    for data in workbook.source.data["procedures"]:
        plain = compact_procedure(data, duration_text)
        procedure_id = plain["id"]
        listed.append(procedure_id)
        if procedure_id in existing:
            current = document.plain_procedure(procedure_id)
            if base is not None and procedure_id in base:
                plain, clashes = three_way(base[procedure_id], current, plain)
                if clashes:
                    change.conflicts[procedure_id] = clashes
            plain = keep_forms(current, plain, PROCEDURE_FIELDS)
        fields = document.update_procedure(plain, PROCEDURE_FIELDS)
        if fields == [ADDED] or procedure_id not in existing:
            change.added.append(procedure_id)
        elif fields:
            change.changed[procedure_id] = fields
    if workbook.source.worklist:  # only some of the counter's procedures: the others stay as they are
        return change
    # A procedure the form no longer lists is removed; with the export's base, only one that was exported
    # (a procedure added to the file since then was never in the form).
    gone = [p for p in document.procedure_ids() if p not in listed and (base is None or p in base)]
    for procedure_id in gone:
        document.remove_procedure(procedure_id)
        change.removed.append(procedure_id)
    return change


def three_way(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Merge a returned form's procedure (`theirs`) into the file's (`mine`), field by field, against the export.

    A field the form left as exported keeps the file's value (an edit made to the file meanwhile is never
    undone); a field only the form changed takes the form's; a field both changed, to different values, is a
    conflict: the file's value is kept and the field is returned, to be reported.
    """
    models = [_valid(plain) for plain in (base, mine, theirs)]

    def same(field_name: str, one: int, other: int) -> bool:
        plains = (base, mine, theirs)
        first, second = models[one], models[other]
        if first is not None and second is not None:
            return bool(getattr(first, field_name) == getattr(second, field_name))
        return bool(to_plain(plains[one].get(field_name)) == to_plain(plains[other].get(field_name)))

    merged = dict(theirs)
    conflicts = []
    for name in PROCEDURE_FIELDS:
        if name == "id":
            continue
        if same(name, 0, 2) or (not same(name, 0, 1) and not same(name, 1, 2)):
            if not same(name, 0, 2):
                conflicts.append(name)
            if name in mine:
                merged[name] = mine[name]
            else:
                merged.pop(name, None)
    return merged, conflicts


def _valid(plain: dict[str, Any]) -> Procedure | None:
    try:
        return Procedure.model_validate(plain)
    except (ValidationError, TypeError, ValueError):
        return None


def _counter_plain(workbook: WorkbookFile) -> dict[str, Any]:
    assert workbook.source is not None
    counter: dict[str, Any] = dict(workbook.source.data["counter"])
    return counter


def _recheck(documents: list[CounterDocument], others: list[LoadedFile]) -> list[Problem]:
    """Check the merged files as `bpr validate` would, with the folder's other files: their errors stop the import."""
    merged = []
    unwritable = []
    for document in documents:
        try:
            merged.append(load_text(document.text(), str(document.path)))
        except YamlDocError as exc:  # a file that would not read back as written is never written
            unwritable.append(_file_problem(str(document.path), str(exc)))
    # Copies: the others' own problems were reported by the check already.
    run_inventory_rules([*(replace(loaded, problems=[]) for loaded in others), *merged])
    # The workbooks' warnings were reported at their cells; here only what merging itself broke counts.
    return unwritable + [p for loaded in merged for p in loaded.problems if p.severity is Severity.ERROR]


def _file_problem(display: str, message: str) -> Problem:
    code = "file-unreadable"
    return Problem(display, 1, 1, severity_of(code), code, message, location=display)
