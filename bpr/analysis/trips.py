"""Trips of a flow (来庁①, 来庁② …): which in-person steps a citizen does on the same trip.

A trip is what the expected visits count (bpr/analysis/expected.py): it starts at an in-person step
when no in-person step came before, or when a wait of a day or more stands on some step since the last
one (this step's own wait included). The main path is numbered first, in order, so that a flow the
title calls 来庁2回 shows ① and ②. A step off it (a rare branch, a 補正 loop) continues the trip of the
most probable way that leads to it; when it starts a trip of its own it gets the next number after the
main path's, so a badge never claims that every case comes in that often.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Mapping, Sequence

from bpr.inventory.flow import Flow
from bpr.inventory.models import MINUTES_PER_DAY, Step

# A branch no case takes (share 0) still leads somewhere on the drawing: it costs this much, not infinity.
_UNTAKEN = 1e-12


def trip_numbers(flow: Flow, steps: Mapping[str, Step], main_path: Sequence[str]) -> dict[str, int]:
    """Return the trip number of each in-person step: the main path's trips first, in order, then the others'."""
    if not any(steps[node].in_person for node in flow.order if node in steps):
        return {}
    parent = _parents(flow, main_path)
    children: dict[str | None, list[str]] = {}
    for node in flow.order:
        children.setdefault(parent.get(node), []).append(node)
    on_main = set(main_path)
    order = {node: index for index, node in enumerate(flow.order)}
    trip_of: dict[str, str] = {}  # each in-person step → the step its trip starts at
    depth: dict[str, int] = {}
    # Roots: the first step, then any step no way reaches (it starts a trip of its own).
    roots = [flow.start, *(node for node in children.get(None, []) if node != flow.start)]
    for root in roots:
        stack: list[tuple[str, str | None, bool, int]] = [(root, None, True, 0)]
        while stack:
            node, trip, new_trip, level = stack.pop()
            step = steps[node]
            depth[node] = level
            arriving = new_trip or step.wait >= MINUTES_PER_DAY
            if step.in_person:
                trip = node if arriving or trip is None else trip
                trip_of[node] = trip
                arriving = False
            for child in reversed(children.get(node, [])):
                stack.append((child, trip, arriving, level + 1))
    starts = sorted(set(trip_of.values()), key=lambda node: (node not in on_main, depth[node], order[node]))
    number = {start: index for index, start in enumerate(starts, start=1)}
    return {node: number[start] for node, start in trip_of.items()}


def _parents(flow: Flow, main_path: Sequence[str]) -> dict[str, str]:
    """Return the step each step is reached from: its predecessor on the main path, else on its most probable way."""
    cost: dict[str, float] = {flow.start: 0.0}
    parent: dict[str, str] = {}
    order = {node: index for index, node in enumerate(flow.order)}
    queue: list[tuple[float, int, str]] = [(0.0, order[flow.start], flow.start)]
    done: set[str] = set()
    while queue:
        here, _, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        for target, p in zip(flow.successors[node], flow.probabilities[node], strict=True):
            there = here - math.log(max(p, _UNTAKEN))
            if target not in done and there < cost.get(target, math.inf):
                cost[target] = there
                parent[target] = node
                heapq.heappush(queue, (there, order[target], target))
    for before, after in itertools.pairwise(main_path):
        parent[after] = before
    parent.pop(flow.start, None)
    return parent
