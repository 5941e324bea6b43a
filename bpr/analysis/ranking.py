"""Scoring every procedure of an inventory and ranking them."""

from __future__ import annotations

from collections.abc import Iterable

from bpr.analysis.figures import compute_figures
from bpr.analysis.graph import build_process_graph
from bpr.analysis.results import ScoredProcedure, Scores
from bpr.analysis.scores import ai_ocr_gain, bpr_gain, online_gain, recommend, rpa_gain, score_gain
from bpr.config import ScoringConfig
from bpr.inventory.models import Counter, Measure, Procedure


def score_procedure(counter: Counter, procedure: Procedure, file: str, config: ScoringConfig) -> ScoredProcedure:
    """Return the figures, scores, recommendation and reasons of one procedure (rank unset)."""
    process = build_process_graph(procedure)
    figures = compute_figures(process, config.travel_minutes_per_visit)
    gains = {
        Measure.ONLINE: online_gain(procedure, figures, config),
        Measure.RPA: rpa_gain(process, figures, config),
        Measure.AI_OCR: ai_ocr_gain(process, figures, config),
    }
    bpr = bpr_gain(procedure, figures, config)
    scores = Scores(
        online=score_gain(gains[Measure.ONLINE], config),
        rpa=score_gain(gains[Measure.RPA], config),
        ai_ocr=score_gain(gains[Measure.AI_OCR], config),
    )
    recommendation = recommend(scores, bpr, config)
    all_gains = {**gains, Measure.BPR: bpr}
    if recommendation is Measure.NONE:
        priority = max(g.expected_hours for g in all_gains.values())
    else:
        priority = all_gains[recommendation].expected_hours
    return ScoredProcedure(
        counter=counter,
        procedure=procedure,
        file=file,
        figures=figures,
        scores=scores,
        feasibility={m.value: round(g.feasibility, 4) for m, g in all_gains.items()},
        hours_saved={m.value: round(g.hours, 1) for m, g in all_gains.items()},
        hours_saved_staff={m.value: round(g.staff_hours, 1) for m, g in all_gains.items()},
        hours_saved_citizen={m.value: round(g.citizen_hours, 1) for m, g in all_gains.items()},
        recommendation=recommendation,
        priority_hours=round(priority, 1),
        reasons=_reasons(procedure, recommendation, all_gains),
        candidates=gains[Measure.RPA].candidates + gains[Measure.AI_OCR].candidates,
    )


def _reasons(procedure: Procedure, recommendation: Measure, gains: dict) -> tuple[str, ...]:  # type: ignore[type-arg]
    order = [recommendation] + [
        m for m in (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR) if m is not recommendation
    ]
    reasons: list[str] = []
    for measure in order:
        if measure is Measure.NONE:
            continue
        reasons.extend(gains[measure].reasons)
    if procedure.national_priority:
        reasons.insert(1 if reasons else 0, "国の優先手続 (マイナポータルからのオンライン化が求められる)")
    if not reasons:
        reasons.append("削減できる時間が見当たらない")
    return tuple(dict.fromkeys(reasons))


def rank_key(item: ScoredProcedure) -> tuple[bool, float, int, str]:
    """Return the sort key: recommended first, then expected hours saved, volume, id (stable)."""
    return (item.recommendation is Measure.NONE, -item.priority_hours, -item.procedure.annual_volume, item.procedure.id)


def rank_procedures(scored: Iterable[ScoredProcedure]) -> tuple[ScoredProcedure, ...]:
    """Return the procedures sorted by priority with `rank` set from 1."""
    from dataclasses import replace

    ordered = sorted(scored, key=rank_key)
    return tuple(replace(item, rank=index) for index, item in enumerate(ordered, start=1))
