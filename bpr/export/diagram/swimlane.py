"""The swimlane diagram of one procedure: lanes as columns in a fixed order, time flowing down.

Graphviz does not keep clusters in the order written (mincross may swap them), so lanes are not
clusters. Each row of the diagram is a rank; invisible points mark the lane boundaries on every row,
linked left to right by invisible flat edges, which dot's mincross keeps in order between top-level
nodes, and top to bottom by heavy visible edges that draw the lane lines. Each step sits between the
boundaries of its lane on its row, and is tied to its lane's boundary on the rows above and below
(mincross checks the flat order only for nodes with a neighbour on the next rank), so neither the lane
order nor a step's lane can change whatever the flow. tests/test_diagram.py checks both on random flows.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from bpr.analysis.graph import build_process_graph
from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import ScoredProcedure
from bpr.export.diagram.dot import (
    BRANCH_COLOR,
    HANDWRITTEN_MARK,
    IN_PERSON_MARK,
    LANE_LABELS,
    LANE_LINE_COLOR,
    LANE_ORDER,
    MAIN_PATH_COLOR,
    MEASURE_BORDERS,
    MEASURE_FILLS,
    MEDIUM_BORDERS,
    MEDIUM_FILLS,
    MEDIUM_LABELS,
    MEDIUM_SHAPES,
    MUTED_TEXT,
    REWORK_COLOR,
    SEAL_MARK,
    DotGraph,
    Html,
    badge,
    format_minutes,
    format_volume,
    text,
    wrap,
)
from bpr.inventory.models import Actor, Measure, Medium, Step

HEADER_ROW = -1
LEGEND = "_legend"
REWORK_LABEL = "差し戻し"


def swimlane_source(item: ScoredProcedure, font: str) -> str:
    """Return the DOT source of a procedure's swimlane diagram."""
    process = build_process_graph(item.procedure)
    rows = _rows(process.graph)
    lanes = [actor for actor in LANE_ORDER if any(step.actor is actor for step in _steps(item))]
    graph = DotGraph(item.id, font, label=_title(item), labelloc="t", labeljust="c", nodesep="0.35", ranksep="0.45")
    graph.attr("node", margin="0.12,0.06")
    main_edges = set(zip(item.figures.main_path, item.figures.main_path[1:], strict=False))
    on_main = set(item.figures.main_path)
    for step in _steps(item):
        _draw_step(graph, step, step.id in on_main)
    _draw_lanes(graph, lanes, rows, _steps(item))
    lane_of = {step.id: lanes.index(step.actor) for step in _steps(item)}
    for source, target, rework in process.graph.edges(data="rework"):
        if rework:
            # Drawn from the earlier step down to the later one with the arrow reversed: dot then routes
            # it through the rows it spans, beside the steps, instead of around the whole diagram.
            headport, tailport = _rework_ports(lane_of[source], lane_of[target])
            graph.edge(
                target,
                source,
                label=_label_text(REWORK_LABEL, REWORK_COLOR),
                color=REWORK_COLOR,
                style="dashed",
                penwidth="1.6",
                dir="back",
                weight="0",
                arrowsize="0.8",
                tailport=tailport,
                headport=headport,
            )
        elif (source, target) in main_edges:
            graph.edge(source, target, color=MAIN_PATH_COLOR, penwidth="2.6", weight="4")
        else:
            graph.edge(source, target, color=BRANCH_COLOR, penwidth="1.2")
    _draw_legend(graph, len(lanes), max(rows.values(), default=0) + 1)
    dot_source: str = graph.source
    return dot_source


def _rework_ports(source_lane: int, target_lane: int) -> tuple[str, str]:
    """Return the ports that keep a rework edge beside its lanes instead of around the whole diagram."""
    if source_lane == target_lane:
        return "e", "e"
    return ("w", "e") if target_lane < source_lane else ("e", "w")


def _steps(item: ScoredProcedure) -> list[Step]:
    seen: set[str] = set()
    steps = []
    for step in item.procedure.steps:
        if step.id not in seen:
            seen.add(step.id)
            steps.append(step)
    return steps


def _rows(graph: nx.DiGraph) -> dict[str, int]:
    """Return each step's row: the longest path to it over forward edges, so every forward edge goes down."""
    forward = nx.DiGraph()
    forward.add_nodes_from(graph.nodes)
    forward.add_edges_from((u, v) for u, v, rework in graph.edges(data="rework") if not rework)
    rows: dict[str, int] = {}
    for node in nx.topological_sort(forward):
        rows[node] = max((rows[u] + 1 for u in forward.predecessors(node)), default=0)
    return rows


def _boundary(index: int, row: int) -> str:
    return f"_b{index}_{row + 1}"


def _draw_lanes(graph: DotGraph, lanes: Sequence[Actor], rows: dict[str, int], steps: Sequence[Step]) -> None:
    """Draw the lane headers and lines, and pin every step between its lane's boundaries on its row."""
    last = max(rows.values(), default=0) + 1  # an empty last row closes the lane lines below the steps
    occupied = {(step.actor, rows[step.id]) for step in steps}
    for row in range(HEADER_ROW, last + 1):
        for index in range(len(lanes) + 1):
            graph.node(_boundary(index, row), shape="point", width="0.01", height="0.01", style="invis")
        graph.same_rank(
            (_boundary(index, row) for index in range(len(lanes) + 1)), "min" if row == HEADER_ROW else "same"
        )
    for index, actor in enumerate(lanes):
        header = f"_lane{index}"
        graph.node(
            header,
            label=Html(f"<<B>{text(LANE_LABELS[actor])}</B>>"),
            shape="box",
            style="filled",
            fillcolor="#ececec",
            color="#9a9a9a",
            width="2.6",
            height="0.42",
            fontsize="14",
        )
        graph.edge(_boundary(index, HEADER_ROW), header, style="invis")
        graph.edge(header, _boundary(index + 1, HEADER_ROW), style="invis")
        graph.same_rank([header, _boundary(index, HEADER_ROW)], "min")
    for index in range(len(lanes) + 1):
        for row in range(HEADER_ROW, last + 1):
            if row < last:
                graph.edge(
                    _boundary(index, row),
                    _boundary(index, row + 1),
                    color=LANE_LINE_COLOR,
                    style="dashed",  # dot leaves 2pt between segments: dashes hide it
                    dir="none",
                    weight="100",
                    headclip="false",
                    tailclip="false",
                )
            if index < len(lanes) and row != HEADER_ROW and (lanes[index], row) not in occupied:
                graph.edge(_boundary(index, row), _boundary(index + 1, row), style="invis")
    lane_of = {actor: index for index, actor in enumerate(lanes)}
    for step in steps:
        index, row = lane_of[step.actor], rows[step.id]
        graph.same_rank([step.id, _boundary(index, row)])
        graph.edge(_boundary(index, row), step.id, style="invis")
        graph.edge(step.id, _boundary(index + 1, row), style="invis")
        # Ties to the lane line above and below: dot's mincross checks the flat order only between nodes
        # that have neighbours on the next rank, so every step needs one both ways.
        graph.edge(_boundary(index, row - 1), step.id, style="invis", weight="0")
        graph.edge(step.id, _boundary(index, row + 1), style="invis", weight="0")


def _draw_step(graph: DotGraph, step: Step, on_main_path: bool) -> None:
    style = "filled" if step.medium is Medium.PAPER else "rounded,filled"
    graph.node(
        step.id,
        label=_step_label(step),
        shape=MEDIUM_SHAPES[step.medium],
        style=style,
        fillcolor=MEDIUM_FILLS[step.medium],
        color=MEDIUM_BORDERS[step.medium],
        penwidth="2.2" if on_main_path else "1",
        width="2.2",
        height="0.5",
    )


def _step_label(step: Step) -> Html:
    rows = [f"<TR><TD><B>{text(line)}</B></TD></TR>" for line in wrap(step.name, 24, 3)]
    facts = [MEDIUM_LABELS[step.medium]] if step.medium is not Medium.NONE else []
    if step.effort:
        facts.append(format_minutes(step.effort))
    if step.wait:
        facts.append(f"待ち{format_minutes(step.wait)}")
    if facts:
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{MUTED_TEXT}">{text(" ・ ".join(facts))}</FONT></TD></TR>')
    marks = [
        m
        for m, on in ((SEAL_MARK, step.seal), (IN_PERSON_MARK, step.in_person), (HANDWRITTEN_MARK, step.handwritten))
        if on
    ]
    if marks:
        cells = "".join(badge(label, fill) for label, fill in marks)
        rows.append(f'<TR><TD><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="0"><TR>{cells}</TR></TABLE></TD></TR>')
    if step.system:
        system = "<BR/>".join(text(line) for line in wrap(step.system, 26, 2))
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="{MUTED_TEXT}">{system}</FONT></TD></TR>')
    return Html(f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0">{"".join(rows)}</TABLE>>')


def _label_text(value: str, color: str) -> Html:
    return Html(f'<<FONT COLOR="{color}">{text(value)}</FONT>>')


def _title(item: ScoredProcedure) -> Html:
    procedure = item.procedure
    name = "<BR/>".join(text(line) for line in wrap(procedure.name, 60, 2))
    where = f"{item.counter.name} ({item.counter.section}) ・ {procedure.id}"
    facts = [format_volume(procedure.annual_volume), f"優先順位 {item.rank}位"]
    figures = item.figures
    facts.append(f"来庁{figures.visits}回 ・ リードタイム{format_minutes(figures.lead_time_minutes)}")
    scores = "".join(
        _score_cell(label, value, measure is item.recommendation)
        for measure, label, value in (
            (Measure.ONLINE, "オンライン", item.scores.online),
            (Measure.RPA, "RPA", item.scores.rpa),
            (Measure.AI_OCR, "AI-OCR", item.scores.ai_ocr),
        )
    )
    rec = item.recommendation
    recommendation = (
        f'<TD BGCOLOR="{MEASURE_FILLS[rec]}" COLOR="{MEASURE_BORDERS[rec]}" BORDER="1">'
        f"<B>推奨: {text(MEASURE_LABELS[rec])}</B></TD>"
    )
    return Html(
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="2">'
        f'<TR><TD><FONT POINT-SIZE="20"><B>{name}</B></FONT></TD></TR>'
        f'<TR><TD><FONT POINT-SIZE="11" COLOR="{MUTED_TEXT}">{text(where)}</FONT></TD></TR>'
        f'<TR><TD><FONT POINT-SIZE="12">{text(" ・ ".join(facts))}</FONT></TD></TR>'
        '<TR><TD><TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" COLOR="#bbbbbb">'
        f"<TR>{scores}{recommendation}</TR></TABLE></TD></TR>"
        "</TABLE>>"
    )


def _score_cell(label: str, value: float, recommended: bool) -> str:
    inner = f"{text(label)} {value:.1f}"
    return f"<TD><B>{inner}</B></TD>" if recommended else f"<TD>{inner}</TD>"


def _draw_legend(graph: DotGraph, lanes: int, last_row: int) -> None:
    """Draw the legend below the lanes."""
    media = "".join(
        f'<TD BGCOLOR="{MEDIUM_FILLS[m]}" COLOR="{MEDIUM_BORDERS[m]}" BORDER="1">{text(MEDIUM_LABELS[m])}</TD>'
        for m in (Medium.PAPER, Medium.ELECTRONIC, Medium.VERBAL, Medium.NONE)
    )
    marks = "".join(badge(label, fill, 11) for label, fill in (SEAL_MARK, IN_PERSON_MARK, HANDWRITTEN_MARK))
    lines = (
        f'<TD><FONT COLOR="{MAIN_PATH_COLOR}"><B>━━</B></FONT> 主経路 (太枠の工程)</TD>'
        f'<TD><FONT COLOR="{BRANCH_COLOR}">──</FONT> 分岐</TD>'
        f'<TD><FONT COLOR="{REWORK_COLOR}">╍╍ {text(REWORK_LABEL)}</FONT></TD>'
    )
    label = Html(
        '<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3">'
        '<TR><TD ALIGN="LEFT"><B>凡例</B></TD>'
        f'<TD><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="3"><TR><TD>媒体:</TD>{media}</TR></TABLE></TD>'
        f'<TD><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{marks}</TR></TABLE></TD></TR>'
        f'<TR><TD></TD><TD COLSPAN="2"><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{lines}</TR></TABLE></TD></TR>'
        "</TABLE>>"
    )
    graph.node(LEGEND, label=label, shape="plain", fontsize="11")
    graph.same_rank([LEGEND], "max")
    graph.edge(_boundary(lanes // 2, last_row), LEGEND, style="invis", minlen="1")
