"""`bpr survey export|import`: the section staff's Excel 調査票, written from the inventory and read back into it."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bpr.cli import EXIT_PROBLEMS, PathsArgument, emit, fail, inventory_paths, make_output_folder, not_one_of, os_reason
from bpr.cli.session import is_quiet
from bpr.i18n import N_, _, joined, ngettext

if TYPE_CHECKING:
    from bpr.inventory.problem import Problem
    from bpr.survey.sheets.export import Worklist
    from bpr.survey.sheets.merge import CounterChange, SurveyMerge

app = typer.Typer(
    help=N_("The section staff's Excel survey forms (調査票): export one per counter, import the filled ones."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
FORMATS = ("text", "json")
# The list patterns of the catalog (as bpr diff's): ids, fields and names one at a time, and a change's parts.
LIST = N_("{list}, {item}")
PART_LIST = N_("{parts}; {part}")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@app.callback()
def _group() -> None:
    """The section staff's Excel survey forms (調査票): export one per counter, import the filled ones."""


def _check_format(value: str) -> str:
    if value not in FORMATS:
        raise not_one_of(value, FORMATS)
    return value


FolderOption = Annotated[
    Path,
    typer.Option(
        "--output", "-o", metavar="DIR", help=N_("The folder to write the workbooks into."), show_default=False
    ),
]
InventoryOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help=N_("The inventory folder to merge into (a counter not in it gets DIR/<counter id>.yaml)."),
        show_default=False,
    ),
]
FilesArgument = Annotated[
    list[Path],
    typer.Argument(
        metavar="FILES", help=N_("Filled survey forms (.xlsx), or folders holding them."), show_default=False
    ),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="text|json",
        callback=_check_format,
        help=N_("Report as text lines or one JSON object."),
    ),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help=N_("Check and say what would change; write nothing."))]


CounterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--counter",
        "-c",
        metavar="ID",
        help=N_("Write only this counter's survey form (repeat for more). Default: every counter's."),
        show_default=False,
    ),
]


WorklistOption = Annotated[
    bool,
    typer.Option(
        "--worklist",
        help=N_(
            "What to survey first: write the survey forms only for the procedures whose flow is a skeleton "
            "(flow_source: skeleton) that carry --worklist-share of those procedures' annual cases, largest first "
            "(never one with 0 cases or marked handled: false), and list them."
        ),
    ),
]


def _check_share(value: float | None) -> float | None:
    if value is not None and not 0 < value <= 1:
        raise typer.BadParameter(
            _("{value} is not a share: give more than 0 and at most 1, e.g. 0.9").format(value=value)
        )
    return value


OverwriteOption = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help=N_(
            "Replace forms in -o DIR that were changed since bpr wrote them (filled in, most likely). Without it"
            " bpr refuses and names them: import them first."
        ),
    ),
]
WorklistShareOption = Annotated[
    float | None,
    typer.Option(
        "--worklist-share",
        metavar="SHARE",
        callback=_check_share,
        help=N_(
            "With --worklist: the share of the skeleton procedures' annual cases to cover (0 < SHARE <= 1). Default: 0.9."
        ),
        show_default=False,
    ),
]


def _check_counters(wanted: list[str] | None, known: list[str]) -> None:
    """Exit 2 when a --counter names no counter of the inventory."""
    from bpr.inventory.rules.base import did_you_mean

    for counter_id in wanted or []:
        if counter_id not in known:
            fail(
                _("--counter {id}: no counter of the inventory has this id{hint}").format(
                    id=counter_id, hint=did_you_mean(counter_id, known)
                )
            )


@app.command("export")
def export(
    output: FolderOption,
    paths: PathsArgument = None,
    counters: CounterOption = None,
    worklist: WorklistOption = False,
    worklist_share: WorklistShareOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Write one Excel survey form (調査票) per counter into -o DIR, prefilled (exit 0 ok, 1 inventory errors, 2 usage)."""
    from bpr.inventory.loader import load_inventory
    from bpr.inventory.problem import Severity

    if worklist_share is not None and not worklist:
        fail(_("--worklist-share goes with --worklist"))
    chosen = inventory_paths(paths)
    if output.exists() and not output.is_dir():
        fail(_("cannot write into {folder}: it is a file, not a folder").format(folder=output))
    inventory, path_problems = load_inventory(chosen)
    if not inventory.files:
        fail(
            _("no-inventory: no YAML file (*.yaml, *.yml) found under {paths}").format(
                paths=", ".join(map(str, chosen))
            )
        )
    errors = [p for p in sorted(path_problems + inventory.problems) if p.severity is Severity.ERROR]
    if errors:
        sys.stderr.write("".join(f"{p}\n" for p in errors))
        sys.stderr.write(
            ngettext(
                "the inventory has {count} error: run `bpr validate` and fix it",
                "the inventory has {count} errors: run `bpr validate` and fix them",
                len(errors),
            ).format(count=len(errors))
            + "\n"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    from bpr.survey.sheets.export import (
        DEFAULT_WORKLIST_SHARE,
        FilledFormsError,
        make_worklist,
        write_survey_workbooks,
    )

    _check_counters(counters, [f.counter.id for f in inventory.files if f.counter is not None])
    wanted = set(counters) if counters else None
    listed = None
    if worklist:
        share = DEFAULT_WORKLIST_SHARE if worklist_share is None else worklist_share
        listed = make_worklist(inventory, share, wanted)
        if not listed.entries:
            if not is_quiet():
                emit(lambda stream: stream.write(_empty_worklist(listed) + "\n"))
            return
    make_output_folder(output)
    try:
        written = write_survey_workbooks(inventory, output, wanted, listed, overwrite=overwrite)
    except FilledFormsError as exc:
        fail(
            ngettext(
                "{paths}: a survey form (調査票) changed since bpr wrote it (filled in?): not overwritten. Import it"
                " first (bpr survey import), export into another folder, or pass --overwrite",
                "{paths}: survey forms (調査票) changed since bpr wrote them (filled in?): not overwritten. Import"
                " them first (bpr survey import), export into another folder, or pass --overwrite",
                len(exc.paths),
            ).format(paths=", ".join(map(str, exc.paths)))
        )
    except OSError as exc:
        fail(
            _("cannot write {output}: {reason} (nothing was written there)").format(
                output=exc.filename or output, reason=os_reason(exc)
            )
        )
    except ValueError as exc:  # SOURCE_DATE_EPOCH that is not a number
        fail(str(exc))
    if not is_quiet():
        names = joined(path.name for path in written)
        said = ngettext(
            "wrote {count} survey form (調査票) into {folder}: {names}",
            "wrote {count} survey forms (調査票) into {folder}: {names}",
            len(written),
        ).format(count=len(written), folder=output, names=names)
        lines = [] if listed is None else worklist_lines(listed)
        emit(lambda stream: stream.write("".join(line + "\n" for line in [*lines, said])))


def share_text(share: float) -> str:
    """Return a share as a percentage with one decimal, rounded down (a share short of 90 % never reads 90.0%)."""
    import math

    return f"{math.floor(share * 1000 + 1e-9) / 10:.1f}%"


def worklist_lines(worklist: Worklist) -> list[str]:
    """Return the worklist as a terminal shows it: a heading, one line per procedure (largest first), what it covers."""
    from rich.cells import cell_len

    from bpr.textsafe import terminal_text

    heading = _("Worklist: the skeleton procedures carrying {share} of their annual cases, largest first").format(
        share=f"{float(worklist.share * 100):g}%"
    )
    header = (_("Rank"), _("Annual cases"), _("Cumulative"), _("Counter (section)"), _("Procedure ID"), _("Procedure"))
    rows = [
        (
            str(entry.rank),
            f"{entry.procedure.annual_volume:,}",
            share_text(entry.cumulative_cases / worklist.skeleton_cases),
            terminal_text(f"{entry.counter.id} ({entry.counter.section})"),
            entry.procedure.id,
            terminal_text(entry.procedure.name),
        )
        for entry in worklist.entries
    ]
    widths = [max(cell_len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    right = (True, True, True, False, False)

    def line(cells: tuple[str, ...]) -> str:
        padded = [
            " " * (width - cell_len(cell)) + cell if align else cell + " " * (width - cell_len(cell))
            for cell, width, align in zip(cells, widths, right, strict=False)
        ]
        return "  ".join([*padded, cells[-1]])

    lines = [heading, line(header), *(line(row) for row in rows)]
    counts = {
        "count": len(worklist.entries),
        "covered": share_text(worklist.covered),
        "cases": worklist.cases,
        "total": worklist.skeleton_cases,
        "left": worklist.left,
        "without": worklist.without_cases,
    }
    lines.append(
        ngettext(
            "{count:,} procedure carries {covered} of the skeleton procedures' annual cases ({cases:,} of {total:,}); "
            "{left:,} skeleton procedures are left for later ({without:,} of them with no cases)",
            "{count:,} procedures carry {covered} of the skeleton procedures' annual cases ({cases:,} of {total:,}); "
            "{left:,} skeleton procedures are left for later ({without:,} of them with no cases)",
            len(worklist.entries),
        ).format(**counts)
    )
    if worklist.not_handled:
        lines.append(
            ngettext(
                "{count:,} skeleton procedure marked handled: false is left out",
                "{count:,} skeleton procedures marked handled: false are left out",
                worklist.not_handled,
            ).format(count=worklist.not_handled)
        )
    return lines


def _empty_worklist(worklist: Worklist) -> str:
    if worklist.skeleton_procedures == 0:
        return _("no procedure has a skeleton flow (flow_source: skeleton) to survey: no survey form written")
    return ngettext(
        "the {count:,} skeleton procedure has no annual cases: no survey form written",
        "the {count:,} skeleton procedures have no annual cases: no survey form written",
        worklist.skeleton_procedures,
    ).format(count=worklist.skeleton_procedures)


@app.command("import")
def import_(
    files: FilesArgument,
    output: InventoryOption,
    output_format: FormatOption = "text",
    dry_run: DryRunOption = False,
) -> None:
    """Check filled survey forms (調査票) and merge them into the YAML files of -o DIR (exit 0 ok, 1 errors: nothing written, 2 usage)."""
    from bpr.survey.lock import FolderLocked, writer_lock
    from bpr.survey.sheets.check import check_workbooks
    from bpr.survey.sheets.merge import merge_workbooks

    workbooks = _workbook_paths(files)
    if output.exists() and not output.is_dir():
        fail(_("{path} is a file: -o takes the inventory folder").format(path=output))
    problems: list[Problem] = []
    changes: list[CounterChange] = []
    written: list[Path] = []
    # One writer at a time, from reading the folder to writing it (a dry run writes nothing: no lock).
    lock = contextlib.nullcontext() if dry_run else writer_lock(output, "bpr survey import")
    try:
        with lock:
            check = check_workbooks(workbooks, output)
            problems = list(check.problems)
            if not check.errors:
                merge = merge_workbooks(check, output)
                problems += merge.problems
                if not merge.errors:
                    changes = merge.changes
                    if not dry_run:
                        written = _write(merge, output)
    except FolderLocked as exc:
        fail(str(exc))
    errors = sum(1 for p in problems if p.severity.value == "error")
    report = _Report(len(workbooks), problems, changes, written, errors, dry_run)
    writer = _write_json if output_format == "json" else _write_text
    emit(lambda stream: writer(report, stream), utf8=output_format == "json")
    raise typer.Exit(EXIT_PROBLEMS if errors else 0)


def _write(merge: SurveyMerge, output: Path) -> list[Path]:
    from bpr.survey.sheets.merge import write_merged

    make_output_folder(output)
    try:
        return write_merged(merge)
    except OSError as exc:
        fail(_("cannot write {output}: {reason}").format(output=exc.filename or output, reason=os_reason(exc)))


class _Report:
    """What `bpr survey import` says: the problems, then what changed in which file."""

    def __init__(
        self,
        workbooks: int,
        problems: list[Problem],
        changes: list[CounterChange],
        written: list[Path],
        errors: int,
        dry_run: bool,
    ) -> None:
        self.workbooks = workbooks
        self.problems = problems
        self.changes = changes
        self.written = written
        self.errors = errors
        self.warnings = len(problems) - errors
        self.dry_run = dry_run


def _change_line(change: CounterChange, dry_run: bool) -> str:
    parts = []
    if change.counter_fields:
        parts.append(_("counter changed ({fields})").format(fields=joined(change.counter_fields)))
    if change.added:
        parts.append(_("added {ids}").format(ids=joined(change.added)))
    for procedure_id, fields in change.changed.items():
        parts.append(_("changed {id} ({fields})").format(id=procedure_id, fields=joined(fields)))
    if change.removed:
        parts.append(_("removed {ids}").format(ids=joined(change.removed)))
    for procedure_id, fields in change.conflicts.items():
        parts.append(
            _("conflict {id} ({fields}): changed in the form and in the file since the export, the file's kept").format(
                id=procedure_id, fields=joined(fields)
            )
        )
    if change.created:
        head = _("{path} (would create from {workbook})") if dry_run else _("{path} (created from {workbook})")
    else:
        head = _("{path} (from {workbook})")
    said = joined(parts, PART_LIST) if parts else _("no change")
    return f"{head.format(path=change.path, workbook=change.workbook)}: {said}"


def _write_text(report: _Report, stream: TextIO) -> None:
    """Write the problems, then (unless --quiet, or for a dry run) the changes, then (unless --quiet) the counts."""
    stream.write("".join(f"{problem}\n" for problem in report.problems))
    if report.dry_run or not is_quiet():
        stream.write("".join(_change_line(change, report.dry_run) + "\n" for change in report.changes))
    if not is_quiet():
        stream.write(_summary(report) + "\n")


def _summary(report: _Report) -> str:
    counts = {
        "workbooks": ngettext("{n} workbook", "{n} workbooks", report.workbooks).format(n=report.workbooks),
        "errors": ngettext("{n} error", "{n} errors", report.errors).format(n=report.errors),
        "warnings": ngettext("{n} warning", "{n} warnings", report.warnings).format(n=report.warnings),
    }
    if report.errors:
        return _("{workbooks}: {errors}, {warnings}; nothing was written").format(**counts)
    if report.dry_run:
        changing = sum(1 for c in report.changes if c.any)
        return ngettext(
            "{workbooks}: {errors}, {warnings}; {files} file would change (dry run: nothing was written)",
            "{workbooks}: {errors}, {warnings}; {files} files would change (dry run: nothing was written)",
            changing,
        ).format(files=changing, **counts)
    written = len(report.written)
    return ngettext(
        "{workbooks}: {errors}, {warnings}; {files} file written",
        "{workbooks}: {errors}, {warnings}; {files} files written",
        written,
    ).format(files=written, **counts)


def _write_json(report: _Report, stream: TextIO) -> None:
    data = {
        "workbooks": report.workbooks,
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": [problem.to_dict() for problem in report.problems],
        "dry_run": report.dry_run,
        "written": [str(path) for path in report.written],
        "counters": [
            {
                "file": str(change.path),
                "workbook": change.workbook,
                "counter": change.counter_id,
                "created": change.created,
                "counter_fields": change.counter_fields,
                "added": change.added,
                "changed": change.changed,
                "removed": change.removed,
                "conflicts": change.conflicts,
            }
            for change in report.changes
        ],
    }
    stream.write(json.dumps(data, ensure_ascii=False) + "\n")


def _workbook_paths(files: list[Path]) -> list[Path]:
    """Return the workbooks to import: the files given, and the .xlsx files in the folders given; exit 2 on a missing one."""
    missing = [str(path) for path in files if not path.exists()]
    if missing:
        fail(_("no such file or folder: {paths}").format(paths=", ".join(missing)))
    found: list[Path] = []
    for path in files:
        if path.is_dir():
            # Excel's lock files (~$shimin.xlsx) are no workbooks.
            found += sorted(
                p for p in path.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith("~$")
            )
        else:
            found.append(path)
    if not found:
        fail(_("no survey form (調査票) found in {paths}: no *.xlsx file").format(paths=", ".join(map(str, files))))
    unique: dict[Path, Path] = {}
    for path in found:  # a workbook named twice (a file and its folder) is read once
        unique.setdefault(path.resolve(), path)
    return list(unique.values())
