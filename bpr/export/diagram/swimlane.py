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
from bpr.analysis.results import ScoredProcedure
from bpr.export.diagram.dot import (
    BRANCH_COLOR,
    HANDWRITTEN_MARK,
    IN_PERSON_MARK,
    LANE_LABELS,
    LANE_LINE_COLOR,
    LANE_ORDER,
    MAIN_PATH_COLOR,
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
    badge_row,
    display_width,
    format_minutes,
    format_share,
    name_lines,
    text,
    visible,
)
from bpr.export.diagram.title import swimlane_title
from bpr.inventory.flow import Flow
from bpr.inventory.models import Actor, Medium, Step

HEADER_ROW = -1
LEGEND = "_legend"
REWORK_LABEL = "差し戻し"
CONDITION_COLOR = "#333333"
CONDITION_WIDTH = 24  # half-width cells per line of a condition on an arrow


def swimlane_source(item: ScoredProcedure, font: str, hours_per_fte: float) -> str:
    """Return the DOT source of a procedure's swimlane diagram."""
    process = build_process_graph(item.procedure)
    rows = _rows(process.graph)
    lanes = [actor for actor in LANE_ORDER if any(step.actor is actor for step in _steps(item))]
    graph = DotGraph(
        item.id,
        font,
        label=swimlane_title(item, hours_per_fte),
        labelloc="t",
        labeljust="c",
        nodesep="0.35",
        ranksep="0.45",
    )
    graph.attr("node", margin="0.12,0.06")
    main_edges = set(zip(item.figures.main_path, item.figures.main_path[1:], strict=False))
    on_main = set(item.figures.main_path)
    for step in _steps(item):
        _draw_step(graph, step, step.id in on_main)
    _draw_lanes(graph, lanes, rows, _steps(item))
    lane_of = {step.id: lanes.index(step.actor) for step in _steps(item)}
    conditions = _conditions(process.flow)
    for source, target, rework in process.graph.edges(data="rework"):
        condition, share = conditions.get((source, target), (None, None))
        if rework:
            # Drawn from the earlier step down to the later one with the arrow reversed: dot then routes
            # it through the rows it spans, beside the steps, instead of around the whole diagram.
            # A step pair also joined by a forward arrow (審査 → 補正 → 審査) gets no ports: dot then draws
            # the two arrows side by side instead of crossing each other in the same corridor.
            paired = process.graph.has_edge(target, source)
            headport, tailport = ("", "") if paired else _rework_ports(lane_of[source], lane_of[target])
            graph.edge(
                target,
                source,
                color=REWORK_COLOR,
                style="dashed",
                penwidth="1.6",
                dir="back",
                weight="0",
                arrowsize="0.8",
                **_ports(tailport, headport),
                **_labelled(_arrow_label(condition or REWORK_LABEL, share, REWORK_COLOR)),
            )
        elif (source, target) in main_edges:
            label = _arrow_label(condition, share, MAIN_PATH_COLOR)
            graph.edge(source, target, color=MAIN_PATH_COLOR, penwidth="2.6", weight="4", **_labelled(label))
        else:
            label = _arrow_label(condition, share, CONDITION_COLOR)
            graph.edge(source, target, color=BRANCH_COLOR, penwidth="1.2", **_labelled(label))
    shares_shown = any(share for _, share in conditions.values())
    _draw_legend(graph, len(lanes), max(rows.values(), default=0) + 1, shares_shown)
    dot_source: str = graph.source
    return dot_source


def _conditions(flow: Flow) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Return the condition and the share to write on each arrow.

    Shares are shown where a step has more than one way on and some share was written: the successors
    without one show the share derived for them. A step written with plain ids shows none, since its
    first successor takes every case by rule, not by survey.
    """
    out: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for node, successors in flow.successors.items():
        written = flow.shares.get(node, ())
        labels = flow.labels.get(node, ())
        show_shares = len(successors) > 1 and any(share is not None for share in written)
        for index, target in enumerate(successors):
            label = labels[index] if index < len(labels) else None
            share = format_share(flow.probabilities[node][index]) if show_shares else None
            out[(node, target)] = (label.strip() if label and visible(label) else None, share)
    return out


def _arrow_label(condition: str | None, share: str | None, color: str) -> Html | None:
    """Return the label of an arrow: its condition wrapped on at most three lines, then its share."""
    lines = name_lines(condition, CONDITION_WIDTH, 3) if condition else []
    if share:
        if lines and display_width(lines[-1]) + 1 + display_width(share) <= CONDITION_WIDTH + 4:
            lines[-1] = f"{lines[-1]} {share}"
        else:
            lines.append(share)
    if not lines:
        return None
    # The padding keeps the text off the arrow, which dot routes along the label's edge.
    body = "<BR/>".join(text(line) for line in lines)
    return Html(
        f'<<TABLE BORDER="0" CELLPADDING="4" CELLSPACING="0"><TR><TD>'
        f'<FONT POINT-SIZE="11" COLOR="{color}">{body}</FONT></TD></TR></TABLE>>'
    )


def _ports(tailport: str, headport: str) -> dict[str, str]:
    return {"tailport": tailport, "headport": headport} if tailport else {}


def _labelled(label: Html | None) -> dict[str, str]:
    return {"label": label} if label is not None else {}


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
    name = name_lines(step.name, 24, 3, placeholder=f"（名称なし: {step.id}）")
    rows = [f"<TR><TD><B>{text(line)}</B></TD></TR>" for line in name]
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
        rows.append(f"<TR><TD>{badge_row(marks)}</TD></TR>")
    if step.system and visible(step.system):
        system = "<BR/>".join(text(line) for line in name_lines(step.system, 26, 2))
        rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="{MUTED_TEXT}">{system}</FONT></TD></TR>')
    return Html(f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0">{"".join(rows)}</TABLE>>')


def _draw_legend(graph: DotGraph, lanes: int, last_row: int, shares_shown: bool) -> None:
    """Draw the legend below the lanes; it explains the percentages on the arrows when there are some."""
    media = "".join(
        f'<TD BGCOLOR="{MEDIUM_FILLS[m]}" COLOR="{MEDIUM_BORDERS[m]}" BORDER="1">{text(MEDIUM_LABELS[m])}</TD>'
        for m in (Medium.PAPER, Medium.ELECTRONIC, Medium.VERBAL, Medium.NONE)
    )
    marks = "".join(badge(label, fill, 11) for label, fill in (SEAL_MARK, IN_PERSON_MARK, HANDWRITTEN_MARK))
    lines = (
        f'<TD><FONT COLOR="{MAIN_PATH_COLOR}"><B>━━</B></FONT> 主経路 (最も多い流れ・太枠)</TD>'
        f'<TD><FONT COLOR="{BRANCH_COLOR}">──</FONT> 分岐</TD>'
        f'<TD><FONT COLOR="{REWORK_COLOR}">╍╍ {text(REWORK_LABEL)}</FONT></TD>'
    )
    shares = '<TR><TD></TD><TD COLSPAN="2" ALIGN="LEFT">%: その矢印へ進む案件の割合</TD></TR>' if shares_shown else ""
    label = Html(
        '<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3">'
        '<TR><TD ALIGN="LEFT"><B>凡例</B></TD>'
        f'<TD><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="3"><TR><TD>媒体:</TD>{media}</TR></TABLE></TD>'
        f'<TD><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{marks}</TR></TABLE></TD></TR>'
        f'<TR><TD></TD><TD COLSPAN="2"><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{lines}</TR></TABLE></TD></TR>'
        f"{shares}</TABLE>>"
    )
    graph.node(LEGEND, label=label, shape="plain", fontsize="11")
    graph.same_rank([LEGEND], "max")
    graph.edge(_boundary(lanes // 2, last_row), LEGEND, style="invis", minlen="1")
