"""`bpr report`: the HTML report, a folder that opens offline from a file share or an intranet server."""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, fail, os_reason
from bpr.cli.build import check_output_folder_or_exit, write_output_folder_or_exit
from bpr.cli.diagram import JobsOption, drawing_progress, missing_dot_message
from bpr.cli.roadmap import StartOption, YearsOption
from bpr.cli.session import is_quiet
from bpr.export.output_folder import REPORT_MARKER, OutputFolder, through_link
from bpr.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from bpr.analysis.results import Analysis
    from bpr.export.report import ReportOutputs

REPORT_FOLDER = OutputFolder(
    REPORT_MARKER,
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
    analysis = analyse_inventory(loaded.inventory, loaded.config, start_fy, years, loaded.scored)
    font = loaded.config.diagram.font
    # What the pages do not read (the files as loaded, their problems, the scoring's records: some 5 MB
    # for 10,000 procedures) goes now, for the pages' own data to take its place.
    del loaded
    written = write_output_folder_or_exit(
        output, previous, REPORT_FOLDER, lambda staging: _write(analysis, staging, font, jobs)
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


def _write(analysis: Analysis, folder: Path, font: str, jobs: int | None) -> ReportOutputs:
    """Write the pages, embedding the swimlanes drawn meanwhile into a temporary folder (when `dot` is there)."""
    from bpr.export.diagram import find_dot
    from bpr.export.report import write_report

    try:
        if find_dot() is None:
            # A warning about the output, said under --quiet too.
            note = _("note: {missing_dot}; the report has no flow diagrams").format(missing_dot=missing_dot_message())
            sys.stderr.write(f"bpr: {note}\n")
            return write_report(analysis, folder, diagrams=None)
        with tempfile.TemporaryDirectory(prefix="bpr-report-") as rendered:
            return _pages_while_drawing(analysis, folder, font, Path(rendered), jobs)
    except ValueError as error:  # SOURCE_DATE_EPOCH that is not a number
        fail(str(error))


def _pages_while_drawing(analysis: Analysis, folder: Path, font: str, drawn: Path, jobs: int | None) -> ReportOutputs:
    """Draw the swimlanes into `drawn` in the background while the pages are written, each waiting for its own.

    The pages come in the order of the ranking, which is the order the diagrams are drawn in, so a page
    seldom waits; dot draws on the other cores meanwhile. A failure of either side stops the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    from bpr.export.diagram.render import default_workers
    from bpr.export.report import write_report
    from bpr.export.report.sanitising import sanitising_workers

    ready = _Ready()
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as background:
        drawing = background.submit(_render_swimlanes, analysis, font, drawn, jobs, ready.add, stop)
        drawing.add_done_callback(lambda _: ready.close())

        def wait(name: str) -> None:
            ready.wait(name)
            if drawing.done():
                drawing.result()  # dot failed: exit 2 now rather than after every page

        try:
            sanitisers = sanitising_workers(len(analysis.procedures), default_workers())
            outputs = write_report(
                analysis, folder, diagrams=drawn, ready=wait, drawn=ready.is_ready, workers=sanitisers
            )
        except BaseException:
            stop.set()
            raise
        drawing.result()  # dot failed: exit 2, as `bpr diagram` does
    return outputs


class _Ready:
    """The diagrams in place so far; a reader waits for one until it is, or until the drawing is over."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._names: set[str] = set()
        self._over = False

    def add(self, names: Iterable[str]) -> None:
        with self._condition:
            self._names.update(names)
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._over = True
            self._condition.notify_all()

    def is_ready(self, name: str) -> bool:
        with self._condition:
            return name in self._names

    def wait(self, name: str) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._over or name in self._names)


def _render_swimlanes(
    analysis: Analysis,
    font: str,
    folder: Path,
    jobs: int | None,
    on_ready: Callable[[Sequence[str]], None],
    stop: threading.Event,
) -> None:
    """Draw every procedure's swimlane into folder, saying which are ready; exit 2 when dot fails.

    The DOT sources are made one at a time as dot draws the first ones, and none is kept; drawings the
    render cache has are not drawn again.
    """
    from bpr.analysis.planned import planned_measures
    from bpr.export.diagram import RenderError, Selection, diagram_count, iter_diagrams
    from bpr.export.diagram.render import draw_diagrams

    # Each title's measures from one pass over the roadmap (a title left to find its own reads all of it).
    selection = Selection(analysis.procedures, (), planned_measures(analysis.procedures, analysis.roadmap))

    total = diagram_count(selection)
    try:
        with drawing_progress(total) as on_progress:
            draw_diagrams(iter_diagrams(analysis, selection, font), folder, total, jobs, on_progress, on_ready, stop)
    except RenderError as error:
        fail(str(error))
    except OSError as error:
        fail(_("cannot write {output}: {reason}").format(output=folder, reason=os_reason(error)))
