"""Derived figures of a procedure: visits, counts, handoffs, lead time, staff and citizen hours."""

from __future__ import annotations

from itertools import pairwise

from bpr.analysis.graph import ProcessGraph
from bpr.analysis.results import Figures
from bpr.inventory.models import Actor, Medium, Step

MINUTES_PER_DAY = 24 * 60
STAFF_ACTORS = frozenset({Actor.COUNTER, Actor.BACK_OFFICE})


def count_visits(path_steps: list[Step]) -> int:
    """Count the citizen's trips along a path.

    In-person steps belong to one trip until a wait of a day or more stands between two of them, on
    any step after the earlier one up to and including the later one.
    """
    visits = 0
    since_last: float | None = None  # the longest wait seen since the last in-person step
    for step in path_steps:
        if since_last is not None:
            since_last = max(since_last, step.wait)
        if step.in_person:
            if since_last is None or since_last >= MINUTES_PER_DAY:
                visits += 1
            since_last = 0.0
    return visits


def counter_wait_minutes(step: Step) -> float:
    """Return the wait before an in-person step that the citizen spends at the counter.

    A wait of a day or more is the time between two trips, not time spent at the counter; it is
    counted as a separate visit instead.
    """
    return step.wait if step.in_person and step.wait < MINUTES_PER_DAY else 0.0


def compute_figures(process: ProcessGraph, travel_minutes_per_visit: float) -> Figures:
    """Return the derived figures of a procedure from its process graph."""
    procedure = process.procedure
    path = process.main_path()
    path_steps = [process.step(step_id) for step_id in path]
    steps = procedure.steps
    visits = count_visits(path_steps)
    handoffs = sum(1 for a, b in pairwise(path_steps) if a.actor is not b.actor)
    lead_time = sum(step.effort + step.wait for step in path_steps)
    staff_minutes = sum(step.effort for step in path_steps if step.actor in STAFF_ACTORS)
    citizen_minutes = (
        sum(step.effort for step in path_steps if step.actor is Actor.CITIZEN)
        + sum(counter_wait_minutes(step) for step in path_steps)
        + visits * travel_minutes_per_visit
    )
    volume = procedure.annual_volume
    return Figures(
        main_path=path,
        visits=visits,
        paper_steps=sum(1 for step in steps if step.medium is Medium.PAPER),
        seal_steps=sum(1 for step in steps if step.seal),
        in_person_steps=sum(1 for step in steps if step.in_person),
        handwritten_steps=sum(1 for step in steps if step.handwritten),
        handoffs=handoffs,
        lead_time_minutes=lead_time,
        staff_minutes_per_case=staff_minutes,
        citizen_minutes_per_case=citizen_minutes,
        staff_hours=volume * staff_minutes / 60,
        citizen_hours=volume * citizen_minutes / 60,
        rework_edges=process.rework_edges,
    )
