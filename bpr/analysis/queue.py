"""待たせない: per counter, month and hour, the expected wait (Erlang C), the windows a target needs, the simulated
peak day, and what the roadmap's measures do to the peak, year by year. docs/queue.md has every formula.

In a slot of the day (an hour of the clock, or the part of it the counter is open) of month m, a procedure
brings `visits a year × (1 − moved) × share of month m / working days of m × share of the slot` visits,
where the slot's share mixes the hourly profile (cases that just come) and an even spread (the share
booked by 予約). The slot's offered load is a = λ·s with λ its visits a minute and s their mean window
minutes; Erlang C gives the mean wait at the counter's windows and the fewest windows that keep it at
the target. Each slot is taken as steady on its own (a queue left over from the hour before is not
carried): the simulation of the peak day carries it, with the service times the flows really spread.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

from bpr.analysis.erlang import mean_wait, windows_needed
from bpr.analysis.queue_inputs import (
    MONTHS,
    NO_EFFECT,
    Change,
    Effect,
    Slot,
    Stream,
    build_streams,
    change_effect,
    changes_of,
    day_slots,
    effects_in,
)
from bpr.analysis.queue_sim import ArrivalSlot, SimulatedDay, simulate_days
from bpr.analysis.results import Analysis, ScoredProcedure
from bpr.config import Config, QueueConfig
from bpr.inventory.models import Counter


@dataclass(frozen=True, slots=True)
class HourFigures:
    """One slot of a month's average working day: visits, mean service, load, Erlang C wait and windows needed."""

    hour: int
    start: int  # minutes after midnight
    minutes: int
    arrivals: float  # visits in the slot on an average working day of the month
    service_minutes: float
    load: float  # offered load in Erlangs: busy windows on average
    wait: float | None  # mean wait at the counter's windows; None without windows or when the load reaches them
    windows_needed: int


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """An average working day of a month, slot by slot."""

    month: int
    working_days: int
    hours: tuple[HourFigures, ...]

    @property
    def arrivals_per_day(self) -> float:
        """Return the visits of an average working day."""
        return sum(hour.arrivals for hour in self.hours)

    @property
    def peak(self) -> HourFigures:
        """Return the slot with the highest load (the first of equals)."""
        return max(self.hours, key=lambda hour: hour.load)

    @property
    def windows_needed(self) -> int:
        """Return the windows the month's busiest slot needs to keep the target."""
        return max((hour.windows_needed for hour in self.hours), default=0)

    @property
    def overloaded(self) -> bool:
        """Tell whether some slot's load reaches the windows (Erlang C has no steady state there)."""
        return any(hour.wait is None and hour.arrivals > 0 for hour in self.hours)

    @property
    def mean_wait(self) -> float | None:
        """Return the day's mean wait over its visits, or None when a slot is overloaded or the windows are unknown."""
        total = self.arrivals_per_day
        if total <= 0:
            return 0.0
        if any(hour.wait is None for hour in self.hours if hour.arrivals > 0):
            return None
        return sum(hour.arrivals * (hour.wait or 0.0) for hour in self.hours) / total


@dataclass(frozen=True, slots=True)
class QueueYear:
    """The counter in a state of the roadmap: today (fy None), a fiscal year of the plan, or the steady state."""

    fy: int | None
    steady: bool
    months: tuple[MonthFigures, ...]
    in_force: tuple[Change, ...]  # the measures acting at the counter in this state
    simulation: SimulatedDay | None = None

    @property
    def peak(self) -> MonthFigures:
        """Return the month whose busiest slot has the highest load."""
        return max(self.months, key=lambda month: month.peak.load)

    def month(self, number: int) -> MonthFigures:
        """Return a month's figures (1 = January)."""
        return self.months[number - 1]


@dataclass(frozen=True, slots=True)
class MeasureAlone:
    """One measure at the counter, alone and in its steady state: the peak it leaves."""

    change: Change
    name: str  # the procedure's name
    effect: Effect
    peak: MonthFigures  # the peak month with this measure alone


@dataclass(frozen=True)
class CounterQueue:
    """A counter's queue: its inputs, today month by month, the simulated day, and the roadmap year by year."""

    counter: Counter
    opening_hours: str
    hours_from: str  # counter or config
    slots: tuple[Slot, ...]
    streams: tuple[Stream, ...]
    today: QueueYear
    years: tuple[QueueYear, ...]  # each fiscal year of the plan, then the steady state
    simulated_month: int
    simulated_windows: int  # the counter's windows, else the windows today's peak needs
    alone: tuple[MeasureAlone, ...]

    @property
    def windows(self) -> int | None:
        """Return the counter's windows as the inventory writes them."""
        return self.counter.windows


@dataclass(frozen=True)
class QueueAnalysis:
    """Every counter whose visits take window time, with the settings the figures assume."""

    counters: tuple[CounterQueue, ...]
    config: QueueConfig
    start_fy: int
    years: int
    # Counters left out: no visit takes window time (no in-person case with counter-step effort, as in the
    # skeleton flows of an import): there is no service time to queue for.
    left_out: tuple[str, ...] = ()


def month_figures(
    streams: Sequence[Stream],
    slots: Sequence[Slot],
    effects: Mapping[str, Effect],
    month: int,
    windows: int | None,
    config: QueueConfig,
) -> MonthFigures:
    """Return an average working day of a month: each slot's visits, load, Erlang C wait and windows needed."""
    days = config.working_days[month]
    per_stream = _slot_visits(streams, slots, effects, month, days)
    hours = []
    for slot_index, slot in enumerate(slots):
        arrivals = sum(visits[slot_index] for visits, _s in per_stream)
        work = sum(visits[slot_index] * minutes for visits, minutes in per_stream)
        service = work / arrivals if arrivals > 0 else 0.0
        load = work / slot.minutes
        hours.append(
            HourFigures(
                slot.hour,
                slot.start,
                slot.minutes,
                arrivals,
                service,
                load,
                None if windows is None else mean_wait(windows, load, service),
                windows_needed(load, service, config.target_wait_minutes),
            )
        )
    return MonthFigures(month, days, tuple(hours))


def _slot_visits(
    streams: Sequence[Stream], slots: Sequence[Slot], effects: Mapping[str, Effect], month: int, days: int
) -> list[tuple[list[float], float]]:
    """Return, for each stream, its visits in each slot of an average working day and its service minutes."""
    out = []
    for stream in streams:
        effect = effects.get(stream.procedure, NO_EFFECT)
        daily = stream.visits_per_year * (1 - effect.moved) * stream.monthly[month - 1] / days if days else 0.0
        visits = [daily * ((1 - effect.reserved) * slot.share + effect.reserved * slot.flat_share) for slot in slots]
        out.append((visits, stream.service_minutes * effect.service_factor))
    return out


def simulate_month(
    streams: Sequence[Stream],
    slots: Sequence[Slot],
    effects: Mapping[str, Effect],
    month: int,
    windows: int,
    config: QueueConfig,
) -> SimulatedDay:
    """Return the simulated working days of a month: Poisson arrivals slot by slot, service times drawn from the flows."""
    days = config.working_days[month]
    per_stream = _slot_visits(streams, slots, effects, month, days)
    arrival_slots = [
        ArrivalSlot(slot.start, slot.minutes, sum(visits[i] for visits, _s in per_stream) / slot.minutes)
        for i, slot in enumerate(slots)
    ]
    factors = [effects.get(stream.procedure, NO_EFFECT).service_factor for stream in streams]
    cumulative = [list(accumulate(visits[i] for visits, _s in per_stream)) for i in range(len(slots))]
    indices = list(range(len(streams)))

    def service(rng: random.Random, slot: int) -> float:
        which = rng.choices(indices, cum_weights=cumulative[slot])[0]
        return rng.choice(streams[which].spread) * factors[which]

    return simulate_days(windows, arrival_slots, service, config.simulation_days, config.seed)


def queue_year(
    streams: Sequence[Stream],
    slots: Sequence[Slot],
    effects: Mapping[str, Effect],
    windows: int | None,
    config: QueueConfig,
) -> tuple[MonthFigures, ...]:
    """Return the twelve months of a state (January first)."""
    return tuple(month_figures(streams, slots, effects, month, windows, config) for month in MONTHS)


def analyse_counter(
    counter: Counter,
    items: Sequence[ScoredProcedure],
    analysis: Analysis,
    config: Config,
    month: int | None = None,
    start_fy: int | None = None,
    span: int | None = None,
) -> CounterQueue | None:
    """Return a counter's queue today and along the roadmap, or None when no visit takes window time."""
    cfg = config.queue
    streams = build_streams(items, cfg)
    if not streams:
        return None
    slots = day_slots(counter, cfg)
    windows = counter.windows
    today = QueueYear(None, False, queue_year(streams, slots, {}, windows, cfg), ())
    chosen = month or today.peak.month
    sim_windows = windows if windows is not None else max(1, today.month(chosen).windows_needed)
    today = replace(today, simulation=simulate_month(streams, slots, {}, chosen, sim_windows, cfg))
    procedures = {item.procedure.id: item.procedure for item in items}
    changes = changes_of(analysis.roadmap, streams)
    first = analysis.roadmap.start_fy if start_fy is None else start_fy
    count = analysis.roadmap.years if span is None else span
    years = []
    # A year whose measures do what an earlier one's do has the same simulated day: it is run once.
    simulated: dict[tuple[tuple[str, Effect], ...], SimulatedDay | None] = {(): today.simulation}
    for fy in [*range(first, first + count), None]:
        effects = effects_in(changes, fy, procedures, config.scoring, cfg)
        in_force = tuple(c for c in changes if fy is None or fy - c.fy >= 1)
        key = tuple(sorted(effects.items()))
        # The simulation runs for every year only where the windows are known: it is what the figures are about.
        if windows is not None and key not in simulated:
            simulated[key] = simulate_month(streams, slots, effects, chosen, sim_windows, cfg)
        months = queue_year(streams, slots, effects, windows, cfg)
        years.append(QueueYear(fy, fy is None, months, in_force, simulated.get(key)))
    alone = tuple(
        MeasureAlone(
            change,
            procedures[change.procedure].name,
            effect := change_effect(change, procedures[change.procedure], config.scoring, cfg),
            max(
                queue_year(streams, slots, {change.procedure: effect}, windows, cfg),
                key=lambda m: m.peak.load,
            ),
        )
        for change in changes
    )
    return CounterQueue(
        counter,
        counter.opening_hours or cfg.opening_hours,
        "counter" if counter.opening_hours else "config",
        slots,
        streams,
        today,
        tuple(years),
        chosen,
        sim_windows,
        alone,
    )


def analyse_queue(
    analysis: Analysis,
    config: Config,
    month: int | None = None,
    counters: Sequence[str] = (),
    windows_only: bool = False,
) -> QueueAnalysis:
    """Return the queue of every counter (or of those named, or with windows) whose visits take window time, by file."""
    by_counter: dict[str, list[ScoredProcedure]] = {}
    owners: dict[str, Counter] = {}
    for item in sorted(analysis.procedures, key=lambda p: (p.file, p.procedure.id)):
        if (counters and item.counter.id not in counters) or (windows_only and item.counter.windows is None):
            continue
        by_counter.setdefault(item.counter.id, []).append(item)
        owners.setdefault(item.counter.id, item.counter)
    found, left_out = [], []
    for counter_id in sorted(by_counter, key=lambda cid: by_counter[cid][0].file):
        result = analyse_counter(owners[counter_id], by_counter[counter_id], analysis, config, month)
        if result is not None:
            found.append(result)
        else:
            left_out.append(counter_id)
    return QueueAnalysis(tuple(found), config.queue, analysis.roadmap.start_fy, analysis.roadmap.years, tuple(left_out))
