"""Placing measures in fiscal years within capacity, and checking the KPIs against the schedule."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Sequence

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.results import KpiStatus, Roadmap, RoadmapItem, ScoredProcedure, Shortfall
from bpr.config import KpiTarget, RoadmapConfig
from bpr.inventory.models import Measure, OnlineStatus

SCHEDULED = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)


def reiwa(fy: int) -> str:
    """Return the Japanese era label of a fiscal year (2022 → 令和4年度)."""
    return f"令和{fy - 2018}年度" if fy >= 2019 else f"平成{fy - 1988}年度"


def needs_national_online(item: ScoredProcedure) -> bool:
    """Tell whether a procedure must be put online by the national deadline (priority, not yet fully online)."""
    procedure = item.procedure
    return procedure.national_priority and procedure.online.status is not OnlineStatus.FULL


class _Schedule:
    """Capacity per (measure, fiscal year), the items placed so far and what found no room."""

    def __init__(self, config: RoadmapConfig, start_fy: int, years: int) -> None:
        self.config = config
        self.years = list(range(start_fy, start_fy + years))
        self.deadline = config.national_priority_deadline_fy
        self.used: Tally[tuple[Measure, int]] = Tally()
        self.items: list[RoadmapItem] = []
        self.unscheduled: list[RoadmapItem] = []
        self.shortfalls: list[Shortfall] = []
        self.placed: set[tuple[str, Measure]] = set()
        self.pending_national = 0  # national-priority online measures still to place

    def fix(self, procedure: str, measure: Measure, fy: int, progress: str) -> RoadmapItem:
        self.used[(measure, fy)] += 1
        self.placed.add((procedure, measure))
        item = RoadmapItem(procedure, measure, fy, True, progress=progress)
        self.items.append(item)
        return item

    def _free(self, measure: Measure, fy: int) -> int:
        return self.config.capacity.of(measure) - self.used[(measure, fy)]

    def _keeps_deadline_room(self, fy: int) -> bool:
        """Tell whether taking an online slot in fy still leaves room for the national measures to come."""
        if fy > self.deadline:
            return True
        room = sum(self._free(Measure.ONLINE, y) for y in self.years if y <= self.deadline) - 1
        return room >= self.pending_national

    def place(self, procedure: str, measure: Measure, national: bool = False) -> RoadmapItem | None:
        """Place a measure in the earliest year with capacity; None when it is placed already or finds no room."""
        if (procedure, measure) in self.placed:
            return None
        self.placed.add((procedure, measure))
        if national:
            self.pending_national -= 1
        deadline = self.deadline if national else None
        reserve = measure is Measure.ONLINE and not national and self.pending_national > 0
        for fy in self.years:
            if self._free(measure, fy) > 0 and (not reserve or self._keeps_deadline_room(fy)):
                self.used[(measure, fy)] += 1
                item = RoadmapItem(procedure, measure, fy, False, deadline_fy=deadline)
                self.items.append(item)
                return item
        self.unscheduled.append(RoadmapItem(procedure, measure, self.years[-1] + 1, False, deadline_fy=deadline))
        return None


def plan_roadmap(
    ranked: Sequence[ScoredProcedure],
    config: RoadmapConfig,
    start_fy: int | None = None,
    years: int | None = None,
    threshold: float | None = None,
) -> Roadmap:
    """Return the schedule: fixed plans win, then rank order within capacity, national priority online by the deadline.

    Walking in rank order, an online measure of an ordinary procedure takes a slot up to the deadline only
    while enough slots stay free for the national-priority procedures still to come, so the deadline is
    kept whenever capacity allows it without pushing high-ranked procedures behind low-ranked ones. When
    the deadline passed before the horizon starts, the overdue national measures take the first slots.
    """
    start = config.start_fy if start_fy is None else start_fy
    span = config.years if years is None else years
    schedule = _Schedule(config, start, span)
    deadline = config.national_priority_deadline_fy
    decided: set[str] = set()
    fixed_online: dict[str, int] = {}
    for item in ranked:
        plan = item.procedure.plan
        if plan is not None:
            decided.add(item.id)
            if plan.measure is not Measure.NONE:
                schedule.fix(item.id, plan.measure, plan.target_fy, plan.progress.value)
                if plan.measure is Measure.ONLINE:
                    fixed_online[item.id] = plan.target_fy
    national = [item for item in ranked if needs_national_online(item)]
    schedule.pending_national = sum(1 for item in national if item.id not in fixed_online)
    overdue = deadline < start  # the deadline passed before the horizon: the national measures go first
    if overdue:
        for item in national:
            _place_national(schedule, item, fixed_online.get(item.id), deadline)
    for item in ranked:
        if not overdue and needs_national_online(item):
            _place_national(schedule, item, fixed_online.get(item.id), deadline)
        if item.id in decided or item.recommendation not in SCHEDULED:
            continue
        schedule.place(item.id, item.recommendation)
    if schedule.unscheduled:
        counts = Tally(i.measure for i in schedule.unscheduled)
        detail = "、".join(f"{MEASURE_LABELS[m]} {counts[m]}件" for m in SCHEDULED if counts[m])
        schedule.shortfalls.append(
            Shortfall(f"計画期間内の枠が足りず未配置: {detail} (capacity を見直すか期間を延ばす)", kind="capacity")
        )
    rank_of = {item.id: item.rank for item in ranked}
    items = sorted(
        schedule.items, key=lambda i: (i.fy, SCHEDULED.index(i.measure), rank_of.get(i.procedure, 0), i.procedure)
    )
    kpis = tuple(_kpi(target, items, ranked) for target in config.kpis)
    for kpi, target in zip(kpis, config.kpis, strict=True):
        if not kpi.met:
            hint = _second_measure_hint(target, items, ranked, threshold)
            if kpi.by_fy < start:
                hint = f" (期限 {reiwa(kpi.by_fy)} は計画期間 {reiwa(start)}〜 より前: 確定した計画だけを数えた)"
            schedule.shortfalls.append(
                Shortfall(
                    f"KPI「{kpi.name}」{reiwa(kpi.by_fy)}までに目標{kpi.target}件に対し計画{kpi.planned}件: {kpi.gap}件不足{hint}",
                    kind="kpi",
                )
            )
    return Roadmap(
        start,
        span,
        tuple(items),
        kpis,
        tuple(schedule.unscheduled),
        tuple(schedule.shortfalls),
        deadline_fy=deadline if national else None,
    )


def _place_national(schedule: _Schedule, item: ScoredProcedure, fixed_fy: int | None, deadline: int) -> None:
    name = f"{item.procedure.name} ({item.id})"
    if fixed_fy is not None:
        if fixed_fy > deadline:
            schedule.shortfalls.append(
                Shortfall(
                    f"{name}: 計画のオンライン化 {reiwa(fixed_fy)} は期限 {reiwa(deadline)} より後", item.id, "deadline"
                )
            )
        return
    placed = schedule.place(item.id, Measure.ONLINE, national=True)
    if placed is None:
        schedule.shortfalls.append(
            Shortfall(
                f"{name}: オンライン化の枠が計画期間内に足りず、期限 {reiwa(deadline)} に間に合わない",
                item.id,
                "deadline",
            )
        )
    elif placed.late:
        schedule.shortfalls.append(
            Shortfall(
                f"{name}: オンライン化が {reiwa(placed.fy)} となり期限 {reiwa(deadline)} に間に合わない",
                item.id,
                "deadline",
            )
        )


def _second_measure_hint(
    target: KpiTarget, items: Sequence[RoadmapItem], ranked: Sequence[ScoredProcedure], threshold: float | None
) -> str:
    """Name how many procedures could close a KPI gap with a second measure that also passes the threshold."""
    if threshold is None:
        return ""
    counted = {i.procedure for i in items if i.measure in target.measures}
    kinds = [m.value for m in target.measures if m.value in ("online", "rpa", "ai_ocr")]
    spare = [
        p
        for p in ranked
        if p.id not in counted
        and (not target.national_priority_only or p.procedure.national_priority)
        and any(p.scores.as_dict()[kind] >= threshold for kind in kinds)
    ]
    if not spare:
        return " (他に候補となる手続はない)"
    return f" (別の施策を推奨した手続のうち該当スコアが{threshold:g}以上のもの{len(spare)}件を併せて計画すれば補える可能性)"


def _kpi(target: KpiTarget, items: Sequence[RoadmapItem], ranked: Sequence[ScoredProcedure]) -> KpiStatus:
    in_scope = {p.id for p in ranked if p.procedure.national_priority} if target.national_priority_only else None
    counted = {
        i.procedure
        for i in items
        if i.measure in target.measures and i.fy <= target.by_fy and (in_scope is None or i.procedure in in_scope)
    }
    if target.national_priority_only and Measure.ONLINE in target.measures:
        counted |= {
            p.id for p in ranked if p.procedure.national_priority and p.procedure.online.status is OnlineStatus.FULL
        }
    goal = target.target if target.target is not None else (len(in_scope) if in_scope is not None else len(ranked))
    return KpiStatus(target.name, goal, target.by_fy, len(counted), len(counted) >= goal)
