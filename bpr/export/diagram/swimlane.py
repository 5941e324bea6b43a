"""The swimlane diagram of one procedure: lanes in a fixed order, time flowing down (TB) or to the right (LR).

Graphviz does not keep clusters in the order written (mincross may swap them), so lanes are not
clusters. Each row of the diagram is a rank; invisible points mark the lane boundaries on every row,
linked left to right by invisible flat edges, which dot's mincross keeps in order between top-level
nodes, and top to bottom by heavy visible edges that draw the lane lines. Each step sits between the
boundaries of its lane on its row, and is tied to its lane's boundary on the rows above and below
(mincross checks the flat order only for nodes with a neighbour on the next rank), so neither the lane
order nor a step's lane can change whatever the flow. tests/test_diagram.py checks both on random flows.

Left to right (rankdir=LR, the usual 業務フロー on a slide) is the same graph turned a quarter: ranks
become columns, the boundaries' flat order runs top to bottom, so lanes are rows with their names on
the left. Only sizes change: narrower steps and conditions (width is what LR spends), and the legend
beside the title instead of after the last column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from bpr.analysis.graph import build_process_graph
from bpr.analysis.planned import Planned
from bpr.analysis.results import Roadmap, ScoredProcedure
from bpr.analysis.trips import trip_numbers
from bpr.export.diagram.dot import (
    BRANCH_COLOR,
    HANDWRITTEN_MARK,
    IN_PERSON_MARK,
    LANE_LINE_COLOR,
    LANE_ORDER,
    MAIN_PATH_COLOR,
    MEDIUM_BORDERS,
    MEDIUM_FILLS,
    MEDIUM_SHAPES,
    MUTED_TEXT,
    REWORK_COLOR,
    SEAL_MARK,
    DotGraph,
    Html,
    attributes,
    badge_row,
    circled,
    format_share,
    name_lines,
    step_facts,
    text,
    visible,
)
from bpr.export.diagram.legend import REWORK_LABEL, Drawn, legend_table
from bpr.export.diagram.title import swimlane_title
from bpr.inventory.enums import Actor, Medium
from bpr.inventory.flow import Flow
from bpr.inventory.models import Step
from bpr.inventory.vocabulary import LANE_LABELS
from bpr.linebreak import display_width

HEADER_ROW = -1
LEGEND = "_legend"
CONDITION_COLOR = "#333333"
CONDITION_WIDTH = 24  # half-width cells per line of a condition on an arrow (top to bottom)
DIRECTIONS = ("TB", "LR")


@dataclass(frozen=True)
class Layout:
    """What differs between the two directions: sizes, spacing, the rework ports and where the legend goes."""

    rankdir: str
    name_width: int  # half-width cells per line of a step's name
    name_lines: int
    condition_width: int
    step_width: str  # inches, the least width of a step
    header_width: str
    header_height: str
    nodesep: str
    ranksep: str
    rework_ports: bool  # rework arrows leave and enter on the side facing the other lane
    legend_in_title: bool


LAYOUTS = {
    "TB": Layout("TB", 24, 3, CONDITION_WIDTH, "2.2", "2.6", "0.42", "0.35", "0.45", True, False),
    # Left to right, ports above and below the steps made rework arrows cross the branch labels beside
    # them; without ports dot routes them clear.
    "LR": Layout("LR", 16, 5, 14, "1.2", "0.9", "0.5", "0.18", "0.25", False, True),
}


def swimlane_source(
    item: ScoredProcedure,
    font: str,
    hours_per_fte: float,
    *,
    roadmap: Roadmap | None = None,
    direction: str = "TB",
    back_link: str | None = None,
    planned: Planned | None = None,
) -> str:
    """Return the DOT source of a procedure's swimlane diagram, top to bottom (TB) or left to right (LR).

    `back_link` is the workbook's path relative to the diagram, which its title then links to.
    """
    layout = LAYOUTS[direction]
    process = build_process_graph(item.procedure)
    rows = _rows(process.graph)
    steps = _steps(item)
    lanes = [actor for actor in LANE_ORDER if any(step.actor is actor for step in steps)]
    trips = trip_numbers(process.flow, process.steps, item.figures.main_path)
    conditions = _conditions(process.flow)
    main_edges = set(zip(item.figures.main_path, item.figures.main_path[1:], strict=False))
    edges = list(process.graph.edges(data="rework"))
    drawn = Drawn(
        media=frozenset(step.medium for step in steps),
        seal=any(step.seal for step in steps),
        in_person=any(step.in_person for step in steps),
        handwritten=any(step.handwritten for step in steps),
        trips=tuple(sorted(set(trips.values()))),
        visits=item.figures.visits,
        main_path=bool(main_edges),
        branches=any(not rework and (u, v) not in main_edges for u, v, rework in edges),
        rework=any(rework for _, _, rework in edges),
        shares=any(share for _, share in conditions.values()),
    )
    legend = legend_table(drawn)
    graph = DotGraph(
        item.id,
        font,
        rankdir=layout.rankdir,
        label=swimlane_title(
            item,
            hours_per_fte,
            roadmap,
            legend if layout.legend_in_title else None,
            back_link=back_link,
            planned=planned,
        ),
        labelloc="t",
        labeljust="c",
        nodesep=layout.nodesep,
        ranksep=layout.ranksep,
    )
    graph.attr("node", margin="0.12,0.06")
    on_main = set(item.figures.main_path)
    for step in steps:
        _draw_step(graph, step, step.id in on_main, layout, trips.get(step.id))
    _draw_lanes(graph, lanes, rows, steps, layout)
    lane_of = {step.id: lanes.index(step.actor) for step in steps}
    for source, target, rework in edges:
        condition, share = conditions.get((source, target), (None, None))
        # A step pair joined both ways (審査 → 補正, and 補正 → 審査 back): both arrows run from the earlier step
        # to the later one, and without ports dot ended them at the same points, one arrowhead on the
        # other's line. Ports set them side by side, apart at both ends.
        other = process.graph.get_edge_data(target, source)
        earlier, later = (target, source) if rework else (source, target)
        pair = (
            _pair_ports(lane_of[earlier], lane_of[later], layout.rankdir)
            if other and other["rework"] != rework
            else None
        )
        if rework:
            # Drawn from the earlier step down to the later one with the arrow reversed: dot then routes
            # it through the rows it spans, beside the steps, instead of around the whole diagram.
            if pair is not None:
                tailport, headport = pair[1]
            elif layout.rework_ports:
                headport, tailport = _rework_ports(lane_of[source], lane_of[target])
            else:
                tailport, headport = "", ""
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
                **_labelled(_arrow_label(condition or REWORK_LABEL, share, REWORK_COLOR, layout.condition_width)),
            )
        elif (source, target) in main_edges:
            label = _arrow_label(condition, share, MAIN_PATH_COLOR, layout.condition_width)
            style = {"color": MAIN_PATH_COLOR, "penwidth": "2.6", "weight": "4"}
            graph.edge(source, target, **style, **_ports(*(pair[0] if pair else ("", ""))), **_labelled(label))
        else:
            label = _arrow_label(condition, share, CONDITION_COLOR, layout.condition_width)
            style = {"color": BRANCH_COLOR, "penwidth": "1.2"}
            graph.edge(source, target, **style, **_ports(*(pair[0] if pair else ("", ""))), **_labelled(label))
    if not layout.legend_in_title:
        _draw_legend(graph, legend, len(lanes), max(rows.values(), default=0) + 1)
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


def _arrow_label(condition: str | None, share: str | None, color: str, width: int = CONDITION_WIDTH) -> Html | None:
    """Return the label of an arrow: its condition wrapped on at most three lines, then its share."""
    lines = name_lines(condition, width, 3) if condition else []
    if share:
        if lines and display_width(lines[-1]) + 1 + display_width(share) <= width + 4:
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


# Top to bottom, a compass point as drawn left to right: time runs right, the lanes down.
_TURNED = {"s": "e", "n": "w", "e": "s", "w": "n"}


def _pair_ports(earlier_lane: int, later_lane: int, rankdir: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Return the (tail, head) ports of the forward arrow and of the rework arrow between two steps joined both ways.

    Both are drawn from the earlier step to the later. The forward arrow leaves downstream and enters
    from the side facing the earlier step's lane; the rework arrow leaves from the side facing the
    later step's lane and enters from upstream (in its own lane: both on the far side). So the two run
    side by side without crossing, each end at its own point.
    """
    if later_lane == earlier_lane:
        forward, rework = ("s", "n"), ("e", "e")
    elif later_lane < earlier_lane:
        forward, rework = ("s", "e"), ("w", "n")
    else:
        forward, rework = ("s", "w"), ("e", "n")
    if rankdir == "LR":
        forward = (_TURNED[forward[0]], _TURNED[forward[1]])
        rework = (_TURNED[rework[0]], _TURNED[rework[1]])
    return forward, rework


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


# The lane grid's attributes, written once: a swimlane of 12 steps has some 300 grid nodes and edges.
_BOUNDARY = attributes(shape="point", width="0.01", height="0.01", style="invis")
_INVISIBLE = attributes(style="invis")
_TIE = attributes(style="invis", weight="0")
_LANE_LINE = attributes(
    color=LANE_LINE_COLOR,
    style="dashed",  # dot leaves 2pt between segments: dashes hide it
    dir="none",
    weight="100",
    headclip="false",
    tailclip="false",
)


def _boundary(index: int, row: int) -> str:
    return f"_b{index}_{row + 1}"


def _draw_lanes(
    graph: DotGraph, lanes: Sequence[Actor], rows: dict[str, int], steps: Sequence[Step], layout: Layout
) -> None:
    """Draw the lane headers and lines, and pin every step between its lane's boundaries on its row."""
    last = max(rows.values(), default=0) + 1  # an empty last row closes the lane lines below the steps
    occupied = {(step.actor, rows[step.id]) for step in steps}
    for row in range(HEADER_ROW, last + 1):
        for index in range(len(lanes) + 1):
            graph.node(_boundary(index, row), _BOUNDARY)
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
            width=layout.header_width,
            height=layout.header_height,
            fontsize="14",
        )
        graph.edge(_boundary(index, HEADER_ROW), header, _INVISIBLE)
        graph.edge(header, _boundary(index + 1, HEADER_ROW), _INVISIBLE)
        graph.same_rank([header, _boundary(index, HEADER_ROW)], "min")
    for index in range(len(lanes) + 1):
        for row in range(HEADER_ROW, last + 1):
            if row < last:
                graph.edge(_boundary(index, row), _boundary(index, row + 1), _LANE_LINE)
            if index < len(lanes) and row != HEADER_ROW and (lanes[index], row) not in occupied:
                graph.edge(_boundary(index, row), _boundary(index + 1, row), _INVISIBLE)
    lane_of = {actor: index for index, actor in enumerate(lanes)}
    for step in steps:
        index, row = lane_of[step.actor], rows[step.id]
        graph.same_rank([step.id, _boundary(index, row)])
        graph.edge(_boundary(index, row), step.id, _INVISIBLE)
        graph.edge(step.id, _boundary(index + 1, row), _INVISIBLE)
        # Ties to the lane line above and below: dot's mincross checks the flat order only between nodes
        # that have neighbours on the next rank, so every step needs one both ways.
        graph.edge(_boundary(index, row - 1), step.id, _TIE)
        graph.edge(step.id, _boundary(index, row + 1), _TIE)


def _draw_step(graph: DotGraph, step: Step, on_main_path: bool, layout: Layout, trip: int | None) -> None:
    style = "filled" if step.medium is Medium.PAPER else "rounded,filled"
    graph.node(
        step.id,
        label=_step_label(step, layout, trip),
        shape=MEDIUM_SHAPES[step.medium],
        style=style,
        fillcolor=MEDIUM_FILLS[step.medium],
        color=MEDIUM_BORDERS[step.medium],
        penwidth="2.2" if on_main_path else "1",
        width=layout.step_width,
        height="0.5",
    )


def _step_label(step: Step, layout: Layout, trip: int | None) -> Html:
    name = name_lines(step.name, layout.name_width, layout.name_lines, placeholder=f"（名称なし: {step.id}）")
    rows = [f"<TR><TD><B>{text(line)}</B></TD></TR>" for line in name]
    facts = step_facts(step)
    if facts:
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{MUTED_TEXT}">{text(facts)}</FONT></TD></TR>')
    in_person = (f"{IN_PERSON_MARK[0]}{circled(trip)}", IN_PERSON_MARK[1]) if trip else IN_PERSON_MARK
    marks = [
        m for m, on in ((SEAL_MARK, step.seal), (in_person, step.in_person), (HANDWRITTEN_MARK, step.handwritten)) if on
    ]
    if marks:
        rows.append(f"<TR><TD>{badge_row(marks)}</TD></TR>")
    if step.system and visible(step.system):
        system = "<BR/>".join(text(line) for line in name_lines(step.system, layout.name_width + 2, 2))
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{MUTED_TEXT}">{system}</FONT></TD></TR>')
    return Html(f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0">{"".join(rows)}</TABLE>>')


def _draw_legend(graph: DotGraph, legend: str, lanes: int, last_row: int) -> None:
    """Draw the legend below the lanes."""
    graph.node(LEGEND, label=Html(f"<{legend}>"), shape="plain", fontsize="11")
    graph.same_rank([LEGEND], "max")
    graph.edge(_boundary(lanes // 2, last_row), LEGEND, style="invis", minlen="1")
