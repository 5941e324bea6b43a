"""`bpr diagram`: Graphviz swimlane diagrams per procedure and an overview per counter."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, fail
from bpr.export.fonts import INSTALL_COMMAND, japanese_fonts, resolve_font

if TYPE_CHECKING:
    from bpr.export.diagram import Diagram

DIAGRAM_FORMATS = ("svg", "png", "pdf", "dot")
DIRECTIONS = ("TB", "LR")  # bpr.export.diagram.swimlane.DIRECTIONS, without importing it at start-up
PAPERS = ("a4", "a3")  # bpr.export.diagram.paper.PAPERS
# Japanese families to draw PNG and PDF with when the configured one is missing: Linux, then Windows.
FONT_FALLBACKS = ("Noto Sans CJK JP", "IPAexGothic", "BIZ UDGothic", "Yu Gothic", "Meiryo")


def _check_format(value: str) -> str:
    if value not in DIAGRAM_FORMATS:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(DIAGRAM_FORMATS)}")
    return value


def _check_direction(value: str | None) -> str | None:
    if value is None:
        return None
    if value.upper() not in DIRECTIONS:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(DIRECTIONS)}")
    return value.upper()


def _check_paper(value: str | None) -> str | None:
    if value is not None and value.lower() not in PAPERS:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(PAPERS)}")
    return value.lower() if value else None


JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Parallel `dot` workers. Default: the number of cores.", show_default=False
    ),
]


def diagram(
    paths: PathsArgument = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the diagrams into.")] = Path(
        "out/diagrams"
    ),
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", metavar="svg|png|pdf|dot", callback=_check_format, help="File format."),
    ] = "svg",
    procedure: Annotated[
        list[str] | None, typer.Option("--procedure", help="Only this procedure (repeatable).", show_default=False)
    ] = None,
    counter: Annotated[
        list[str] | None,
        typer.Option(
            "--counter", help="Only this counter: its overview and its procedures (repeatable).", show_default=False
        ),
    ] = None,
    direction: Annotated[
        str | None,
        typer.Option(
            "--direction",
            metavar="TB|LR",
            callback=_check_direction,
            help="Swimlanes top to bottom (lanes as columns) or left to right (lanes as rows, for slides)."
            " Default: the config's diagram.direction (TB).",
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
            help="Resolution of PNG. Default: the config's diagram.dpi (96).",
            show_default=False,
        ),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            metavar="a4|a3",
            callback=_check_paper,
            help="PDF on a landscape page of this paper, scaled to fit with text of at least 8 pt.",
            show_default=False,
        ),
    ] = None,
    jobs: JobsOption = None,
    config: ConfigOption = None,
) -> None:
    """Write a swimlane diagram per procedure (<id>.svg) and an overview per counter (counter-<id>.svg)."""
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.diagram import UnknownId, collect_diagrams, find_dot, select_diagrams

    if dpi is not None and output_format != "png":
        fail("--dpi applies to --format png only")
    if paper is not None and output_format != "pdf":
        fail("--paper applies to --format pdf only")
    if output_format != "dot" and find_dot() is None:
        fail(missing_dot_message(suggest_dot_format=True))
    loaded = load_or_exit(paths, config)
    analysis = analyse_inventory(loaded.inventory, loaded.config)
    try:
        selection = select_diagrams(analysis, procedure or (), counter or ())
    except UnknownId as error:
        fail(str(error))
    settings = loaded.config.diagram
    font = diagram_font(settings.font, output_format)
    diagrams = collect_diagrams(analysis, selection, font, direction=direction or settings.direction)
    if output_format == "png" and dpi is None:
        dpi = settings.dpi
    if output_format == "pdf" and paper is None:
        paper = settings.paper
    written = write_diagrams(diagrams, output, output_format, jobs, dpi=dpi, paper=paper)
    typer.echo(
        f"{len(written)} diagrams ({len(selection.procedures)} procedures, {len(selection.counters)} counters)"
        f" written to {output}{os.sep}"
    )


def missing_dot_message(suggest_dot_format: bool = False) -> str:
    """Return the message for a missing Graphviz `dot`, with the install command (and --format dot for `diagram`)."""
    # Only `bpr diagram` has --format dot; `build` and others must not suggest an option they lack.
    alternative = " (or use --format dot)" if suggest_dot_format else ""
    return f"Graphviz `dot` is not on PATH: install it with `{INSTALL_COMMAND}`{alternative}"


def diagram_font(configured: str, output_format: str) -> str:
    """Return the font to draw with: for PNG and PDF, one fontconfig has, with a note on stderr when it differs."""
    if output_format not in ("png", "pdf"):
        return configured
    available = japanese_fonts()
    if available is not None and not available:
        sys.stderr.write(
            f"bpr: note: fontconfig knows no Japanese font, so Japanese text may show as boxes: `{INSTALL_COMMAND}`\n"
        )
    font = resolve_font(configured, available)
    if font != configured and available:
        # Windows' Japanese fonts (BIZ UDGothic, Yu Gothic, Meiryo) come after the Linux ones.
        font = next((name for name in FONT_FALLBACKS if name in available), font)
    if font != configured:
        sys.stderr.write(f"bpr: note: font '{configured}' is not installed; drawing with '{font}'\n")
    return font


def write_diagrams(
    diagrams: Sequence[Diagram],
    output: Path,
    output_format: str,
    jobs: int | None,
    *,
    dpi: int | None = None,
    paper: str | None = None,
) -> list[Path]:
    """Render diagrams into a folder, with a progress bar on a terminal; exit 2 when Graphviz fails or is missing.

    With `paper` (PDF), each diagram is first laid out to set it on the page; one that cannot keep its
    text at 8 pt on that paper goes on a larger one, with a warning on stderr.
    """
    from bpr.export.diagram import GraphvizNotFound, RenderError, render_diagrams

    try:
        if paper is not None:
            diagrams = _on_paper(diagrams, paper, jobs)
        if not show_progress():
            return render_diagrams(diagrams, output, output_format, jobs, dpi=dpi)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("図を描画中", total=len(diagrams))
            return render_diagrams(
                diagrams, output, output_format, jobs, on_progress=lambda done: progress.advance(task, done), dpi=dpi
            )
    except GraphvizNotFound:
        fail(missing_dot_message())
    except RenderError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


def _on_paper(diagrams: Sequence[Diagram], paper: str, jobs: int | None) -> list[Diagram]:
    """Return the diagrams set on the paper, warning on stderr about each that needs a larger one."""
    from bpr.export.diagram.paper import MIN_TEXT, fit_to_paper
    from bpr.export.diagram.render import measure_diagrams

    sizes = measure_diagrams(diagrams, jobs)
    fits = [fit_to_paper(diagram, sizes[diagram.name], paper) for diagram in diagrams]
    hint = "try --paper a3 or the other --direction" if paper == "a4" else "try the other --direction"
    for fit in fits:
        if not fit.fits:
            sys.stderr.write(
                f"bpr: warning: {fit.diagram.name} does not fit {paper.upper()} with text of {MIN_TEXT:g} pt or more:"
                f" written on {fit.paper_label} (smallest text {fit.smallest_text:.1f} pt); {hint}\n"
            )
    return [fit.diagram for fit in fits]


def show_progress() -> bool:
    """Tell whether to draw a progress bar: on a terminal, and not in CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")
