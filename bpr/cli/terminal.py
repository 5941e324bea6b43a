"""Rich renderings shared by the analysing commands: the top-N table, the counts by measure and the KPI status.

Every count comes from the analysis' one summary (`bpr.analysis.summary`), as on the workbook's 概要.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import Analysis, KpiStatus, Roadmap
from bpr.analysis.roadmap import reiwa
from bpr.analysis.summary import Summary
from bpr.export.workbook import labels
from bpr.inventory.models import Measure

MAX_SHORTFALL_LINES = 10
KPI_COLOURS = {labels.MET: "green", labels.NOT_MET: "red", labels.EMPTY: "yellow", labels.CHECK: "yellow"}


NARROW = 120  # below this width the table drops the scores and the reason (they are in --format json/csv)


def top_table(analysis: Analysis, top: int, width: int = 160) -> Table:
    """Return a table of the top procedures with scores, measures, expected hours and the main reason.

    On a narrow terminal (80 columns) it keeps 順位, 手続名, 課, 推奨 and 期待削減, so that names stay readable.
    """
    title = f"優先順位 上位{min(top, len(analysis.procedures))}件 / 全{len(analysis.procedures)}件"
    if width < NARROW:
        return _narrow_table(analysis, top, title)
    table = Table(title=title)
    for header, justify in (
        ("順位", "right"),
        ("手続名", "left"),
        ("課", "left"),
        ("年間件数", "right"),
        ("オンライン", "right"),
        ("RPA", "right"),
        ("AI-OCR", "right"),
        ("推奨 (+補完)", "left"),
        ("期待削減 時間/年", "right"),
        ("主な理由", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for item in analysis.procedures[:top]:
        measures = " ".join([MEASURE_LABELS[item.recommendation], *(f"+{MEASURE_LABELS[m]}" for m in item.complements)])
        table.add_row(
            str(item.rank),
            Text(item.procedure.name),
            Text(item.counter.section),
            f"{item.procedure.annual_volume:,}",
            f"{item.scores.online:.1f}",
            f"{item.scores.rpa:.1f}",
            f"{item.scores.ai_ocr:.1f}",
            measures,
            "" if item.recommendation is Measure.NONE else f"{item.priority_hours:,.0f}",
            Text(item.reasons[0] if item.reasons else ""),
        )
    return table


def _narrow_table(analysis: Analysis, top: int, title: str) -> Table:
    table = Table(title=title, caption="スコアと理由は広い端末か --format json / csv で")
    table.add_column("順位", justify="right", no_wrap=True)
    table.add_column("手続名", justify="left", ratio=1, min_width=16, overflow="fold")
    table.add_column("課", justify="left", max_width=10)
    table.add_column("推奨", justify="left", no_wrap=True)
    table.add_column("期待削減\n時間/年", justify="right", no_wrap=True)
    for item in analysis.procedures[:top]:
        measures = " ".join([MEASURE_LABELS[item.recommendation], *(f"+{MEASURE_LABELS[m]}" for m in item.complements)])
        table.add_row(
            str(item.rank),
            Text(item.procedure.name),
            Text(item.counter.section),
            measures,
            "" if item.recommendation is Measure.NONE else f"{item.priority_hours:,.0f}",
        )
    return table


def print_counts(console: Console, summary: Summary, uptake: int) -> None:
    """Print the procedures by recommendation, the measures placed by kind, the hours saved and the uptake line."""
    recommended = [f"{MEASURE_LABELS[c.measure]} {c.recommended}" for c in summary.by_measure]
    recommended.append(f"{MEASURE_LABELS[Measure.NONE]} {summary.not_recommended}")
    console.print(
        Text.assemble((f"手続 {summary.procedures}件", "bold"), " の推奨: ", " / ".join(recommended)), highlight=False
    )
    placed = ", ".join(
        f"{MEASURE_LABELS[c.measure]} {c.placed}/{c.placed_outside}/{c.unplaced}" for c in summary.by_measure
    )
    console.print(f"施策の配置 (計画期間内/期間外の確定計画/枠不足で未配置): {placed}", highlight=False)
    hours = summary.total_placed
    console.print(
        f"削減見込み (計画期間内に配置した施策): {hours.hours:,.0f}時間/年 "
        f"(職員 {hours.staff:,.0f}時間 = {hours.fte:,.2f}人工・{hours.thousand_yen:,.0f}千円、住民 {hours.citizen:,.0f}時間)",
        highlight=False,
    )
    if uptake:
        online = summary.of(Measure.ONLINE).uptake
        console.print(
            f"マイナポータルで申請可能 {uptake}件 (うち推奨がオンライン化 {online}件): 新たな枠は使わず、利用率の向上が課題",
            highlight=False,
        )


def kpi_mark(kpi: KpiStatus) -> tuple[str, str]:
    """Return how a KPI reads on the terminal and its colour: 達成, 未達 (its gap), or 対象なし / 要確認 (never 達成)."""
    label = labels.kpi_status_label(kpi)
    text = f"{label} (不足{kpi.gap}件)" if label == labels.NOT_MET else label
    return text, KPI_COLOURS[label]


def print_kpi_status(console: Console, roadmap: Roadmap) -> None:
    """Print each KPI (met, not met with its gap, or its warning) and every shortfall of the roadmap."""
    last = roadmap.start_fy + roadmap.years - 1
    console.print(Text.assemble(("KPI", "bold"), f" ({reiwa(roadmap.start_fy)}〜{reiwa(last)})"))
    for kpi in roadmap.kpis:
        done = f" (実績{kpi.done}件)" if kpi.done else ""
        line = f"  {kpi.name} {reiwa(kpi.by_fy)}まで: 目標{kpi.target}件 / 計画{kpi.planned}件{done} "
        console.print(Text.assemble(line, kpi_mark(kpi)))
        if kpi.warning is not None:
            console.print(Text.assemble("    ", ("!", "yellow"), " ", kpi.warning))
    # A KPI's warning is printed under it above, not again among the shortfalls.
    shortfalls = [s for s in roadmap.shortfalls if not labels.hides_kpi_warning(s.message, roadmap.kpis)]
    general = [s for s in shortfalls if s.procedure is None]
    particular = [s for s in shortfalls if s.procedure is not None]
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
