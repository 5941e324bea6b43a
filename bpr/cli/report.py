"""`bpr report`: the HTML report, a folder that opens offline from a file share or an intranet server."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, fail
from bpr.cli.build import check_output_folder_or_exit, write_output_folder_or_exit
from bpr.cli.diagram import JobsOption, missing_dot_message, write_diagrams
from bpr.cli.roadmap import StartOption, YearsOption
from bpr.cli.session import is_quiet
from bpr.export.output_folder import OutputFolder, through_link
from bpr.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from bpr.analysis.results import Analysis
    from bpr.cli.common import Loaded
    from bpr.export.report import ReportOutputs

REPORT_FOLDER = OutputFolder(
    ".bpr-report",
    "bpr report",
    "report/",
    "written by `bpr report`: the next report replaces the files listed here and keeps every other file in this folder",
    N_(
        "cannot write {output}: this report writes {path}, which the last report did not write; "
        "move it out of the folder, or give another folder"
    ),
)


def report(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help=N_(
                "Folder to write the report into: new, empty, or an earlier report's (other files in it are kept)."
            ),
        ),
    ],
    paths: PathsArgument = None,
    start_fy: StartOption = None,
    years: YearsOption = None,
    jobs: JobsOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the HTML report into DIR: index.html, then a page per procedure, section and life event (works offline)."""
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit

    loaded = load_or_exit(paths, config)
    output = through_link(output)
    previous = check_output_folder_or_exit(output, REPORT_FOLDER)
    analysis = analyse_inventory(loaded.inventory, loaded.config, start_fy, years)
    written = write_output_folder_or_exit(
        output, previous, REPORT_FOLDER, lambda staging: _write(analysis, staging, loaded, jobs)
    )
    if is_quiet():
        return
    pages = ngettext("{count} page", "{count} pages", written.pages).format(count=written.pages)
    procedures = ngettext("{count} procedure", "{count} procedures", written.procedures).format(
        count=written.procedures
    )
    typer.echo(
        _("HTML report, {pages} ({procedures}) → {path}").format(
            pages=pages, procedures=procedures, path=output / "index.html"
        )
    )


def _write(analysis: Analysis, folder: Path, loaded: Loaded, jobs: int | None) -> ReportOutputs:
    """Render the swimlanes into a temporary folder (when `dot` is there), then write the pages embedding them."""
    from bpr.export.diagram import find_dot
    from bpr.export.report import write_report

    font = loaded.config.diagram.font
    try:
        if find_dot() is None:
            # A warning about the output, said under --quiet too.
            note = _("note: {missing_dot}; the report has no flow diagrams").format(missing_dot=missing_dot_message())
            sys.stderr.write(f"bpr: {note}\n")
            return write_report(analysis, folder, diagrams=None)
        with tempfile.TemporaryDirectory(prefix="bpr-report-") as rendered:
            _render_swimlanes(analysis, font, Path(rendered) / "diagrams", jobs)
            return write_report(analysis, folder, diagrams=Path(rendered) / "diagrams")
    except ValueError as error:  # SOURCE_DATE_EPOCH that is not a number
        fail(str(error))


def _render_swimlanes(analysis: Analysis, font: str, folder: Path, jobs: int | None) -> None:
    """Render every procedure's swimlane into folder (drawings the render cache has are not drawn again).

    The DOT sources are made one at a time as dot draws the first ones, and none is kept.
    """
    from bpr.analysis.planned import planned_measures
    from bpr.export.diagram import Selection, diagram_count, iter_diagrams

    # Each title's measures from one pass over the roadmap (a title left to find its own reads all of it).
    selection = Selection(analysis.procedures, (), planned_measures(analysis.procedures, analysis.roadmap))
    write_diagrams(iter_diagrams(analysis, selection, font), folder, "svg", jobs, total=diagram_count(selection))
