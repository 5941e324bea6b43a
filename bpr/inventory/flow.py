"""The shape of a business flow: successors, reachability, ends and rework loops.

Shared by the validation rules and the analysis, so that both cut loops the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bpr.inventory.models import Step


@dataclass(frozen=True)
class Flow:
    """The successor lists of a procedure's steps, in list order, with unknown ids dropped."""

    order: tuple[str, ...]
    successors: dict[str, tuple[str, ...]]

    @property
    def start(self) -> str:
        """Return the first step's id."""
        return self.order[0]

    def reachable(self) -> list[str]:
        """Return the ids reachable from the first step, in list order."""
        seen = {self.start}
        stack = [self.start]
        while stack:
            for nxt in self.successors[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return [step for step in self.order if step in seen]

    def ends(self) -> list[str]:
        """Return the steps where the flow ends (no successor)."""
        return [step for step in self.order if not self.successors[step]]

    def can_end(self) -> bool:
        """Tell whether some path from the first step reaches an end."""
        return bool(set(self.ends()) & set(self.reachable()))

    def back_edges(self) -> list[tuple[str, str]]:
        """Return the rework edges: those closing a cycle in a depth-first walk from the first step.

        The walk follows successors in the order written, so the edge a reader sees as going back
        (差し戻し to an earlier step) is the one cut.
        """
        state: dict[str, int] = {}
        back: list[tuple[str, str]] = []
        for root in self.order:
            if root in state:
                continue
            state[root] = 1
            stack: list[tuple[str, int]] = [(root, 0)]
            while stack:
                node, index = stack[-1]
                succ = self.successors[node]
                if index < len(succ):
                    stack[-1] = (node, index + 1)
                    nxt = succ[index]
                    mark = state.get(nxt, 0)
                    if mark == 1:
                        back.append((node, nxt))
                    elif mark == 0:
                        state[nxt] = 1
                        stack.append((nxt, 0))
                else:
                    state[node] = 2
                    stack.pop()
        return back


def build_flow(steps: Sequence[Step]) -> Flow:
    """Return the flow of a list of steps: explicit `next`, else the next step in the list."""
    order = tuple(step.id for step in steps)
    known = set(order)
    successors: dict[str, tuple[str, ...]] = {}
    for index, step in enumerate(steps):
        if step.id in successors:
            continue
        if step.next is None:
            succ: tuple[str, ...] = (order[index + 1],) if index + 1 < len(order) else ()
        else:
            succ = tuple(dict.fromkeys(n for n in step.next if n in known))
        successors[step.id] = succ
    return Flow(order=tuple(dict.fromkeys(order)), successors=successors)
