"""Graphviz flow diagrams: a swimlane per procedure and an overview per counter.

`collect_diagrams` turns an analysis into DOT sources (no Graphviz needed); `render_diagrams` writes
them as SVG, PNG, PDF or DOT files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bpr.analysis.results import Analysis, ScoredProcedure
from bpr.export.diagram.overview import overview_source
from bpr.export.diagram.render import (
    FORMATS,
    RENDERED_FORMATS,
    Diagram,
    GraphvizNotFound,
    RenderError,
    find_dot,
    render_diagrams,
)
from bpr.export.diagram.swimlane import swimlane_source
from bpr.inventory.models import Counter
from bpr.inventory.rules.base import did_you_mean

__all__ = [
    "FORMATS",
    "MAX_FILE_STEM_CHARS",
    "RENDERED_FORMATS",
    "Diagram",
    "GraphvizNotFound",
    "RenderError",
    "Selection",
    "UnknownId",
    "collect_diagrams",
    "counter_file_name",
    "diagram_file_name",
    "find_dot",
    "render_diagrams",
    "select_diagrams",
]


class UnknownId(Exception):
    """A --procedure or --counter filter names an id the inventory does not have."""


@dataclass(frozen=True)
class Selection:
    """The procedures and counters to draw."""

    procedures: tuple[ScoredProcedure, ...]
    counters: tuple[tuple[Counter, tuple[ScoredProcedure, ...]], ...]


# File systems hold names of 255 bytes; ids are ASCII slugs of any length. 200 leaves room for the
# extension and for the names of the staging folder's files.
MAX_FILE_STEM_CHARS = 200
_HASH_CHARS = 12


def diagram_file_name(name: str) -> str:
    """Return a file name (without extension) for a diagram: the name itself, or a prefix and a hash of it when long."""
    if len(name.encode("utf-8")) <= MAX_FILE_STEM_CHARS:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    prefix = name.encode("utf-8")[: MAX_FILE_STEM_CHARS - _HASH_CHARS - 1].decode("utf-8", errors="ignore")
    return f"{prefix}-{digest}"


def counter_file_name(counter_id: str) -> str:
    """Return the file name (without extension) of a counter's overview."""
    return diagram_file_name(f"counter-{counter_id}")


def select_diagrams(
    analysis: Analysis, procedure_ids: Sequence[str] = (), counter_ids: Sequence[str] = ()
) -> Selection:
    """Return what to draw: everything without filters; else the named procedures, and the named counters with theirs."""
    by_counter: dict[str, tuple[Counter, list[ScoredProcedure]]] = {}
    for item in analysis.procedures:
        by_counter.setdefault(item.counter.id, (item.counter, []))[1].append(item)
    known = {item.id for item in analysis.procedures}
    unknown = [f"no procedure '{pid}'{did_you_mean(pid, known)}" for pid in procedure_ids if pid not in known]
    unknown += [f"no counter '{cid}'{did_you_mean(cid, by_counter)}" for cid in counter_ids if cid not in by_counter]
    if unknown:
        raise UnknownId("; ".join(unknown))
    everything = not procedure_ids and not counter_ids
    wanted_counters = set(by_counter) if everything else set(counter_ids)
    procedures = tuple(
        item
        for item in analysis.procedures
        if everything or item.id in procedure_ids or item.counter.id in wanted_counters
    )
    counters = tuple((counter, tuple(items)) for cid, (counter, items) in by_counter.items() if cid in wanted_counters)
    return Selection(procedures, counters)


def collect_diagrams(analysis: Analysis, selection: Selection, font: str, *, direction: str = "TB") -> list[Diagram]:
    """Return the DOT sources of the selected swimlanes (top to bottom or left to right) and counter overviews."""
    diagrams = [
        Diagram(
            diagram_file_name(item.id),
            swimlane_source(item, font, analysis.hours_per_fte, roadmap=analysis.roadmap, direction=direction),
        )
        for item in selection.procedures
    ]
    diagrams += [
        Diagram(counter_file_name(counter.id), overview_source(counter, items, font, analysis.roadmap))
        for counter, items in selection.counters
    ]
    return diagrams
