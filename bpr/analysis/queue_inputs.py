"""What a counter's queue is made of: each procedure's visits, service minutes and months, the day's slots, and what measures change.

docs/queue.md gives every rule. A procedure joins its counter's queue when its cases come in person
(expected visits > 0) and its counter steps take time: it brings `cases × (1 − online share) × visits`
visits a year, each served in `counter minutes per case / visits` minutes at a window.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bpr.analysis.economics import uptake_at
from bpr.analysis.graph import build_process_graph
from bpr.analysis.results import Roadmap, RoadmapItem, ScoredProcedure
from bpr.config import QueueConfig, ScoringConfig
from bpr.inventory.enums import Actor, Measure
from bpr.inventory.flow import Flow
from bpr.inventory.models import MINUTES_PER_DAY, Counter, Procedure, Step
from bpr.inventory.profiles import opening_minutes

MONTHS = tuple(range(1, 13))
SAMPLED_WALKS = 400  # walks of each flow drawn for the simulation's spread of service times
MAX_WALK_STEPS = 10_000


@dataclass(frozen=True, slots=True)
class Stream:
    """One procedure's visits to its counter: how many a year, the mean window minutes, by month, and the spread."""

    procedure: str
    name: str
    visits_per_year: float
    service_minutes: float
    monthly: tuple[float, ...]  # the share of the year's visits in each month, January first
    profile: str  # where the months come from: procedure, counter, a config profile's name, or working_days
    handwritten: bool  # a handwritten form at an in-person step: 書かない窓口 shortens its service
    spread: tuple[float, ...]  # sampled minutes of a visit, scaled to the exact mean service_minutes


@dataclass(frozen=True, slots=True)
class Slot:
    """A part of the opening hours within one hour of the clock, and its share of a day's arrivals."""

    hour: int
    start: int  # minutes after midnight
    minutes: int
    share: float  # of the arrivals that follow the hourly profile
    flat_share: float  # of the arrivals by appointment, spread evenly over the opening hours


@dataclass(frozen=True, slots=True)
class Effect:
    """What the measures in force do to one procedure's visits: moved to a channel, booked, served faster."""

    moved: float = 0.0
    reserved: float = 0.0
    service_factor: float = 1.0


NO_EFFECT = Effect()


def month_shares(weights: Sequence[float] | Mapping[int, float]) -> tuple[float, ...]:
    """Return 12 monthly shares from 12 weights (January first) or month → weight (a month left out weighs 1)."""
    values = [weights.get(month, 1.0) for month in MONTHS] if isinstance(weights, Mapping) else list(weights)
    total = sum(values)
    return tuple(value / total for value in values)


def monthly_of(procedure: Procedure, counter: Counter, config: QueueConfig) -> tuple[tuple[float, ...], str]:
    """Return a procedure's monthly shares and their source: its own, its counter's, the config's for its life events, or working days."""
    if procedure.monthly_profile is not None:
        return month_shares(procedure.monthly_profile), "procedure"
    if counter.monthly_profile is not None:
        return month_shares(counter.monthly_profile), "counter"
    events = set(procedure.life_events)
    for profile in config.monthly_profiles:
        if events & set(profile.life_events):
            return month_shares(profile.weights), profile.name
    return month_shares([config.working_days[month] for month in MONTHS]), "working_days"


def day_slots(counter: Counter, config: QueueConfig) -> tuple[Slot, ...]:
    """Return the opening hours cut at each hour of the clock, with the share of a day's arrivals in each."""
    opening, closing = opening_minutes(counter.opening_hours or config.opening_hours)
    profile = counter.hourly_profile if counter.hourly_profile is not None else config.hourly_profile
    parts = []
    for hour in range(opening // 60, (closing + 59) // 60):
        start, end = max(opening, hour * 60), min(closing, (hour + 1) * 60)
        if end > start:
            parts.append((hour, start, end - start, profile.get(hour, 1.0)))
    weighted = sum(minutes * weight for _h, _s, minutes, weight in parts)
    open_minutes = closing - opening
    return tuple(
        Slot(
            hour,
            start,
            minutes,
            minutes * weight / weighted if weighted > 0 else minutes / open_minutes,
            minutes / open_minutes,
        )
        for hour, start, minutes, weight in parts
    )


def _walk(flow: Flow, steps: Mapping[str, Step], rng: random.Random) -> tuple[float, int]:
    """Return the counter minutes and the trips of one case walked through the flow with its branch shares."""
    node: str | None = flow.start
    minutes, trips, new_trip = 0.0, 0, True
    for _ in range(MAX_WALK_STEPS):
        if node is None:
            break
        step = steps[node]
        new_trip = new_trip or step.wait >= MINUTES_PER_DAY
        if step.in_person:
            trips += 1 if new_trip else 0
            new_trip = False
        if step.actor is Actor.COUNTER:
            minutes += step.effort
        successors, shares = flow.successors[node], flow.probabilities[node]
        node = rng.choices(successors, shares)[0] if successors and sum(shares) > 0 else None
    return minutes, trips


def visit_spread(procedure: Procedure, mean: float, seed: int) -> tuple[float, ...]:
    """Return sampled minutes of a visit (each walk's counter minutes shared by its trips), scaled to the exact mean."""
    rng = random.Random(f"{seed}:{procedure.id}")
    process = build_process_graph(procedure)
    sampled: list[float] = []
    for _ in range(SAMPLED_WALKS):
        minutes, trips = _walk(process.flow, process.steps, rng)
        sampled.extend([minutes / trips] * trips)
    average = sum(sampled) / len(sampled) if sampled else 0.0
    if average <= 0:
        return (mean,)
    return tuple(value * mean / average for value in sampled)


def build_streams(items: Sequence[ScoredProcedure], config: QueueConfig) -> tuple[Stream, ...]:
    """Return the streams of a counter's procedures that bring visits with window time, in the inventory's order."""
    streams = []
    for item in items:
        figures = item.figures
        visits = item.procedure.annual_volume * (1 - item.online_share) * figures.visits
        if visits <= 0 or figures.counter_minutes_per_case <= 0:
            continue
        service = figures.counter_minutes_per_case / figures.visits
        monthly, source = monthly_of(item.procedure, item.counter, config)
        handwritten = any(s.handwritten and s.in_person for s in item.procedure.steps if s.actor is Actor.CITIZEN)
        streams.append(
            Stream(
                item.procedure.id,
                item.procedure.name,
                visits,
                service,
                monthly,
                source,
                handwritten,
                visit_spread(item.procedure, service, config.seed),
            )
        )
    return tuple(streams)


@dataclass(frozen=True, slots=True)
class Change:
    """A placed measure that acts at a counter: what it does to which procedure, from which fiscal year."""

    procedure: str
    measure: Measure
    fy: int  # the year it is placed (or done); it acts from the year after
    kind: str  # uptake, reservation or no_writing


def changes_of(roadmap: Roadmap, streams: Sequence[Stream]) -> tuple[Change, ...]:
    """Return the roadmap's measures that move, book or shorten the visits of these streams, by year then procedure."""
    by_id = {stream.procedure: stream for stream in streams}
    found: list[Change] = []
    for item in (*roadmap.items, *roadmap.uptake_items):
        stream = by_id.get(item.procedure)
        if stream is None:
            continue
        launch = _launch(item)
        if item.measure is Measure.ONLINE:
            found.append(Change(item.procedure, item.measure, launch, "uptake"))
        elif item.measure is Measure.BPR:
            found.append(Change(item.procedure, item.measure, launch, "reservation"))
            if stream.handwritten:
                found.append(Change(item.procedure, item.measure, launch, "no_writing"))
    unique = {(c.procedure, c.kind): c for c in sorted(found, key=lambda c: -c.fy)}
    return tuple(sorted(unique.values(), key=lambda c: (c.fy, c.procedure, c.kind)))


def _launch(item: RoadmapItem) -> int:
    return item.done_fy if item.done and item.done_fy is not None else item.fy


def effects_in(
    changes: Sequence[Change],
    fy: int | None,
    procedures: Mapping[str, Procedure],
    scoring: ScoringConfig,
    config: QueueConfig,
) -> dict[str, Effect]:
    """Return each procedure's effect in a fiscal year (a measure acts from the year after its own); fy None: the steady state."""
    moved: dict[str, float] = {}
    reserved: dict[str, float] = {}
    factor: dict[str, float] = {}
    for change in changes:
        t = None if fy is None else fy - change.fy
        if t is not None and t < 1:
            continue
        if change.kind == "uptake":
            moved[change.procedure] = uptake_at(procedures[change.procedure], scoring, t, fy)
        elif change.kind == "reservation":
            reserved[change.procedure] = config.reservation_share
        else:
            factor[change.procedure] = config.no_writing_service_factor
    ids = set(moved) | set(reserved) | set(factor)
    return {pid: Effect(moved.get(pid, 0.0), reserved.get(pid, 0.0), factor.get(pid, 1.0)) for pid in ids}


def change_effect(change: Change, procedure: Procedure, scoring: ScoringConfig, config: QueueConfig) -> Effect:
    """Return what one measure alone does in the steady state."""
    if change.kind == "uptake":
        return Effect(moved=uptake_at(procedure, scoring, None))
    if change.kind == "reservation":
        return Effect(reserved=config.reservation_share)
    return Effect(service_factor=config.no_writing_service_factor)
