"""Page 1 of 概要, for a chief with thirty seconds: what to do this year, the ten that save most, what is left.

Figures come from the analysis (items of the roadmap, the measures' expected hours, the summary's 人工
and 千円); this module only picks and lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import MeasurePlan, RoadmapItem, ScoredProcedure
from bpr.analysis.summary import staff_fte, staff_thousand_yen
from bpr.export.presentation import recommendation_label
from bpr.export.workbook.labels import ROLE_MARKS
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import LABEL, NUMBER, PERSON, WRAPPED, CellFormat, measure_format
from bpr.export.workbook.writer import SheetWriter
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure


@dataclass(frozen=True)
class FrontMatter:
    """What page 1 says about the workbook itself: its edition (作成日 and 版) and where each sheet prints.

    `contents` are the sheets in the order they print, each with its pages ('' when not known), and
    `total` the workbook's number of pages (None when not known).
    """

    edition: str
    contents: tuple[tuple[str, str], ...]
    total: int | None


# A linked cell on one line: LibreOffice sets a link's text as a field, which neither wraps nor breaks.
CONTENTS_CELL = CellFormat(colour="0563C1")
CONTENTS_PER_ROW = 5  # sheets a row of 概要 lists, each over two of its columns B to K


def write_contents(out: SheetWriter, front: FrontMatter) -> None:
    """Write the contents where a reader finds them, on page 1: each sheet and its pages, a link to the sheet."""
    label = "目次（ページ）" if front.total is None else f"目次（A4 横 全 {front.total} ページ）"
    entries = list(front.contents)
    for start in range(0, len(entries), CONTENTS_PER_ROW):
        row = entries[start : start + CONTENTS_PER_ROW]
        cells = [(f"{title}　{pages}" if pages else title, CONTENTS_CELL, 2) for title, pages in row]
        links = {position + 1: "'" + title.replace("'", "''") + "'!A1" for position, (title, _) in enumerate(row)}
        out.add((label if start == 0 else "", LABEL), *cells, links=links)


THIS_YEAR_ROWS = 3
TOP_ROWS = 10
MIN_TOP_ROWS = 3
UNPLACED_ROWS = 10
NOTE = CellFormat(border=None)
ROLE_NAMES = {"primary": "主施策", "fixed": "確定", **ROLE_MARKS}


def this_year(scope: Scope) -> int:
    """Return the fiscal year page 1 speaks of: the current one, or the first of the horizon when it lies outside."""
    years = scope.fiscal_years
    current = scope.analysis.roadmap.current_fy
    return current if current is not None and current in years else years[0]


def write_this_year(out: SheetWriter, scope: Scope) -> None:
    """Write the measures placed in this fiscal year (the first of the horizon when this one lies outside)."""
    _write_this_year(out, scope)


def write_top(out: SheetWriter, scope: Scope) -> None:
    """Write the procedures that save most, and for a section the measures that found no room; end page 1.

    Page 1 lists as many of the ten as it holds. A section's measures without room end page 1 when they fit
    on it; else page 1 ends with the ten, and they start page 2 (with their header), the rest of 概要 after.
    """
    # As many of the ten as page 1 holds (at least MIN_TOP_ROWS): the table stays whole, with its header.
    start = out.row
    for count in range(TOP_ROWS, MIN_TOP_ROWS - 1, -1):
        out.truncate(start)
        _write_top(out, scope, count)
        if out.first_page_holds(scope.paper):
            break
    if scope.sections is None:
        out.end_page()
        return
    ten = out.row
    _write_unplaced(out, scope)
    if out.first_page_holds(scope.paper):
        out.end_page()
    else:
        out.forced.append(ten)


def _measure_cell(measure: Measure, fixed: bool = False) -> CellFormat:
    # One line: オンライン化 fills a column of 12 exactly, and a wrapped cell would take two rows of height.
    return measure_format(measure, fixed=fixed)


def _measure_plan(item: ScoredProcedure, measure: object) -> MeasurePlan | None:
    return next((plan for plan in item.measures if plan.measure is measure), None)


def _write_this_year(out: SheetWriter, scope: Scope) -> None:
    fy = this_year(scope)
    current = scope.analysis.roadmap.current_fy
    note = ""
    if current is not None and current != fy:
        note = f"（今年度 {reiwa(current)} は計画期間外: 最初の年度を表示）"
    out.heading(f"■ {reiwa(fy)}に行うこと{note}")
    placed: list[tuple[ScoredProcedure, RoadmapItem]] = [
        (item, placed) for item in scope.procedures for placed in scope.items.get(item.id, ()) if placed.fy == fy
    ]
    if not placed:
        out.line(f"{reiwa(fy)}に配置した施策はありません", NOTE)
        return
    out.header("手続名", "課", "施策", "位置づけ", "期待削減\n(時間/年)", "職員\n(人工)", "職員\n(千円)")
    for item, placed_item in placed[:THIS_YEAR_ROWS]:
        plan = _measure_plan(item, placed_item.measure)
        staff = plan.staff_hours if plan is not None else 0.0
        out.add(
            (item.procedure.name, WRAPPED),
            (item.counter.section, WRAPPED),
            (MEASURE_LABELS[placed_item.measure], _measure_cell(placed_item.measure, fixed=placed_item.fixed)),
            (ROLE_NAMES.get(placed_item.role, placed_item.role), WRAPPED),
            (round(plan.expected_hours) if plan is not None else "", NUMBER),
            (staff_fte(staff, scope.analysis) if plan is not None else "", PERSON),
            (round(staff_thousand_yen(staff, scope.analysis)) if plan is not None else "", NUMBER),
        )
    hidden = len(placed) - THIS_YEAR_ROWS
    if hidden > 0:
        out.line(f"ほか {hidden:,} 件（「ロードマップ」の {reiwa(fy)} の列）", NOTE)


def _write_top(out: SheetWriter, scope: Scope, count: int) -> None:
    top = [item for item in scope.procedures if scope.planned[item.id].primary.value != "none"][:count]
    out.heading(f"■ 期待削減の大きい手続 上位{len(top)}件")
    if not top:
        out.line("推奨する施策のある手続はありません", NOTE)
        return
    out.header("手続名", "順位", "課", "推奨施策", "期待削減\n(時間/年)", "職員\n(人工)", "職員\n(千円)", "予定年度")
    for item in top:
        planned = scope.planned[item.id]
        plan = planned.plan
        staff = plan.staff_hours if plan is not None else 0.0
        out.add(
            (item.procedure.name, WRAPPED),
            (item.rank, NUMBER),
            (item.counter.section, WRAPPED),
            (recommendation_label(planned), _measure_cell(planned.primary)),
            (round(planned.hours(item) or 0.0), NUMBER),
            (staff_fte(staff, scope.analysis), PERSON),
            (round(staff_thousand_yen(staff, scope.analysis)), NUMBER),
            (scope.planned_label(item.id), WRAPPED),
        )


def _write_unplaced(out: SheetWriter, scope: Scope) -> None:
    waiting = [item for item in scope.procedures if item.id in scope.unscheduled]
    out.heading("■ この課の手続で計画期間内に枠がない施策")
    if not waiting:
        out.line("この課の施策はすべて計画期間内に配置されています", NOTE)
        return
    out.header("手続名", "順位", "施策", "期待削減\n(時間/年)")
    for item in waiting[:UNPLACED_ROWS]:
        for unplaced in scope.unscheduled[item.id]:
            plan = _measure_plan(item, unplaced.measure)
            hours = plan.expected_hours if plan is not None else 0.0
            out.add(
                (item.procedure.name, WRAPPED),
                (item.rank, NUMBER),
                (MEASURE_LABELS[unplaced.measure], _measure_cell(unplaced.measure)),
                (round(hours), NUMBER),
            )
    hidden = len(waiting) - UNPLACED_ROWS
    if hidden > 0:
        out.line(f"ほか {hidden:,} 件の手続（「ロードマップ」の計画期間外の列）", NOTE)
