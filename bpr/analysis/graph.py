"""The process graph of one procedure: its steps, and its flow with the rework loops marked.

Scoring reads only plain successor lists; the networkx DiGraph (for diagrams) is built on first use,
so that scoring 100,000 procedures neither builds 100,000 graphs nor imports networkx.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from bpr.inventory.flow import Flow, build_flow
from bpr.inventory.models import Procedure, Step

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True, eq=False)
class ProcessGraph:
    """Steps as nodes (attribute `step`), `next` as edges; rework edges marked `rework=True`."""

    procedure: Procedure
    flow: Flow
    rework_edges: tuple[tuple[str, str], ...]

    @property
    def start(self) -> str:
        """Return the first step's id."""
        return self.flow.start

    @cached_property
    def steps(self) -> dict[str, Step]:
        """Return each step by id (the first of steps with the same id)."""
        steps: dict[str, Step] = {}
        for step in self.procedure.steps:
            steps.setdefault(step.id, step)
        return steps

    @cached_property
    def forward(self) -> dict[str, tuple[str, ...]]:
        """Return each step's successors in the order written, rework edges cut."""
        rework = set(self.rework_edges)
        if not rework:
            return self.flow.successors
        return {node: tuple(v for v in succ if (node, v) not in rework) for node, succ in self.flow.successors.items()}

    @cached_property
    def graph(self) -> nx.DiGraph:
        """Return the flow as a networkx DiGraph (nodes carry `step` and `order`, edges `rework`)."""
        import networkx as nx

        rework = set(self.rework_edges)
        graph = nx.DiGraph(procedure=self.procedure.id)
        for node, step in self.steps.items():
            graph.add_node(node, step=step, order=list(self.flow.successors[node]))
        for source, targets in self.flow.successors.items():
            for target in targets:
                graph.add_edge(source, target, rework=(source, target) in rework)
        return graph

    def step(self, step_id: str) -> Step:
        """Return the step of a node."""
        return self.steps[step_id]


def build_process_graph(procedure: Procedure) -> ProcessGraph:
    """Return the process graph of a procedure (steps with duplicate ids keep the first)."""
    flow = build_flow(procedure.steps)
    position = {node: index for index, node in enumerate(flow.order)}
    rework = sorted(set(flow.back_edges()), key=lambda e: (position[e[0]], position[e[1]]))
    return ProcessGraph(procedure, flow, tuple(rework))
