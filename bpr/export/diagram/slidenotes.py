"""The notes and the legend under a slide's rows: each way off the main path told in a line or two.

A note starts with the marker its step carries (※1, red for 差し戻し), then says where the way leaves,
on what condition and for what share of the cases, the steps it goes through (lane, medium, effort,
wait, marks) and where it comes back: 「工程5から 不備あり（再来庁） 10% → 届出人への照会・補正（再来庁）
（住民・紙・10分・待ち2日・来庁②・手書き） → 工程5へ戻る（差し戻し）」.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpr.analysis.outline import Detour, Outline
from bpr.export.diagram.dot import (
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
    format_minutes,
    format_share,
    name_lines,
    text,
    text_width,
    visible,
)
from bpr.export.diagram.legend import MEDIUM_ORDER
from bpr.inventory.enums import Medium
from bpr.inventory.models import Step
from bpr.inventory.vocabulary import LANE_LABELS, MEDIUM_DIAGRAM_LABELS

if TYPE_CHECKING:
    from bpr.export.diagram.slidepart import SlidePart

NOTES = "cluster_notes"
SIZE = 12
NOTE_WIDTH = 116  # half-width cells per line of a note (58 full-width characters, about 700 pt at 12 pt)
NOTE_LINES = 3
BRANCH_MARK_COLOR = "#555555"
RETURN_ARROW = "←"
LINE_HEIGHT = 24  # a medium in its bordered cell
TEXT_LINE = 18  # a line of 12 pt text
LEGEND_WIDTH = 700  # points: a longer legend puts the markers' meaning on a second line


def detour_marks(outline: Outline) -> dict[str, list[tuple[str, str]]]:
    """Return the markers (label, colour) of each main-path step: ※1 where a way leaves it, ←※1 where one comes back."""
    marks: dict[str, list[tuple[str, str]]] = {}
    for number, detour in enumerate(outline.detours, start=1):
        label, colour = _marker(number, detour)
        marks.setdefault(detour.origin, []).append((label, colour))
        for node in detour.rejoins:
            if node != detour.origin:  # back to where it left: its ※ says it already
                marks.setdefault(node, []).append((f"{RETURN_ARROW}{label}", colour))
    return marks


def _marker(number: int, detour: Detour) -> tuple[str, str]:
    return f"※{number}", REWORK_COLOR if detour.back else BRANCH_MARK_COLOR


def notes_table(outline: Outline, steps: dict[str, Step], trips: dict[str, int], part: SlidePart) -> str:
    """Return the notes of the detours leaving this slide's steps, and the legend, as an HTML-like table."""
    position = {node: index for index, node in enumerate(outline.main_path)}
    rows = []
    for number, detour in enumerate(outline.detours, start=1):
        if not part.start <= position[detour.origin] < part.stop:
            continue
        label, colour = _marker(number, detour)
        said = detour_text(detour, position, steps, trips, part)
        rows.append(_note_row(badge(label, colour, SIZE), badge_width(label, SIZE), said))
    if outline.unreached and part.number == part.count:
        said = "どの工程からも進まない工程: " + "、".join(_flat(steps[node].name) for node in outline.unreached)
        rows.append(_note_row(badge("注", BRANCH_MARK_COLOR, SIZE), badge_width("注", SIZE), said))
    shown = [steps[outline.main_path[index]] for index in range(part.start, part.stop)]
    markers = detour_marks(outline)
    here = [label for step in shown for label in markers.get(step.id, ())]
    rows.append(_legend(shown, trips, here))
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1">{"".join(rows)}</TABLE>'


def _note_row(marker: str, width: int, said: str) -> str:
    """Return a row of the notes: the marker, and beside it the text on up to three lines, left-aligned."""
    lines = name_lines(said, NOTE_WIDTH, NOTE_LINES)
    body = '<BR ALIGN="LEFT"/>'.join(text(line) for line in lines)
    # Fixed widths (estimated from the text, as the legend's): Graphviz stretches a nested table to its
    # cell and spreads the extra over its cells, which pushed the text away from its marker.
    cells = [
        (f'<TD VALIGN="TOP">{fixed_table([(marker, width)], spacing=0, height=SIZE + 6)}</TD>', width),
        ('<TD WIDTH="6"></TD>', 6),
        (
            f'<TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{SIZE}">{body}</FONT></TD>',
            max(_width(line) for line in lines) + 8,
        ),
    ]
    return f'<TR><TD ALIGN="LEFT">{fixed_table(cells, spacing=0, height=len(lines) * TEXT_LINE)}</TD></TR>'


def detour_text(
    detour: Detour, position: dict[str, int], steps: dict[str, Step], trips: dict[str, int], part: SlidePart
) -> str:
    """Return what a note says of a detour: where it leaves, its condition and share, its steps, where it goes.

    A step it comes back to on another slide of the procedure is named with that slide: 工程5（1/2）.
    """
    origin = position[detour.origin]

    def elsewhere(index: int) -> str:
        number = part.number_of(index)
        return "" if number == part.number else f"（{number}/{part.count}）"

    head = [f"工程{origin + 1}から"]
    if detour.label and visible(detour.label):
        head.append(_flat(detour.label))
    if detour.share is not None:
        head.append(format_share(detour.share))
    parts = [" ".join(head)]
    parts += [_step_text(steps[node], trips.get(node)) for node in detour.steps]
    ways = []
    if detour.rejoins:
        numbers = "・".join(f"工程{position[node] + 1}{elsewhere(position[node])}" for node in detour.rejoins)
        back = [position[node] <= origin for node in detour.rejoins]
        verb = "戻る（差し戻し）" if all(back) else "進む" if not any(back) else "戻る・進む"
        ways.append(f"{numbers}へ{verb}")
    if detour.ends:
        ways.append("終了")
    parts.append("、または".join(ways))
    return " → ".join(parts)


def _step_text(step: Step, trip: int | None) -> str:
    """Return a step off the main path as a note says it: its name, then lane, medium, effort, wait and marks."""
    facts = [LANE_LABELS[step.actor]]
    if step.medium is not Medium.NONE:
        facts.append(MEDIUM_DIAGRAM_LABELS[step.medium])
    if step.effort:
        facts.append(format_minutes(step.effort))
    if step.wait:
        facts.append(f"待ち{format_minutes(step.wait)}")
    if step.seal:
        facts.append(SEAL_MARK[0])
    if step.in_person:
        facts.append(f"{IN_PERSON_MARK[0]}{circled(trip)}" if trip else IN_PERSON_MARK[0])
    if step.handwritten:
        facts.append(HANDWRITTEN_MARK[0])
    return f"{_flat(step.name)}（{'・'.join(facts)}）"


def _flat(value: str) -> str:
    """Return text on one line: its visible lines joined by a space."""
    return " ".join(name_lines(value, 10_000, 1_000))


def _legend(shown: list[Step], trips: dict[str, int], markers: list[tuple[str, str]]) -> str:
    """Return the legend's rows: the media and marks the boxes show, the main path's arrow, and the markers."""
    cells = [("<TD><B>凡例</B></TD>", _width("凡例") + 4), ("<TD>媒体:</TD>", _width("媒体:") + 4)]
    media = {step.medium for step in shown}
    for medium in MEDIUM_ORDER:
        if medium in media:
            label = MEDIUM_DIAGRAM_LABELS[medium]
            cells.append(
                (
                    f'<TD BGCOLOR="{MEDIUM_FILLS[medium]}" COLOR="{MEDIUM_BORDERS[medium]}" BORDER="1"'
                    f' CELLPADDING="2">{text(label)}</TD>',
                    _width(label) + 8,
                )
            )
    numbers = sorted({trips[step.id] for step in shown if step.id in trips})
    in_person = (IN_PERSON_MARK[0] + "".join(circled(n) for n in numbers), IN_PERSON_MARK[1])
    marks = [
        mark
        for mark, on in (
            (SEAL_MARK, any(step.seal for step in shown)),
            (in_person, any(step.in_person for step in shown)),
            (HANDWRITTEN_MARK, any(step.handwritten for step in shown)),
        )
        if on
    ]
    if marks:
        cells.append(('<TD WIDTH="8"></TD>', 8))
        cells += [(badge(label, fill, SIZE), badge_width(label, SIZE)) for label, fill in marks]
    arrow = "主な流れ (最も多くの案件が通る順)"
    cells.append(
        (f'<TD><FONT COLOR="{MAIN_PATH_COLOR}"><B>━━</B></FONT> {text(arrow)}</TD>', _width(f"━━ {arrow}") + 8)
    )
    rows = [cells]
    if markers:
        meanings = []
        if any(not label.startswith(RETURN_ARROW) for label, _ in markers):
            meanings.append("※: 主な流れから外れる分岐")
        if any(label.startswith(RETURN_ARROW) for label, _ in markers):
            meanings.append(f"{RETURN_ARROW}※: 分岐から戻る工程")
        said = "、".join(meanings) + (" (赤は差し戻し)" if any(colour == REWORK_COLOR for _, colour in markers) else "")
        meaning = (f"<TD>{text(said)}</TD>", _width(said) + 6)
        # On a line of its own when the legend would be wider than the notes above it.
        if fixed_width([*cells, meaning], 3) <= LEGEND_WIDTH:
            cells.append(meaning)
        else:
            rows.append([meaning])
    # The first row holds the media in bordered cells; a second, text only.
    heights = [LINE_HEIGHT, TEXT_LINE]
    return "".join(
        f'<TR><TD ALIGN="LEFT">{fixed_table(row, spacing=3, height=height)}</TD></TR>'
        for row, height in zip(rows, heights, strict=False)
    )


def _width(value: str) -> int:
    return text_width(value, SIZE)
