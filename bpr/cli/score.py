"""`bpr score`: derived figures and suitability scores per procedure, ranked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, emit, emit_blocks, not_one_of
from bpr.i18n import N_

SCORE_FORMATS = ("table", "json", "jsonl", "csv")


def _check_format(value: str) -> str:
    if value not in SCORE_FORMATS:
        raise not_one_of(value, SCORE_FORMATS)
    return value


def score(
    paths: PathsArgument = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="table|json|jsonl|csv", callback=_check_format, help=N_("Output format.")
        ),
    ] = "table",
    top: Annotated[int, typer.Option("--top", min=1, help=N_("Rows in the table."))] = 20,
    config: ConfigOption = None,
) -> None:
    """Score and rank every procedure: online, RPA and AI-OCR suitability with the reasons."""
    if output_format == "jsonl":
        _score_lines(paths, config)
        return
    if output_format == "json":
        _score_json(paths, config)
        return
    from bpr.analysis.pipeline import analyse_inventory, rank_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.jsonout import score_csv

    loaded = load_or_exit(paths, config)
    if output_format == "csv":
        # The records need the ranking alone: no roadmap, journeys or documents.
        ranking = rank_inventory(loaded.inventory, loaded.config, scored_files=loaded.scored)
        emit(lambda stream: stream.write(score_csv(ranking)), utf8=True)
        return
    analysis = analyse_inventory(loaded.inventory, loaded.config, scored_files=loaded.scored)
    from bpr.cli.terminal import make_console, print_apart, print_kpi_status, top_table

    console = make_console()
    console.print(top_table(analysis, top, console.width))
    print_apart(console, analysis.roadmap, len(analysis.not_handled), analysis.config.source)
    print_kpi_status(console, analysis.roadmap)


def _score_json(paths: list[Path] | None, config: Path | None) -> None:
    """Write the scores as one JSON document, rank order, from the lines `jsonl` streams (the same bytes each).

    The records need the ranking alone (no roadmap, journeys or documents), and the inventory need not be held:
    each procedure is scored and encoded as its file comes, and only its line and sort key are kept.
    """
    from bpr.cli.common import score_lines_or_exit
    from bpr.export.jsonout import score_json_head

    lines = score_lines_or_exit(paths, config)
    try:
        emit_blocks(lines.json_blocks(score_json_head(lines.surveyed_on, lines.config_source)))
    finally:
        lines.close()


def _score_lines(paths: list[Path] | None, config: Path | None) -> None:
    """Stream the scores as JSON lines, rank order, one procedure a line (docs/cli.md); name the config on stderr."""
    from bpr.cli.common import score_lines_or_exit
    from bpr.cli.terminal import config_line

    lines = score_lines_or_exit(paths, config)
    try:
        emit_blocks(lines.blocks())
    finally:
        lines.close()
    sys.stderr.write(config_line(lines.config_source) + "\n")
