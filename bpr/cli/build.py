"""`bpr build`: the main job — validate, then workbooks, diagrams and JSON into one folder, and a summary.

Everything is written into a staging folder beside the output folder, which replaces the output
folder only at the end: re-running replaces the outputs cleanly, and a failure leaves the previous
outputs as they were.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bpr.cli import ConfigOption, PathsArgument, fail
from bpr.cli.diagram import JobsOption, missing_dot_message, write_diagrams
from bpr.fiscal import MAX_FY, MIN_FY

if TYPE_CHECKING:
    from rich.console import Console

    from bpr.analysis.results import Analysis

MARKER = ".bpr-build"
WORKBOOK = "roadmap.xlsx"
SECTIONS = "sections"
DIAGRAMS = "diagrams"
SCORES = "scores.json"
ROADMAP = "roadmap.json"
TOP = 10
# What a build writes: a folder holding nothing else (e.g. `bpr diagram`'s default out/diagrams) is replaced.
OUTPUT_NAMES = frozenset({MARKER, WORKBOOK, SECTIONS, DIAGRAMS, SCORES, ROADMAP})


@dataclass(frozen=True)
class BuildOutputs:
    """What a build wrote, relative to its output folder."""

    sections: int
    diagrams: int


def build(
    paths: PathsArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder to write everything into (replaced).")
    ] = Path("out"),
    start_fy: Annotated[
        int | None,
        typer.Option(
            "--start-fy", min=MIN_FY, max=MAX_FY, help="First fiscal year of the roadmap.", show_default=False
        ),
    ] = None,
    years: Annotated[
        int | None, typer.Option("--years", min=1, max=30, help="Years in the roadmap.", show_default=False)
    ] = None,
    jobs: JobsOption = None,
    config: ConfigOption = None,
) -> None:
    """Validate, then write the workbooks, every diagram (SVG) and the JSON into DIR, and print a summary."""
    from bpr.analysis.pipeline import analyse_inventory
    from bpr.cli.common import load_or_exit
    from bpr.export.diagram import find_dot

    loaded = load_or_exit(paths, config)
    if find_dot() is None:
        fail(missing_dot_message())
    check_output_folder(output)
    analysis = analyse_inventory(loaded.inventory, loaded.config, start_fy, years)
    staging = _staging_folder(output)
    try:
        outputs = write_outputs(analysis, staging, loaded.config.diagram.font, jobs)
        (staging / MARKER).write_text("written by `bpr build`; the whole folder is replaced on the next build\n")
        replace_folder(staging, output)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    warnings = sum(1 for problem in loaded.problems if problem.severity.value == "warning")
    print_summary(analysis, output, outputs, warnings)


def check_output_folder(output: Path) -> None:
    """Exit 2 unless the output folder is new, an earlier build's or holds only what a build writes."""
    if output.exists() and not output.is_dir():
        fail(f"{output} exists and is not a folder")
    foreign = sorted(p.name for p in output.iterdir() if p.name not in OUTPUT_NAMES) if output.is_dir() else []
    if foreign and not (output / MARKER).is_file():
        fail(
            f"{output} holds files that `bpr build` did not write ({', '.join(foreign[:3])}); "
            "it replaces the whole folder, so choose another"
        )
    if output.resolve() == Path.cwd().resolve():
        fail("the output folder cannot be the working folder: `bpr build` replaces the whole folder")


def write_outputs(analysis: Analysis, folder: Path, font: str, jobs: int | None) -> BuildOutputs:
    """Write the diagrams, the workbooks and the JSON into a folder; `dot` renders while the workbooks are written."""
    from bpr.export.jsonout import roadmap_json, score_json
    from bpr.export.workbook import write_section_workbooks, write_workbook

    with ThreadPoolExecutor(max_workers=1) as background:
        rendering = background.submit(_write_all_diagrams, analysis, folder / DIAGRAMS, font, jobs)
        write_workbook(analysis, folder / WORKBOOK)
        sections = write_section_workbooks(analysis, folder / SECTIONS)
        (folder / SCORES).write_text(score_json(analysis), encoding="utf-8")
        (folder / ROADMAP).write_text(roadmap_json(analysis.roadmap), encoding="utf-8")
        diagrams = rendering.result()
    return BuildOutputs(len(sections), diagrams)


def _write_all_diagrams(analysis: Analysis, folder: Path, font: str, jobs: int | None) -> int:
    from bpr.export.diagram import collect_diagrams, select_diagrams

    diagrams = collect_diagrams(analysis, select_diagrams(analysis), font)
    return len(write_diagrams(diagrams, folder, "svg", jobs))


def _staging_folder(output: Path) -> Path:
    parent = output.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=parent))
    # mkdtemp makes the folder private; the outputs are meant to be shared like any other folder.
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    return staging


def replace_folder(staging: Path, output: Path) -> None:
    """Put the staging folder in place of the output folder; the old one is removed only once the new one is in."""
    if not output.exists():
        os.replace(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".old", dir=staging.parent))
    retired.rmdir()
    os.replace(output, retired)
    try:
        os.replace(staging, output)
    except OSError:
        with contextlib.suppress(OSError):
            os.replace(retired, output)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def print_summary(analysis: Analysis, output: Path, outputs: BuildOutputs, warnings: int) -> None:
    """Print the counts by measure, the top 10, KPI status and shortfalls, and where the files are."""
    from bpr.analysis.summary import summarise
    from bpr.cli.terminal import make_console, print_counts, print_kpi_status, top_table

    console = make_console()
    print_counts(console, summarise(analysis), len(analysis.roadmap.uptake))
    if warnings:
        console.print(f"警告 {warnings}件 (`bpr validate` で確認できます)", style="yellow", highlight=False)
    console.print(top_table(analysis, TOP))
    print_kpi_status(console, analysis.roadmap)
    _print_files(console, output, outputs)


def _print_files(console: Console, output: Path, outputs: BuildOutputs) -> None:
    from rich.markup import escape

    rows = (
        (WORKBOOK, "市全体のワークブック"),
        (f"{SECTIONS}/", f"課ごとのワークブック {outputs.sections}件"),
        (f"{DIAGRAMS}/", f"業務フロー図・窓口一覧図 {outputs.diagrams}件 (SVG)"),
        (SCORES, "スコア (JSON)"),
        (ROADMAP, "ロードマップ (JSON)"),
    )
    console.print(f"[bold]出力先[/bold] {escape(str(output))}{os.sep}", highlight=False)
    for name, what in rows:
        console.print(f"  {escape(str(output / name))}{'/' if name.endswith('/') else ''}  {what}", highlight=False)
