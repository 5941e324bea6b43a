"""From a loaded inventory to the analysis every export reads."""

from __future__ import annotations

from typing import Any

from bpr.analysis.documents import cashless_candidates, payment_methods_offered, self_issued_documents
from bpr.analysis.journeys import plan_journeys
from bpr.analysis.ranking import rank_procedures, score_procedure
from bpr.analysis.results import Analysis, NotHandled, Ranking, ScoredProcedure
from bpr.analysis.roadmap import plan_roadmap
from bpr.analysis.verification import verify
from bpr.collector import collector_paused
from bpr.config import Config
from bpr.inventory.loader import Inventory
from bpr.inventory.problem import Problem, Severity
from bpr.inventory.records import LoadedFile


class ScoredFiles:
    """The handled procedures of each file scored as soon as the file is loaded (`load_inventory`'s on_file).

    A procedure's scores depend on it, its counter and the config alone, so the parent scores one file while
    its workers parse the next; `analyse_inventory` takes the scores of the files it finds here and scores
    the rest itself. A file with an error is left alone: it may hold a flow no case can leave, and an inventory
    with an error is never analysed (the config cannot lower an error).
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._by_file: dict[int, tuple[LoadedFile, list[ScoredProcedure]]] = {}

    def __call__(self, loaded: LoadedFile) -> None:
        if loaded.counter is None or any(p.severity is Severity.ERROR for p in loaded.problems):
            return
        self._by_file[id(loaded)] = (loaded, score_file(loaded, self.config))

    def of(self, loaded: LoadedFile, config: Config) -> list[ScoredProcedure] | None:
        """Return the scores of a file's handled procedures under config, when they were made; else None."""
        entry = self._by_file.get(id(loaded))
        if entry is None or entry[0] is not loaded or config is not self.config:
            return None
        return entry[1]


def score_file(loaded: LoadedFile, config: Config) -> list[ScoredProcedure]:
    """Return the scores of a file's handled procedures (none without a valid counter)."""
    if loaded.counter is None:
        return []
    scoring, standardization = config.scoring, config.standardization
    return [
        score_procedure(loaded.counter, procedure, loaded.path, scoring, standardization)
        for _, procedure in loaded.procedures
        if procedure.handled
    ]


def analyse_inventory(
    inventory: Inventory,
    config: Config,
    start_fy: int | None = None,
    years: int | None = None,
    scored_files: ScoredFiles | None = None,
) -> Analysis:
    """Score, rank and schedule every valid procedure of an inventory (with the scores made while loading)."""
    # A full collection walks the whole inventory (half a second at 10,000 procedures), and the analysis
    # allocated enough to run several: nothing here makes a cycle that must be freed sooner.
    with collector_paused():
        return _analyse(inventory, config, start_fy, years, scored_files)


def rank_inventory(inventory: Inventory, config: Config, scored_files: ScoredFiles | None = None) -> Ranking:
    """Score and rank every valid procedure, and nothing more: what `bpr score --format json|csv` writes."""
    with collector_paused():
        return Ranking(
            procedures=rank_procedures(_scored(inventory, config, scored_files)),
            surveyed_on=_surveyed_on(inventory),
            hours_per_fte=config.scoring.hours_per_fte,
            staff_cost_per_hour=config.scoring.staff_cost_per_hour,
            config=config,
        )


def _scored(inventory: Inventory, config: Config, scored_files: ScoredFiles | None) -> list[ScoredProcedure]:
    """Return the scores of every file's handled procedures, those made while loading taken as they are."""
    scored: list[ScoredProcedure] = []
    for loaded in inventory.files:
        if loaded.counter is None:
            continue
        made = scored_files.of(loaded, config) if scored_files is not None else None
        scored.extend(made if made is not None else score_file(loaded, config))
    return scored


def _surveyed_on(inventory: Inventory) -> str | None:
    """Return the latest 調査日 of the inventory's counters (the date its figures are of), or None."""
    dates = sorted(
        str(loaded.counter.surveyed_on) for loaded in inventory.files if loaded.counter and loaded.counter.surveyed_on
    )
    return dates[-1] if dates else None


def _analyse(
    inventory: Inventory, config: Config, start_fy: int | None, years: int | None, scored_files: ScoredFiles | None
) -> Analysis:
    entries = list(inventory.entries())
    scored = _scored(inventory, config, scored_files)
    not_handled = tuple(
        NotHandled(procedure.id, procedure.name, counter.section, procedure.handled_reason, file)
        for counter, procedure, file in entries
        if not procedure.handled
    )
    ranked = rank_procedures(scored)
    roadmap = plan_roadmap(
        ranked, config.roadmap, start_fy, years, scoring=config.scoring, standardization=config.standardization
    )
    warnings: dict[str, list[Problem]] = {}
    for problem in inventory.problems:
        if problem.severity is Severity.WARNING:
            warnings.setdefault(problem.procedure or problem.file, []).append(problem)
    travel = config.scoring.travel_minutes_per_visit
    return Analysis(
        procedures=ranked,
        roadmap=roadmap,
        surveyed_on=_surveyed_on(inventory),
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
