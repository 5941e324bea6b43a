"""What a procedure's documents say it will get: the roadmap's measures, never the model's where a plan overrides it.

A plan written in the inventory is fixed and wins (the spec's roadmap): the roadmap then holds the plan
and not the measures the model computed. Every output that names a procedure's 推奨施策, 併せて行う施策 or
予定年度 reads them here, from the roadmap, so that no page recommends what the Gantt does not hold
(転出届 showing 併せて RPA while only its fixed online plan is scheduled). The model's own recommendation
stays in the score JSON and, where the plan overrides it, in the reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bpr.analysis.results import MeasurePlan, Roadmap, RoadmapItem, Role, ScoredProcedure
from bpr.inventory.enums import Measure


@dataclass(frozen=True, slots=True)
class Planned:
    """A procedure's measures as the roadmap holds them: the primary first, then what goes with it."""

    primary: Measure
    plan: MeasurePlan | None  # the primary's figures (None when a fixed measure is none the model computed)
    added: tuple[tuple[Measure, Role], ...]  # the other measures, with their role (complement, national …)
    fixed: bool  # the primary is a plan written in the inventory
    overridden: tuple[Measure, ...] = ()  # the model's recommendation and complements the plan replaced

    @property
    def uptake(self) -> bool:
        """Tell whether the primary is uptake of a channel that exists (利用促進), taking no slot."""
        return self.plan is not None and self.plan.uptake

    @property
    def measures(self) -> tuple[Measure, ...]:
        """Return the primary, then the added measures."""
        return (self.primary, *(measure for measure, _ in self.added))

    def hours(self, item: ScoredProcedure) -> float | None:
        """Return the expected hours a year of the primary as the documents show it (the rank's for the model's own)."""
        if not self.fixed:
            return item.priority_hours if self.plan is not None else None
        return None if self.plan is None else self.plan.expected_hours

    def figures(self, item: ScoredProcedure) -> tuple[MeasurePlan, ...]:
        """Return the computed figures of the measures shown, in their order (none when the primary has none)."""
        if self.plan is None:
            return ()
        carried = {plan.measure: plan for plan in item.measures}
        return tuple(carried[m] for m in self.measures if m in carried)


def planned_one(item: ScoredProcedure, roadmap: Roadmap | None) -> Planned:
    """Return one procedure's measures as the roadmap holds them (the model's own without a roadmap)."""
    if roadmap is None:
        return _computed(item)
    return planned_measures([item], roadmap)[item.id]


def planned_measures(procedures: Iterable[ScoredProcedure], roadmap: Roadmap) -> dict[str, Planned]:
    """Return each procedure's measures as the roadmap holds them, by procedure id."""
    fixed: dict[str, list[RoadmapItem]] = {}
    others: dict[str, list[RoadmapItem]] = {}
    for item in (*roadmap.items, *roadmap.unscheduled):
        (fixed if item.fixed else others).setdefault(item.procedure, []).append(item)
    return {item.id: _planned(item, fixed.get(item.id, []), others.get(item.id, [])) for item in procedures}


def _computed(item: ScoredProcedure) -> Planned:
    """Return the model's own measures: the recommendation and its complements."""
    return Planned(
        item.recommendation,
        item.primary,
        tuple((m.measure, m.role) for m in item.measures if m.role is not Role.PRIMARY),
        False,
    )


def _planned(item: ScoredProcedure, fixed: list[RoadmapItem], others: list[RoadmapItem]) -> Planned:
    if not fixed and item.procedure.plan is None:
        return _computed(item)
    # A decision already taken: the plan is the primary (plan: none, no measure at all), and only what the
    # roadmap placed beside it goes with it.
    measure = fixed[0].measure if fixed else Measure.NONE
    carried = next((m for m in item.measures if m.measure is measure), None)
    added: dict[Measure, Role] = {}
    for other in others:
        if other.measure is not measure:
            added.setdefault(other.measure, other.role)
    model = (item.recommendation, *item.complements)
    shown = (measure, *added)
    return Planned(measure, carried, tuple(added.items()), True, model if model != shown else ())
