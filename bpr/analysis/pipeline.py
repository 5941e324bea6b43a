"""From a loaded inventory to the analysis every export reads."""

from __future__ import annotations

from typing import Any

from bpr.analysis.documents import cashless_candidates, payment_methods_offered, self_issued_documents
from bpr.analysis.journeys import plan_journeys
from bpr.analysis.ranking import rank_procedures, score_procedure
from bpr.analysis.results import Analysis, NotHandled
from bpr.analysis.roadmap import plan_roadmap
from bpr.analysis.verification import verify
from bpr.config import Config
from bpr.inventory.loader import Inventory
from bpr.inventory.problem import Problem, Severity


def analyse_inventory(
    inventory: Inventory, config: Config, start_fy: int | None = None, years: int | None = None
) -> Analysis:
    """Score, rank and schedule every valid procedure of an inventory."""
    entries = list(inventory.entries())
    scored = [
        score_procedure(counter, procedure, file, config.scoring, config.standardization)
        for counter, procedure, file in entries
        if procedure.handled
    ]
    not_handled = tuple(
        NotHandled(procedure.id, procedure.name, counter.section, procedure.handled_reason, file)
        for counter, procedure, file in entries
        if not procedure.handled
    )
    ranked = rank_procedures(scored)
    roadmap = plan_roadmap(
        ranked, config.roadmap, start_fy, years, scoring=config.scoring, standardization=config.standardization
    )
    dates = sorted(
        str(loaded.counter.surveyed_on) for loaded in inventory.files if loaded.counter and loaded.counter.surveyed_on
    )
    warnings: dict[str, list[Problem]] = {}
    for problem in inventory.problems:
        if problem.severity is Severity.WARNING:
            warnings.setdefault(problem.procedure or problem.file, []).append(problem)
    travel = config.scoring.travel_minutes_per_visit
    return Analysis(
        procedures=ranked,
        roadmap=roadmap,
        surveyed_on=dates[-1] if dates else None,
        warnings_by_procedure={k: tuple(v) for k, v in warnings.items()},
        hours_per_fte=config.scoring.hours_per_fte,
        staff_cost_per_hour=config.scoring.staff_cost_per_hour,
        config=config,
        journeys=plan_journeys(ranked, config.journeys, travel),
        documents=self_issued_documents(ranked, travel),
        cashless=cashless_candidates(ranked),
        payment_methods=payment_methods_offered(ranked),
        not_handled=not_handled,
        verification=verify(ranked, roadmap.items),
        queue_of=_waits,
    )


def _waits(analysis: Analysis) -> Any:
    """Return the waits of the counters that write their windows (bpr/analysis/queue.py)."""
    from bpr.analysis.queue import analyse_queue  # the simulation's library loads only when asked

    return None if analysis.config is None else analyse_queue(analysis, analysis.config, windows_only=True)
