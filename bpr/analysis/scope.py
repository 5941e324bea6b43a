"""What one output covers: every procedure, or one section's, read against the city-wide roadmap.

The workbook, the terminal and the report show a scope; its counts come from the one summary
(`bpr/analysis/summary.py`), per section and per fiscal year too, so every output adds up alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bpr.analysis.planned import Planned, planned_measures
from bpr.analysis.results import Analysis, RoadmapItem, ScoredProcedure, YearFigures
from bpr.analysis.roadmap import year_figures
from bpr.analysis.summary import Summary, summarise
from bpr.config import Config
from bpr.inventory.enums import Measure

MEASURE_ORDER = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR, Measure.NONE)


@dataclass(frozen=True)
class Scope:
    """The procedures an output shows, their roadmap items and their summary."""

    analysis: Analysis
    procedures: tuple[ScoredProcedure, ...]
    sections: tuple[str, ...] | None
    items: dict[str, tuple[RoadmapItem, ...]]
    unscheduled: dict[str, tuple[RoadmapItem, ...]]
    summary: Summary
    uptake: dict[str, float]  # procedure id → share of cases still at the counter, for those on マイナポータル
    # Each procedure's measures as the roadmap holds them (a fixed plan wins): what 推奨 and 併せて show.
    planned: dict[str, Planned] = field(default_factory=dict)

    @classmethod
    def of(cls, analysis: Analysis, sections: Iterable[str] | None = None) -> Scope:
        """Return the scope of all procedures (sections None) or of the procedures of some sections."""
        chosen = None if sections is None else tuple(sorted(set(sections)))
        procedures = tuple(p for p in analysis.procedures if chosen is None or p.counter.section in chosen)
        ids = {p.id for p in procedures}
        return cls(
            analysis=analysis,
            procedures=procedures,
            sections=chosen,
            items=_by_procedure(analysis.roadmap.items, ids),
            unscheduled=_by_procedure(analysis.roadmap.unscheduled, ids),
            # Every count and total of an output comes from this one summary (model v2, property 10).
            summary=summarise(analysis, None if chosen is None else [p.id for p in procedures]),
            uptake={pid: share for pid, share in analysis.roadmap.uptake if pid in ids},
            planned=planned_measures(procedures, analysis.roadmap),
        )

    def year_figures(self) -> list[YearFigures]:
        """Return model v3's figures of the placed measures in scope: each fiscal year of the plan, then the steady state.

        A section's workbook sums its own measures; the city-wide scope gives the roadmap's own `by_year`.
        """
        config = self.config
        placed = [item for items in self.items.values() for item in items]
        years: list[int | None] = [*self.fiscal_years, None]
        return [year_figures(fy, placed, config.scoring, config.standardization, config.roadmap) for fy in years]

    @property
    def config(self) -> Config:
        """Return the configuration the analysis ran with (the defaults for an analysis made without one)."""
        return self.analysis.config if isinstance(self.analysis.config, Config) else Config()

    def uptake_items(self) -> list[RoadmapItem]:
        """Return the uptake measures (利用促進) of channels that exist, for the procedures in scope."""
        ids = {p.id for p in self.procedures}
        return [item for item in self.analysis.roadmap.uptake_items if item.procedure in ids]

    @property
    def fiscal_years(self) -> list[int]:
        """Return the fiscal years of the roadmap's horizon."""
        return self.analysis.roadmap.fiscal_years

    @property
    def section_names(self) -> list[str]:
        """Return the sections of the procedures in scope, sorted."""
        return sorted({p.counter.section for p in self.procedures})

    @property
    def deadline_fy(self) -> int | None:
        """Return the national-priority deadline the roadmap scheduled against, when any item carries one."""
        return self.analysis.roadmap.deadline_fy

    @property
    def surveyed_dates(self) -> list[str]:
        """Return the inventory dates of the counters in scope, sorted (the analysis's latest when none has one)."""
        dates = sorted({str(p.counter.surveyed_on) for p in self.procedures if p.counter.surveyed_on is not None})
        if not dates and self.analysis.surveyed_on:
            return [self.analysis.surveyed_on]
        return dates

    def summaries_by_year(self) -> list[tuple[int, Summary]]:
        """Return the summary of each fiscal year of the horizon alone, so that the years add up to the placed counts.

        The summary counts what is placed within a horizon; a horizon of one year counts that year's.
        """
        analysis = self.analysis
        ids = None if self.sections is None else [p.id for p in self.procedures]
        return [
            (fy, summarise(replace(analysis, roadmap=replace(analysis.roadmap, start_fy=fy, years=1)), ids))
            for fy in self.fiscal_years
        ]

    def summaries_by_section(self) -> list[tuple[str, Summary]]:
        """Return the summary of each section's procedures, each read from that section's share of the analysis.

        The same as summarise(analysis, the section's ids), in time proportional to the section rather than to
        the whole inventory: a city of 100,000 procedures in 100 sections stays fast.
        """
        analysis = self.analysis
        roadmap = analysis.roadmap
        procedures: dict[str, list[ScoredProcedure]] = defaultdict(list)
        for item in self.procedures:
            procedures[item.counter.section].append(item)
        section_of = {item.id: item.counter.section for item in self.procedures}
        items: dict[str, list[RoadmapItem]] = defaultdict(list)
        unscheduled: dict[str, list[RoadmapItem]] = defaultdict(list)
        for placed in roadmap.items:
            if placed.procedure in section_of:
                items[section_of[placed.procedure]].append(placed)
        for waiting in roadmap.unscheduled:
            if waiting.procedure in section_of:
                unscheduled[section_of[waiting.procedure]].append(waiting)
        summaries = []
        for section in self.section_names:
            share = replace(
                analysis,
                procedures=tuple(procedures[section]),
                roadmap=replace(roadmap, items=tuple(items[section]), unscheduled=tuple(unscheduled[section])),
            )
            summaries.append((section, summarise(share)))
        return summaries


def _by_procedure(items: Iterable[RoadmapItem], ids: set[str]) -> dict[str, tuple[RoadmapItem, ...]]:
    grouped: dict[str, list[RoadmapItem]] = defaultdict(list)
    for item in items:
        if item.procedure in ids:
            grouped[item.procedure].append(item)
    return {
        key: tuple(sorted(value, key=lambda i: (i.fy, MEASURE_ORDER.index(i.measure))))
        for key, value in grouped.items()
    }
