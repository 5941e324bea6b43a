"""優先順位: every procedure ranked, with the scores, the measures, the hours, the figures and the reasons.

The workbook's sheet shows every column (bpr/export/workbook/priority.py); a section's page in the report
shows the columns of SECTION_LIST.
"""

from __future__ import annotations

from bpr.analysis.planned import Planned
from bpr.analysis.results import MeasurePlan, ScoredProcedure
from bpr.analysis.scope import Scope
from bpr.analysis.summary import staff_fte, staff_thousand_yen
from bpr.export.presentation import counter_label, overridden_note, planned_label
from bpr.export.tables.model import Column, Items, Kind, Link, MeasureMark, Row, Table
from bpr.export.workbook.labels import NATIONAL, added_measures

TITLE = "優先順位"
NATIONAL_MARK = "○"

# What a chief decides on comes first and prints (A4 landscape fitted to the width: about 9 pt, at least
# 8); the scores and the figures behind them (also spelled out in 理由) and the id follow, on screen only,
# to sort and filter.
COLUMNS = (
    Column("rank", "順位", Kind.RANK, min_width=5),
    Column("section", "課", max_width=8),
    Column("counter", "窓口", max_width=8),
    Column("name", "手続名", min_width=14, max_width=14),
    Column("volume", "年間件数", Kind.COUNT, min_width=8, max_width=8),
    Column("national", "国の\n優先", Kind.LABEL, min_width=5, max_width=5),
    Column("recommendation", "推奨施策", Kind.MEASURE, min_width=13, max_width=13),
    Column("added", "併せて行う\n施策", Kind.LABEL, min_width=11, max_width=11),
    Column("hours", "期待削減", Kind.COUNT, "時間/年", min_width=10, max_width=10),
    Column("fte", "職員削減", Kind.FTE, "人工", min_width=9, max_width=9),
    Column("thousand_yen", "職員削減", Kind.COUNT, "千円", min_width=9, max_width=9),
    # Model v3, property 4: the primary measure's initial cost and its payback (— when it never pays back).
    Column("cost", "初期費用", Kind.COUNT, "千円", min_width=8, max_width=8),
    Column("payback", "回収", Kind.LABEL, "年", min_width=6, max_width=7),
    Column("planned", "予定年度", Kind.YEAR, min_width=9, max_width=10),
    Column("reasons", "理由", min_width=40, max_width=60),
    Column("online", "オンライン\n化スコア", Kind.SCORE, min_width=10, max_width=10),
    Column("rpa", "RPA\nスコア", Kind.SCORE, min_width=6, max_width=7),
    Column("ai_ocr", "AI-OCR\nスコア", Kind.SCORE, min_width=6, max_width=7),
    Column("staff_today", "現状 職員", Kind.COUNT, "時間/年", min_width=8, max_width=9),
    Column("citizen_today", "現状 住民", Kind.COUNT, "時間/年", min_width=8, max_width=9),
    Column("visits", "来庁\n回数", Kind.EXPECTED, min_width=6, max_width=7),
    Column("paper_steps", "紙の\n工程数", Kind.COUNT, min_width=6, max_width=6),
    Column("seal_steps", "押印の\n工程数", Kind.COUNT, min_width=6, max_width=6),
    Column("in_person_steps", "対面の\n工程数", Kind.COUNT, min_width=6, max_width=6),
    Column("id", "手続ID", Kind.CODE, max_width=30),
)
PRINTED = "reasons"  # the last column printed
# A section's page lists its procedures with what a chief decides on; the scores are on the index's table.
SECTION_LIST = (
    "rank",
    "name",
    "counter",
    "volume",
    "recommendation",
    "added",
    "hours",
    "fte",
    "thousand_yen",
    "planned",
)


def priority_table(scope: Scope) -> Table:
    """Return the table of every procedure in scope, in rank order."""
    return Table(TITLE, COLUMNS, lambda: (_row(scope, item) for item in scope.procedures))


def _reasons(item: ScoredProcedure, planned: Planned) -> tuple[str, ...]:
    """Return the reasons of a procedure, after the line that says a fixed plan replaced the recommendation."""
    note = overridden_note(planned)
    return item.reasons if note is None else (note, *item.reasons)


def _row(scope: Scope, item: ScoredProcedure) -> Row:
    analysis = scope.analysis
    figures = item.figures
    # What the roadmap holds: a plan written in the inventory wins over the model's recommendation.
    planned = scope.planned[item.id]
    primary = planned.plan
    staff = None if primary is None else primary.staff_hours
    procedure = item.procedure
    return (
        item.rank,
        item.counter.section,
        counter_label(item.counter),
        Link(procedure.name, "procedure", item.id, NATIONAL if procedure.national_priority else ""),
        procedure.annual_volume,
        NATIONAL_MARK if procedure.national_priority else "",
        MeasureMark(planned.primary, uptake=planned.uptake),
        Items(tuple(added_measures(planned))),
        planned.hours(item),
        None if staff is None else round(staff_fte(staff, analysis), 2),
        None if staff is None else round(staff_thousand_yen(staff, analysis)),
        None if primary is None else primary.cost_initial,
        None if primary is None else payback_label(primary),
        planned_label(scope, item.id),
        Items(_reasons(item, planned)),
        item.scores.online,
        item.scores.rpa,
        item.scores.ai_ocr,
        round(figures.staff_hours, 1),
        round(figures.citizen_hours, 1),
        round(figures.visits, 2),
        figures.paper_steps,
        figures.seal_steps,
        figures.in_person_steps,
        item.id,
    )


def payback_label(plan: MeasurePlan) -> str:
    """Return a measure's payback as the sheet shows it: 1.4, 0.1未満, — (never: staff savings below its annual cost)."""
    if plan.payback_years is None:
        return "—"
    if plan.payback_years < 0.1:
        return "0.1未満" if plan.cost_initial > 0 else "0"
    return f"{plan.payback_years:g}"
