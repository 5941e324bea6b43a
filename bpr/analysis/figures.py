"""Derived figures of a procedure: expected visits, handoffs, lead time, staff and citizen hours."""

from __future__ import annotations

from bpr.analysis.expected import expect_flow
from bpr.analysis.graph import ProcessGraph
from bpr.analysis.results import Figures
from bpr.inventory.enums import Actor, Medium
from bpr.inventory.models import MINUTES_PER_DAY, Step

STAFF_ACTORS = frozenset({Actor.COUNTER, Actor.BACK_OFFICE})


def counter_wait_minutes(step: Step) -> float:
    """Return the wait before an in-person step that the citizen spends at the counter.

    A wait of a day or more is the time between two trips, not time spent at the counter; it is
    counted as a separate visit instead.
    """
    return step.wait if step.in_person and step.wait < MINUTES_PER_DAY else 0.0


def writes_by_hand(step: Step) -> bool:
    """Tell whether a citizen step is a handwritten or sealed form (what 書かせない removes)."""
    return step.handwritten or step.seal


def compute_figures(process: ProcessGraph, travel_minutes_per_visit: float) -> Figures:
    """Return the derived figures of a procedure: expected values per case over its flow."""
    procedure = process.procedure
    steps = procedure.steps
    by_id = process.steps
    expectation = expect_flow(process.flow, by_id, set(process.rework_edges))
    passes = expectation.passes
    staff = counter = citizen_effort = by_hand = waiting = lead_time = 0.0
    for node, n in passes.items():
        if not n:
            continue
        step = by_id[node]
        lead_time += n * (step.effort + step.wait)
        waiting += n * counter_wait_minutes(step)
        if step.actor in STAFF_ACTORS:
            staff += n * step.effort
            if step.actor is Actor.COUNTER:
                counter += n * step.effort
        elif step.actor is Actor.CITIZEN:
            citizen_effort += n * step.effort
            if writes_by_hand(step):
                by_hand += n * step.effort
    travel = expectation.visits * travel_minutes_per_visit
    citizen = citizen_effort + waiting + travel
    volume = procedure.annual_volume
    return Figures(
        main_path=expectation.main_path,
        visits=expectation.visits,
        paper_steps=sum(1 for step in steps if step.medium is Medium.PAPER),
        seal_steps=sum(1 for step in steps if step.seal),
        in_person_steps=sum(1 for step in steps if step.in_person),
        handwritten_steps=sum(1 for step in steps if step.handwritten),
        handoffs=expectation.handoffs,
        lead_time_minutes=lead_time,
        staff_minutes_per_case=staff,
        citizen_minutes_per_case=citizen,
        staff_hours=volume * staff / 60,
        citizen_hours=volume * citizen / 60,
        rework_edges=process.rework_edges,
        passes=passes,
        counter_minutes_per_case=counter,
        citizen_effort_minutes=citizen_effort,
        handwritten_minutes=by_hand,
        counter_wait_minutes=waiting,
        travel_minutes=travel,
    )
