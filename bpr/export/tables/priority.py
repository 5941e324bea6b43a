"""優先順位: every procedure ranked, with the scores, the measures, the hours, the figures and the reasons.

The workbook's sheet shows every column (bpr/export/workbook/priority.py); a section's page in the report
shows the columns of SECTION_LIST.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bpr.analysis.planned import Planned
from bpr.analysis.results import MeasurePlan, ScoredProcedure
from bpr.analysis.scope import Scope
from bpr.analysis.summary import staff_fte, staff_thousand_yen
from bpr.export.presentation import counter_label, overridden_note, planned_label
from bpr.export.tables.model import Column, Items, Kind, Link, MeasureMark, Row, Table
from bpr.export.workbook.labels import NATIONAL, added_measures

TITLE = "優先順位"
NATIONAL_MARK = "○"
REASON_WIDTH = 48.0  # what the columns before it leave of the page's width at 8 pt (PRINTED_WIDTH)

# What a chief decides on comes first and prints, one line a procedure where its name fits (A4 landscape at
# 80 %: 8 pt, tests/test_workbook_print.py): the reason's first clause (理由); the complementary measures
# (in ロードマップ and AI-OCR・RPA候補 too), the full reasons (理由 (全文)), the counter, the scores, the
# figures behind them and the id follow on screen only, to sort and filter.
# A header breaks its words where a narrow column needs it: 職員\n削減 reads 職員削減 on one line (one_line).
COLUMNS = (
    Column("rank", "順位", Kind.RANK, min_width=6, max_width=6),
    Column("section", "課", max_width=11),
    Column("name", "手続名", min_width=14, max_width=32),
    Column("volume", "年間\n件数", Kind.COUNT, min_width=7.5, max_width=7.5),
    Column("national", "国の\n優先", Kind.LABEL, min_width=5, max_width=5),
    Column("recommendation", "推奨施策", Kind.MEASURE, min_width=13, max_width=13),
    Column("hours", "期待削減", Kind.COUNT, "時間/年", min_width=9.5, max_width=9.5),
    Column("fte", "職員\n削減", Kind.FTE, "人工", min_width=7, max_width=7),
    Column("thousand_yen", "職員\n削減", Kind.COUNT, "千円", min_width=8, max_width=8),
    # Model v3, property 4: the primary measure's initial cost and its payback (— when it never pays back).
    Column("cost", "初期\n費用", Kind.COUNT, "千円", min_width=8, max_width=8),
    Column("payback", "回収", Kind.LABEL, "年", min_width=7, max_width=7),
    Column("planned", "予定年度", Kind.YEAR, min_width=12, max_width=12),
    Column("reason", "理由", min_width=REASON_WIDTH, max_width=REASON_WIDTH),
    Column("added", "併せて行う\n施策", Kind.LABEL, min_width=16, max_width=24),
    Column("reasons", "理由 (全文)", min_width=40, max_width=60),
    Column("counter", "窓口", max_width=14),
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
PRINTED = "reason"  # the last column printed
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
        Link(procedure.name, "procedure", item.id, NATIONAL if procedure.national_priority else ""),
        procedure.annual_volume,
        NATIONAL_MARK if procedure.national_priority else "",
        MeasureMark(planned.primary, uptake=planned.uptake),
        planned.hours(item),
        None if staff is None else staff_fte(staff, analysis),
        None if staff is None else round(staff_thousand_yen(staff, analysis)),
        None if primary is None else primary.cost_initial,
        None if primary is None else payback_label(primary),
        planned_label(scope, item.id),
        first_clause(_reasons(item, planned)),
        Items(tuple(added_measures(planned))),
        Items(_reasons(item, planned)),
        counter_label(item.counter),
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


# An aside in a reason, " (全77,368件の90%)", and where its first clause ends: a product or a result.
_ASIDE = re.compile(r" ?\([^()]*\)")
_CLAUSE_END = re.compile(r" (?:×|→) ")


def first_clause(reasons: Sequence[str]) -> str:
    """Return what a procedure's first reason says before its figures: 窓口に残る年間69,631件の30%がコンビニ交付へ.

    The asides in half-width parentheses go (the figures behind the clause); the clause ends before the
    first product (×) or result (→), which the hours columns show.
    """
    if not reasons:
        return ""
    text = reasons[0]
    while (shorter := _ASIDE.sub("", text)) != text:
        text = shorter
    return _CLAUSE_END.split(text, maxsplit=1)[0].strip()


def payback_label(plan: MeasurePlan) -> str:
    """Return a measure's payback as the sheet shows it: 1.4, 0.1未満, — (never: staff savings below its annual cost)."""
    if plan.payback_years is None:
        return "—"
    if plan.payback_years < 0.1:
        return "0.1未満" if plan.cost_initial > 0 else "0"
    return f"{plan.payback_years:g}"
