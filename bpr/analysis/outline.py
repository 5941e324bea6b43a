"""The outline of a flow: its main path, and every way off it as a detour that a note can tell in one line.

A slide draws the main path only (the most probable path from the first step to an end, as the scores
report it). Everything else a case may do is a detour: it leaves a step of the main path by one of its
other successors, goes through steps off the main path, and comes back to the main path (forward, or
back to an earlier step: 差し戻し) or ends. Every step a case can reach is either on the main path or
in some detour, since the last main-path step before it starts one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bpr.inventory.flow import Flow


@dataclass(frozen=True, slots=True)
class Detour:
    """A way off the main path: from a main-path step, through steps off it, back to the main path or to an end."""

    origin: str  # the main-path step it leaves
    target: str  # the successor it leaves by
    label: str | None  # the condition written for that successor
    share: float | None  # the share of the origin's cases, or None where the origin has no written share
    steps: tuple[str, ...]  # the steps off the main path it can go through, in the order written
    rejoins: tuple[str, ...]  # the main-path steps it comes back to, in main-path order
    ends: bool  # some way through it ends the flow off the main path
    back: bool  # it comes back to the origin or a step before it (差し戻し)


@dataclass(frozen=True, slots=True)
class Outline:
    """A flow as a slide tells it: the main path, its detours in main-path order, and the steps no way reaches."""

    main_path: tuple[str, ...]
    detours: tuple[Detour, ...]
    unreached: tuple[str, ...]


def outline_flow(flow: Flow, main_path: Sequence[str]) -> Outline:
    """Return the outline of a flow around its main path."""
    position = {node: index for index, node in enumerate(main_path)}
    order = {node: index for index, node in enumerate(flow.order)}
    detours = []
    for index, origin in enumerate(main_path):
        following = main_path[index + 1] if index + 1 < len(main_path) else None
        successors = flow.successors[origin]
        shown = len(successors) > 1 and any(share is not None for share in flow.shares.get(origin, ()))
        labels = flow.labels.get(origin, ())
        for number, target in enumerate(successors):
            if target == following:
                continue
            steps, rejoins = _reach(flow, target, position)
            detours.append(
                Detour(
                    origin=origin,
                    target=target,
                    label=labels[number] if number < len(labels) else None,
                    share=flow.probabilities[origin][number] if shown else None,
                    steps=tuple(sorted(steps, key=order.__getitem__)),
                    rejoins=tuple(sorted(rejoins, key=position.__getitem__)),
                    ends=any(not flow.successors[node] for node in steps),
                    back=any(position[node] <= index for node in rejoins),
                )
            )
    told = set(main_path).union(*(detour.steps for detour in detours))
    unreached = tuple(node for node in flow.order if node not in told)
    return Outline(tuple(main_path), tuple(detours), unreached)


def _reach(flow: Flow, target: str, position: dict[str, int]) -> tuple[set[str], set[str]]:
    """Return the off-path steps reachable from target without passing the main path, and the main-path steps met."""
    if target in position:
        return set(), {target}
    steps, rejoins = {target}, set()
    stack = [target]
    while stack:
        for nxt in flow.successors[stack.pop()]:
            if nxt in position:
                rejoins.add(nxt)
            elif nxt not in steps:
                steps.add(nxt)
                stack.append(nxt)
    return steps, rejoins
