"""Placing measures in fiscal years within capacity, and checking the KPIs against the schedule."""

from __future__ import annotations

from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from bpr.analysis.economics import Cost, measure_cost, uptake_at, yen_value
from bpr.analysis.labels import measure_phrase
from bpr.analysis.ranking import requires_national_online
from bpr.analysis.results import (
    KpiStatus,
    MeasurePlan,
    Roadmap,
    RoadmapItem,
    Role,
    ScoredProcedure,
    Shortfall,
    YearFigures,
)
from bpr.config import KpiTarget, RoadmapConfig, ScoringConfig, StandardizationConfig
from bpr.fiscal import FiscalYear, current_fiscal_year
from bpr.i18n import N_, Listed, Phrase, phrase
from bpr.inventory.enums import FlowSource, Measure, OnlineStatus

SCHEDULED = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)
# The measures whose candidates come from the staff's minutes: none while the flows are skeletons.
EFFORT_MEASURES = frozenset({Measure.RPA, Measure.AI_OCR, Measure.BPR})


__all__ = ["SCHEDULED"]


def needs_national_online(item: ScoredProcedure) -> bool:
    """Tell whether a procedure still needs a new online measure for the national deadline.

    National-priority procedures that are fully online, or already startable from マイナポータル, count as
    met: what remains for the latter is uptake (利用率の向上), which takes no slot. One that a law requires
    in person gets no online measure: the KPI counts it as not met, and a shortfall says why.
    """
    return requires_national_online(item.procedure)


def national_met_already(item: ScoredProcedure) -> bool:
    """Tell whether a national-priority procedure counts as online already (fully online or on マイナポータル)."""
    online = item.procedure.online
    return item.procedure.national_priority and (online.status is OnlineStatus.FULL or online.on_mynaportal)


def budget_of(config: RoadmapConfig, fy: int) -> float | None:
    """Return the budget for new measures' initial costs in a fiscal year (thousand yen), None when not set.

    One number for every year, or fiscal year → amount; a year left out has the amount of the latest year
    listed before it (0 before the first), as capacity.
    """
    value = config.budget
    if value is None or isinstance(value, int | float):
        return value
    earlier = [year for year in value if year <= fy]
    return value[max(earlier)] if earlier else 0.0


class _Schedule:
    """Capacity per (measure, fiscal year), the items placed so far and what found no room."""

    def __init__(self, config: RoadmapConfig, start_fy: int, years: int) -> None:
        self.config = config
        self.spent: defaultdict[int, float] = defaultdict(
            float
        )  # initial costs (thousand yen) taken from each year's budget
        self.years = list(range(start_fy, start_fy + years))
        self.deadline = config.national_priority_deadline_fy
        self.used: Tally[tuple[Measure, int]] = Tally()
        self.items: list[RoadmapItem] = []
        self.unscheduled: list[RoadmapItem] = []
        self.shortfalls: list[Shortfall] = []
        self.placed: set[tuple[str, Measure]] = set()
        self.waiting: set[tuple[str, Measure]] = set()  # measures that found no room
        self.pending_national = 0  # national-priority online packages still to place (0 or 1)
        # The national-priority procedures go online through the same channel (ぴったりサービス): one package,
        # one slot, in the year its first (largest) member is placed; the others join it.
        self.package: RoadmapItem | None = None
        self.package_placed = False  # the package found a year within the plan period
        self.deferred_out: list[_Entry] = []  # 標準化: measures that wait for the migration beyond the plan

    def fix(
        self, procedure: str, measure: Measure, fy: int, progress: str, done_fy: int | None, initial: float = 0.0
    ) -> RoadmapItem:
        self.used[(measure, fy)] += 1
        self.spent[fy] += initial
        self.placed.add((procedure, measure))
        item = RoadmapItem(procedure, measure, fy, True, progress=progress, role=Role.FIXED, done_fy=done_fy)
        self.items.append(item)
        return item

    def _free(self, measure: Measure, fy: int) -> int:
        return self.config.capacity.of(measure, fy) - self.used[(measure, fy)]

    def _keeps_deadline_room(self, fy: int) -> bool:
        """Tell whether taking an online slot in fy still leaves room for the national measures to come."""
        if fy > self.deadline:
            return True
        room = sum(self._free(Measure.ONLINE, y) for y in self.years if y <= self.deadline) - 1
        return room >= self.pending_national

    def _affordable(self, fy: int, initial: float) -> bool:
        budget = budget_of(self.config, fy)
        return budget is None or initial <= 0 or self.spent[fy] + initial <= budget + 1e-9

    def place(
        self,
        procedure: str,
        measure: Measure,
        role: Role,
        national: bool = False,
        initial: float = 0.0,
        earliest: int | None = None,
    ) -> RoadmapItem | None:
        """Place a measure in the earliest year with capacity and budget, not before `earliest`; None when it is placed already or finds no room."""
        if (procedure, measure) in self.placed:
            return None
        self.placed.add((procedure, measure))
        deadline = self.deadline if national else None
        if national and self.package is not None:
            item = RoadmapItem(procedure, measure, self.package.fy, False, deadline_fy=deadline, role=role)
            if self.package_placed:
                self.items.append(item)
                return item
            self.unscheduled.append(item)
            self.waiting.add((procedure, measure))
            return None
        if national:
            self.pending_national -= 1
        reserve = measure is Measure.ONLINE and not national and self.pending_national > 0
        for fy in self.years:
            if earliest is not None and fy < earliest:
                continue
            if (
                self._free(measure, fy) > 0
                and (not reserve or self._keeps_deadline_room(fy))
                and self._affordable(fy, initial)
            ):
                self.used[(measure, fy)] += 1
                self.spent[fy] += initial
                item = RoadmapItem(procedure, measure, fy, False, deadline_fy=deadline, role=role)
                self.items.append(item)
                if national:
                    self.package, self.package_placed = item, True
                return item
        missing = RoadmapItem(procedure, measure, self.years[-1] + 1, False, deadline_fy=deadline, role=role)
        self.unscheduled.append(missing)
        if national:
            self.package = missing
        self.waiting.add((procedure, measure))
        return None


class _Entry(NamedTuple):
    """A measure waiting for a slot: the more expected hours, the earlier it is placed."""

    expected_hours: float
    rank: int
    measure: Measure
    procedure: str
    role: Role
    national: bool
    plan: MeasurePlan | None = None


def plan_roadmap(
    ranked: Sequence[ScoredProcedure],
    config: RoadmapConfig,
    start_fy: int | None = None,
    years: int | None = None,
    *,
    scoring: ScoringConfig | None = None,
    standardization: StandardizationConfig | None = None,
) -> Roadmap:
    """Return the schedule of measures: fixed plans win, then by expected hours within capacity, national priority by the deadline.

    Measures, not procedures, take capacity: a procedure's primary measure and its complements are each
    placed, the measure with more expected hours first (ties: rank). An online measure of an ordinary
    procedure takes a slot up to the deadline only while enough slots stay free for the national-priority
    procedures still to come. When the deadline passed before the horizon starts, the overdue national
    measures take the first slots. A channel that exists takes no slot: it is uptake. The jobs, in order:
    fixed plans, the measures waiting for a slot, placing them, what found no room, the economics of
    what was placed (model v3), the KPIs.
    """
    scoring = scoring if scoring is not None else ScoringConfig()
    standard = standardization if standardization is not None else StandardizationConfig()
    start = config.start_fy if start_fy is None else start_fy
    span = config.years if years is None else years
    schedule = _Schedule(config, start, span)
    deadline = config.national_priority_deadline_fy
    decided, fixed_online = _fix_plans(ranked, schedule, scoring)
    entries = _waiting_measures(ranked, schedule, decided, fixed_online, deadline)
    by_id = {item.id: item for item in ranked}
    _place(entries, schedule, standard, by_id, deadline, start)
    _say_what_found_no_room(schedule, config, standard)
    rank_of = {item.id: item.rank for item in ranked}
    package_first = schedule.package
    economics = _Economics(by_id, scoring, standard, start, span, package_first)
    schedule.items = [economics.item(i) for i in schedule.items]
    schedule.unscheduled = [economics.item(i) for i in schedule.unscheduled]
    items = sorted(
        schedule.items, key=lambda i: (i.fy, SCHEDULED.index(i.measure), rank_of.get(i.procedure, 0), i.procedure)
    )
    current_fy = config.current_fy if config.current_fy is not None else current_fiscal_year()
    kpis = tuple(_kpi(target, items, ranked, current_fy) for target in config.kpis)
    _say_kpis_not_met(kpis, schedule, config, items, start, ranked)
    uptake = tuple(
        (item.id, round(1.0 - item.online_share, 4))
        for item in ranked
        if item.id not in decided
        and (item.uptake or (national_met_already(item) and item.procedure.online.on_mynaportal))
    )
    uptake_items = tuple(
        economics.item(RoadmapItem(pid, Measure.ONLINE, start, False, role=Role.UPTAKE)) for pid, _ in uptake
    )
    return Roadmap(
        start,
        span,
        tuple(items),
        kpis,
        tuple(schedule.unscheduled),
        tuple(schedule.shortfalls),
        deadline_fy=deadline if any(item.procedure.national_priority for item in ranked) else None,
        uptake=uptake,
        current_fy=current_fy,
        zero_volume=tuple(item.id for item in ranked if item.procedure.annual_volume == 0),
        uptake_items=uptake_items,
        by_year=tuple(economics.year(fy, items, config) for fy in range(start, start + span)),
        steady=economics.year(None, items, config),
    )


def _fix_plans(
    ranked: Sequence[ScoredProcedure], schedule: _Schedule, scoring: ScoringConfig
) -> tuple[set[str], dict[str, int]]:
    """Place the plans people decided; return the procedures decided and the fiscal year of each fixed online plan."""
    decided: set[str] = set()
    fixed_online: dict[str, int] = {}
    for item in ranked:
        plan = item.procedure.plan
        if plan is not None:
            decided.add(item.id)
            if plan.measure is not Measure.NONE:
                cost = _fixed_cost(item, scoring)
                schedule.fix(item.id, plan.measure, plan.target_fy, plan.progress.value, plan.done_fy, cost.initial)
                if plan.measure is Measure.ONLINE:
                    fixed_online[item.id] = plan.target_fy
    return decided, fixed_online


def _waiting_measures(
    ranked: Sequence[ScoredProcedure],
    schedule: _Schedule,
    decided: set[str],
    fixed_online: dict[str, int],
    deadline: int,
) -> list[_Entry]:
    """Return the measures that wait for a slot, and say which national-priority procedures cannot meet the deadline."""
    entries: list[_Entry] = []
    national_ids = {item.id for item in ranked if needs_national_online(item) and item.id not in fixed_online}
    for item in ranked:
        gated = item.procedure.national_priority and item.procedure.online.online_gated
        if gated and not national_met_already(item) and item.id not in fixed_online:
            schedule.shortfalls.append(
                _shortfall(
                    phrase(
                        N_(
                            "{procedure}: a national priority procedure, but the law requires the applicant in"
                            " person, so it cannot go online (counted as not met in the national KPI; ease the"
                            " burden with appointments and counters where nothing is written)"
                        ),
                        procedure=_name(item),
                    ),
                    item.id,
                    "deadline",
                )
            )
        fixed_fy = fixed_online.get(item.id)
        if fixed_fy is not None and fixed_fy > deadline and needs_national_online(item):
            schedule.shortfalls.append(
                _shortfall(
                    phrase(
                        N_("{procedure}: going online is planned for {planned}, after the deadline {deadline}"),
                        procedure=_name(item),
                        planned=FiscalYear(fixed_fy),
                        deadline=FiscalYear(deadline),
                    ),
                    item.id,
                    "deadline",
                )
            )
        online_planned = False
        if item.id not in decided:
            for measure_plan in item.measures:
                if measure_plan.uptake or (measure_plan.role is Role.NATIONAL and item.id not in national_ids):
                    continue
                measure = measure_plan.measure
                national = measure is Measure.ONLINE and item.id in national_ids
                online_planned |= measure is Measure.ONLINE
                if measure_plan.expected_hours <= 0 and not national:
                    continue  # nothing to gain: never takes a build slot
                entries.append(
                    _Entry(
                        measure_plan.expected_hours,
                        item.rank,
                        measure,
                        item.id,
                        measure_plan.role,
                        national,
                        measure_plan,
                    )
                )
        if item.id in national_ids and not online_planned:
            own = next((m for m in item.measures if m.role is Role.NATIONAL), None)
            hours = own.expected_hours if own is not None else item.expected_hours.get(Measure.ONLINE.value, 0.0)
            entries.append(_Entry(hours, item.rank, Measure.ONLINE, item.id, Role.NATIONAL, True, own))
    return entries


def _place(
    entries: list[_Entry],
    schedule: _Schedule,
    standard: StandardizationConfig,
    by_id: dict[str, ScoredProcedure],
    deadline: int,
    start: int,
) -> None:
    """Place the waiting measures, the most expected hours first, within capacity, budget and 標準化."""
    overdue = deadline < start  # the deadline passed before the horizon: the national measures go first
    entries.sort(key=lambda e: (not (overdue and e.national), -e.expected_hours, e.rank, SCHEDULED.index(e.measure)))
    schedule.pending_national = 1 if any(e.national for e in entries) else 0
    for entry in entries:
        deferred = _deferred_until(entry, standard)
        initial = entry.plan.cost_initial if entry.plan is not None else 0.0
        if entry.national and schedule.package is not None:
            initial = 0.0  # the package's cost is paid once, by its first member
        placed = schedule.place(
            entry.procedure, entry.measure, entry.role, national=entry.national, initial=initial, earliest=deferred
        )
        if placed is None and deferred is not None and (entry.procedure, entry.measure) in schedule.waiting:
            schedule.deferred_out.append(entry)
        if entry.national:
            _check_deadline(schedule, by_id[entry.procedure], placed, deadline)


def _say_what_found_no_room(schedule: _Schedule, config: RoadmapConfig, standard: StandardizationConfig) -> None:
    """Add the shortfalls of the measures that found no room: for want of capacity or budget, or after 標準化."""
    deferred_ids = {(e.procedure, e.measure) for e in schedule.deferred_out}
    for_want = [i for i in schedule.unscheduled if (i.procedure, i.measure) not in deferred_ids]
    if for_want:
        counts = Tally(i.measure for i in for_want)
        detail = Listed(
            [
                phrase(N_("{measure} {count}"), measure=measure_phrase(m), count=counts[m])
                for m in SCHEDULED
                if counts[m]
            ]
        )
        message = (
            N_(
                "Not placed, for want of capacity within the plan period: {detail} (review the capacity a"
                " year, roadmap.capacity, or lengthen the plan period)"
            )
            if config.budget is None
            else N_(
                "Not placed, for want of capacity or budget within the plan period: {detail} (review"
                " roadmap.capacity and roadmap.budget, or lengthen the plan period)"
            )
        )
        schedule.shortfalls.append(_shortfall(phrase(message, detail=detail), kind="capacity"))
    if schedule.deferred_out:
        by_system = Tally(
            system for e in schedule.deferred_out for system in (e.plan.standard_systems if e.plan else ())
        )
        schedule.shortfalls.append(
            _shortfall(
                phrase(
                    N_(
                        "{count} RPA and AI-OCR measures work on systems that migrate to the standard systems in"
                        " {year} ({systems}): built after the migration, they fall after the plan period"
                        " (standardization.mode: flag places them now, with the cost of rebuilding them)"
                    ),
                    count=len(schedule.deferred_out),
                    year=FiscalYear(standard.migration_fy),
                    systems="・".join(f"{name} {n}" for name, n in by_system.most_common()),
                ),
                kind="standardization",
            )
        )


def _say_kpis_not_met(
    kpis: tuple[KpiStatus, ...],
    schedule: _Schedule,
    config: RoadmapConfig,
    items: Sequence[RoadmapItem],
    start: int,
    ranked: Sequence[ScoredProcedure],
) -> None:
    """Add a shortfall for every KPI not met, saying exactly why."""
    for kpi, target in zip(kpis, config.kpis, strict=True):
        if kpi.met:
            continue
        if kpi.warning is not None:
            warned = phrase(N_("KPI “{name}”: {warning}"), name=kpi.name, warning=kpi.warning_said or kpi.warning)
            schedule.shortfalls.append(_shortfall(warned, kind="kpi"))
            continue
        if kpi.judged_on_results:
            effort_based = set(target.measures) & EFFORT_MEASURES
            measures = Listed([measure_phrase(m) for m in SCHEDULED if m in target.measures], N_("{list} or {item}"))
            not_surveyed = _not_surveyed(ranked, measures) if effort_based and kpi.planned < kpi.target else None
            said = dict(
                name=kpi.name,
                year=FiscalYear(kpi.by_fy),
                target=kpi.target,
                done=kpi.done,
                planned=kpi.planned,
                gap=kpi.gap,
            )
            if not_surveyed is None:
                passed = phrase(
                    N_(
                        "KPI “{name}” by {year}: the year has passed with {done} done against a target of"
                        " {target}: {gap} short ({planned} were planned; record what was done with"
                        " plan.progress: done and done_fy)"
                    ),
                    **said,
                )
            else:
                passed = phrase(
                    N_(
                        "KPI “{name}” by {year}: the year has passed with {done} done against a target of"
                        " {target}: {gap} short ({planned} were planned) — {cause}"
                    ),
                    cause=not_surveyed,
                    **said,
                )
            schedule.shortfalls.append(_shortfall(passed, kind="kpi"))
            continue
        why = _why_not_met(target, schedule, items, start, ranked)
        if target.national_priority_only:
            kept_in_person = [
                p
                for p in ranked
                if p.procedure.national_priority and p.procedure.online.online_gated and not national_met_already(p)
            ]
            if kept_in_person:
                why = Listed(
                    [
                        phrase(
                            N_("of them {count} cannot go online, the law requiring the applicant in person"),
                            count=len(kept_in_person),
                        ),
                        why,
                    ]
                )
        schedule.shortfalls.append(
            _shortfall(
                phrase(
                    N_("KPI “{name}” by {year}: {planned} planned against a target of {target}: {gap} short — {why}"),
                    name=kpi.name,
                    year=FiscalYear(kpi.by_fy),
                    target=kpi.target,
                    planned=kpi.planned,
                    gap=kpi.gap,
                    why=why,
                ),
                kind="kpi",
            )
        )


def _deferred_until(entry: _Entry, standard: StandardizationConfig) -> int | None:
    """Return the first year an RPA or AI-OCR measure on 標準化 systems may be built (mode defer), else None."""
    if (
        standard.mode == "defer"
        and entry.measure in (Measure.RPA, Measure.AI_OCR)
        and entry.plan is not None
        and entry.plan.standard_systems
    ):
        return standard.migration_fy + 1
    return None


def _fixed_cost(item: ScoredProcedure, scoring: ScoringConfig) -> Cost:
    """Return the cost of a fixed plan: its plan.cost, else the default of its measure's kind."""
    plan = item.procedure.plan
    measure = plan.measure if plan is not None else Measure.NONE
    kind = "uptake" if measure is Measure.ONLINE and item.procedure.online.existing_channels else measure.value
    return measure_cost(item.procedure, measure, kind, scoring)


class _Economics:
    """Model v3 on the placed measures: costs, expected hours by fiscal year (uptake), and the year's totals."""

    def __init__(
        self,
        by_id: dict[str, ScoredProcedure],
        scoring: ScoringConfig,
        standard: StandardizationConfig,
        start: int,
        span: int,
        package_first: RoadmapItem | None,
    ) -> None:
        self.by_id = by_id
        self.scoring = scoring
        self.standard = standard
        self.years = range(start, start + span)
        self.package_first = package_first

    def _steady(self, scored: ScoredProcedure, measure: Measure) -> tuple[MeasurePlan | None, float, float]:
        """Return the measure as the procedure carries it, and its expected staff and citizen hours at steady state."""
        carried = next((m for m in scored.measures if m.measure is measure), None)
        if carried is not None:
            return carried, carried.expected_staff_hours, carried.expected_citizen_hours
        # A fixed plan the procedure does not carry among its computed measures: the measure alone.
        key = measure.value
        feasibility = scored.feasibility.get(key, 0.0)
        return (
            None,
            scored.hours_saved_staff.get(key, 0.0) * feasibility,
            scored.hours_saved_citizen.get(key, 0.0) * feasibility,
        )

    def _ramp(self, scored: ScoredProcedure, measure: Measure, launch: int, fy: int) -> float:
        """Return the share of the steady-state saving a measure reaches in a fiscal year (uptake for online)."""
        t = fy - launch
        if t < 1:
            return 0.0
        if measure is not Measure.ONLINE:
            return 1.0
        steady = uptake_at(scored.procedure, self.scoring, None)
        if steady <= 0:
            return 0.0
        return uptake_at(scored.procedure, self.scoring, t, fy) / steady

    def item(self, item: RoadmapItem) -> RoadmapItem:
        scored = self.by_id.get(item.procedure)
        if scored is None:
            return item
        carried, staff, citizen = self._steady(scored, item.measure)
        if item.fixed:
            cost = _fixed_cost(scored, self.scoring)
            initial, annual = cost.initial, cost.annual
        else:
            initial = carried.cost_initial if carried is not None else 0.0
            annual = carried.cost_annual if carried is not None else 0.0
        in_package = (
            not item.fixed
            and item.deadline_fy is not None
            and self.package_first is not None
            and self.package_first.procedure != item.procedure
        )
        if in_package:
            initial = annual = 0.0
        systems = carried.standard_systems if carried is not None else ()
        deferred = bool(systems) and self.standard.mode == "defer" and not item.fixed
        rebuild = (
            initial
            if systems and self.standard.mode == "flag" and item.fy <= self.standard.migration_fy and not item.done
            else 0.0
        )
        launch = item.done_fy if item.done and item.done_fy is not None else item.fy
        ramps = [(fy, self._ramp(scored, item.measure, launch, fy)) for fy in self.years]
        savings = tuple((fy, round(staff * ramp, 1), round(citizen * ramp, 1)) for fy, ramp in ramps)
        return replace(
            item,
            cost_initial=initial,
            cost_annual=annual,
            standard_systems=systems,
            deferred=deferred,
            rebuild_cost=rebuild,
            savings=savings,
            steady_staff_hours=round(staff, 1),
            steady_citizen_hours=round(citizen, 1),
            in_package=in_package,
        )

    def year(self, fy: int | None, items: Sequence[RoadmapItem], config: RoadmapConfig) -> YearFigures:
        """Return a fiscal year's expected hours, their worth and its costs; fy None: the steady state."""
        return year_figures(fy, items, self.scoring, self.standard, config)


def year_figures(
    fy: int | None,
    items: Sequence[RoadmapItem],
    scoring: ScoringConfig,
    standard: StandardizationConfig,
    config: RoadmapConfig,
) -> YearFigures:
    """Return a fiscal year's expected hours of placed measures, their worth and the year's costs; fy None: the steady state.

    Initial costs fall in the measure's year (a rebuild after 標準化 in the year after the migration),
    annual costs in every year after it; the steady state has every measure at its final uptake and its
    annual cost.
    """
    staff = citizen = initial = annual = 0.0
    for item in items:
        if fy is None:
            staff += item.steady_staff_hours
            citizen += item.steady_citizen_hours
            annual += item.cost_annual
            continue
        saved = next((s for s in item.savings if s[0] == fy), None)
        if saved is not None:
            staff += saved[1]
            citizen += saved[2]
        if item.fy == fy:
            initial += item.cost_initial
        elif item.fy < fy:
            annual += item.cost_annual
        if item.rebuild_cost and fy == standard.migration_fy + 1:
            initial += item.rebuild_cost
    return YearFigures(
        fy,
        round(staff, 1),
        round(citizen, 1),
        round(yen_value(staff, citizen, scoring), 1),
        round(initial, 1),
        round(annual, 1),
        budget=None if fy is None else budget_of(config, fy),
    )


def _name(item: ScoredProcedure) -> str:
    return f"{item.procedure.name} ({item.id})"


def _shortfall(said: Phrase, procedure: str | None = None, kind: str = "capacity") -> Shortfall:
    """Return a shortfall said in Japanese for the documents, and by its phrase at the terminal."""
    return Shortfall(str(said), procedure, kind, said)


def _check_deadline(schedule: _Schedule, item: ScoredProcedure, placed: RoadmapItem | None, deadline: int) -> None:
    if placed is None and (item.id, Measure.ONLINE) in schedule.waiting:
        schedule.shortfalls.append(
            _shortfall(
                phrase(
                    N_(
                        "{procedure}: no capacity for going online within the plan period; misses the deadline {deadline}"
                    ),
                    procedure=_name(item),
                    deadline=FiscalYear(deadline),
                ),
                item.id,
                "deadline",
            )
        )
    elif placed is not None and placed.late:
        schedule.shortfalls.append(
            _shortfall(
                phrase(
                    N_("{procedure}: going online falls in {year}, missing the deadline {deadline}"),
                    procedure=_name(item),
                    year=FiscalYear(placed.fy),
                    deadline=FiscalYear(deadline),
                ),
                item.id,
                "deadline",
            )
        )


NOT_SURVEYED_NAMED = 5  # the procedures not surveyed yet that a shortfall names, largest first


def _not_surveyed(ranked: Sequence[ScoredProcedure], measures: Listed) -> Phrase | None:
    """Say how many procedures are not surveyed yet (skeleton flows with cases), naming the largest; None when none."""
    skeletons = sorted(
        (p for p in ranked if p.procedure.flow_source is FlowSource.SKELETON and p.procedure.annual_volume > 0),
        key=lambda p: (-p.procedure.annual_volume, p.id),
    )
    if not skeletons:
        return None
    named = Listed(
        [
            phrase(N_("{name} ({cases} cases)"), name=p.procedure.name, cases=f"{p.procedure.annual_volume:,}")
            for p in skeletons[:NOT_SURVEYED_NAMED]
        ]
    )
    return phrase(
        N_(
            "{count} procedures not surveyed yet (flows imported as skeletons, without the staff's minutes):"
            " their {measures} candidates cannot be found until they are surveyed; survey first {named}"
            " (bpr survey export --worklist)"
        ),
        count=f"{len(skeletons):,}",
        measures=measures,
        named=named,
    )


def _why_not_met(
    target: KpiTarget, schedule: _Schedule, items: Sequence[RoadmapItem], start: int, ranked: Sequence[ScoredProcedure]
) -> Phrase | Listed:
    """Say exactly why a KPI is not met: the deadline, the candidates there are, where they went."""
    if target.by_fy < start:
        return phrase(
            N_("the deadline {deadline} comes before the plan period ({start} on): only fixed plans were counted"),
            deadline=FiscalYear(target.by_fy),
            start=FiscalYear(start),
        )
    kinds = set(target.measures)
    placed_later = {i.procedure for i in items if i.measure in kinds and i.fy > target.by_fy}
    counted = {i.procedure for i in items if i.measure in kinds and i.fy <= target.by_fy}
    waiting = {i.procedure for i in schedule.unscheduled if i.measure in kinds} - counted
    candidates = counted | placed_later | waiting
    labels = Listed([measure_phrase(m) for m in SCHEDULED if m in kinds], N_("{list} or {item}"))
    capacity = sum(schedule.config.capacity.of(m, fy) for m in kinds for fy in schedule.years if fy <= target.by_fy)
    parts: list[Phrase] = [
        phrase(
            N_(
                "{count} candidates for {measures} in the whole inventory (main and complementary measures over"
                " the threshold, and fixed plans)"
            ),
            measures=labels,
            count=len(candidates),
        )
    ]
    if placed_later - counted:
        parts.append(
            phrase(
                N_("of them {count} placed after the deadline for want of capacity"), count=len(placed_later - counted)
            )
        )
    if waiting:
        parts.append(phrase(N_("{count} not placed for want of capacity within the plan period"), count=len(waiting)))
    parts.append(phrase(N_("capacity until the deadline: {capacity} in all"), capacity=capacity))
    effort_based = kinds & EFFORT_MEASURES
    short = len(candidates) < target.target if target.target is not None else False
    not_surveyed = _not_surveyed(ranked, labels) if short and effort_based else None
    if not_surveyed is not None:
        # The candidates are few because the flows are skeletons without effort, not because the target is wrong.
        parts.append(not_surveyed)
    elif short:
        parts.append(
            phrase(
                N_(
                    "the candidates themselves fall short of the target: add procedures to the inventory or review the target"
                )
            )
        )
    return Listed(parts)


def _kpi(
    target: KpiTarget, items: Sequence[RoadmapItem], ranked: Sequence[ScoredProcedure], current_fy: int
) -> KpiStatus:
    """Return a KPI's status: by the plan until its fiscal year ends, by what was done once it has passed."""
    in_scope = {p.id for p in ranked if p.procedure.national_priority} if target.national_priority_only else None
    counted = {
        i.procedure
        for i in items
        if i.measure in target.measures and i.fy <= target.by_fy and (in_scope is None or i.procedure in in_scope)
    }
    online_already: set[str] = set()
    if target.national_priority_only and Measure.ONLINE in target.measures:
        online_already = {p.id for p in ranked if national_met_already(p)}
        counted |= online_already
    # 実績: the counted measures people recorded as done by the KPI's year (a done plan without
    # done_fy counts at its target year), and the national-priority procedures online already (a fact,
    # not a plan: fully online, or open on マイナポータル).
    done = len(
        {
            i.procedure
            for i in items
            if i.procedure in counted
            and i.measure in target.measures
            and i.done
            and (i.done_fy or i.fy) <= target.by_fy
        }
        | online_already
    )
    population = len(in_scope) if in_scope is not None else None
    zero = sum(1 for p in ranked if p.id in in_scope and p.procedure.annual_volume == 0) if in_scope else 0
    goal = target.target if target.target is not None else (population if population is not None else len(ranked))
    if in_scope is not None and not in_scope:
        concerned = sum(
            1
            for p in ranked
            if {e.value for e in p.procedure.life_events} & {"birth", "childcare", "nursing_care", "disaster"}
        )
        hint = (
            phrase(
                N_(
                    "check the {count} procedures of child care, nursing care, disaster relief and the like,"
                    " and mark those that are with national_priority: true"
                ),
                count=concerned,
            )
            if concerned
            else phrase(N_("add the procedures concerned to the inventory"))
        )
        said = phrase(
            N_("nothing to count (no national_priority procedure in the inventory): it cannot be read as met. {hint}"),
            hint=hint,
        )
        return KpiStatus(target.name, goal, target.by_fy, 0, False, population=0, warning=str(said), warning_said=said)
    if goal <= 0:
        said = phrase(N_("the target is 0: it cannot be read as met (set target)"))
        return KpiStatus(
            target.name,
            goal,
            target.by_fy,
            len(counted),
            False,
            population=population,
            warning=str(said),
            done=done,
            warning_said=said,
        )
    passed = current_fy > target.by_fy
    return KpiStatus(
        target.name,
        goal,
        target.by_fy,
        len(counted),
        (done if passed else len(counted)) >= goal,
        population=population,
        done=done,
        zero_volume=zero,
        judged_on_results=passed,
    )
