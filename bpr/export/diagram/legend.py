"""The legend (凡例) of a swimlane diagram: only the media, marks and arrows the diagram draws.

A legend entry for something not drawn sends a reader looking for it; so each entry is listed only
when some step or arrow shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpr.export.diagram.dot import (
    BRANCH_COLOR,
    HANDWRITTEN_MARK,
    IN_PERSON_MARK,
    MAIN_PATH_COLOR,
    MEDIUM_BORDERS,
    MEDIUM_FILLS,
    REWORK_COLOR,
    SEAL_MARK,
    badge,
    badge_width,
    circled,
    fixed_table,
    fixed_width,
    format_count,
    text,
    text_width,
)
from bpr.inventory.enums import Medium
from bpr.inventory.vocabulary import MEDIUM_DIAGRAM_LABELS

MEDIUM_ORDER = (Medium.PAPER, Medium.ELECTRONIC, Medium.VERBAL, Medium.NONE)
REWORK_LABEL = "差し戻し"
MARK_SIZE = 11
SPACING = 2
PADDING = 1
MARKS_HEIGHT = 22  # a medium in its bordered cell
TEXT_HEIGHT = 17


@dataclass(frozen=True)
class Drawn:
    """What a swimlane diagram draws, which is what its legend explains."""

    media: frozenset[Medium]
    seal: bool = False
    in_person: bool = False
    handwritten: bool = False
    trips: tuple[int, ...] = ()  # the trip numbers on the 来庁 marks, sorted
    visits: float = 0.0  # the expected visits the title gives
    main_path: bool = False  # thick arrows (the main path has two steps or more)
    branches: bool = False  # thin grey arrows
    rework: bool = False  # dashed red arrows
    shares: bool = False  # percentages on arrows


def trips_note(drawn: Drawn) -> str | None:
    """Return what the trip numbers mean, and why they may differ from the title's expected visits."""
    if not drawn.trips:
        return None
    numbers = "".join(circled(n) for n in drawn.trips)
    note = f"来庁{numbers}: 何回目の来庁か (同じ番号は同じ来庁)"
    if format_count(drawn.visits) != str(max(drawn.trips)):
        note += f"\nタイトルの来庁{format_count(drawn.visits)}回は1件あたりの期待値 (分岐・補正で来庁する案件の割合で数える)"
    return note


def legend_table(drawn: Drawn) -> str:
    """Return the legend as an HTML-like table (no outer brackets): a node's label or a cell of the title.

    Each line is a table of its own, of a fixed width estimated from its text: Graphviz stretches a
    nested table to its cell, which would spread the marks of a short line apart under a long note.
    """
    media = [
        (
            f'<TD BGCOLOR="{MEDIUM_FILLS[m]}" COLOR="{MEDIUM_BORDERS[m]}" BORDER="1" CELLPADDING="2">'
            f"{text(MEDIUM_DIAGRAM_LABELS[m])}</TD>",
            _text_width(MEDIUM_DIAGRAM_LABELS[m]) + 8,
        )
        for m in MEDIUM_ORDER
        if m in drawn.media
    ]
    in_person = (f"{IN_PERSON_MARK[0]}{circled(drawn.trips[0])}", IN_PERSON_MARK[1]) if drawn.trips else IN_PERSON_MARK
    marks = [
        (badge(label, fill, MARK_SIZE), badge_width(label, MARK_SIZE))
        for (label, fill), shown in (
            (SEAL_MARK, drawn.seal),
            (in_person, drawn.in_person),
            (HANDWRITTEN_MARK, drawn.handwritten),
        )
        if shown
    ]
    arrows = []
    if drawn.main_path:
        arrows.append((MAIN_PATH_COLOR, "━━", "主経路 (最も多い流れ・太枠)", True))
    if drawn.branches:
        arrows.append((BRANCH_COLOR, "──", "分岐", False))
    if drawn.rework:
        arrows.append((REWORK_COLOR, "╍╍", REWORK_LABEL, False))
    lines = [
        (
            f'<TD><FONT COLOR="{colour}">{f"<B>{stroke}</B>" if bold else stroke}</FONT> {text(label)}</TD>',
            _text_width(f"{stroke} {label}") + 10,
        )
        for colour, stroke, label, bold in arrows
    ]
    notes = ["%: その矢印へ進む案件の割合"] if drawn.shares else []
    note = trips_note(drawn)
    if note:
        notes.append(note)
    first = [("<TD><B>凡例</B></TD>", _text_width("凡例") + 8), ('<TD WIDTH="10"></TD>', 10)]
    first += [("<TD>媒体:</TD>", _text_width("媒体:") + 4), *media]
    if marks:
        first += [('<TD WIDTH="10"></TD>', 10), *marks]
    rows = [(first, MARKS_HEIGHT), *([(lines, TEXT_HEIGHT)] if lines else [])]
    rows += [
        ([(f"<TD>{text(line)}</TD>", _text_width(line) + 6)], TEXT_HEIGHT)
        for note in notes
        for line in note.split("\n")
    ]
    # The legend is fixed as a whole too: beside the title, a stretched legend would spread its lines over
    # the title's height. Each row: its table (cells, spacing), the outer padding, spacing (2) and border
    # (1), and 2 to spare.
    width = max(fixed_width(cells, SPACING) for cells, _ in rows) + 2 * (PADDING + 2 + 1 + 2)
    height = sum(h + 2 * SPACING + 2 * PADDING + 2 for _, h in rows) + 2 + 2 * (1 + 2)
    body = "".join(
        f'<TR><TD ALIGN="LEFT">{fixed_table(cells, spacing=SPACING, height=h)}</TD></TR>' for cells, h in rows
    )
    return (
        f'<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="2" CELLPADDING="{PADDING}"'
        f' FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}">{body}</TABLE>'
    )


def _text_width(value: str) -> int:
    return text_width(value, 11)
