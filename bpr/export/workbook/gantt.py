"""ロードマップ: a Gantt of the measures by fiscal year, one row per procedure, coloured and marked by role."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import RoadmapItem, ScoredProcedure
from bpr.analysis.roadmap import needs_national_online
from bpr.export.palette import FIXED_BORDER
from bpr.export.presentation import UPTAKE_LABEL
from bpr.export.workbook.cell_lines import CELL_MARGIN, packed, printed_width
from bpr.export.workbook.labels import ROLE_MARKS
from bpr.export.workbook.paper import PRINTED_WIDTH
from bpr.export.workbook.scope import MEASURE_ORDER, OUTSIDE_HORIZON, Scope
from bpr.export.workbook.styles import (
    DEADLINE_COLOUR,
    HEADING,
    MEASURE_COLOURS,
    NUMBER,
    TEXT,
    WRAPPED,
    CellFormat,
    measure_format,
)
from bpr.export.workbook.table import Column, Row, Styled, Table
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure
from bpr.inventory.vocabulary import progress_label

TITLE = "ロードマップ"
UPTAKE_NOTE = UPTAKE_LABEL  # 利用促進: a channel that exists, its uptake to raise
DEADLINE_MARK = "◆期限"
CURRENT_MARK = "▼今年度"
YEAR_WIDTH = 19.5  # a measure and its mark on one line: 業務改善(BPR)(補完)
MIN_YEAR_WIDTH = 13.0
FIXED_MARK = "確定"
EMPTY = CellFormat(horizontal="center", wrap=True)
DEADLINE = CellFormat(
    horizontal="center", wrap=True, bold=True, colour=DEADLINE_COLOUR, border="medium", border_colour=DEADLINE_COLOUR
)
LEGEND_NOTE = CellFormat(border=None, wrap=False)
LEGEND_LABEL = CellFormat(border=None, horizontal="right")
FIXED_LEGEND = CellFormat(horizontal="center", wrap=True, bold=True, border="medium", border_colour=FIXED_BORDER)
BEHIND = CellFormat(horizontal="center", wrap=True, bold=True, colour=DEADLINE_COLOUR)
LEGEND_FIRST_COLUMN = 2  # the legend sits under the fiscal years, right of 順位 and 手続名
NAME_WIDTH = 30.0
REMARKS_WIDTH = 24.0


def gantt_table(scope: Scope) -> Table:
    """Return the Gantt of the procedures in scope with a measure placed, waiting, or on マイナポータル, in rank order."""
    years = scope.fiscal_years
    deadline = scope.deadline_fy
    # Procedures already on マイナポータル are listed too: their online measure takes no slot (uptake).
    planned = [p for p in scope.procedures if p.id in scope.items or p.id in scope.unscheduled or p.id in scope.uptake]
    outside = any(_outside_items(scope, p.id, years) for p in planned)
    columns = [
        Column("順位", NUMBER, min_width=5, max_width=6),
        Column("手続名", WRAPPED, min_width=14, max_width=NAME_WIDTH),
    ]
    progress = any(i.fixed for p in planned for i in scope.items.get(p.id, ()))
    after = [Column("実績", EMPTY, min_width=10, max_width=14)] if progress else []
    after.append(Column("備考", WRAPPED, min_width=16, max_width=REMARKS_WIDTH))
    # Equal year columns (time reads evenly from left to right), as wide as the page leaves at 8 pt.
    slots = len(years) + (1 if outside else 0)
    others = sum(column.max_width for column in (*columns, *after))
    width = max(MIN_YEAR_WIDTH, min(YEAR_WIDTH, math.floor(2 * (PRINTED_WIDTH - others) / slots) / 2))
    current = scope.analysis.roadmap.current_fy
    for fy in years:
        marks = [mark for mark, shown in ((CURRENT_MARK, fy == current), (DEADLINE_MARK, fy == deadline)) if shown]
        label = f"{reiwa(fy)}\n({fy})" + "".join(f"\n{mark}" for mark in marks)
        columns.append(Column(label, EMPTY, min_width=width, max_width=width))
    if outside:
        columns.append(Column(OUTSIDE_HORIZON, EMPTY, min_width=width, max_width=width))
    columns.extend(after)
    printed = len(columns)
    columns.append(Column("課", TEXT, max_width=16))  # on screen only: a section's chief has its own workbook

    def rows() -> Iterator[Row]:
        for procedure in planned:
            yield _row(scope, procedure, years, deadline, outside, progress, width)

    notes = [
        f"太枠・{FIXED_MARK}: 棚卸で決まっている計画",
        f"{ROLE_MARKS['complement']}: 主施策に併せて行う施策",
        f"{ROLE_MARKS['national']}: 国の期限のために加えたオンライン化",
        f"{OUTSIDE_HORIZON}: 計画期間内の枠が足りない施策と、期間外の確定計画",
        f"{DEADLINE_MARK}: 国の優先手続のオンライン化期限",
        f"{UPTAKE_NOTE}: 既にある経路（マイナポータル・コンビニ交付など）の利用率を上げる（枠を使わない）",
    ]
    if current in years:
        notes.append(f"{CURRENT_MARK}: {reiwa(current)}（実績の遅れはこの年度で判定）")
    room = sum(column.max_width for column in columns[1:printed])
    preamble = (
        (Styled(f"ロードマップ {scope.horizon_label}", HEADING),),
        *_legend(printed - LEGEND_FIRST_COLUMN),
        *((None, Styled(line, LEGEND_NOTE)) for line in packed(notes, room, bullet="").split("\n")),
    )
    return Table(
        TITLE,
        tuple(columns),
        rows,
        preamble=preamble,
        frozen_columns=2,
        printed_columns=printed,
        repeated_preamble=True,
    )


def _legend(slots: int) -> list[Sequence[object]]:
    """Return the legend rows under the years: a coloured cell per measure and a fixed plan's border."""
    entries = [Styled(MEASURE_LABELS[m], measure_format(m)) for m in MEASURE_ORDER if m is not Measure.NONE]
    # 確定 is a thick border on its measure's colour: in the legend, a border on white, never 対象外's grey.
    entries.append(Styled(FIXED_MARK, FIXED_LEGEND))
    legend: list[Sequence[object]] = []
    for start in range(0, len(entries), slots):
        label = Styled("凡例", LEGEND_LABEL) if start == 0 else None
        legend.append((None, label, *entries[start : start + slots]))
    return legend


def _needs_deadline(procedure: ScoredProcedure) -> bool:
    # Fully online or already on マイナポータル counts as met: no deadline mark (model v2, property 7).
    return needs_national_online(procedure)


def _outside_items(scope: Scope, procedure_id: str, years: Sequence[int]) -> list[RoadmapItem]:
    fixed_outside = [i for i in scope.items.get(procedure_id, ()) if i.fy not in years]
    return fixed_outside + list(scope.unscheduled.get(procedure_id, ()))


def _label(item: RoadmapItem, width: float, with_year: bool = False) -> str:
    """Return a measure as its cell names it, its marks after it: 業務改善(BPR)(補完), or under it where too narrow."""
    text = MEASURE_LABELS[item.measure]
    notes = []
    if with_year and item.fixed:  # outside the horizon, a measure not fixed is one that found no room (legend)
        notes.append(reiwa(item.fy))
    if item.fixed:
        notes.append(FIXED_MARK + (f"・{progress_label(item.progress)}" if item.progress else ""))
    elif item.role in ROLE_MARKS:
        notes.append(ROLE_MARKS[item.role])
    if not notes:
        return text
    marks = f"({'・'.join(notes)})"
    return f"{text}{marks}" if printed_width(text + marks) <= width - CELL_MARGIN else f"{text}\n{marks}"


def _cell(items: Sequence[RoadmapItem], deadline_here: bool, width: float, with_year: bool = False) -> object:
    if not items:
        return Styled(DEADLINE_MARK, DEADLINE) if deadline_here else ""
    # The procedure's primary measure first, and its colour for the cell: a complement placed the same
    # year is a line of the cell, not its colour.
    items = sorted(items, key=lambda item: item.role != "primary")
    text = "\n".join(_label(item, width, with_year) for item in items)
    first = items[0]
    fixed = any(item.fixed for item in items)
    if deadline_here:
        text += f"\n{DEADLINE_MARK}"
        colour = MEASURE_COLOURS[first.measure]
        return Styled(
            text,
            CellFormat(
                horizontal="center", wrap=True, fill=colour, bold=True, border="medium", border_colour=DEADLINE_COLOUR
            ),
        )
    return Styled(text, measure_format(first.measure, fixed=fixed, wrap=True))


def _row(
    scope: Scope,
    procedure: ScoredProcedure,
    years: Sequence[int],
    deadline: int | None,
    outside: bool,
    progress: bool,
    width: float,
) -> Row:
    items = scope.items.get(procedure.id, ())
    marked = _needs_deadline(procedure)
    cells: list[object] = [procedure.rank, procedure.procedure.name]
    for fy in years:
        cells.append(_cell([i for i in items if i.fy == fy], marked and fy == deadline, width))
    if outside:
        cells.append(_cell(_outside_items(scope, procedure.id, years), False, width, with_year=True))
    if progress:
        cells.append(_progress(items, scope.analysis.roadmap.current_fy))
    cells.append(_remarks(procedure, items, deadline, scope.uptake.get(procedure.id)))
    cells.append(procedure.counter.section)
    return tuple(cells)


def _progress(items: Sequence[RoadmapItem], current_fy: int | None) -> object:
    """Return 実績 beside 計画: done (and when), in progress, or behind, in red when behind."""
    lines = []
    behind = False
    for item in items:
        if not item.fixed:
            continue
        late = current_fy is not None and item.behind(current_fy)
        behind = behind or late
        if item.done:
            when = f" {reiwa(item.done_fy)}" if item.done_fy is not None else ""
            lines.append(f"完了{when}" + (f"（計画 {reiwa(item.fy)}）" if late else ""))
        else:
            state = progress_label(item.progress or "")
            lines.append(f"遅れ（計画 {reiwa(item.fy)}・{state}）" if late else state)
    if not lines:
        return ""
    return Styled("\n".join(lines), BEHIND if behind else EMPTY)


def _remarks(
    procedure: ScoredProcedure,
    items: Sequence[RoadmapItem],
    deadline: int | None,
    uptake: float | None,
) -> str:
    notes: list[str] = []
    if uptake is not None:
        notes.append(f"{UPTAKE_NOTE} (窓口に残る {uptake:.0%})")  # the legend says what 利用促進 is
    if _needs_deadline(procedure):
        notes.append(f"国の優先手続 (期限 {reiwa(deadline)})" if deadline is not None else "国の優先手続")
    for item in items:
        if item.late:
            notes.append(f"{MEASURE_LABELS[item.measure]}が期限 {reiwa(item.deadline_fy or item.fy)} より後")
        elif (
            item.fixed
            and deadline is not None
            and item.measure is Measure.ONLINE
            and _needs_deadline(procedure)
            and item.fy > deadline
        ):
            notes.append(f"確定したオンライン化が期限 {reiwa(deadline)} より後")
    # A measure without room says so in 計画期間外 (枠不足): not again here.
    return "\n".join(notes)
