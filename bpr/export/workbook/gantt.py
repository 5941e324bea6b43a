"""ロードマップ: a Gantt of the measures by fiscal year, one row per procedure, coloured and marked by role."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import RoadmapItem, ScoredProcedure
from bpr.analysis.roadmap import needs_national_online
from bpr.export.palette import FIXED_BORDER
from bpr.export.workbook.labels import ROLE_MARKS
from bpr.export.workbook.labels import UPTAKE as UPTAKE_NOTE
from bpr.export.workbook.scope import MEASURE_ORDER, OUTSIDE_HORIZON, Scope
from bpr.export.workbook.styles import (
    DEADLINE_COLOUR,
    HEADING,
    NUMBER,
    WRAPPED,
    CellFormat,
    measure_format,
)
from bpr.export.workbook.table import Column, Row, Styled, Table
from bpr.fiscal import reiwa
from bpr.inventory.models import Measure
from bpr.inventory.vocabulary import progress_label

TITLE = "ロードマップ"
DEADLINE_MARK = "◆期限"
CURRENT_MARK = "▼今年度"
YEAR_WIDTH = 15
FIXED_MARK = "確定"
EMPTY = CellFormat(horizontal="center", wrap=True)
DEADLINE = CellFormat(
    horizontal="center", wrap=True, bold=True, colour=DEADLINE_COLOUR, border="medium", border_colour=DEADLINE_COLOUR
)
LEGEND_NOTE = CellFormat(border=None, wrap=False)
FIXED_LEGEND = CellFormat(horizontal="center", wrap=True, bold=True, border="medium", border_colour=FIXED_BORDER)
BEHIND = CellFormat(horizontal="center", wrap=True, bold=True, colour=DEADLINE_COLOUR)
LEGEND_FIRST_COLUMN = 3  # the legend sits under the fiscal years, right of 順位, 課 and 手続名


def gantt_table(scope: Scope) -> Table:
    """Return the Gantt of the procedures in scope with a measure placed, waiting, or on マイナポータル, in rank order."""
    years = scope.fiscal_years
    deadline = scope.deadline_fy
    # Procedures already on マイナポータル are listed too: their online measure takes no slot (uptake).
    planned = [p for p in scope.procedures if p.id in scope.items or p.id in scope.unscheduled or p.id in scope.uptake]
    outside = any(_outside_items(scope, p.id, years) for p in planned)
    columns = [
        Column("順位", NUMBER, min_width=5),
        Column("課", WRAPPED, max_width=16),
        Column("手続名", WRAPPED, min_width=16, max_width=30),
    ]
    current = scope.analysis.roadmap.current_fy
    for fy in years:
        marks = [mark for mark, shown in ((CURRENT_MARK, fy == current), (DEADLINE_MARK, fy == deadline)) if shown]
        label = f"{reiwa(fy)}\n({fy})" + "".join(f"\n{mark}" for mark in marks)
        # Equal year columns: time reads evenly from left to right.
        columns.append(Column(label, EMPTY, min_width=YEAR_WIDTH, max_width=YEAR_WIDTH))
    if outside:
        columns.append(Column(OUTSIDE_HORIZON, EMPTY, min_width=13, max_width=18))
    progress = any(i.fixed for p in planned for i in scope.items.get(p.id, ()))
    if progress:
        columns.append(Column("実績", EMPTY, min_width=12, max_width=18))
    columns.append(Column("備考", WRAPPED, min_width=20, max_width=48))

    def rows() -> Iterator[Row]:
        for procedure in planned:
            yield _row(scope, procedure, years, deadline, outside, progress)

    preamble = (
        (Styled(f"ロードマップ {scope.horizon_label}", HEADING),),
        *_legend(len(columns) - LEGEND_FIRST_COLUMN),
        (
            None,
            None,
            Styled(
                f"太枠・{FIXED_MARK}: 棚卸で決まっている計画　{ROLE_MARKS['complement']}: 主施策に併せて行う施策　"
                f"{ROLE_MARKS['national']}: 国の期限のために加えたオンライン化　{DEADLINE_MARK}: 国の優先手続のオンライン化期限"
                f"　{CURRENT_MARK}: 今年度",
                LEGEND_NOTE,
            ),
        ),
    )
    return Table(TITLE, tuple(columns), rows, preamble=preamble, frozen_columns=3)


def _legend(slots: int) -> list[Row]:
    """Return the legend rows under the years: a coloured cell per measure and a fixed plan's border."""
    entries = [Styled(MEASURE_LABELS[m], measure_format(m)) for m in MEASURE_ORDER if m is not Measure.NONE]
    # 確定 is a thick border on its measure's colour: in the legend, a border on white, never 対象外's grey.
    entries.append(Styled(FIXED_MARK, FIXED_LEGEND))
    legend: list[Row] = []
    for start in range(0, len(entries), slots):
        label = Styled("凡例", LEGEND_NOTE) if start == 0 else None
        legend.append((None, label, None, *entries[start : start + slots]))
    return legend


def _needs_deadline(procedure: ScoredProcedure) -> bool:
    # Fully online or already on マイナポータル counts as met: no deadline mark (model v2, property 7).
    return needs_national_online(procedure)


def _outside_items(scope: Scope, procedure_id: str, years: Sequence[int]) -> list[RoadmapItem]:
    fixed_outside = [i for i in scope.items.get(procedure_id, ()) if i.fy not in years]
    return fixed_outside + list(scope.unscheduled.get(procedure_id, ()))


def _label(item: RoadmapItem, with_year: bool = False) -> str:
    text = MEASURE_LABELS[item.measure]
    notes = []
    if with_year:
        notes.append(reiwa(item.fy) if item.fixed else "枠不足")
    if item.fixed:
        notes.append(FIXED_MARK + (f"・{progress_label(item.progress)}" if item.progress else ""))
    elif item.role in ROLE_MARKS:
        notes.append(ROLE_MARKS[item.role])
    return f"{text}\n({'・'.join(notes)})" if notes else text


def _cell(items: Sequence[RoadmapItem], deadline_here: bool, with_year: bool = False) -> object:
    if not items:
        return Styled(DEADLINE_MARK, DEADLINE) if deadline_here else ""
    text = "\n".join(_label(item, with_year) for item in items)
    first = items[0]
    fixed = any(item.fixed for item in items)
    if deadline_here:
        text += f"\n{DEADLINE_MARK}"
        colour = measure_format(first.measure).fill
        return Styled(
            text,
            CellFormat(
                horizontal="center", wrap=True, fill=colour, bold=True, border="medium", border_colour=DEADLINE_COLOUR
            ),
        )
    return Styled(text, measure_format(first.measure, fixed=fixed))


def _row(
    scope: Scope, procedure: ScoredProcedure, years: Sequence[int], deadline: int | None, outside: bool, progress: bool
) -> Row:
    items = scope.items.get(procedure.id, ())
    marked = _needs_deadline(procedure)
    cells: list[object] = [procedure.rank, procedure.counter.section, procedure.procedure.name]
    for fy in years:
        cells.append(_cell([i for i in items if i.fy == fy], marked and fy == deadline))
    if outside:
        cells.append(_cell(_outside_items(scope, procedure.id, years), False, with_year=True))
    if progress:
        cells.append(_progress(items, scope.analysis.roadmap.current_fy))
    cells.append(
        _remarks(procedure, items, scope.unscheduled.get(procedure.id, ()), deadline, scope.uptake.get(procedure.id))
    )
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
    unscheduled: Sequence[RoadmapItem],
    deadline: int | None,
    uptake: float | None,
) -> str:
    notes: list[str] = []
    if uptake is not None:
        notes.append(f"{UPTAKE_NOTE} (窓口に残る {uptake:.0%})")
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
    for item in unscheduled:
        notes.append(f"{MEASURE_LABELS[item.measure]}: 計画期間内の枠が足りない")
    return "\n".join(notes)
