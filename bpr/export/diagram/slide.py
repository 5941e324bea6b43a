"""The slide of a procedure: its main path left to right in rows, the ways off it as numbered notes.

A swimlane diagram shows every step and arrow; on a 16:9 slide that shrinks a long flow's text to a
few points. The slide keeps what a meeting reads: the main path (the way most cases go), each step a
box numbered in order with its lane (住民, 窓口 …), medium, effort, wait and marks, in rows of equal
columns read left to right like text; a row ends with an arrow down to the start of the next. Every
other way (a branch, 差し戻し, an exception) is a marker ※1, ※2 … on the step it leaves, told in a note
under the rows: its condition and share, the steps it goes through and where it comes back.

Rows are dot ranks (`rank=same`) joined by flat edges, so each row runs left to right; invisible
heavy edges from each box to the one below it keep the columns aligned, and the arrow from a row's
end to the next row's start is no constraint, so it does not pull the rows apart. The rows sit in a
borderless cluster whose label, at its foot, holds the notes and the legend: dot centres a cluster's
label under its nodes. All text is 12 pt or more at the scale the slide is drawn at
(bpr/export/diagram/slides.py fits it).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.outline import Outline
from bpr.analysis.planned import Planned, planned_one
from bpr.analysis.results import ScoredProcedure
from bpr.export.diagram.dot import (
    HANDWRITTEN_MARK,
    IN_PERSON_MARK,
    MAIN_PATH_COLOR,
    MEASURE_BORDERS,
    MEASURE_FILLS,
    MEDIUM_BORDERS,
    MEDIUM_FILLS,
    MEDIUM_SHAPES,
    MUTED_TEXT,
    SEAL_MARK,
    DotGraph,
    Html,
    badge,
    badge_row,
    badge_width,
    circled,
    fixed_table,
    format_count,
    format_hours,
    format_minutes,
    format_volume,
    name_lines,
    round_hours,
    step_facts,
    text,
    text_width,
    visible,
)
from bpr.export.diagram.slidenotes import NOTES, detour_marks, notes_table
from bpr.export.diagram.slidepart import SlidePart
from bpr.export.presentation import counter_label
from bpr.inventory.enums import Medium
from bpr.inventory.models import Step
from bpr.inventory.vocabulary import LANE_LABELS

NAME_SIZE = 14  # a step's name
TEXT_SIZE = 12  # the smallest text of a slide: facts, marks, notes
TITLE_SIZE = 22
SUBTITLE_SIZE = 14
NAME_WIDTH = 20  # half-width cells per line of a step's name (10 full-width characters)
NAME_LINES = 4
STEP_WIDTH = "2.1"  # inches, the least width of a box: most are this wide, so the columns line up
CONTINUED = "_continued"
CONTINUED_FROM = "_continued_from"
STEP_NUMBER_COLOR = "#222222"
HEAD_MARKERS = 2


def slide_source(
    item: ScoredProcedure,
    outline: Outline,
    steps: dict[str, Step],
    trips: dict[str, int],
    font: str,
    part: SlidePart,
    planned: Planned | None = None,
) -> str:
    """Return the DOT source of one slide of a procedure (its page size is set later, once dot has measured it)."""
    main = outline.main_path
    graph = DotGraph(
        item.id,
        font,
        rankdir="TB",
        node_size=str(NAME_SIZE),
        edge_size=str(TEXT_SIZE),
        label=_title(item, outline, part, planned or planned_one(item, None)),
        labelloc="t",
        labeljust="c",
        nodesep="0.32",
        ranksep="0.5",
        newrank="true",
    )
    graph.attr("node", margin="0.1,0.06")
    graph.attr("edge", color=MAIN_PATH_COLOR, penwidth="2.6", arrowsize="0.9")
    # The notes are the label of a cluster around the rows, at its foot: dot centres a label on its
    # cluster, where a node under the rows would sit wherever the layout left room.
    notes = notes_table(outline, steps, trips, part)
    graph.open_subgraph(
        NOTES, label=Html(f"<{notes}>"), labelloc="b", labeljust="c", peripheries="0", fontsize=str(TEXT_SIZE)
    )
    markers = detour_marks(outline)
    rows = part.rows()
    for row in rows:
        for index in row:
            node = main[index]
            _draw_step(graph, steps[node], index + 1, trips.get(node), markers.get(node, ()))
    for row in rows:
        graph.same_rank(main[index] for index in row)
        for before, after in itertools.pairwise(row):
            graph.edge(main[before], main[after], weight="2")
    for upper, lower in itertools.pairwise(rows):
        for column, index in enumerate(lower):
            graph.edge(main[upper[column]], main[index], style="invis", weight="20")
        # The row's end to the next row's start: no constraint, which would pull the rows apart (and, in the
        # cluster, let mincross reorder a row against its flat edges).
        graph.edge(main[upper[-1]], main[lower[0]], constraint="false", tailport="s", headport="n")
    if part.number > 1:
        first = main[rows[0][0]]
        _draw_link(graph, CONTINUED_FROM, f"{part.number - 1}/{part.count}から")
        graph.edge(CONTINUED_FROM, first)
        graph.same_rank([CONTINUED_FROM, first])
    if part.number < part.count:
        last = main[rows[-1][-1]]
        _draw_link(graph, CONTINUED, f"{part.number + 1}/{part.count}へ続く")
        graph.edge(last, CONTINUED)
        graph.same_rank([last, CONTINUED])
    graph.close_subgraph()
    source: str = graph.source
    return source


def _draw_link(graph: DotGraph, name: str, said: str) -> None:
    """Draw where a split main path comes from or goes on to: 1/2から, 2/2へ続く."""
    graph.node(name, label=Html(f'<<FONT POINT-SIZE="{TEXT_SIZE}"><B>{text(said)}</B></FONT>>'), shape="plaintext")


def _draw_step(graph: DotGraph, step: Step, number: int, trip: int | None, markers: Sequence[tuple[str, str]]) -> None:
    style = "filled" if step.medium is Medium.PAPER else "rounded,filled"
    # An ellipse would need a much wider box for the same text: the fill and border say 口頭 as well.
    shape = "box" if MEDIUM_SHAPES[step.medium] == "ellipse" else MEDIUM_SHAPES[step.medium]
    graph.node(
        step.id,
        label=_step_label(step, number, trip, markers),
        shape=shape,
        style=style,
        fillcolor=MEDIUM_FILLS[step.medium],
        color=MEDIUM_BORDERS[step.medium],
        penwidth="1.6",
        width=STEP_WIDTH,
        height="0.6",
    )


def _step_label(step: Step, number: int, trip: int | None, markers: Sequence[tuple[str, str]]) -> Html:
    """Return a box's label: its number and lane, its name, medium, effort and wait, marks and system."""
    lane = LANE_LABELS[step.actor]
    # The markers of the ways off the main path (※1, ←※1) go beside the number and lane while two fit there:
    # a row of their own would make the box, and often its whole row, taller.
    beside = list(markers[:HEAD_MARKERS]) if len(markers) <= HEAD_MARKERS else []
    head = fixed_table(
        [
            (_number_badge(number), _number_width(number)),
            (f'<TD><FONT POINT-SIZE="{TEXT_SIZE}" COLOR="{MUTED_TEXT}">{text(lane)}</FONT></TD>', text_width(lane, 12)),
            *((badge(label, fill, TEXT_SIZE), badge_width(label, TEXT_SIZE)) for label, fill in beside),
        ],
        "CENTER",
        spacing=2,
        height=TEXT_SIZE + 6,
    )
    rows = [f"<TR><TD>{head}</TD></TR>"]
    name = name_lines(step.name, NAME_WIDTH, NAME_LINES, placeholder=f"（名称なし: {step.id}）")
    rows += [f"<TR><TD><B>{text(line)}</B></TD></TR>" for line in name]
    facts = step_facts(step)
    if facts:
        said = text(facts)
        rows.append(f'<TR><TD><FONT POINT-SIZE="{TEXT_SIZE}" COLOR="{MUTED_TEXT}">{said}</FONT></TD></TR>')
    in_person = (f"{IN_PERSON_MARK[0]}{circled(trip)}", IN_PERSON_MARK[1]) if trip else IN_PERSON_MARK
    marks = [
        m for m, on in ((SEAL_MARK, step.seal), (in_person, step.in_person), (HANDWRITTEN_MARK, step.handwritten)) if on
    ]
    if not beside:
        marks += markers
    # Three marks to a line: a box is as wide as ten characters.
    for first in range(0, len(marks), 3):
        rows.append(f"<TR><TD>{badge_row(marks[first : first + 3], size=TEXT_SIZE)}</TD></TR>")
    if step.system and visible(step.system):
        system = "<BR/>".join(text(line) for line in name_lines(step.system, NAME_WIDTH + 2, 2))
        rows.append(f'<TR><TD><FONT POINT-SIZE="{TEXT_SIZE}" COLOR="{MUTED_TEXT}">{system}</FONT></TD></TR>')
    return Html(f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0">{"".join(rows)}</TABLE>>')


def _number_badge(number: int) -> str:
    return (
        f'<TD BGCOLOR="{STEP_NUMBER_COLOR}" FIXEDSIZE="TRUE" WIDTH="{_number_width(number)}" HEIGHT="{TEXT_SIZE + 6}">'
        f'<FONT COLOR="#ffffff" POINT-SIZE="{TEXT_SIZE}"><B>{number}</B></FONT></TD>'
    )


def _number_width(number: int) -> int:
    return 10 + 8 * len(str(number))


def _title(item: ScoredProcedure, outline: Outline, part: SlidePart, planned: Planned) -> Html:
    """Return the title: the name (and which slide of how many), where, volume, visits, lead time, recommendation."""
    procedure = item.procedure
    name = " ".join(name_lines(procedure.name, 60, 1))
    if part.count > 1:
        name = f"{name} ({part.number}/{part.count})"
    figures = item.figures
    facts = [
        item.counter.section,
        counter_label(item.counter),
        format_volume(procedure.annual_volume),
        f"来庁{format_count(figures.visits)}回",
        f"リードタイム{format_minutes(figures.lead_time_minutes)}",
    ]
    where = " ・ ".join(" ".join(name_lines(fact, 40, 1)) for fact in facts)
    rows = [
        f'<TR><TD><FONT POINT-SIZE="{TITLE_SIZE}"><B>{text(name)}</B></FONT></TD></TR>',
        f'<TR><TD><FONT POINT-SIZE="{SUBTITLE_SIZE}" COLOR="{MUTED_TEXT}">{text(where)}</FONT></TD></TR>',
    ]
    if part.count > 1:
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="{SUBTITLE_SIZE}"><B>{text(split_text(len(outline.main_path), part))}'
            "</B></FONT></TD></TR>"
        )
    rows.append(f"<TR><TD>{_recommendation(item, planned)}</TD></TR>")
    return Html(f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">{"".join(rows)}</TABLE>>')


def split_text(steps: int, part: SlidePart) -> str:
    """Return how a main path was split: 主な流れ13工程を2枚に分割: この1枚目は工程1〜7."""
    first, last = part.start + 1, part.stop
    shown = f"工程{first}〜{last}" if last > first else f"工程{first}"
    return f"主な流れ{steps}工程を{part.count}枚に分割: この{part.number}枚目は{shown}"


def _recommendation(item: ScoredProcedure, planned: Planned) -> str:
    """Return the measures the roadmap holds in the primary's colour, with the hours they save a year."""
    rec = planned.primary
    names = " ＋ ".join(MEASURE_LABELS[m] for m in planned.measures)
    said = f"{'計画（決定済み）' if planned.fixed else '推奨'}: {names}"
    plans = planned.figures(item)
    if plans:
        said += f" ・ 期待削減 {format_hours(sum(round_hours(plan.expected_hours) for plan in plans))}/年"
    return (
        f'<TABLE BORDER="1" CELLBORDER="0" CELLPADDING="4" CELLSPACING="0" COLOR="{MEASURE_BORDERS[rec]}"'
        f' BGCOLOR="{MEASURE_FILLS[rec]}"><TR><TD><FONT POINT-SIZE="{SUBTITLE_SIZE}">{text(said)}</FONT></TD></TR>'
        "</TABLE>"
    )
