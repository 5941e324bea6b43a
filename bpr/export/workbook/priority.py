"""優先順位: every procedure ranked, with the scores, the recommendation, the figures and the reasons."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.analysis.labels import MEASURE_LABELS
from bpr.export.workbook.scope import Scope
from bpr.export.workbook.styles import (
    CENTRED,
    DECIMAL,
    NUMBER,
    WRAPPED,
    CellFormat,
    measure_format,
)
from bpr.export.workbook.table import Column, Row, Styled, Table

TITLE = "優先順位"
REASON_SEPARATOR = "\n"

COLUMNS = (
    Column("順位", NUMBER, min_width=5),
    Column("窓口", WRAPPED, max_width=14),
    Column("課", WRAPPED, max_width=12),
    Column("手続名", WRAPPED, min_width=14, max_width=24),
    Column("年間件数", NUMBER, min_width=9),
    Column("オンライン化\nスコア", DECIMAL, min_width=7, max_width=14),
    Column("RPA\nスコア", DECIMAL, min_width=7, max_width=8),
    Column("AI-OCR\nスコア", DECIMAL, min_width=7, max_width=8),
    Column("推奨施策", CENTRED, min_width=10),
    Column("来庁\n回数", NUMBER, min_width=5, max_width=6),
    Column("紙の\n工程数", NUMBER, min_width=6, max_width=6),
    Column("押印の\n工程数", NUMBER, min_width=6, max_width=6),
    Column("対面の\n工程数", NUMBER, min_width=6, max_width=6),
    Column("職員\n時間/年", NUMBER, min_width=8),
    Column("住民\n時間/年", NUMBER, min_width=8),
    Column("予定年度", CENTRED, min_width=11),
    Column("理由", WRAPPED, min_width=30, max_width=60),
    Column("手続ID", CellFormat(), max_width=30),
)
SCORE_COLUMNS = (5, 6, 7)


def priority_table(scope: Scope) -> Table:
    """Return the table of every procedure in scope, in rank order."""

    def rows() -> Iterator[Row]:
        for item in scope.procedures:
            figures = item.figures
            yield (
                item.rank,
                item.counter.name,
                item.counter.section,
                item.procedure.name,
                item.procedure.annual_volume,
                item.scores.online,
                item.scores.rpa,
                item.scores.ai_ocr,
                Styled(MEASURE_LABELS[item.recommendation], measure_format(item.recommendation)),
                figures.visits,
                figures.paper_steps,
                figures.seal_steps,
                figures.in_person_steps,
                round(figures.staff_hours, 1),
                round(figures.citizen_hours, 1),
                scope.planned_label(item.id),
                REASON_SEPARATOR.join(item.reasons),
                item.id,
            )

    return Table(
        TITLE,
        COLUMNS,
        rows,
        len(scope.procedures),
        frozen_columns=4,
        score_columns=SCORE_COLUMNS,
        printed_columns=len(COLUMNS) - 1,
    )
