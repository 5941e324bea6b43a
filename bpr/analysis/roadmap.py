"""Placing measures in fiscal years within capacity, and checking the KPIs against the schedule."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Sequence
from typing import NamedTuple

from bpr.analysis.labels import MEASURE_LABELS
from bpr.analysis.ranking import requires_national_online
from bpr.analysis.results import KpiStatus, Roadmap, RoadmapItem, ScoredProcedure, Shortfall
from bpr.config import KpiTarget, RoadmapConfig
from bpr.fiscal import current_fiscal_year
from bpr.inventory.models import Measure, OnlineStatus

SCHEDULED = (Measure.ONLINE, Measure.RPA, Measure.AI_OCR, Measure.BPR)


def reiwa(fy: int) -> str:
    """Return the Japanese era label of a fiscal year (2022 → 令和4年度)."""
    return f"令和{fy - 2018}年度" if fy >= 2019 else f"平成{fy - 1988}年度"


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
    return item.procedure.national_priority and (online.status is OnlineStatus.FULL or online.mynaportal)


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
        self.waiting: set[tuple[str, Measure]] = set()  # measures that found no room
        self.pending_national = 0  # national-priority online measures still to place

    def fix(self, procedure: str, measure: Measure, fy: int, progress: str, done_fy: int | None) -> RoadmapItem:
        self.used[(measure, fy)] += 1
        self.placed.add((procedure, measure))
        item = RoadmapItem(procedure, measure, fy, True, progress=progress, role="fixed", done_fy=done_fy)
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

    def place(self, procedure: str, measure: Measure, role: str, national: bool = False) -> RoadmapItem | None:
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
                item = RoadmapItem(procedure, measure, fy, False, deadline_fy=deadline, role=role)
                self.items.append(item)
                return item
        self.unscheduled.append(
            RoadmapItem(procedure, measure, self.years[-1] + 1, False, deadline_fy=deadline, role=role)
        )
        self.waiting.add((procedure, measure))
        return None


class _Entry(NamedTuple):
    """A measure waiting for a slot: the more expected hours, the earlier it is placed."""

    expected_hours: float
    rank: int
    measure: Measure
    procedure: str
    role: str
    national: bool


def plan_roadmap(
    ranked: Sequence[ScoredProcedure],
    config: RoadmapConfig,
    start_fy: int | None = None,
    years: int | None = None,
    threshold: float | None = None,
) -> Roadmap:
    """Return the schedule of measures: fixed plans win, then by expected hours within capacity, national priority by the deadline.

    Measures, not procedures, take capacity: a procedure's primary measure and its complements are each
    placed, the measure with more expected hours first (ties: rank). An online measure of an ordinary
    procedure takes a slot up to the deadline only while enough slots stay free for the national-priority
    procedures still to come. When the deadline passed before the horizon starts, the overdue national
    measures take the first slots. A channel that exists on マイナポータル takes no slot: it is uptake.
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
                schedule.fix(item.id, plan.measure, plan.target_fy, plan.progress.value, plan.done_fy)
                if plan.measure is Measure.ONLINE:
                    fixed_online[item.id] = plan.target_fy
    entries: list[_Entry] = []
    national_ids = {item.id for item in ranked if needs_national_online(item) and item.id not in fixed_online}
    for item in ranked:
        gated = item.procedure.national_priority and item.procedure.online.in_person_required_by_law
        if gated and not national_met_already(item) and item.id not in fixed_online:
            schedule.shortfalls.append(
                Shortfall(
                    f"{_name(item)}: 国の優先手続だが法令で本人の来庁が必要なためオンライン化の対象外"
                    " (国の KPI では未達として数える。予約・書かない窓口で負担を減らす)",
                    item.id,
                    "deadline",
                )
            )
        fixed_fy = fixed_online.get(item.id)
        if fixed_fy is not None and fixed_fy > deadline and needs_national_online(item):
            schedule.shortfalls.append(
                Shortfall(
                    f"{_name(item)}: 計画のオンライン化 {reiwa(fixed_fy)} は期限 {reiwa(deadline)} より後",
                    item.id,
                    "deadline",
                )
            )
        online_planned = False
        if item.id not in decided:
            for measure_plan in item.measures:
                if measure_plan.uptake or (measure_plan.role == "national" and item.id not in national_ids):
                    continue
                measure = measure_plan.measure
                national = measure is Measure.ONLINE and item.id in national_ids
                online_planned |= measure is Measure.ONLINE
                entries.append(
                    _Entry(measure_plan.expected_hours, item.rank, measure, item.id, measure_plan.role, national)
                )
        if item.id in national_ids and not online_planned:
            own = next((m for m in item.measures if m.role == "national"), None)
            hours = own.expected_hours if own is not None else item.expected_hours.get(Measure.ONLINE.value, 0.0)
            entries.append(_Entry(hours, item.rank, Measure.ONLINE, item.id, "national", True))
    overdue = deadline < start  # the deadline passed before the horizon: the national measures go first
    entries.sort(key=lambda e: (not (overdue and e.national), -e.expected_hours, e.rank, SCHEDULED.index(e.measure)))
    schedule.pending_national = sum(1 for e in entries if e.national)
    by_id = {item.id: item for item in ranked}
    for entry in entries:
        placed = schedule.place(entry.procedure, entry.measure, entry.role, national=entry.national)
        if entry.national:
            _check_deadline(schedule, by_id[entry.procedure], placed, deadline)
    if schedule.unscheduled:
        counts = Tally(i.measure for i in schedule.unscheduled)
        detail = "、".join(f"{MEASURE_LABELS[m]} {counts[m]}件" for m in SCHEDULED if counts[m])
        schedule.shortfalls.append(
            Shortfall(
                f"計画期間内の枠が足りず未配置: {detail} (年度あたりの枠 roadmap.capacity を見直すか、計画期間を延ばす)",
                kind="capacity",
            )
        )
    rank_of = {item.id: item.rank for item in ranked}
    items = sorted(
        schedule.items, key=lambda i: (i.fy, SCHEDULED.index(i.measure), rank_of.get(i.procedure, 0), i.procedure)
    )
    kpis = tuple(_kpi(target, items, ranked) for target in config.kpis)
    for kpi, target in zip(kpis, config.kpis, strict=True):
        if kpi.met:
            continue
        if kpi.warning is not None:
            schedule.shortfalls.append(Shortfall(f"KPI「{kpi.name}」: {kpi.warning}", kind="kpi"))
            continue
        why = _why_not_met(target, schedule, items, start)
        if target.national_priority_only:
            kept_in_person = [
                p
                for p in ranked
                if p.procedure.national_priority
                and p.procedure.online.in_person_required_by_law
                and not national_met_already(p)
            ]
            if kept_in_person:
                why = f"うち{len(kept_in_person)}件は法令で本人の来庁が必要なためオンライン化の対象外、" + why
        schedule.shortfalls.append(
            Shortfall(
                f"KPI「{kpi.name}」{reiwa(kpi.by_fy)}までに目標{kpi.target}件に対し計画{kpi.planned}件: {kpi.gap}件不足 — {why}",
                kind="kpi",
            )
        )
    uptake = tuple(
        (item.id, round(1.0 - item.online_share, 4))
        for item in ranked
        if item.id not in decided and (item.uptake or (national_met_already(item) and item.procedure.online.mynaportal))
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
        current_fy=config.current_fy if config.current_fy is not None else current_fiscal_year(),
    )


def _name(item: ScoredProcedure) -> str:
    return f"{item.procedure.name} ({item.id})"


def _check_deadline(schedule: _Schedule, item: ScoredProcedure, placed: RoadmapItem | None, deadline: int) -> None:
    if placed is None and (item.id, Measure.ONLINE) in schedule.waiting:
        schedule.shortfalls.append(
            Shortfall(
                f"{_name(item)}: オンライン化の枠が計画期間内に足りず、期限 {reiwa(deadline)} に間に合わない",
                item.id,
                "deadline",
            )
        )
    elif placed is not None and placed.late:
        schedule.shortfalls.append(
            Shortfall(
                f"{_name(item)}: オンライン化が {reiwa(placed.fy)} となり期限 {reiwa(deadline)} に間に合わない",
                item.id,
                "deadline",
            )
        )


def _why_not_met(target: KpiTarget, schedule: _Schedule, items: Sequence[RoadmapItem], start: int) -> str:
    """Say exactly why a KPI is not met: the deadline, the candidates there are, where they went."""
    if target.by_fy < start:
        return f"期限 {reiwa(target.by_fy)} は計画期間 {reiwa(start)}〜 より前: 確定した計画だけを数えた"
    kinds = set(target.measures)
    placed_later = {i.procedure for i in items if i.measure in kinds and i.fy > target.by_fy}
    counted = {i.procedure for i in items if i.measure in kinds and i.fy <= target.by_fy}
    waiting = {i.procedure for i in schedule.unscheduled if i.measure in kinds} - counted
    candidates = counted | placed_later | waiting
    labels = "・".join(MEASURE_LABELS[m] for m in SCHEDULED if m in kinds)
    capacity = sum(schedule.config.capacity.of(m, fy) for m in kinds for fy in schedule.years if fy <= target.by_fy)
    parts = [f"{labels}の候補は棚卸全体で{len(candidates)}件 (閾値を超える主施策・補完施策と確定計画)"]
    if placed_later - counted:
        parts.append(f"うち{len(placed_later - counted)}件は枠の都合で期限より後に配置")
    if waiting:
        parts.append(f"{len(waiting)}件は計画期間内の枠が足りず未配置")
    parts.append(f"期限までの枠は延べ{capacity}件")
    if len(candidates) < target.target if target.target is not None else False:
        parts.append("候補そのものが目標に届かない: 棚卸の対象業務を増やすか目標を見直す")
    return "、".join(parts)


def _kpi(target: KpiTarget, items: Sequence[RoadmapItem], ranked: Sequence[ScoredProcedure]) -> KpiStatus:
    in_scope = {p.id for p in ranked if p.procedure.national_priority} if target.national_priority_only else None
    counted = {
        i.procedure
        for i in items
        if i.measure in target.measures and i.fy <= target.by_fy and (in_scope is None or i.procedure in in_scope)
    }
    if target.national_priority_only and Measure.ONLINE in target.measures:
        counted |= {p.id for p in ranked if national_met_already(p)}
    # 実績: the counted measures people recorded as done by the KPI's year (a done plan without
    # done_fy counts at its target year).
    done = len(
        {
            i.procedure
            for i in items
            if i.procedure in counted
            and i.measure in target.measures
            and i.done
            and (i.done_fy or i.fy) <= target.by_fy
        }
    )
    population = len(in_scope) if in_scope is not None else None
    goal = target.target if target.target is not None else (population if population is not None else len(ranked))
    if in_scope is not None and not in_scope:
        concerned = sum(
            1
            for p in ranked
            if {e.value for e in p.procedure.life_events} & {"birth", "childcare", "nursing_care", "disaster"}
        )
        hint = (
            f"子育て・介護・被災者支援などの手続 {concerned}件を確認し、該当するものに national_priority: true を付ける"
            if concerned
            else "対象となる手続を棚卸に加える"
        )
        warning = f"対象の手続がない (national_priority の手続が棚卸にない): 達成とは言えない。{hint}"
        return KpiStatus(target.name, goal, target.by_fy, 0, False, population=0, warning=warning)
    if goal <= 0:
        warning = "目標が0件: 達成とは言えない (target を設定する)"
        return KpiStatus(
            target.name, goal, target.by_fy, len(counted), False, population=population, warning=warning, done=done
        )
    return KpiStatus(
        target.name, goal, target.by_fy, len(counted), len(counted) >= goal, population=population, done=done
    )
