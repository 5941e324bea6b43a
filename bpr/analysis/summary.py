"""One summary of the analysis: every count and total that any output shows, computed once.

The workbook, the terminal and (later) the report read these figures; none of them counts on its own,
so the tables add up the same way everywhere (model v2, property 10):

    recommended − with_plan − uptake + complement + national + fixed
        = placed + placed_outside + unplaced                       (for every measure)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bpr.analysis.results import Analysis, RoadmapItem, Role, ScoredProcedure
from bpr.inventory.enums import Measure

SCHEDULED = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)


@dataclass(frozen=True, slots=True)
class Hours:
    """Hours a year saved, split into staff and citizen, and what they are worth in people and money."""

    hours: float = 0.0
    staff: float = 0.0
    citizen: float = 0.0
    expected: float = 0.0
    fte: float = 0.0  # 人工: staff hours / hours_per_fte
    thousand_yen: float = 0.0  # 千円: staff hours × staff_cost_per_hour / 1,000


@dataclass(frozen=True, slots=True)
class MeasureCounts:
    """The procedures of one measure, from recommendation to placement, and the hours placed."""

    measure: Measure
    recommended: int  # procedures whose primary measure (recommendation) it is
    with_plan: int  # of those, procedures whose fixed plan replaces every computed measure
    uptake: int  # of those, online already startable from マイナポータル: uptake, no new slot
    complement: int  # procedures that carry it as a complementary measure (scheduled)
    national: int  # online measures added for the national deadline where it was neither primary nor complement
    fixed: int  # fixed plans of this measure
    placed: int  # measures placed within the horizon (every role)
    placed_outside: int  # fixed plans whose year lies outside the horizon
    unplaced: int  # measures that found no room within the horizon
    hours_placed: Hours  # what the measures placed within the horizon save a year

    @property
    def scheduled(self) -> int:
        """Return the measures the roadmap had to place: recommended ones without plan or uptake, and the rest."""
        return self.recommended - self.with_plan - self.uptake + self.complement + self.national + self.fixed


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts by measure, totals of hours, and the procedures in scope."""

    procedures: int
    counters: int
    sections: int
    annual_volume: int
    national_priority: int
    not_recommended: int  # recommendation `none`
    by_measure: tuple[MeasureCounts, ...]
    total_placed: Hours  # every measure placed within the horizon (a procedure counts once per measure)
    today_staff_hours: float
    today_citizen_hours: float
    procedures_placed: int  # distinct procedures with at least one measure placed within the horizon

    def of(self, measure: Measure) -> MeasureCounts:
        """Return the counts of one measure."""
        return next(m for m in self.by_measure if m.measure is measure)


def summarise(analysis: Analysis, procedure_ids: Iterable[str] | None = None) -> Summary:
    """Return the summary of every procedure, or of those whose ids are given (a section's)."""
    wanted = None if procedure_ids is None else set(procedure_ids)
    chosen = [p for p in analysis.procedures if wanted is None or p.id in wanted]
    ids = {p.id for p in chosen}
    by_id = {p.id: p for p in chosen}
    roadmap = analysis.roadmap
    years = set(roadmap.fiscal_years)
    items = [i for i in roadmap.items if i.procedure in ids]
    unscheduled = [i for i in roadmap.unscheduled if i.procedure in ids]
    counts = []
    totals: list[Hours] = []
    for measure in SCHEDULED:
        primary = [p for p in chosen if p.recommendation is measure]
        mine = [i for i in items if i.measure is measure]
        inside = [i for i in mine if i.fy in years]
        placed_hours = _hours((_saving(by_id[i.procedure], i) for i in inside), analysis)
        totals.append(placed_hours)
        counts.append(
            MeasureCounts(
                measure=measure,
                recommended=len(primary),
                with_plan=sum(1 for p in primary if p.procedure.plan is not None),
                uptake=sum(1 for p in primary if p.procedure.plan is None and p.measures and p.measures[0].uptake),
                complement=sum(1 for i in [*mine, *unscheduled] if i.measure is measure and i.role is Role.COMPLEMENT),
                national=sum(1 for i in [*mine, *unscheduled] if i.measure is measure and i.role is Role.NATIONAL),
                fixed=sum(1 for i in mine if i.fixed),
                placed=len(inside),
                placed_outside=sum(1 for i in mine if i.fy not in years),
                unplaced=sum(1 for i in unscheduled if i.measure is measure),
                hours_placed=placed_hours,
            )
        )
    staff = sum(t.staff for t in totals)
    return Summary(
        procedures=len(chosen),
        counters=len({p.counter.id for p in chosen}),
        sections=len({p.counter.section for p in chosen}),
        annual_volume=sum(p.procedure.annual_volume for p in chosen),
        national_priority=sum(1 for p in chosen if p.procedure.national_priority),
        not_recommended=sum(1 for p in chosen if p.recommendation is Measure.NONE),
        by_measure=tuple(counts),
        total_placed=Hours(
            hours=round(sum(t.hours for t in totals), 1),
            staff=round(staff, 1),
            citizen=round(sum(t.citizen for t in totals), 1),
            expected=round(sum(t.expected for t in totals), 1),
            fte=round(staff_fte(staff, analysis), 2),
            thousand_yen=round(staff_thousand_yen(staff, analysis), 0),
        ),
        today_staff_hours=round(sum(p.figures.staff_hours for p in chosen), 1),
        today_citizen_hours=round(sum(p.figures.citizen_hours for p in chosen), 1),
        procedures_placed=len({i.procedure for i in items if i.fy in years}),
    )


def _saving(item: ScoredProcedure, placed: RoadmapItem) -> tuple[float, float, float, float]:
    """Return (hours, staff, citizen, expected) a placed measure saves: its plan's, else the measure alone."""
    for plan in item.measures:
        if plan.measure is placed.measure and placed.role in (
            Role.PRIMARY,
            Role.COMPLEMENT,
            Role.NATIONAL,
            Role.REVIEW,
        ):
            return plan.hours, plan.staff_hours, plan.citizen_hours, plan.expected_hours
    key = placed.measure.value
    return (
        item.hours_saved.get(key, 0.0),
        item.hours_saved_staff.get(key, 0.0),
        item.hours_saved_citizen.get(key, 0.0),
        item.expected_hours.get(key, 0.0),
    )


def _hours(savings: Iterable[tuple[float, float, float, float]], analysis: Analysis) -> Hours:
    rows = list(savings)
    staff = sum(r[1] for r in rows)
    return Hours(
        hours=round(sum(r[0] for r in rows), 1),
        staff=round(staff, 1),
        citizen=round(sum(r[2] for r in rows), 1),
        expected=round(sum(r[3] for r in rows), 1),
        fte=round(staff_fte(staff, analysis), 2),
        thousand_yen=round(staff_thousand_yen(staff, analysis), 0),
    )


def staff_fte(hours: float, analysis: Analysis) -> float:
    """Return staff hours a year in 人工 (full-time staff)."""
    return hours / analysis.hours_per_fte


def staff_thousand_yen(hours: float, analysis: Analysis) -> float:
    """Return staff hours a year in 千円."""
    return hours * analysis.staff_cost_per_hour / 1000
