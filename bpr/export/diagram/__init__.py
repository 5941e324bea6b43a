"""Graphviz flow diagrams: a swimlane per procedure and an overview per counter.

`collect_diagrams` turns an analysis into DOT sources (no Graphviz needed); `render_diagrams` writes
them as SVG, PNG, PDF or DOT files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from bpr.analysis.planned import Planned, planned_measures
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
from bpr.export.diagram.slides import Slide, slide_diagrams
from bpr.export.diagram.swimlane import swimlane_source
from bpr.export.filenames import MAX_STEM_CHARS, safe_stem, unique_stems
from bpr.i18n import _
from bpr.inventory.models import Counter
from bpr.inventory.rules.base import did_you_mean

# The longest file stem a diagram gets (bpr/export/filenames.py: leaves room for the folders on Windows).
MAX_FILE_STEM_CHARS = MAX_STEM_CHARS

__all__ = [
    "FORMATS",
    "MAX_FILE_STEM_CHARS",
    "RENDERED_FORMATS",
    "Diagram",
    "GraphvizNotFound",
    "RenderError",
    "Selection",
    "Slide",
    "UnknownId",
    "collect_diagrams",
    "collect_slides",
    "counter_file_name",
    "diagram_count",
    "diagram_file_name",
    "diagram_stems",
    "find_dot",
    "iter_diagrams",
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
    # Each procedure's measures as the roadmap holds them (a fixed plan wins), as every title names them.
    planned: Mapping[str, Planned] = field(default_factory=dict)


def diagram_file_name(procedure_id: str) -> str:
    """Return the file name (without extension) of a procedure's diagram: its id, made safe for Windows when it is not.

    An id of the format (a slug) is its own name unless Windows reserves it (``con`` gives ``_con``) or
    it is too long (the beginning of it, '.', and a hash of it); none of these equals another slug.
    """
    return safe_stem(procedure_id, fallback="procedure")


def counter_file_name(counter_id: str) -> str:
    """Return the file name (without extension) of a counter's overview."""
    return safe_stem(f"counter-{counter_id}", fallback="counter")


def select_diagrams(
    analysis: Analysis, procedure_ids: Sequence[str] = (), counter_ids: Sequence[str] = ()
) -> Selection:
    """Return what to draw: everything without filters; else the named procedures, and the named counters with theirs."""
    by_counter: dict[str, tuple[Counter, list[ScoredProcedure]]] = {}
    for item in analysis.procedures:
        by_counter.setdefault(item.counter.id, (item.counter, []))[1].append(item)
    known = {item.id for item in analysis.procedures}
    unknown = [
        _("no procedure '{id}'{hint}").format(id=pid, hint=did_you_mean(pid, known))
        for pid in procedure_ids
        if pid not in known
    ]
    unknown += [
        _("no counter '{id}'{hint}").format(id=cid, hint=did_you_mean(cid, by_counter))
        for cid in counter_ids
        if cid not in by_counter
    ]
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
    return Selection(procedures, counters, planned_measures(procedures, analysis.roadmap))


def _stems(selection: Selection) -> list[str]:
    # Procedures name their files first, so a procedure keeps <id> even where a counter's overview would
    # be the same file (a procedure whose id is counter-<counter id>): the overview gets a hash instead.
    return unique_stems(
        [*(item.id for item in selection.procedures), *(f"counter-{counter.id}" for counter, _ in selection.counters)]
    )


def diagram_stems(selection: Selection) -> dict[str, str]:
    """Return the file stem of each selected procedure's diagram, by procedure id (as collect_diagrams names them)."""
    return dict(zip((item.id for item in selection.procedures), _stems(selection), strict=False))


def collect_diagrams(
    analysis: Analysis, selection: Selection, font: str, *, direction: str = "TB", back_link: str | None = None
) -> list[Diagram]:
    """Return the DOT sources of the selected swimlanes (top to bottom or left to right) and counter overviews.

    `back_link`, the workbook's path relative to the diagrams' folder, is linked from each swimlane's title.
    """
    return list(iter_diagrams(analysis, selection, font, direction=direction, back_link=back_link))


def iter_diagrams(
    analysis: Analysis, selection: Selection, font: str, *, direction: str = "TB", back_link: str | None = None
) -> Iterator[Diagram]:
    """Give the diagrams of `collect_diagrams` one at a time (`diagram_count` of them), each made when asked for.

    `render_diagrams` takes them so: 10,000 DOT sources are never all in memory, and dot draws the first meanwhile.
    """
    names = _stems(selection)
    split = len(selection.procedures)
    for name, item in zip(names[:split], selection.procedures, strict=True):
        source = swimlane_source(
            item,
            font,
            analysis.hours_per_fte,
            roadmap=analysis.roadmap,
            direction=direction,
            back_link=back_link,
            planned=selection.planned.get(item.id),
        )
        yield Diagram(name, source, procedure=item.id)
    for name, (counter, items) in zip(names[split:], selection.counters, strict=True):
        yield Diagram(
            name, overview_source(counter, items, font, analysis.roadmap, selection.planned), counter=counter.id
        )


def diagram_count(selection: Selection) -> int:
    """Return how many diagrams `iter_diagrams` gives for a selection: a swimlane a procedure, an overview a counter."""
    return len(selection.procedures) + len(selection.counters)


def collect_slides(selection: Selection, font: str, workers: int | None = None) -> list[Slide]:
    """Return the 16:9 slides of the selected procedures, named after their diagrams (<stem>.slide, <stem>.slide-1 …).

    dot lays every candidate layout out to measure it, so this needs Graphviz even for DOT sources.
    """
    stems = diagram_stems(selection)
    return slide_diagrams(
        selection.procedures, [stems[item.id] for item in selection.procedures], font, workers, selection.planned
    )
