"""Expected values over a flow with branch shares: passes per step, visits, handoffs, and the main path.

A case walks the flow as a Markov chain: from each step it takes a successor with the probability of
`Flow.probabilities` (the written shares). The expected number of times a case passes through each
step solves `n = e_start + Pᵀ n` exactly: by one sweep in topological order when the taken edges make
no loop, else by Gaussian elimination (a rework loop with share p repeats 1 / (1 − p) times).
Validation refuses loops that no case can leave (`endless-loop`), so the system is never singular.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bpr.inventory.flow import Flow
from bpr.inventory.models import MINUTES_PER_DAY, Step

State = TypeVar("State", bound=Hashable)


@dataclass(frozen=True, slots=True)
class FlowExpectation:
    """Expected passes per case of each step, expected visits and handoffs, and the main path."""

    passes: dict[str, float]
    visits: float
    handoffs: float
    main_path: tuple[str, ...]


def expected_passes(
    states: Sequence[State], start: State, moves: Mapping[State, Sequence[tuple[State, float]]]
) -> dict[State, float]:
    """Return the expected number of times a walk from `start` is in each state (absorbed where no move).

    Only the states the walk can reach take part: a loop that no case enters cannot make the system singular.
    """
    reached = {start}
    stack = [start]
    while stack:
        for target, _ in moves.get(stack.pop(), ()):
            if target not in reached:
                reached.add(target)
                stack.append(target)
    if len(reached) < len(states):
        passes = dict.fromkeys(states, 0.0)
        passes.update(expected_passes([s for s in states if s in reached], start, moves))
        return passes
    order = _topological(states, moves)
    if order is not None:
        passes = dict.fromkeys(states, 0.0)
        passes[start] = 1.0
        for state in order:
            here = passes[state]
            if here:
                for target, p in moves.get(state, ()):
                    passes[target] += here * p
        return passes
    return _solve(states, start, moves)


def _topological(states: Sequence[State], moves: Mapping[State, Sequence[tuple[State, float]]]) -> list[State] | None:
    """Return the states in an order where every move goes forward, or None when the moves loop."""
    indegree = dict.fromkeys(states, 0)
    for state in states:
        for target, _ in moves.get(state, ()):
            indegree[target] += 1
    ready = [s for s in states if indegree[s] == 0]
    ready.reverse()
    out: list[State] = []
    while ready:
        state = ready.pop()
        out.append(state)
        for target, _ in moves.get(state, ()):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return out if len(out) == len(states) else None


def _solve(
    states: Sequence[State], start: State, moves: Mapping[State, Sequence[tuple[State, float]]]
) -> dict[State, float]:
    """Solve (I − Pᵀ) n = e_start by Gaussian elimination with partial pivoting."""
    index = {state: i for i, state in enumerate(states)}
    size = len(states)
    matrix = [[0.0] * (size + 1) for _ in range(size)]
    for i in range(size):
        matrix[i][i] = 1.0
    matrix[index[start]][size] = 1.0
    for state in states:
        column = index[state]
        for target, p in moves.get(state, ()):
            matrix[index[target]][column] -= p
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(matrix[r][col]))
        if abs(matrix[pivot][col]) < 1e-12:
            raise ValueError("a loop that no case can leave")
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        lead = matrix[col]
        for row in range(size):
            if row != col and matrix[row][col]:
                factor = matrix[row][col] / lead[col]
                target_row = matrix[row]
                for k in range(col, size + 1):
                    target_row[k] -= factor * lead[k]
    return {state: max(0.0, matrix[index[state]][size] / matrix[index[state]][index[state]]) for state in states}


def expect_flow(flow: Flow, steps: Mapping[str, Step], rework: set[tuple[str, str]]) -> FlowExpectation:
    """Return the expected passes, visits and handoffs of a case, and the most probable path."""
    probabilities = flow.probabilities
    moves = {
        node: [(v, p) for v, p in zip(flow.successors[node], probabilities[node], strict=True) if p > 0]
        for node in flow.order
    }
    passes = expected_passes(flow.order, flow.start, moves)
    handoffs = sum(passes[u] * p for u in flow.order for v, p in moves[u] if steps[u].actor is not steps[v].actor)
    return FlowExpectation(
        passes=passes,
        visits=_expected_visits(flow, steps, moves),
        handoffs=handoffs,
        main_path=most_probable_path(flow, rework),
    )


def _expected_visits(flow: Flow, steps: Mapping[str, Step], moves: Mapping[str, list[tuple[str, float]]]) -> float:
    """Return the expected trips of a case.

    A trip starts at an in-person step when no in-person step came before, or when a wait of a day or
    more stands on some step since the last one (up to and including this one). The walk carries that
    flag: the states are (step, a new trip would start), so loops and branches count exactly.
    """
    if not any(step.in_person for step in steps.values()):
        return 0.0
    states: list[tuple[str, bool]] = [(node, flag) for node in flow.order for flag in (True, False)]
    augmented: dict[tuple[str, bool], list[tuple[tuple[str, bool], float]]] = {}
    for node in flow.order:
        step = steps[node]
        for flag in (True, False):
            arriving = flag or step.wait >= MINUTES_PER_DAY
            leaving = False if step.in_person else arriving
            augmented[(node, flag)] = [((v, leaving), p) for v, p in moves[node]]
    passes = expected_passes(states, (flow.start, True), augmented)
    return sum(
        passes[(node, flag)]
        for node, flag in states
        if steps[node].in_person and (flag or steps[node].wait >= MINUTES_PER_DAY)
    )


def most_probable_path(flow: Flow, rework: set[tuple[str, str]]) -> tuple[str, ...]:
    """Return the most probable path from the first step to an end, rework edges cut.

    Ties go to the successor written first. A step whose only ways on go back cannot end a path.
    """
    probabilities = flow.probabilities
    best: dict[str, float] = {}
    choice: dict[str, str | None] = {}
    for node in _successors_first(flow, rework):
        succ = flow.successors[node]
        if not succ:
            best[node], choice[node] = 1.0, None
            continue
        top, pick = -1.0, None
        for v, p in zip(succ, probabilities[node], strict=True):
            if (node, v) in rework:
                continue
            value = p * best[v]
            if value > top:
                top, pick = value, v
        best[node], choice[node] = max(top, 0.0), pick
    path = [flow.start]
    seen = {flow.start}
    while (nxt := choice.get(path[-1])) is not None and nxt not in seen:
        path.append(nxt)
        seen.add(nxt)
    return tuple(path)


def _successors_first(flow: Flow, rework: set[tuple[str, str]]) -> list[str]:
    """Return every step after all its forward successors (the flow without rework edges is acyclic)."""
    done: set[str] = set()
    out: list[str] = []
    for root in flow.order:
        if root in done:
            continue
        done.add(root)
        stack = [(root, iter(flow.successors[root]))]
        while stack:
            node, successors = stack[-1]
            for nxt in successors:
                if (node, nxt) not in rework and nxt not in done:
                    done.add(nxt)
                    stack.append((nxt, iter(flow.successors[nxt])))
                    break
            else:
                stack.pop()
                out.append(node)
    return out
