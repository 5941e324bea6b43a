"""Placing measures in fiscal years within capacity, and checking the KPIs against the schedule."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Sequence

from bpr.analysis.results import KpiStatus, Roadmap, RoadmapItem, ScoredProcedure
from bpr.config import KpiTarget, RoadmapConfig
from bpr.inventory.models import Measure, OnlineStatus

SCHEDULED = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)


def reiwa(fy: int) -> str:
    """Return the Japanese era label of a fiscal year (2022 → 令和4年度)."""
    return f"令和{fy - 2018}年度" if fy >= 2019 else f"平成{fy - 1988}年度"


class _Schedule:
    def __init__(self, config: RoadmapConfig, start_fy: int, years: int) -> None:
        self.config = config
        self.years = list(range(start_fy, start_fy + years))
        self.used: Tally[tuple[Measure, int]] = Tally()
        self.items: list[RoadmapItem] = []
        self.unscheduled: list[RoadmapItem] = []
        self.shortfalls: list[str] = []
        self.placed: set[tuple[str, Measure]] = set()

    def fix(self, procedure: str, measure: Measure, fy: int, progress: str) -> None:
        self.used[(measure, fy)] += 1
        self.placed.add((procedure, measure))
        self.items.append(RoadmapItem(procedure, measure, fy, True, progress=progress))

    def place(self, procedure: str, measure: Measure, deadline: int | None = None) -> RoadmapItem | None:
        if (procedure, measure) in self.placed:
            return None
        self.placed.add((procedure, measure))
        capacity = self.config.capacity.of(measure)
        for fy in self.years:
            if self.used[(measure, fy)] < capacity:
                self.used[(measure, fy)] += 1
                item = RoadmapItem(procedure, measure, fy, False, deadline_fy=deadline)
                self.items.append(item)
                return item
        last = self.years[-1]
        item = RoadmapItem(procedure, measure, last + 1, False, deadline_fy=deadline)
        self.unscheduled.append(item)
        return None


def plan_roadmap(
    ranked: Sequence[ScoredProcedure],
    config: RoadmapConfig,
    start_fy: int | None = None,
    years: int | None = None,
    threshold: float | None = None,
) -> Roadmap:
    """Return the schedule: fixed plans first, national priority online by the deadline, then rank order."""
    start = config.start_fy if start_fy is None else start_fy
    span = config.years if years is None else years
    schedule = _Schedule(config, start, span)
    deadline = config.national_priority_deadline_fy
    decided: set[str] = set()
    for item in ranked:
        plan = item.procedure.plan
        if plan is not None:
            decided.add(item.id)
            if plan.measure is not Measure.NONE:
                schedule.fix(item.id, plan.measure, plan.target_fy, plan.progress.value)
    fixed_online_fy = {i.procedure: i.fy for i in schedule.items if i.measure is Measure.ONLINE}
    for item in ranked:
        procedure = item.procedure
        if not procedure.national_priority or procedure.online.status is OnlineStatus.FULL:
            continue
        fixed_online = fixed_online_fy.get(item.id)
        if fixed_online is not None:
            if fixed_online > deadline:
                schedule.shortfalls.append(
                    f"{procedure.name} ({item.id}): 計画のオンライン化 {reiwa(fixed_online)} は期限 {reiwa(deadline)} より後"
                )
            continue
        placed = schedule.place(item.id, Measure.ONLINE, deadline)
        if placed is None:
            schedule.shortfalls.append(
                f"{procedure.name} ({item.id}): オンライン化の枠が計画期間内に足りず、期限 {reiwa(deadline)} に間に合わない"
            )
        elif placed.late:
            schedule.shortfalls.append(
                f"{procedure.name} ({item.id}): オンライン化が {reiwa(placed.fy)} となり期限 {reiwa(deadline)} に間に合わない"
            )
    for item in ranked:
        if item.id in decided or item.recommendation not in SCHEDULED:
            continue
        schedule.place(item.id, item.recommendation)
    if schedule.unscheduled:
        counts = Tally(i.measure.value for i in schedule.unscheduled)
        detail = "、".join(f"{m} {n}件" for m, n in sorted(counts.items()))
        schedule.shortfalls.append(f"計画期間内の枠が足りず未配置: {detail} (capacity を見直すか期間を延ばす)")
    rank_of = {item.id: item.rank for item in ranked}
    items = sorted(
        schedule.items,
        key=lambda i: (
            i.fy,
            SCHEDULED.index(i.measure) if i.measure in SCHEDULED else 9,
            rank_of.get(i.procedure, 0),
            i.procedure,
        ),
    )
    kpis = tuple(_kpi(target, items, ranked) for target in config.kpis)
    for kpi, target in zip(kpis, config.kpis, strict=True):
        if not kpi.met:
            hint = _second_measure_hint(target, items, ranked, threshold)
            schedule.shortfalls.append(
                f"KPI「{kpi.name}」{reiwa(kpi.by_fy)}までに目標{kpi.target}件に対し計画{kpi.planned}件: {kpi.gap}件不足{hint}"
            )
    return Roadmap(start, span, tuple(items), kpis, tuple(schedule.unscheduled), tuple(schedule.shortfalls))


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
