"""What one workbook covers: every procedure, or one section's, read against the city-wide roadmap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bpr.analysis.results import Analysis, RoadmapItem, ScoredProcedure
from bpr.analysis.roadmap import reiwa
from bpr.analysis.summary import Summary, summarise
from bpr.inventory.models import Measure

EXCEL_MAX_ROWS = 1_048_576
MEASURE_ORDER = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR, Measure.NONE)
OUTSIDE_HORIZON = "計画期間外"
PLANNED_UPTAKE = "利用率の向上"  # 予定年度 of a procedure on マイナポータル with nothing to place


@dataclass(frozen=True)
class Scope:
    """The procedures a workbook shows, their roadmap items, their summary, and the labels every sheet repeats."""

    analysis: Analysis
    procedures: tuple[ScoredProcedure, ...]
    sections: tuple[str, ...] | None
    items: dict[str, tuple[RoadmapItem, ...]]
    unscheduled: dict[str, tuple[RoadmapItem, ...]]
    summary: Summary
    uptake: dict[str, float]  # procedure id → share of cases still at the counter, for those on マイナポータル
    row_limit: int = EXCEL_MAX_ROWS

    @classmethod
    def of(cls, analysis: Analysis, sections: Iterable[str] | None = None, row_limit: int = EXCEL_MAX_ROWS) -> Scope:
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
            # Every count and total of the workbook comes from this one summary (model v2, property 10).
            summary=summarise(analysis, None if chosen is None else [p.id for p in procedures]),
            uptake={pid: share for pid, share in analysis.roadmap.uptake if pid in ids},
            row_limit=row_limit,
        )

    @property
    def fiscal_years(self) -> list[int]:
        """Return the fiscal years of the roadmap's horizon."""
        return self.analysis.roadmap.fiscal_years

    @property
    def horizon_label(self) -> str:
        """Return the horizon as 令和4年度〜令和7年度 (2022〜2025年度)."""
        years = self.fiscal_years
        return f"{reiwa(years[0])}〜{reiwa(years[-1])} ({years[0]}〜{years[-1]}年度)"

    @property
    def section_names(self) -> list[str]:
        """Return the sections of the procedures in scope, sorted."""
        return sorted({p.counter.section for p in self.procedures})

    @property
    def title(self) -> str:
        """Return the workbook title: the city-wide roadmap, or one section's."""
        base = "窓口手続の業務改革ロードマップ"
        if self.sections is None:
            return base
        return f"{base} ({'・'.join(self.sections)})"

    @property
    def surveyed_label(self) -> str:
        """Return the inventory date(s) of the counters in scope, e.g. 2022-07-15 or 2022-07-15〜2022-08-02."""
        dates = sorted({str(p.counter.surveyed_on) for p in self.procedures if p.counter.surveyed_on is not None})
        if not dates:
            return self.analysis.surveyed_on or "不明"
        return dates[0] if len(dates) == 1 else f"{dates[0]}〜{dates[-1]}"

    @property
    def footer(self) -> str:
        """Return the text printed at the foot of every page."""
        return f"棚卸日 {self.surveyed_label}"

    def planned_label(self, procedure_id: str) -> str:
        """Return when a procedure's measures are planned: 令和N年度 of the earliest, 計画期間外, 利用率の向上, or ''."""
        items = self.items.get(procedure_id, ())
        if items:
            return reiwa(min(item.fy for item in items))
        if procedure_id in self.unscheduled:
            return OUTSIDE_HORIZON
        if procedure_id in self.uptake:
            return PLANNED_UPTAKE
        return ""

    @property
    def deadline_fy(self) -> int | None:
        """Return the national-priority deadline the roadmap scheduled against, when any item carries one."""
        return self.analysis.roadmap.deadline_fy

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
