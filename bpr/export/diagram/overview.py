"""The overview of one counter: its procedures in columns by recommended measure, in priority order.

Columns are ordered by invisible flat edges between their top-level header nodes, which dot keeps
left to right; each column is a heavy invisible chain, so its procedures read top to bottom by rank.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.planned import Planned, planned_measures, planned_one
from bpr.analysis.results import Roadmap, ScoredProcedure
from bpr.export.diagram.dot import (
    MEASURE_BORDERS,
    MEASURE_FILLS,
    MUTED_TEXT,
    DotGraph,
    Html,
    badge,
    format_hours,
    format_volume,
    name_lines,
    text,
)
from bpr.export.diagram.title import MEASURE_ORDER, NATIONAL_MARK, plan_text
from bpr.inventory.enums import Measure
from bpr.inventory.models import Counter

COLUMN_ORDER = MEASURE_ORDER
MIN_ROWS = 10
MAX_COLUMNS = 8


def overview_source(
    counter: Counter,
    items: Sequence[ScoredProcedure],
    font: str,
    roadmap: Roadmap | None = None,
    planned: Mapping[str, Planned] | None = None,
) -> str:
    """Return the DOT source of a counter's overview: procedures coloured by recommendation, with volume and rank."""
    ranked = sorted(items, key=lambda item: (item.rank, item.id))
    graph = DotGraph(
        f"counter-{counter.id}", font, label=_title(counter, ranked), labelloc="t", nodesep="0.25", ranksep="0.2"
    )
    if planned is None or any(item.id not in planned for item in ranked):
        # Without the selection's measures (a caller of its own): computed here, from the roadmap.
        planned = (
            planned_measures(ranked, roadmap) if roadmap is not None else {i.id: planned_one(i, None) for i in ranked}
        )
    groups = [(m, [item for item in ranked if planned[item.id].primary is m]) for m in COLUMN_ORDER]
    rows = rows_per_column([len(members) for _, members in groups])
    headers: list[str] = []
    for measure, members in groups:
        for part, start in enumerate(range(0, len(members), rows)):
            header = f"_col_{measure.value}_{part}"
            headers.append(header)
            _draw_column(graph, header, measure, len(members), part, members[start : start + rows], roadmap, planned)
    graph.same_rank(headers, "min")
    for left, right in itertools.pairwise(headers):
        graph.edge(left, right, style="invis")
    dot_source: str = graph.source
    return dot_source


def rows_per_column(group_sizes: Sequence[int]) -> int:
    """Return how many procedures a column holds: 10, or more when a big counter would need over 8 columns."""
    rows = MIN_ROWS
    while sum(math.ceil(size / rows) for size in group_sizes) > MAX_COLUMNS and rows < max(group_sizes, default=0):
        rows += 1
    return rows


def _draw_column(
    graph: DotGraph,
    header: str,
    measure: Measure,
    total: int,
    part: int,
    members: Sequence[ScoredProcedure],
    roadmap: Roadmap | None,
    planned: Mapping[str, Planned],
) -> None:
    title = f"{MEASURE_LABELS[measure]} ({total}件)" if part == 0 else f"{MEASURE_LABELS[measure]} (続き)"
    graph.node(
        header,
        label=Html(f'<<FONT POINT-SIZE="14"><B>{text(title)}</B></FONT>>'),
        shape="box",
        style="filled",
        fillcolor=MEASURE_BORDERS[measure],
        fontcolor="white",
        color=MEASURE_BORDERS[measure],
        width="3.2",
        height="0.45",
    )
    previous = header
    for item in members:
        node = f"p_{item.id}"
        graph.node(
            node,
            label=_procedure_label(item, roadmap, planned[item.id]),
            shape="box",
            style="rounded,filled",
            fillcolor=MEASURE_FILLS[measure],
            color=MEASURE_BORDERS[measure],
            width="3.2",
            margin="0.1,0.05",
        )
        graph.edge(previous, node, style="invis", weight="100")
        previous = node


def _procedure_label(item: ScoredProcedure, roadmap: Roadmap | None, planned: Planned) -> Html:
    procedure = item.procedure
    rows = [f'<TR><TD ALIGN="LEFT"><B>{text(line)}</B></TD></TR>' for line in name_lines(procedure.name, 34, 2)]
    facts = [format_volume(procedure.annual_volume)]
    plans = planned.figures(item)
    if plans:
        facts.append(f"期待削減 {format_hours(plans[0].expected_hours)}/年")
    rows.append(_muted_row(" ・ ".join(facts)))
    if len(plans) > 1:
        extra = "、".join(f"{MEASURE_LABELS[p.measure]} {format_hours(p.expected_hours)}/年" for p in plans[1:])
        rows.append(_muted_row(f"併せて {extra}"))
    plan = plan_text(item.id, roadmap)
    if plan or procedure.national_priority:
        cells = f'<TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{MUTED_TEXT}">{text(plan)}</FONT></TD>' if plan else ""
        cells += '<TD WIDTH="6"></TD>' + badge(*NATIONAL_MARK, size=10) if procedure.national_priority else ""
        rows.append(
            f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR>{cells}</TR></TABLE></TD></TR>'
        )
    inner = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0">{"".join(rows)}</TABLE>'
    rank = f'<FONT POINT-SIZE="18"><B>{item.rank}</B></FONT><BR/><FONT POINT-SIZE="10">位</FONT>'
    return Html(
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
        f'<TR><TD WIDTH="38" VALIGN="MIDDLE">{rank}</TD><TD ALIGN="LEFT">{inner}</TD></TR></TABLE>>'
    )


def _muted_row(value: str) -> str:
    return f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{MUTED_TEXT}">{text(value)}</FONT></TD></TR>'


def _title(counter: Counter, ranked: Sequence[ScoredProcedure]) -> Html:
    where = " ・ ".join(part for part in (counter.department, counter.section, counter.location) if part)
    volume = sum(item.procedure.annual_volume for item in ranked)
    summary = f"手続{len(ranked)}件 ・ {format_volume(volume)} (合計)"
    notes = (
        "色と列 = 推奨する対応、数字 = 市全体の優先順位 (1位が最優先、期待削減の大きい順)",
        "期待削減 = 推奨する対応で見込む年間の削減時間、計画 = ロードマップ上の実施年度と対応",
    )
    return Html(
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1">'
        f'<TR><TD><FONT POINT-SIZE="20"><B>{"<BR/>".join(text(line) for line in name_lines(counter.name, 60, 2))}</B></FONT></TD></TR>'
        f'<TR><TD><FONT POINT-SIZE="11" COLOR="{MUTED_TEXT}">{text(where)}</FONT></TD></TR>'
        f'<TR><TD><FONT POINT-SIZE="12">{text(summary)}</FONT></TD></TR>'
        + "".join(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{MUTED_TEXT}">{text(note)}</FONT></TD></TR>' for note in notes)
        + "</TABLE>>"
    )
