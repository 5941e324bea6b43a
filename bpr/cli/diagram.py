"""`bpr diagram`: Graphviz swimlane diagrams per procedure and an overview per counter."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, fail, not_one_of, os_reason
from bpr.cli.session import is_quiet
from bpr.export.fonts import INSTALL_COMMAND, japanese_fonts, resolve_font
from bpr.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from bpr.export.diagram import Diagram, Selection

DIAGRAM_FORMATS = ("svg", "png", "pdf", "dot")
DIRECTIONS = ("TB", "LR")  # bpr.export.diagram.swimlane.DIRECTIONS, without importing it at start-up
PAPERS = ("a4", "a3")  # bpr.export.diagram.paper.PAPERS
# Japanese families to draw PNG and PDF with when the configured one is missing: Linux, then Windows.
FONT_FALLBACKS = ("Noto Sans CJK JP", "IPAexGothic", "BIZ UDGothic", "Yu Gothic", "Meiryo")


def _check_format(value: str) -> str:
    if value not in DIAGRAM_FORMATS:
        raise not_one_of(value, DIAGRAM_FORMATS)
    return value


def _check_direction(value: str | None) -> str | None:
    if value is None:
        return None
    if value.upper() not in DIRECTIONS:
        raise not_one_of(value, DIRECTIONS)
    return value.upper()


def _check_paper(value: str | None) -> str | None:
    if value is not None and value.lower() not in PAPERS:
        raise not_one_of(value, PAPERS)
    return value.lower() if value else None


JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help=N_("Parallel `dot` workers. Default: the number of cores."), show_default=False
    ),
]


def diagram(
    paths: PathsArgument = None,
    output: Annotated[Path, typer.Option("--output", "-o", help=N_("Folder to write the diagrams into."))] = Path(
        "out/diagrams"
    ),
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", metavar="svg|png|pdf|dot", callback=_check_format, help=N_("File format.")),
    ] = "svg",
    procedure: Annotated[
        list[str] | None, typer.Option("--procedure", help=N_("Only this procedure (repeatable)."), show_default=False)
    ] = None,
    counter: Annotated[
        list[str] | None,
        typer.Option(
            "--counter",
            help=N_("Only this counter: its overview and its procedures (repeatable)."),
            show_default=False,
        ),
    ] = None,
    direction: Annotated[
        str | None,
        typer.Option(
            "--direction",
            metavar="TB|LR",
            callback=_check_direction,
            help=N_(
                "Swimlanes top to bottom (lanes as columns) or left to right (lanes as rows, for slides)."
                " Default: the config's diagram.direction (TB)."
            ),
            show_default=False,
        ),
    ] = None,
    dpi: Annotated[
        int | None,
        typer.Option(
            "--dpi",
            metavar="N",
            min=36,
            max=1200,
            help=N_("Resolution of PNG. Default: the config's diagram.dpi (96)."),
            show_default=False,
        ),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            metavar="a4|a3",
            callback=_check_paper,
            help=N_("PDF on a landscape page of this paper, scaled to fit with text of at least 8 pt."),
            show_default=False,
        ),
    ] = None,
    slide: Annotated[
        bool,
        typer.Option(
            "--slide",
            help=N_(
                "Draw each procedure on 16:9 slides instead (<id>.slide.svg, or <id>.slide-1.svg, -2 … when split):"
                " the main path left to right, the other ways as numbered notes, text of 12 pt or more on"
                " 1280 x 720 px. No counter overviews."
            ),
        ),
    ] = False,
    jobs: JobsOption = None,
    config: ConfigOption = None,
) -> None:
    """Write a swimlane diagram per procedure (<id>.svg) and an overview per counter (counter-<id>.svg)."""
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.diagram import UnknownId, diagram_count, find_dot, iter_diagrams, select_diagrams

    if dpi is not None and output_format != "png":
        fail(_("--dpi applies to --format png only"))
    if paper is not None and output_format != "pdf":
        fail(_("--paper applies to --format pdf only"))
    if slide and (direction is not None or paper is not None):
        fail(_("--direction and --paper do not apply to --slide: a slide runs left to right on a page of its own"))
    # Slides are laid out by dot to be fitted to the page, whatever the format written.
    if (output_format != "dot" or slide) and find_dot() is None:
        fail(missing_dot_message(suggest_dot_format=not slide))
    loaded = load_or_exit(paths, config)
    analysis = analyse_inventory(loaded.inventory, loaded.config, scored_files=loaded.scored)
    try:
        selection = select_diagrams(analysis, procedure or (), counter or ())
    except UnknownId as error:
        fail(str(error))
    settings = loaded.config.diagram
    font = diagram_font(settings.font, output_format)
    if output_format == "png" and dpi is None:
        dpi = settings.dpi
    if slide:
        write_slides(selection, font, output, output_format, jobs, dpi)
        return
    diagrams = iter_diagrams(analysis, selection, font, direction=direction or settings.direction)
    if output_format == "pdf" and paper is None:
        paper = settings.paper
    written = write_diagrams(
        diagrams, output, output_format, jobs, dpi=dpi, paper=paper, total=diagram_count(selection)
    )
    mark_as_diagrams(output, written)
    if is_quiet():
        return
    procedures, counters = len(selection.procedures), len(selection.counters)
    typer.echo(
        ngettext(
            "{count} diagram ({procedures}, {counters}) written to {folder}",
            "{count} diagrams ({procedures}, {counters}) written to {folder}",
            len(written),
        ).format(
            count=len(written),
            procedures=ngettext("{count} procedure", "{count} procedures", procedures).format(count=procedures),
            counters=ngettext("{count} counter", "{count} counters", counters).format(count=counters),
            folder=f"{output}{os.sep}",
        )
    )


def write_slides(
    selection: Selection, font: str, output: Path, output_format: str, jobs: int | None, dpi: int | None
) -> list[Path]:
    """Fit the selected procedures to 16:9 slides and write them; warn on stderr of any whose text stays under 12 pt."""
    from bpr.export.diagram import GraphvizNotFound, RenderError, collect_slides
    from bpr.export.diagram.slides import MIN_TEXT

    try:
        slides = collect_slides(selection, font, jobs)
    except GraphvizNotFound:
        fail(missing_dot_message())
    except RenderError as error:
        fail(str(error))
    warning = _("warning: {name}: even one step to a slide, its smallest text is {smallest} pt, under {min_text} pt")
    for item in slides:
        if not item.fits:
            said = warning.format(
                name=item.diagram.name, min_text=f"{MIN_TEXT:g}", smallest=f"{item.smallest_text:.1f}"
            )
            sys.stderr.write(f"bpr: {said}\n")
    written = write_diagrams([item.diagram for item in slides], output, output_format, jobs, dpi=dpi)
    mark_as_diagrams(output, written)
    if not is_quiet():
        procedures = len(selection.procedures)
        split = len({item.diagram.procedure for item in slides if item.part.count > 1})
        said = ngettext(
            "{count} slide ({procedures}) written to {folder}",
            "{count} slides ({procedures}) written to {folder}",
            len(written),
        ).format(
            count=len(written),
            procedures=ngettext("{count} procedure", "{count} procedures", procedures).format(count=procedures),
            folder=f"{output}{os.sep}",
        )
        if split:
            said += ngettext(
                "; {count} procedure is split over several slides, as its title says",
                "; {count} procedures are split over several slides, as their titles say",
                split,
            ).format(count=split)
        typer.echo(said)
    return written


def mark_as_diagrams(output: Path, written: list[Path]) -> None:
    """List the diagrams just written in the folder's marker (.bpr-diagram), so that `bpr build` knows them for bpr's.

    `bpr build -o out/` then accepts an `out/diagrams/` of `bpr diagram` and overwrites its files, where it
    would refuse a folder of someone else's (docs/output.md). Exit 2 when the marker cannot be written.
    """
    from bpr.export.output_folder import add_to_manifest

    if not written:
        return
    try:
        add_to_manifest(output, written)
    except OSError as error:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(error)))


def missing_dot_message(suggest_dot_format: bool = False) -> str:
    """Return the message for a missing Graphviz `dot`, with the install command (and --format dot for `diagram`)."""
    # Only `bpr diagram` has --format dot; `build` and others must not suggest an option they lack.
    if suggest_dot_format:
        message = _("Graphviz `dot` is not on PATH: install it with `{install}` (or use --format dot)")
    else:
        message = _("Graphviz `dot` is not on PATH: install it with `{install}`")
    return message.format(install=INSTALL_COMMAND)


def diagram_font(configured: str, output_format: str) -> str:
    """Return the font to draw with: for PNG and PDF, one fontconfig has, with a note on stderr when it differs."""
    if output_format not in ("png", "pdf"):
        return configured
    available = japanese_fonts()
    if available is not None and not available:
        # The drawings may be unreadable: a problem of the output, said under --quiet too.
        note = _("note: fontconfig knows no Japanese font, so Japanese text may show as boxes: `{install}`")
        sys.stderr.write(f"bpr: {note.format(install=INSTALL_COMMAND)}\n")
    font = resolve_font(configured, available)
    if font != configured and available:
        # Windows' Japanese fonts (BIZ UDGothic, Yu Gothic, Meiryo) come after the Linux ones.
        font = next((name for name in FONT_FALLBACKS if name in available), font)
    if font != configured and not is_quiet():
        note = _("note: font '{configured}' is not installed; drawing with '{font}'")
        sys.stderr.write(f"bpr: {note.format(configured=configured, font=font)}\n")
    return font


def write_diagrams(
    diagrams: Iterable[Diagram],
    output: Path,
    output_format: str,
    jobs: int | None,
    *,
    dpi: int | None = None,
    paper: str | None = None,
    total: int | None = None,
) -> list[Path]:
    """Render diagrams into a folder, with a progress bar on a terminal; exit 2 when Graphviz fails or is missing.

    `diagrams` may be a generator (`iter_diagrams`) when `total` says how many it gives. With `paper`
    (PDF), each diagram is first laid out to set it on the page; one that cannot keep its text at 8 pt
    on that paper goes on a larger one, with a warning on stderr.
    """
    from bpr.export.diagram import GraphvizNotFound, RenderError, render_diagrams

    try:
        if paper is not None:
            diagrams = _on_paper(list(diagrams), paper, jobs)
        if total is None or paper is not None:
            diagrams = list(diagrams)
            total = len(diagrams)
        with drawing_progress(total) as on_progress:
            return render_diagrams(diagrams, output, output_format, jobs, on_progress=on_progress, dpi=dpi, total=total)
    except GraphvizNotFound:
        fail(missing_dot_message())
    except RenderError as error:
        fail(str(error))
    except OSError as error:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(error)))


@contextmanager
def drawing_progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """Show a progress bar of `total` diagrams when `show_progress` says so, and give what advances it (else None)."""
    if not show_progress():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(_("Drawing the diagrams"), total=total)
        yield lambda done: progress.advance(task, done)


def _on_paper(diagrams: Sequence[Diagram], paper: str, jobs: int | None) -> list[Diagram]:
    """Return the diagrams set on the paper, warning on stderr about each that needs a larger one."""
    from bpr.export.diagram.paper import MIN_TEXT, fit_to_paper
    from bpr.export.diagram.render import measure_diagrams

    sizes = measure_diagrams(diagrams, jobs)
    fits = [fit_to_paper(diagram, sizes[diagram.name], paper) for diagram in diagrams]
    if paper == "a4":
        warning = _(
            "warning: {name} does not fit {paper} with text of {min_text} pt or more: written on {larger} "
            "(smallest text {smallest} pt); try --paper a3 or the other --direction"
        )
    else:
        warning = _(
            "warning: {name} does not fit {paper} with text of {min_text} pt or more: written on {larger} "
            "(smallest text {smallest} pt); try the other --direction"
        )
    for fit in fits:
        if not fit.fits:
            said = warning.format(
                name=fit.diagram.name,
                paper=paper.upper(),
                min_text=f"{MIN_TEXT:g}",
                larger=fit.paper_label,
                smallest=f"{fit.smallest_text:.1f}",
            )
            sys.stderr.write(f"bpr: {said}\n")
    return [fit.diagram for fit in fits]


def show_progress() -> bool:
    """Tell whether to draw a progress bar: on a terminal, not in CI, and not under --quiet."""
    return sys.stderr.isatty() and not os.environ.get("CI") and not is_quiet()
