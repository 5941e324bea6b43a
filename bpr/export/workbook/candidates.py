"""AI-OCR・RPA候補: the staff steps behind the RPA and AI-OCR scores, with their minutes and hours."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import CandidateStep, ScoredProcedure
from bpr.analysis.roadmap import reiwa
from bpr.export.workbook.scope import OUTSIDE_HORIZON, Scope
from bpr.export.workbook.styles import (
    CENTRED,
    DECIMAL,
    MINUTES,
    NUMBER,
    WRAPPED,
    CellFormat,
    measure_format,
)
from bpr.export.workbook.table import Column, Row, Styled, Table
from bpr.inventory.models import Measure

TITLE = "AI-OCR・RPA候補"

COLUMNS = (
    Column("順位", NUMBER, min_width=5),
    Column("課", WRAPPED, max_width=16),
    Column("手続名", WRAPPED, min_width=16, max_width=30),
    Column("候補", CENTRED, min_width=8),
    Column("工程", WRAPPED, min_width=16, max_width=34),
    Column("システム", WRAPPED, max_width=24),
    Column("作業時間\n(分/件)", CellFormat(number_format=MINUTES), min_width=8),
    Column("年間件数", NUMBER, min_width=9),
    Column("現状の作業\n(時間/年)", NUMBER, min_width=10),
    Column("削減見込み\n(時間/年)", NUMBER, min_width=10),
    Column("スコア", DECIMAL, min_width=7),
    Column("推奨施策", CENTRED, min_width=10),
    Column("予定年度", CENTRED, min_width=11),
)
SCORE_COLUMNS = (10,)


def candidates_table(scope: Scope) -> Table:
    """Return one row per candidate step of the procedures in scope, in rank order."""
    count = sum(len(p.candidates) for p in scope.procedures)

    def rows() -> Iterator[Row]:
        for item in scope.procedures:
            for candidate in item.candidates:
                yield _row(scope, item, candidate)

    return Table(TITLE, COLUMNS, rows, count, frozen_columns=3, score_columns=SCORE_COLUMNS)


def _row(scope: Scope, item: ScoredProcedure, candidate: CandidateStep) -> Row:
    volume = item.procedure.annual_volume
    score = item.scores.rpa if candidate.measure is Measure.RPA else item.scores.ai_ocr
    return (
        item.rank,
        item.counter.section,
        item.procedure.name,
        Styled(MEASURE_LABELS[candidate.measure], measure_format(candidate.measure)),
        candidate.step_name,
        candidate.system or "",
        candidate.minutes_per_case,
        volume,
        round(volume * candidate.minutes_per_case / 60, 1),
        round(candidate.hours_per_year, 1),
        score,
        Styled(MEASURE_LABELS[item.recommendation], measure_format(item.recommendation)),
        _planned(scope, item.id, candidate.measure),
    )


def _planned(scope: Scope, procedure_id: str, measure: Measure) -> str:
    years = [i.fy for i in scope.items.get(procedure_id, ()) if i.measure is measure]
    if years:
        return reiwa(min(years))
    if any(i.measure is measure for i in scope.unscheduled.get(procedure_id, ())):
        return OUTSIDE_HORIZON
    return ""
