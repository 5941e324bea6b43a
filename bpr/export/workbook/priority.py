"""優先順位: every procedure ranked, with the scores, the measures, the hours, the figures and the reasons."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.analysis.results import MeasurePlan
from bpr.analysis.summary import staff_fte, staff_thousand_yen
from bpr.export.presentation import counter_label, recommendation_label
from bpr.export.workbook.labels import added_measures
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import (
    CENTRED,
    DECIMAL,
    EXPECTED,
    LINK,
    NUMBER,
    PEOPLE,
    WRAPPED,
    CellFormat,
    measure_format,
)
from bpr.export.workbook.table import Column, Row, Styled, Table

TITLE = "優先順位"
REASON_SEPARATOR = "\n"
NATIONAL_MARK = "○"

# What a chief decides on comes first and prints (A4 landscape fitted to the width: about 9 pt, at least
# 8); the scores and the figures behind them (also spelled out in 理由) and the id follow, on screen only,
# to sort and filter.
COLUMNS = (
    Column("順位", NUMBER, min_width=5),
    Column("課", WRAPPED, max_width=8),
    Column("窓口", WRAPPED, max_width=8),
    Column("手続名", WRAPPED, min_width=14, max_width=14),
    Column("年間件数", NUMBER, min_width=8, max_width=8),
    Column("国の\n優先", CENTRED, min_width=5, max_width=5),
    Column("推奨施策", CENTRED, min_width=13, max_width=13),
    Column("併せて行う\n施策", CENTRED, min_width=11, max_width=11),
    Column("期待削減\n(時間/年)", NUMBER, min_width=10, max_width=10),
    Column("職員削減\n(人工)", PEOPLE, min_width=9, max_width=9),
    Column("職員削減\n(千円)", NUMBER, min_width=9, max_width=9),
    # Model v3, property 4: the primary measure's initial cost and its payback (— when it never pays back).
    Column("初期費用\n(千円)", NUMBER, min_width=8, max_width=8),
    Column("回収\n(年)", CENTRED, min_width=6, max_width=7),
    Column("予定年度", CENTRED, min_width=9, max_width=10),
    Column("理由", WRAPPED, min_width=40, max_width=60),
    Column("オンライン\n化スコア", DECIMAL, min_width=10, max_width=10),
    Column("RPA\nスコア", DECIMAL, min_width=6, max_width=7),
    Column("AI-OCR\nスコア", DECIMAL, min_width=6, max_width=7),
    Column("現状 職員\n(時間/年)", NUMBER, min_width=8, max_width=9),
    Column("現状 住民\n(時間/年)", NUMBER, min_width=8, max_width=9),
    Column("来庁\n回数", EXPECTED, min_width=6, max_width=7),
    Column("紙の\n工程数", NUMBER, min_width=6, max_width=6),
    Column("押印の\n工程数", NUMBER, min_width=6, max_width=6),
    Column("対面の\n工程数", NUMBER, min_width=6, max_width=6),
    Column("手続ID", CellFormat(), max_width=30),
)
SCORE_COLUMNS = (15, 16, 17)
PRINTED_COLUMNS = 15  # up to 理由


def priority_table(scope: Scope) -> Table:
    """Return the table of every procedure in scope, in rank order."""
    analysis = scope.analysis

    def rows() -> Iterator[Row]:
        for item in scope.procedures:
            figures = item.figures
            primary = item.primary
            staff = None if primary is None else primary.staff_hours
            yield (
                item.rank,
                item.counter.section,
                counter_label(item.counter),
                item.procedure.name,
                item.procedure.annual_volume,
                NATIONAL_MARK if item.procedure.national_priority else "",
                Styled(recommendation_label(item), measure_format(item.recommendation)),
                "\n".join(added_measures(item)),
                None if primary is None else item.priority_hours,
                None if staff is None else round(staff_fte(staff, analysis), 2),
                None if staff is None else round(staff_thousand_yen(staff, analysis)),
                None if primary is None else primary.cost_initial,
                None if primary is None else payback_label(primary),
                scope.planned_label(item.id),
                REASON_SEPARATOR.join(item.reasons),
                item.scores.online,
                item.scores.rpa,
                item.scores.ai_ocr,
                round(figures.staff_hours, 1),
                round(figures.citizen_hours, 1),
                round(figures.visits, 2),
                figures.paper_steps,
                figures.seal_steps,
                figures.in_person_steps,
                Styled(item.id, LINK) if item.id in scope.diagram_links else item.id,
            )

    return Table(
        TITLE,
        COLUMNS,
        rows,
        len(scope.procedures),
        frozen_columns=4,
        score_columns=SCORE_COLUMNS,
        printed_columns=PRINTED_COLUMNS,
        links=[scope.diagram_links.get(item.id) for item in scope.procedures] if scope.diagram_links else (),
        link_column=len(COLUMNS) - 1,
    )


def payback_label(plan: MeasurePlan) -> str:
    """Return a measure's payback as the sheet shows it: 1.4, 0.1未満, — (never: staff savings below its annual cost)."""
    if plan.payback_years is None:
        return "—"
    if plan.payback_years < 0.1:
        return "0.1未満" if plan.cost_initial > 0 else "0"
    return f"{plan.payback_years:g}"
