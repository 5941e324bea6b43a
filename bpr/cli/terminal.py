"""Rich renderings shared by the analysing commands: the top-N table and the KPI status."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import Analysis, Roadmap
from bpr.analysis.roadmap import reiwa

MAX_SHORTFALL_LINES = 10


def top_table(analysis: Analysis, top: int) -> Table:
    """Return a table of the top procedures with scores, recommendation and the main reason."""
    table = Table(title=f"優先順位 上位{min(top, len(analysis.procedures))}件 / 全{len(analysis.procedures)}件")
    for header, justify in (
        ("順位", "right"),
        ("手続名", "left"),
        ("課", "left"),
        ("年間件数", "right"),
        ("オンライン", "right"),
        ("RPA", "right"),
        ("AI-OCR", "right"),
        ("推奨", "left"),
        ("主な理由", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for item in analysis.procedures[:top]:
        table.add_row(
            str(item.rank),
            Text(item.procedure.name),
            Text(item.counter.section),
            f"{item.procedure.annual_volume:,}",
            f"{item.scores.online:.1f}",
            f"{item.scores.rpa:.1f}",
            f"{item.scores.ai_ocr:.1f}",
            MEASURE_LABELS[item.recommendation],
            Text(item.reasons[0] if item.reasons else ""),
        )
    return table


def print_kpi_status(console: Console, roadmap: Roadmap) -> None:
    """Print each KPI (met or not, with its gap) and every shortfall of the roadmap."""
    last = roadmap.start_fy + roadmap.years - 1
    console.print(Text.assemble(("KPI", "bold"), f" ({reiwa(roadmap.start_fy)}〜{reiwa(last)})"))
    for kpi in roadmap.kpis:
        mark = ("達成", "green") if kpi.met else (f"未達 (不足{kpi.gap}件)", "red")
        line = f"  {kpi.name} {reiwa(kpi.by_fy)}まで: 目標{kpi.target}件 / 計画{kpi.planned}件 "
        console.print(Text.assemble(line, mark))
    general = [s for s in roadmap.shortfalls if s.procedure is None]
    particular = [s for s in roadmap.shortfalls if s.procedure is not None]
    for shortfall in general + particular[:MAX_SHORTFALL_LINES]:
        console.print(Text.assemble("  ", ("!", "yellow"), " ", shortfall.message))
    if len(particular) > MAX_SHORTFALL_LINES:
        rest = len(particular) - MAX_SHORTFALL_LINES
        console.print(
            Text.assemble("  ", ("!", "yellow"), f" ほか {rest:,}件の手続 (`bpr roadmap --format json` の shortfalls)")
        )


def make_console() -> Console:
    """Return a console on stdout, wide enough for Japanese tables when stdout is no terminal."""
    console = Console(file=sys.stdout)
    if not console.is_terminal:
        console = Console(file=sys.stdout, width=160)
    return console
