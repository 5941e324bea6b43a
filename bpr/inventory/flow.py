"""The shape of a business flow: successors, reachability, ends and rework loops.

Shared by the validation rules and the analysis, so that both cut loops the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from bpr.inventory.models import Branch, Step

MIN_SHARE = 1e-6  # shares below this count as 0 (no case takes the branch)


@dataclass(frozen=True, eq=False)
class Flow:
    """The successor lists of a procedure's steps, in list order, with unknown ids dropped.

    `shares` and `labels` hold, per step, what was written for each successor (None where nothing was).
    """

    order: tuple[str, ...]
    successors: dict[str, tuple[str, ...]]
    shares: dict[str, tuple[float | None, ...]] = field(default_factory=dict)
    labels: dict[str, tuple[str | None, ...]] = field(default_factory=dict)

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

    @cached_property
    def probabilities(self) -> dict[str, tuple[float, ...]]:
        """Return, per step, the share of its cases that take each successor (summing to 1 where any).

        Written shares are used as they are (normalised when they sum to 1 within the tolerance); the
        successors without one split what is left equally. When no successor has a share, the first one
        written is the normal case and takes every case, except that a way back (rework) or a way that
        can never reach an end is not taken for the normal case while another successor can end.
        """
        finishing = self._finishing_forward()
        rework = set(self.back_edges())
        out: dict[str, tuple[float, ...]] = {}
        for node in self.order:
            succ = self.successors[node]
            if not succ:
                out[node] = ()
                continue
            written = self.shares.get(node) or (None,) * len(succ)
            if all(share is None for share in written):
                normal = next(
                    (i for i, v in enumerate(succ) if (node, v) not in rework and v in finishing),
                    0,
                )
                out[node] = tuple(1.0 if i == normal else 0.0 for i in range(len(succ)))
                continue
            given = sum(share for share in written if share is not None)
            missing = sum(1 for share in written if share is None)
            rest = max(0.0, 1.0 - given) / missing if missing else 0.0
            # A share too small to matter counts as none: a loop left by 1e-300 of the cases is endless.
            raw = [share if share is not None else rest for share in written]
            raw = [value if value >= MIN_SHARE else 0.0 for value in raw]
            total = sum(raw)
            out[node] = tuple(value / total for value in raw) if total > 0 else tuple(1.0 / len(raw) for _ in raw)
        return out

    def _finishing_forward(self) -> set[str]:
        """Return the steps from which an end can be reached without going back (rework edges cut)."""
        rework = set(self.back_edges())
        forward = {node: [v for v in succ if (node, v) not in rework] for node, succ in self.successors.items()}
        return _reaching(self.ends(), forward)

    def endless(self) -> list[str]:
        """Return the steps that cases reach but can never leave for an end (a loop no case can leave).

        Only edges that some cases take count: a branch with share 0 is no way out.
        """
        probabilities = self.probabilities
        taken = {
            node: [v for v, p in zip(self.successors[node], probabilities[node], strict=True) if p > 0]
            for node in self.order
        }
        seen = {self.start}
        stack = [self.start]
        while stack:
            for v in taken[stack.pop()]:
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        leaves = _reaching(self.ends(), taken)
        return [node for node in self.order if node in seen and node not in leaves]

    def back_edges(self) -> list[tuple[str, str]]:
        """Return the rework edges (see `_back_edges`), computed once."""
        return list(self._back_edges)

    @cached_property
    def _back_edges(self) -> tuple[tuple[str, str], ...]:
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
        return tuple(back)


def _reaching(targets: Sequence[str], edges: Mapping[str, Sequence[str]]) -> set[str]:
    """Return the nodes from which some target can be reached along `edges` (targets included)."""
    predecessors: dict[str, list[str]] = {node: [] for node in edges}
    for node, succ in edges.items():
        for v in succ:
            predecessors[v].append(node)
    done = set(targets)
    stack = list(done)
    while stack:
        for u in predecessors[stack.pop()]:
            if u not in done:
                done.add(u)
                stack.append(u)
    return done


def build_flow(steps: Sequence[Step]) -> Flow:
    """Return the flow of a list of steps: explicit `next`, else the next step in the list."""
    order = tuple(step.id for step in steps)
    known = set(order)
    successors: dict[str, tuple[str, ...]] = {}
    shares: dict[str, tuple[float | None, ...]] = {}
    labels: dict[str, tuple[str | None, ...]] = {}
    for index, step in enumerate(steps):
        if step.id in successors:
            continue
        if step.next is None:
            successors[step.id] = (order[index + 1],) if index + 1 < len(order) else ()
            continue
        share_of: dict[str, float | None] = {}
        label_of: dict[str, str | None] = {}
        for item in step.next:
            target, share, label = (item, None, None) if isinstance(item, str) else (item.to, item.share, item.label)
            if target not in known:
                continue
            if target in share_of:  # written twice: one successor, with the shares added
                before = share_of[target]
                share_of[target] = share if before is None else before + (share or 0.0)
                continue
            share_of[target], label_of[target] = share, label
        successors[step.id] = tuple(share_of)
        if any(isinstance(item, Branch) for item in step.next):
            shares[step.id] = tuple(share_of.values())
            labels[step.id] = tuple(label_of.values())
    return Flow(order=tuple(dict.fromkeys(order)), successors=successors, shares=shares, labels=labels)
