"""AI-OCR・RPA候補: the staff steps behind RPA and AI-OCR, as primary or complementary measure, with their hours."""

from __future__ import annotations

from collections.abc import Iterator

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import CandidateStep, MeasurePlan, ScoredProcedure
from bpr.analysis.summary import staff_fte
from bpr.export.workbook.labels import COMPLEMENT
from bpr.export.workbook.scope import OUTSIDE_HORIZON, Scope
from bpr.export.workbook.styles import (
    CENTRED,
    DECIMAL,
    HEADING,
    MINUTES,
    NUMBER,
    PERSON,
    TEXT,
    WRAPPED,
    CellFormat,
    measure_format,
)
from bpr.export.workbook.table import REPEATED, Column, Folded, Row, Styled, Table
from bpr.fiscal import reiwa
from bpr.inventory.enums import Measure

TITLE = "AI-OCR・RPA候補"
MEASURES = (Measure.RPA, Measure.AI_OCR)
ROLE_LABELS = {"primary": "主施策", "complement": COMPLEMENT}
REFERENCE = "参考"  # steps of a measure the procedure does not carry (its score is under the threshold)
ROLE_ORDER = ("primary", "complement")
NO_STEPS = "(主施策の後に残る入力・転記: 工程は「優先順位」の理由の欄)"

# Printed up to 予定年度, within PRINTED_WIDTH (paper.py): 8 pt on A4, a step on one line. The section, the
# volume, the score and the recommendation (in 優先順位 too) follow on screen. Headers break between words.
COLUMNS = (
    Column("順位", NUMBER, min_width=5, max_width=6),
    Column("手続名", WRAPPED, min_width=14, max_width=34),
    Column("候補", CENTRED, min_width=7.5, max_width=7.5),
    Column("位置\nづけ", CENTRED, min_width=7, max_width=7),
    Column("工程", WRAPPED, min_width=16, max_width=44),
    Column("システム", WRAPPED, max_width=21),
    Column("作業\n時間\n(分/件)", CellFormat(number_format=MINUTES), min_width=7, max_width=7),
    Column("現状の\n作業\n(時間/年)", NUMBER, min_width=9, max_width=9),
    Column("工程の\n削減\n(時間/年)", NUMBER, min_width=9, max_width=9),
    Column("施策の\n削減\n(時間/年)", NUMBER, min_width=9, max_width=9),
    Column("職員\n削減\n(人工)", PERSON, min_width=7, max_width=7),
    Column("予定年度", CENTRED, min_width=11, max_width=11),
    Column("課", TEXT, max_width=16),
    Column("年間\n件数", NUMBER, min_width=7.5, max_width=9),
    Column("スコア", DECIMAL, min_width=7, max_width=7),
    Column("推奨施策", CENTRED, min_width=13, max_width=13),
)
PRINTED = 12  # up to 予定年度
SCORE_COLUMNS = (14,)
NOTE = CellFormat(border=None)
EXPLANATION = (
    "位置づけ: 主施策 = 推奨の施策、補完 = 主施策に併せて行う施策 (主施策の残りに対して見積もり)、"
    "参考 = 閾値に届かない候補 (印刷しない。行の左の ＋ で開く)。",
    "工程の削減は工程ごと、施策の削減は手続ごとの値です。主施策・補完は計画どおり行う場合 (補完は主施策の後に残る分)、参考はその施策だけを行う場合です。",
)


def candidates_table(scope: Scope) -> Table:
    """Return one row per candidate step of the procedures in scope, in rank order, primary measure first.

    A procedure that carries RPA or AI-OCR as its primary or complementary measure has at least one row,
    even when the analysis lists no step of its own for it (a complement on what the primary leaves).
    """

    def rows() -> Iterator[Row]:
        for item in scope.procedures:
            yield from _procedure_rows(scope, item)

    preamble = ((Styled(TITLE, HEADING),), *((Styled(text, NOTE),) for text in EXPLANATION))
    return Table(
        TITLE,
        COLUMNS,
        rows,
        preamble=preamble,
        frozen_columns=2,
        score_columns=SCORE_COLUMNS,
        printed_columns=PRINTED,
    )


def _measure_steps(item: ScoredProcedure) -> Iterator[tuple[Measure, MeasurePlan | None, list[CandidateStep]]]:
    """Return the RPA and AI-OCR measures a procedure has rows for, in order, with their plans and steps."""
    plans = {plan.measure: plan for plan in item.measures}
    for measure in sorted(MEASURES, key=lambda m: _role_order(plans.get(m))):
        plan = plans.get(measure)
        steps = [c for c in item.candidates if c.measure is measure]
        if steps or plan is not None:
            yield measure, plan, steps


def _procedure_rows(scope: Scope, item: ScoredProcedure) -> Iterator[Row]:
    """Return a procedure's rows: the procedure named on its first only (REPEATED: its steps read as one group,
    kept on one page); a 参考 row folded (on screen only)."""
    named = False
    for measure, plan, steps in _measure_steps(item):
        for index, step in enumerate(steps or [None]):
            row = _row(scope, item, measure, plan, step, first=index == 0, named=not named)
            named = True
            yield row if plan is not None else Folded(row)


def _role_order(plan: MeasurePlan | None) -> int:
    """Return where a measure's rows go within its procedure: primary, complement, then the rest."""
    return ROLE_ORDER.index(plan.role) if plan is not None and plan.role in ROLE_ORDER else len(ROLE_ORDER)


def _row(
    scope: Scope,
    item: ScoredProcedure,
    measure: Measure,
    plan: MeasurePlan | None,
    step: CandidateStep | None,
    *,
    first: bool,
    named: bool,
) -> tuple[object, ...]:
    volume = item.procedure.annual_volume
    score = plan.score if plan is not None else item.scores.rpa if measure is Measure.RPA else item.scores.ai_ocr
    # The measure's hours once per procedure (on its first step), so that the column adds up.
    measure_hours = plan.hours if plan is not None and first else None
    recommendation = MEASURE_LABELS[item.recommendation]
    return (
        *(
            (item.rank, item.procedure.name)
            if named
            else (Styled(item.rank, REPEATED), Styled(item.procedure.name, REPEATED))
        ),
        Styled(MEASURE_LABELS[measure], measure_format(measure)),
        REFERENCE if plan is None else ROLE_LABELS.get(plan.role, plan.role),
        NO_STEPS if step is None else step.step_name,
        "" if step is None else step.system or "",
        None if step is None else step.minutes_per_case,
        None if step is None else round(volume * step.minutes_per_case / 60, 1),
        None if step is None else round(step.hours_per_year, 1),
        measure_hours,
        None if measure_hours is None or plan is None else staff_fte(plan.staff_hours, scope.analysis),
        _planned(scope, item.id, measure),
        item.counter.section,
        volume,
        score,
        Styled(recommendation, measure_format(item.recommendation) if named else REPEATED),
    )


def _planned(scope: Scope, procedure_id: str, measure: Measure) -> str:
    years = [i.fy for i in scope.items.get(procedure_id, ()) if i.measure is measure]
    if years:
        return reiwa(min(years))
    if any(i.measure is measure for i in scope.unscheduled.get(procedure_id, ())):
        return OUTSIDE_HORIZON
    return ""
