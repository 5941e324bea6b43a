"""`bpr queue --format json`: every counter's inputs, months, hours, simulated day and years, with the assumptions."""

from __future__ import annotations

import json
import math
from typing import Any

from bpr.analysis.queue import CounterQueue, HourFigures, MonthFigures, QueueAnalysis, QueueYear
from bpr.analysis.queue_method import queue_assumptions
from bpr.analysis.queue_sim import SimulatedDay


def _number(value: float | None, digits: int = 2) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def clock(minutes: float) -> str:
    """Return minutes after midnight as HH:MM."""
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _hour(hour: HourFigures, windows: int | None) -> dict[str, Any]:
    return {
        "hour": hour.hour,
        "start": clock(hour.start),
        "minutes": hour.minutes,
        "arrivals": _number(hour.arrivals, 1),
        "service_minutes": _number(hour.service_minutes),
        "load": _number(hour.load),
        "wait": _number(hour.wait, 1),
        # Erlang C has no steady state: the load reaches the windows (known only with windows).
        "overloaded": windows is not None and hour.wait is None and hour.arrivals > 0,
        "windows_needed": hour.windows_needed,
    }


def _month(month: MonthFigures, windows: int | None) -> dict[str, Any]:
    return {
        "month": month.month,
        "working_days": month.working_days,
        "arrivals_per_day": _number(month.arrivals_per_day, 1),
        "mean_wait": _number(month.mean_wait, 1) if windows is not None else None,
        "overloaded": month.overloaded if windows is not None else None,
        "windows_needed": month.windows_needed,
        "peak": _hour(month.peak, windows),
        "hours": [_hour(hour, windows) for hour in month.hours],
    }


def _simulation(day: SimulatedDay | None, counter: CounterQueue) -> dict[str, Any] | None:
    if day is None:
        return None
    return {
        "month": counter.simulated_month,
        "windows": counter.simulated_windows,
        "windows_from": "counter" if counter.windows is not None else "windows_needed",
        "days": day.days,
        "arrivals_per_day": _number(day.arrivals_per_day, 1),
        "mean_wait": _number(day.mean_wait, 1),
        "p90_wait": _number(day.p90_wait, 1),
        "hour_waits": [
            {"hour": slot.hour, "wait": _number(wait, 1)}
            for slot, wait in zip(counter.slots, day.slot_waits, strict=True)
        ],
        "last_served": clock(day.last_departure),
    }


def _year(year: QueueYear, counter: CounterQueue) -> dict[str, Any]:
    peak = year.peak
    return {
        "fy": year.fy,
        "state": "steady" if year.steady else "fy",
        "peak_month": peak.month,
        "peak": _hour(peak.peak, counter.windows),
        "windows_needed": peak.windows_needed,
        "simulated_month": _month_of(year, counter.simulated_month),
        "simulation": _simulation(year.simulation, counter),
        "in_force": [
            {"procedure": c.procedure, "measure": c.measure.value, "kind": c.kind, "fy": c.fy} for c in year.in_force
        ],
    }


def _month_of(year: QueueYear, number: int) -> dict[str, Any]:
    month = year.month(number)
    return {
        "month": number,
        "arrivals_per_day": _number(month.arrivals_per_day, 1),
        "windows_needed": month.windows_needed,
        "peak_load": _number(month.peak.load),
    }


def counter_record(counter: CounterQueue) -> dict[str, Any]:
    """Return one counter: its inputs, today month by month, the simulated day, the years and each measure alone."""
    today = counter.today
    peak = today.peak
    return {
        "id": counter.counter.id,
        "name": counter.counter.name,
        "section": counter.counter.section,
        "windows": counter.windows,
        "opening_hours": counter.opening_hours,
        "opening_hours_from": counter.hours_from,
        "inputs": {
            "procedures": [
                {
                    "id": s.procedure,
                    "name": s.name,
                    "visits_per_year": _number(s.visits_per_year, 1),
                    "service_minutes": _number(s.service_minutes),
                    "monthly_profile_from": s.profile,
                    "monthly_shares": [_number(share, 4) for share in s.monthly],
                    "handwritten": s.handwritten,
                }
                for s in counter.streams
            ],
            "hours": [
                {
                    "hour": slot.hour,
                    "start": clock(slot.start),
                    "minutes": slot.minutes,
                    "share": _number(slot.share, 4),
                    "booked_share": _number(slot.flat_share, 4),
                }
                for slot in counter.slots
            ],
        },
        "peak_month": peak.month,
        "peak": _hour(peak.peak, counter.windows),
        "windows_needed": peak.windows_needed,
        "months": [_month(month, counter.windows) for month in today.months],
        "simulation": _simulation(today.simulation, counter),
        "years": [_year(year, counter) for year in counter.years],
        "measures": [
            {
                "procedure": alone.change.procedure,
                "name": alone.name,
                "measure": alone.change.measure.value,
                "kind": alone.change.kind,
                "fy": alone.change.fy,
                "effect": {
                    "moved": _number(alone.effect.moved, 3),
                    "booked": _number(alone.effect.reserved, 3),
                    "service_factor": _number(alone.effect.service_factor, 3),
                },
                "peak_month": alone.peak.month,
                "peak_load": _number(alone.peak.peak.load),
                "peak_wait": _number(alone.peak.peak.wait, 1),
                "windows_needed": alone.peak.windows_needed,
            }
            for alone in counter.alone
        ],
    }


def queue_json(queue: QueueAnalysis, config_source: str | None) -> str:
    """Return `bpr queue --format json`: the assumptions, then every counter."""
    record = {
        "config": config_source,
        "target_wait_minutes": _number(queue.config.target_wait_minutes),
        "start_fy": queue.start_fy,
        "years": queue.years,
        "assumptions": [
            {"key": a.key, "label": a.label, "value": a.value, "source": a.source}
            for a in queue_assumptions(queue.config)
        ],
        "counters": [counter_record(counter) for counter in queue.counters],
        # No visit with window time (no in-person case with counter-step effort): no wait to compute.
        "left_out": list(queue.left_out),
    }
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
