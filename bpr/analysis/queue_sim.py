"""A discrete-event simulation of a counter's day with SimPy: arrivals by hour, the windows, the real service times.

Why SimPy: it is the maintained process-based simulation library of Python (MIT, a pure-Python wheel with
no dependency of its own), so the offline wheelhouse gains one small file; Ciw models queueing networks
well but brings numpy, tqdm and setuptools at run time. A counter is one SimPy `Resource` with as many
slots as windows, served first come first served.

Arrivals are a Poisson process whose rate is constant within each time slot (an hour, or the part of it
the counter is open); only the slots' arrivals come, and everyone who came before closing is served.
Each arrival draws its service time from `service` (given the slot it arrives in); the random numbers come from one `random.Random`
seeded once, drawn in a fixed order, so the same seed gives the same figures on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ArrivalSlot:
    """A time slot of the day: its start and length in minutes, and arrivals a minute within it."""

    start: float
    minutes: float
    rate: float


@dataclass(frozen=True, slots=True)
class SimulatedDay:
    """The mean over the simulated days: wait of all arrivals and by arrival slot, arrivals, and the last service's end."""

    days: int
    arrivals_per_day: float
    mean_wait: float
    slot_waits: tuple[float | None, ...]  # None: nobody arrived in that slot on any day
    p90_wait: float
    last_departure: float  # minutes after midnight, averaged over the days


def simulate_days(
    windows: int,
    slots: Sequence[ArrivalSlot],
    service: Callable[[random.Random, int], float],
    days: int,
    seed: int,
) -> SimulatedDay:
    """Return the mean figures of `days` independent days of a counter with `windows` windows."""
    import simpy

    rng = random.Random(seed)
    totals = [0.0] * len(slots)
    counts = [0] * len(slots)
    waits: list[float] = []
    ends = 0.0
    for _day in range(days):
        env = simpy.Environment(initial_time=slots[0].start if slots else 0.0)
        counter = simpy.Resource(env, capacity=windows)
        day_waits: list[tuple[int, float]] = []
        env.process(_arrivals(env, counter, slots, service, rng, day_waits))
        env.run()
        for slot, wait in day_waits:
            totals[slot] += wait
            counts[slot] += 1
            waits.append(wait)
        ends += env.now
    served = len(waits)
    ordered = sorted(waits)
    return SimulatedDay(
        days=days,
        arrivals_per_day=served / days if days else 0.0,
        mean_wait=sum(waits) / served if served else 0.0,
        slot_waits=tuple(totals[i] / counts[i] if counts[i] else None for i in range(len(slots))),
        p90_wait=ordered[min(served - 1, int(0.9 * served))] if served else 0.0,
        last_departure=ends / days if days else 0.0,
    )


def _arrivals(
    env: Any,
    counter: Any,
    slots: Sequence[ArrivalSlot],
    service: Callable[[random.Random, int], float],
    rng: random.Random,
    waits: list[tuple[int, float]],
) -> Generator[Any, Any, None]:
    # A Poisson process is memoryless: starting it afresh at each slot's start keeps it exact.
    for index, slot in enumerate(slots):
        if slot.rate <= 0:
            continue
        end = slot.start + slot.minutes
        moment = slot.start
        while True:
            moment += rng.expovariate(slot.rate)
            if moment >= end:
                break
            yield env.timeout(moment - env.now)
            env.process(_visit(env, counter, service(rng, index), index, waits))


def _visit(
    env: Any, counter: Any, minutes: float, slot: int, waits: list[tuple[int, float]]
) -> Generator[Any, Any, None]:
    arrived = env.now
    with counter.request() as turn:
        yield turn
        waits.append((slot, env.now - arrived))
        yield env.timeout(minutes)
