"""`bpr roadmap`: the prioritised workbook section chiefs receive, one per section, or the schedule as JSON."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, emit, fail, make_output_folder, not_one_of, os_reason
from bpr.cli.session import is_quiet
from bpr.fiscal import MAX_FY, MIN_FY
from bpr.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from bpr.analysis.results import Analysis

ROADMAP_FORMATS = ("xlsx", "json")
SPLITS = ("section",)
WORKBOOK_SUFFIX = ".xlsx"
JSON_SUFFIX = ".json"


def _check_format(value: str) -> str:
    if value not in ROADMAP_FORMATS:
        raise not_one_of(value, ROADMAP_FORMATS)
    return value


def _check_split(value: str | None) -> str | None:
    if value is not None and value not in SPLITS:
        raise not_one_of(value, SPLITS)
    return value


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=N_(
            "The workbook to write (FILE.xlsx), or the folder for one workbook per section with --split-by section."
        ),
        show_default=False,
    ),
]
SplitOption = Annotated[
    str | None,
    typer.Option(
        "--split-by",
        metavar="section",
        callback=_check_split,
        help=N_("Write one workbook per section (課) into the -o folder."),
    ),
]
StartOption = Annotated[
    int | None,
    typer.Option(
        "--start-fy", min=MIN_FY, max=MAX_FY, help=N_("First fiscal year of the roadmap. Default: the config's (2022).")
    ),
]
YearsOption = Annotated[
    int | None,
    typer.Option("--years", min=1, max=30, help=N_("Fiscal years in the roadmap. Default: the config's (4).")),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="xlsx|json",
        callback=_check_format,
        help=N_("xlsx writes the workbook; json prints the schedule (or writes it to -o)."),
    ),
]


def roadmap(
    paths: PathsArgument = None,
    output: OutputOption = None,
    split_by: SplitOption = None,
    start_fy: StartOption = None,
    years: YearsOption = None,
    output_format: FormatOption = "xlsx",
    config: ConfigOption = None,
) -> None:
    """Write the prioritised Excel workbook for section chiefs (exit 0 ok, 1 inventory errors, 2 usage or output)."""
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit

    _check_options(output, split_by, output_format)
    loaded = load_or_exit(paths, config)
    analysis = analyse_inventory(loaded.inventory, loaded.config, start_fy, years, loaded.scored)
    if output_format == "json":
        _write_json(analysis, output)
        return
    assert output is not None  # checked by _check_options
    written = _write_workbooks(analysis, output, split_by is not None)
    if not is_quiet():
        _print_summary(analysis, written, len(loaded.problems))


def _check_options(output: Path | None, split_by: str | None, output_format: str) -> None:
    """Reject option combinations that cannot work before reading any inventory."""
    if output_format == "json":
        if split_by is not None:
            fail(_("--split-by writes workbooks; it cannot be used with --format json"))
        # A fixed suffix also keeps an inventory file (.yaml) from ever being overwritten.
        if output is not None and output.suffix.lower() != JSON_SUFFIX:
            fail(_("the JSON file must end in {suffix}, not '{name}'").format(suffix=JSON_SUFFIX, name=output.name))
        return
    if output is None:
        fail(_("say where to write the workbook: -o FILE.xlsx, or --split-by section -o DIR"))
    if split_by is not None:
        if output.exists() and not output.is_dir():
            fail(_("{path} is a file: --split-by section -o needs a folder").format(path=output))
    elif output.suffix.lower() != WORKBOOK_SUFFIX:
        fail(
            _("the workbook file must end in {suffix}, not '{name}' (or use --split-by section -o DIR)").format(
                suffix=WORKBOOK_SUFFIX, name=output.name
            )
        )
    elif output.is_dir():
        fail(
            _("{path} is a folder: give a file name such as {example}").format(
                path=output, example=output / "roadmap.xlsx"
            )
        )


def _write_workbooks(analysis: Analysis, output: Path, split: bool) -> list[Path]:
    """Write the workbook, or one per section; exit 2 with a clear message when the output cannot be written."""
    from bpr.export.workbook import write_section_workbooks, write_workbook

    make_output_folder(output if split else output.parent)
    try:
        if split:
            return write_section_workbooks(analysis, output)
        write_workbook(analysis, output)
    except OSError as exc:
        fail(nothing_written(exc.filename or output, exc))
    except ValueError as exc:  # SOURCE_DATE_EPOCH that is not a number
        fail(str(exc))
    return [output]


def _write_json(analysis: Analysis, output: Path | None) -> None:
    """Print the schedule as JSON, or write it atomically to -o."""
    from bpr.export.jsonout import roadmap_json

    text = roadmap_json(analysis.roadmap, analysis.verification, analysis.config.source, analysis.surveyed_on)
    if output is None:
        emit(lambda stream: stream.write(text), utf8=True)
        return
    from bpr.export.atomic import atomic_write

    make_output_folder(output.parent)
    try:
        atomic_write(output, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    except OSError as exc:
        fail(nothing_written(exc.filename or output, exc))


def nothing_written(where: object, error: OSError) -> str:
    """Return the message for an output that could not be written, where nothing was written."""
    return _("cannot write {output}: {reason} (nothing was written there)").format(
        output=where, reason=os_reason(error)
    )


def _print_summary(analysis: Analysis, written: list[Path], problems: int) -> None:
    """Print what was written, the counts by measure and the KPI status (met or not, gap, warnings, shortfalls)."""
    from rich.text import Text

    from bpr.analysis.summary import summarise
    from bpr.cli.terminal import make_console, print_apart, print_counts, print_kpi_status, print_outlook

    console = make_console()
    if len(written) == 1:
        where = str(written[0])
    else:
        where = ngettext(
            "{count} workbook, one per section, in {folder}",
            "{count} workbooks, one per section, in {folder}",
            len(written),
        ).format(count=len(written), folder=f"{written[0].parent}{os.sep}")
    line = ngettext(
        "Written: {where}; {count} warning is listed in the issues sheet (課題一覧)",
        "Written: {where}; {count} warnings are listed in the issues sheet (課題一覧)",
        problems,
    )
    console.print(Text(line.format(where=where, count=problems)), soft_wrap=True)  # a path is never broken
    print_counts(console, summarise(analysis), len(analysis.roadmap.uptake))
    print_outlook(console, analysis.roadmap, analysis.verification)
    print_apart(console, analysis.roadmap, len(analysis.not_handled), analysis.config.source)
    print_kpi_status(console, analysis.roadmap)
