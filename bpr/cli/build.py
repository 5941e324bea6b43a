"""`bpr build`: the main job — validate, then workbooks, diagrams, JSON and the HTML report into one folder, and a summary.

Everything is written into a staging folder beside the output folder, which replaces the output
folder only at the end: re-running replaces the outputs cleanly, and a failure leaves the previous
outputs as they were. The marker file lists what the build wrote; the next build replaces those
files only and carries every other file of the folder over (hard links, not copies). A folder
without the marker is written only when it is empty. `bpr report -o DIR` writes its folder by the
same rules (`OutputFolder`), with a marker of its own.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from bpr.cli import ConfigOption, PathsArgument, fail, os_reason
from bpr.cli.diagram import JobsOption, missing_dot_message, write_diagrams
from bpr.cli.session import is_quiet
from bpr.fiscal import MAX_FY, MIN_FY
from bpr.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from bpr.analysis.results import Analysis

MARKER = ".bpr-build"
WORKBOOK = "roadmap.xlsx"
SECTIONS = "sections"
DIAGRAMS = "diagrams"
SCORES = "scores.json"
ROADMAP = "roadmap.json"
JOURNEYS = "journeys.json"
REPORT = "report"
TOP = 10
MARKER_NOTE = (
    "written by `bpr build`: the next build replaces the files listed here and keeps every other file in this folder"
)
T = TypeVar("T")


@dataclass(frozen=True)
class OutputFolder:
    """A folder of outputs that one command owns: its marker (a manifest), and how messages name it."""

    marker: str
    command: str  # `bpr build`
    example: str  # a folder to suggest
    note: str  # written into the manifest
    conflict: str  # the message (N_) for a file of the user's at a place this run writes: {output}, {path}
    legacy: tuple[str, ...] = ()  # where a marker from before manifests says the outputs are


BUILD_FOLDER = OutputFolder(
    MARKER,
    "bpr build",
    "out/",
    MARKER_NOTE,
    N_(
        "cannot write {output}: this build writes {path}, which the last build did not write; "
        "move it out of the folder, or give another folder"
    ),
    (WORKBOOK, SCORES, ROADMAP, f"{SECTIONS}/*.xlsx", f"{DIAGRAMS}/*.svg"),
)


@dataclass(frozen=True)
class BuildOutputs:
    """What a build wrote, relative to its output folder."""

    sections: int
    diagrams: int
    report_pages: int = 0
    diagram_format: str | None = "svg"  # svg; dot when Graphviz is missing; None with --no-diagrams


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
    previous = check_output_folder(output)
    analysis = analyse_inventory(loaded.inventory, loaded.config, start_fy, years)
    outputs = write_output_folder(analysis, output, previous, loaded.config.diagram.font, jobs, diagram_format)
    if not is_quiet():
        warnings = sum(1 for problem in loaded.problems if problem.severity.value == "warning")
        print_summary(analysis, output, outputs, warnings)


def through_link(output: Path) -> Path:
    """Return the folder a link given as -o leads to, so that the outputs are written through it.

    The staging folder is made beside the real folder and takes its place there; the link stays as it was
    and leads to the new outputs. Renaming the link itself replaced it with a folder and left a `.NAME.old`
    link behind for good (issue 24, item 11).
    """
    return Path(os.path.realpath(output)) if output.is_symlink() else output


def check_output_folder(output: Path, kind: OutputFolder = BUILD_FOLDER) -> frozenset[str]:
    """Return the files the last run wrote into the output folder; exit 2 when the folder is not one bpr may write."""
    from bpr.export.safe import remove_abandoned_staging

    try:
        remove_abandoned_staging(output)
        if output.exists() and not output.is_dir():
            fail(_("cannot write into {folder}: it is a file, not a folder").format(folder=output))
        if output.resolve() == Path.cwd().resolve():
            fail(
                _(
                    "the output folder cannot be the working folder: choose a folder for `{command}` alone, "
                    "such as {example}"
                ).format(command=kind.command, example=kind.example)
            )
        previous = previous_outputs(output, kind)
        if previous is None and output.is_dir() and any(output.iterdir()):
            fail(
                _(
                    "cannot write {output}: it holds files not written by `{command}` ({files}); "
                    "give a new or empty folder, or move those files out"
                ).format(output=output, command=kind.command, files=_some(listed_files_of(output)))
            )
    except OSError as error:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(error)))
    return previous or frozenset()


def previous_outputs(output: Path, kind: OutputFolder = BUILD_FOLDER) -> frozenset[str] | None:
    """Return the files the last run listed in its marker, or None when the folder has no marker.

    The marker of a build before manifests says nothing of what it wrote: its outputs are the files at
    the places a build writes them, and anything else in the folder is taken as the user's.
    """
    from bpr.export.safe import read_manifest

    marker = output / kind.marker
    if not marker.is_file() or marker.is_symlink():
        return None
    manifest = read_manifest(marker)
    if manifest is not None:
        return manifest
    return frozenset(
        p.relative_to(output).as_posix() for pattern in kind.legacy for p in output.glob(pattern) if p.is_file()
    )


def write_output_folder(
    analysis: Analysis,
    output: Path,
    previous: frozenset[str],
    font: str,
    jobs: int | None,
    diagram_format: str | None = "svg",
) -> BuildOutputs:
    """Write every output into a staging folder, keep the user's files, and swap it in for the output folder."""
    return write_folder(
        output,
        previous,
        BUILD_FOLDER,
        lambda staging: write_outputs(analysis, staging, font, jobs, diagram_format),
    )


def write_folder(output: Path, previous: frozenset[str], kind: OutputFolder, write: Callable[[Path], T]) -> T:
    """Run `write` on a staging folder, add the marker, keep the user's files, and swap it in for the output folder."""
    from bpr.export.safe import OWNER_FILE, OutputConflict, carry_over, listed_files, make_staging_folder, manifest_text

    staging: Path | None = None
    try:
        staging = make_staging_folder(output)
        outputs = write(staging)
        written = (listed_files(staging) - {OWNER_FILE}) | {kind.marker}
        (staging / kind.marker).write_text(manifest_text(written, kind.note), encoding="utf-8")
        if output.is_dir():
            carry_over(output, staging, previous | {kind.marker})
        replace_folder(staging, output, previous | {kind.marker})
    except OutputConflict as conflict:
        fail(_(kind.conflict).format(output=output, path=conflict.path))
    except OSError as error:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(error)))
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return outputs


def listed_files_of(folder: Path) -> list[str]:
    """Return the files under a folder, sorted, as relative paths."""
    from bpr.export.safe import listed_files

    return sorted(listed_files(folder)) or sorted(p.name for p in folder.iterdir())


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
        (folder / ROADMAP).write_text(roadmap_json(analysis.roadmap, analysis.verification), encoding="utf-8")
        (folder / JOURNEYS).write_text(journeys_json(analysis), encoding="utf-8")
        diagrams = rendering.result()
    embedded = folder / DIAGRAMS if diagram_format == "svg" else None
    report = write_report(analysis, folder / REPORT, diagrams=embedded)
    return BuildOutputs(len(sections), diagrams, report.pages, diagram_format)


def _diagram_links(analysis: Analysis) -> dict[str, str]:
    """Return each procedure's diagram file relative to the workbook, as _write_all_diagrams names it."""
    from bpr.export.diagram import diagram_stems, select_diagrams

    return {pid: f"{DIAGRAMS}/{stem}.svg" for pid, stem in diagram_stems(select_diagrams(analysis)).items()}


def _write_all_diagrams(
    analysis: Analysis, folder: Path, font: str, jobs: int | None, diagram_format: str | None = "svg"
) -> int:
    from bpr.export.diagram import collect_diagrams, select_diagrams

    if diagram_format is None:
        return 0
    config = analysis.config
    direction = config.diagram.direction if config is not None else "TB"
    # The diagrams' folder sits beside the workbook: each swimlane's title links back to it.
    diagrams = collect_diagrams(
        analysis, select_diagrams(analysis), font, direction=direction, back_link=f"../{WORKBOOK}"
    )
    return len(write_diagrams(diagrams, folder, diagram_format, jobs))


def replace_folder(staging: Path, output: Path, replaced: frozenset[str] = frozenset()) -> None:
    """Put the staging folder in place of the output folder (a seam for tests that kill a build here)."""
    from bpr.export.safe import swap_folder

    swap_folder(staging, output, replaced)


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
    print_apart(console, analysis.roadmap, len(analysis.not_handled))
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
    console.print(f"[bold]{heading}[/bold] {escape(str(output))}{os.sep}", highlight=False)
    for name, what in rows:
        trailing = "/" if name.endswith("/") else ""
        console.print(f"  {escape(str(output / name))}{trailing}  {escape(what)}", highlight=False)
