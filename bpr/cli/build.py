"""`bpr build`: the main job — validate, then workbooks, diagrams, JSON and the HTML report into one folder, and a summary.

The output folder is written by the rules of `bpr.export.output_folder` (a staging folder swapped in
at the end, the user's files kept, a folder of other files refused): this module words its refusals
and exits 2. `bpr report -o DIR` writes its folder by the same rules, with a marker of its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from bpr.cli import ConfigOption, PathsArgument, fail, os_reason
from bpr.cli.diagram import JobsOption, missing_dot_message, write_diagrams
from bpr.cli.session import is_quiet
from bpr.export.output_folder import BUILD_MARKER, OutputFolder, PreviousOutputs, through_link
from bpr.fiscal import MAX_FY, MIN_FY
from bpr.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from bpr.analysis.results import Analysis

MARKER = BUILD_MARKER
WORKBOOK = "roadmap.xlsx"
SECTIONS = "sections"
DIAGRAMS = "diagrams"
SLIDES = "slides"
SCORES = "scores.json"
ROADMAP = "roadmap.json"
JOURNEYS = "journeys.json"
REPORT = "report"
TOP = 10
MARKER_NOTE = (
    "written by `bpr build`: the next build replaces the files listed here and keeps every other file in this folder"
)
T = TypeVar("T")


BUILD_FOLDER = OutputFolder(
    MARKER,
    "bpr build",
    "out/",
    MARKER_NOTE,
    N_(
        "cannot write {output}: this build writes {path}, which the last build did not write; "
        "move it out of the folder, or give another folder"
    ),
    (WORKBOOK, SCORES, ROADMAP, f"{SECTIONS}/*.xlsx", f"{DIAGRAMS}/*.svg", f"{SLIDES}/*.svg"),
)


@dataclass(frozen=True)
class BuildOutputs:
    """What a build wrote, relative to its output folder."""

    sections: int
    diagrams: int
    report_pages: int = 0
    diagram_format: str | None = "svg"  # svg; dot when Graphviz is missing; None with --no-diagrams
    slides: int = 0  # 16:9 slides of every procedure (slides/), drawn with the SVG diagrams


def build(
    paths: PathsArgument = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help=N_("Folder to write everything into: new, empty, or an earlier build's (other files in it are kept)."),
        ),
    ] = Path("out"),
    start_fy: Annotated[
        int | None,
        typer.Option(
            "--start-fy", min=MIN_FY, max=MAX_FY, help=N_("First fiscal year of the roadmap."), show_default=False
        ),
    ] = None,
    years: Annotated[
        int | None, typer.Option("--years", min=1, max=30, help=N_("Years in the roadmap."), show_default=False)
    ] = None,
    no_diagrams: Annotated[
        bool, typer.Option("--no-diagrams", help=N_("Write no diagrams (the workbooks, JSON and report without them)."))
    ] = False,
    jobs: JobsOption = None,
    config: ConfigOption = None,
) -> None:
    """Validate, then write the workbooks, every diagram (SVG) and the JSON into DIR, and print a summary.

    Without Graphviz the rest is built all the same: the diagrams are written as DOT, with a warning.
    """
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.diagram import find_dot

    loaded = load_or_exit(paths, config)
    output = through_link(output)
    diagram_format: str | None = None if no_diagrams else "svg"
    if diagram_format is not None and find_dot() is None:
        diagram_format = "dot"
        # A warning about the output, said under --quiet too.
        warning = _(
            "warning: {missing_dot}. The diagrams are written as DOT (diagrams/*.dot) and the report has none; "
            "`bpr doctor` checks the set-up, `--no-diagrams` leaves them out"
        )
        sys.stderr.write(f"bpr: {warning.format(missing_dot=missing_dot_message())}\n")
    previous = check_output_folder_or_exit(output, BUILD_FOLDER)
    analysis = analyse_inventory(loaded.inventory, loaded.config, start_fy, years, loaded.scored)
    font = loaded.config.diagram.font
    outputs = write_output_folder_or_exit(
        output, previous, BUILD_FOLDER, lambda staging: write_outputs(analysis, staging, font, jobs, diagram_format)
    )
    if not is_quiet():
        warnings = sum(1 for problem in loaded.problems if problem.severity.value == "warning")
        print_summary(analysis, output, outputs, warnings)


def check_output_folder_or_exit(output: Path, kind: OutputFolder) -> PreviousOutputs:
    """Return the files bpr wrote into the output folder before; exit 2 when the folder is not one bpr may write."""
    from bpr.export.output_folder import ForeignFiles, NotAFolder, WorkingFolder, check_output_folder

    try:
        return check_output_folder(output, kind)
    except NotAFolder:
        fail(_("cannot write into {folder}: it is a file, not a folder").format(folder=output))
    except WorkingFolder:
        fail(
            _(
                "the output folder cannot be the working folder: choose a folder for `{command}` alone, "
                "such as {example}"
            ).format(command=kind.command, example=kind.example)
        )
    except ForeignFiles as refused:
        fail(
            _(
                "cannot write {output}: it holds files not written by `{command}` ({files}); "
                "give a new or empty folder, or move those files out"
            ).format(output=output, command=kind.command, files=_some(refused.files))
        )
    except OSError as error:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(error)))


def write_output_folder_or_exit(
    output: Path, previous: PreviousOutputs, kind: OutputFolder, write: Callable[[Path], T]
) -> T:
    """Write the output folder through `write` (see `bpr.export.output_folder`); exit 2 when it cannot be written."""
    from bpr.export.output_folder import OutputConflict, write_output_folder

    try:
        return write_output_folder(output, previous, kind, write)
    except OutputConflict as conflict:
        fail(_(kind.conflict).format(output=output, path=conflict.path))
    except OSError as error:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(error)))


def _some(names: list[str], shown: int = 3) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    more = len(names) - shown
    return _("{names} and {count} more").format(names=", ".join(names[:shown]), count=more)


def write_outputs(
    analysis: Analysis, folder: Path, font: str, jobs: int | None, diagram_format: str | None = "svg"
) -> BuildOutputs:
    """Write the diagrams, the workbooks, the JSON and the report into a folder; `dot` renders meanwhile.

    The report embeds the diagrams just rendered into diagrams/, so Graphviz draws each procedure once.
    """
    from concurrent.futures import ThreadPoolExecutor  # not at the start-up of every command

    from bpr.export.journeys_json import journeys_json
    from bpr.export.jsonout import roadmap_json, score_json
    from bpr.export.report import write_report
    from bpr.export.workbook import write_section_workbooks, write_workbook

    with ThreadPoolExecutor(max_workers=1) as background:
        rendering = background.submit(_write_all_diagrams, analysis, folder / DIAGRAMS, font, jobs, diagram_format)
        links = _diagram_links(analysis) if diagram_format == "svg" else {}
        write_workbook(analysis, folder / WORKBOOK, diagram_links=links)
        sections = write_section_workbooks(
            analysis, folder / SECTIONS, diagram_links={pid: f"../{path}" for pid, path in links.items()}
        )
        (folder / SCORES).write_text(score_json(analysis), encoding="utf-8")
        (folder / ROADMAP).write_text(
            roadmap_json(analysis.roadmap, analysis.verification, analysis.config.source, analysis.surveyed_on),
            encoding="utf-8",
        )
        (folder / JOURNEYS).write_text(journeys_json(analysis), encoding="utf-8")
        diagrams, slides = rendering.result()
    embedded = folder / DIAGRAMS if diagram_format == "svg" else None
    report = write_report(analysis, folder / REPORT, diagrams=embedded)
    return BuildOutputs(len(sections), diagrams, report.pages, diagram_format, slides)


def _diagram_links(analysis: Analysis) -> dict[str, str]:
    """Return each procedure's diagram file relative to the workbook, as _write_all_diagrams names it."""
    from bpr.export.diagram import diagram_stems, select_diagrams

    return {pid: f"{DIAGRAMS}/{stem}.svg" for pid, stem in diagram_stems(select_diagrams(analysis)).items()}


def _write_all_diagrams(
    analysis: Analysis, folder: Path, font: str, jobs: int | None, diagram_format: str | None = "svg"
) -> tuple[int, int]:
    """Write every diagram, then (SVG only: the slides need dot to measure them) every procedure's slides."""
    from bpr.export.diagram import collect_slides, diagram_count, iter_diagrams, select_diagrams

    if diagram_format is None:
        return 0, 0
    config = analysis.config
    direction = config.diagram.direction if config is not None else "TB"
    selection = select_diagrams(analysis)
    # The diagrams' folder sits beside the workbook: each swimlane's title links back to it.
    diagrams = iter_diagrams(analysis, selection, font, direction=direction, back_link=f"../{WORKBOOK}")
    written = len(write_diagrams(diagrams, folder, diagram_format, jobs, total=diagram_count(selection)))
    if diagram_format != "svg":
        return written, 0
    slides = collect_slides(selection, font, jobs)
    return written, len(write_diagrams([item.diagram for item in slides], folder.parent / SLIDES, "svg", jobs))


def print_summary(analysis: Analysis, output: Path, outputs: BuildOutputs, warnings: int) -> None:
    """Print the counts by measure, the top 10, KPI status and shortfalls, and where the files are."""
    from rich.markup import escape

    from bpr.analysis.summary import summarise
    from bpr.cli.terminal import make_console, print_apart, print_counts, print_kpi_status, print_outlook, top_table

    console = make_console()
    print_counts(console, summarise(analysis), len(analysis.roadmap.uptake))
    print_outlook(console, analysis.roadmap, analysis.verification)
    if warnings:
        line = ngettext(
            "{count} warning (`bpr validate` shows it)", "{count} warnings (`bpr validate` shows them)", warnings
        )
        console.print(escape(line.format(count=warnings)), style="yellow", highlight=False)
    console.print(top_table(analysis, TOP, console.width))
    print_apart(console, analysis.roadmap, len(analysis.not_handled), analysis.config.source)
    print_kpi_status(console, analysis.roadmap)
    _print_files(console, output, outputs)


def _print_files(console: Console, output: Path, outputs: BuildOutputs) -> None:
    from rich.markup import escape

    diagrams = (
        [
            (
                f"{DIAGRAMS}/",
                ngettext(
                    "{count} flow diagram or counter overview ({format})",
                    "{count} flow diagrams and counter overviews ({format})",
                    outputs.diagrams,
                ).format(count=outputs.diagrams, format=outputs.diagram_format.upper()),
            )
        ]
        if outputs.diagram_format is not None
        else []
    )
    if outputs.slides:
        diagrams.append(
            (
                f"{SLIDES}/",
                ngettext(
                    "{count} 16:9 slide of the flows (text at 12 pt or more)",
                    "{count} 16:9 slides of the flows (text at 12 pt or more)",
                    outputs.slides,
                ).format(count=outputs.slides),
            )
        )
    rows = [
        (WORKBOOK, _("workbook of the whole city")),
        (
            f"{SECTIONS}/",
            ngettext(
                "{count} workbook, one per section", "{count} workbooks, one per section", outputs.sections
            ).format(count=outputs.sections),
        ),
        *diagrams,
        (SCORES, _("scores (JSON)")),
        (ROADMAP, _("roadmap (JSON)")),
        (JOURNEYS, _("life events, attached documents and cashless payment (JSON)")),
        (
            f"{REPORT}/index.html",
            ngettext(
                "report (HTML, {count} page; open it in a browser)",
                "report (HTML, {count} pages; open it in a browser)",
                outputs.report_pages,
            ).format(count=outputs.report_pages),
        ),
    ]
    heading = escape(_("Output folder"))
    console.print(f"[bold]{heading}[/bold] {escape(str(output))}{os.sep}", highlight=False, soft_wrap=True)
    for name, what in rows:
        trailing = "/" if name.endswith("/") else ""
        console.print(f"  {escape(str(output / name))}{trailing}  {escape(what)}", highlight=False, soft_wrap=True)
