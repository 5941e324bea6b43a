"""The process graph of one procedure: a networkx DiGraph of its steps, and its main path."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from bpr.inventory.flow import build_flow
from bpr.inventory.models import Procedure, Step


@dataclass(frozen=True)
class ProcessGraph:
    """Steps as nodes (attribute `step`), `next` as edges; rework edges marked `rework=True`."""

    procedure: Procedure
    graph: nx.DiGraph
    start: str
    rework_edges: tuple[tuple[str, str], ...]

    def step(self, step_id: str) -> Step:
        """Return the step of a node."""
        step: Step = self.graph.nodes[step_id]["step"]
        return step

    def main_path(self) -> tuple[str, ...]:
        """Return the longest path by effort + wait from the first step to an end, rework edges cut.

        Ties go to the successor written first, so the path is deterministic.
        """
        dag = nx.DiGraph()
        dag.add_nodes_from(self.graph.nodes)
        dag.add_edges_from((u, v) for u, v, rework in self.graph.edges(data="rework") if not rework)
        order = list(nx.topological_sort(dag))
        best: dict[str, float] = {}
        choice: dict[str, str | None] = {}
        for node in reversed(order):
            weight = _weight(self.step(node))
            successors = [v for v in self._successors(node) if v in best]
            if successors:
                top = max(best[v] for v in successors)
                choice[node] = next(v for v in successors if best[v] == top)
                best[node] = weight + top
            else:
                choice[node] = None
                best[node] = weight
        path = [self.start]
        while choice.get(path[-1]) is not None:
            nxt = choice[path[-1]]
            assert nxt is not None
            path.append(nxt)
        return tuple(path)

    def _successors(self, node: str) -> list[str]:
        return [v for v in self.graph.nodes[node]["order"] if not self.graph.edges[node, v]["rework"]]


def _weight(step: Step) -> float:
    return step.effort + step.wait


def build_process_graph(procedure: Procedure) -> ProcessGraph:
    """Return the process graph of a procedure (steps with duplicate ids keep the first)."""
    flow = build_flow(procedure.steps)
    rework = set(flow.back_edges())
    graph = nx.DiGraph(procedure=procedure.id)
    for step in procedure.steps:
        if step.id not in graph:
            graph.add_node(step.id, step=step, order=list(flow.successors[step.id]))
    for source, targets in flow.successors.items():
        for target in targets:
            graph.add_edge(source, target, rework=(source, target) in rework)
    return ProcessGraph(
        procedure,
        graph,
        flow.start,
        tuple(sorted(rework, key=lambda e: (flow.order.index(e[0]), flow.order.index(e[1])))),
    )
