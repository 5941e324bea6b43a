"""Slides fitted to 16:9: each procedure on one slide or more, every text 12 pt or more on 1280 × 720 px.

A slide is 1280 × 720 px at 96 dpi: 960 × 540 pt, or 13.33 × 7.5 in, PowerPoint's 16:9. A procedure's
main path is laid out in 1, 2 or 3 rows of equal columns; dot lays each choice out (`-Tplain`, every
procedure's choices together, batched as rendering is), and the one drawn is the choice whose text
comes out largest once scaled into the slide's margins. The scale is never so small that the smallest text (12 pt) goes under 12 pt,
so never below 1, and at most 1.5 (a short flow stays a reasonable size rather than blown up). When no
choice keeps 12 pt, the main path is split into consecutive parts of equal length, 2, 3 … slides, each
titled with its place in the whole (婚姻届 (1/2), 主な流れ9工程を2枚に分割: この1枚目は工程1〜5).

The page is set as for paper (bpr/export/diagram/paper.py): `viewport="960,540,Z"` centred on the
drawing, so every output (SVG, PNG at 96 dpi, PDF) is exactly the slide's size.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bpr.analysis.graph import build_process_graph
from bpr.analysis.outline import Outline, outline_flow
from bpr.analysis.planned import Planned, planned_one
from bpr.analysis.results import ScoredProcedure
from bpr.analysis.trips import trip_numbers
from bpr.export.diagram.paper import smallest_font
from bpr.export.diagram.render import Diagram, measure_diagrams
from bpr.export.diagram.slide import slide_source
from bpr.export.diagram.slidepart import SlidePart, part_bounds
from bpr.export.filenames import safe_stem
from bpr.inventory.models import Step

SLIDE_WIDTH, SLIDE_HEIGHT = 960.0, 540.0  # points: 1280 × 720 px at 96 dpi
MARGIN = 14.0  # points on every side
MIN_TEXT = 12.0  # points, on the slide
MAX_ZOOM = 1.5
MAX_ROWS = 3
MAX_PER_ROW = 6


@dataclass(frozen=True)
class Slide:
    """A slide to write: its diagram (source with its page), what it shows and how large its smallest text is."""

    diagram: Diagram
    part: SlidePart
    zoom: float
    smallest_text: float  # points on the slide

    @property
    def fits(self) -> bool:
        """Tell whether every text on the slide is 12 pt or more."""
        return self.smallest_text >= MIN_TEXT - 1e-9


@dataclass(frozen=True)
class _Flow:
    """What a procedure's slides are drawn from."""

    item: ScoredProcedure
    stem: str
    outline: Outline
    steps: dict[str, Step]
    trips: dict[str, int]
    planned: Planned


def slide_file_name(stem: str, part: SlidePart) -> str:
    """Return a slide's file stem: <stem>.slide, or <stem>.slide-1, -2 … when the procedure takes several."""
    # No slug holds a dot, so no slide can be named as a procedure's diagram (<id>.svg) is.
    suffix = ".slide" if part.count == 1 else f".slide-{part.number}"
    return safe_stem(f"{stem}{suffix}", fallback="slide")


def slide_diagrams(
    items: Sequence[ScoredProcedure],
    stems: Sequence[str],
    font: str,
    workers: int | None = None,
    planned: Mapping[str, Planned] | None = None,
) -> list[Slide]:
    """Return the slides of the procedures (file stems given), each fitted to 16:9 with text of 12 pt or more.

    A procedure that cannot keep 12 pt even one step to a slide is drawn one step to a slide at the
    largest scale that fits; its slides say `fits` False.
    """
    flows = [
        _flow(item, stem, (planned or {}).get(item.id) or planned_one(item, None))
        for item, stem in zip(items, stems, strict=True)
    ]
    chosen: dict[int, list[Slide]] = {}
    counts = {index: _least_count(len(flow.outline.main_path)) for index, flow in enumerate(flows)}
    while counts:
        # Every candidate layout of every procedure still open, laid out by dot in one batch.
        candidates = {
            index: [_layout(flows[index], font, count, per_row) for per_row in _row_lengths(flows[index], count)]
            for index, count in counts.items()
        }
        sources = [
            (flows[index].item.id, source)
            for index, layouts in candidates.items()
            for layout in layouts
            for _, source in layout
        ]
        # Named by number (a procedure has several candidates); a failure names the procedure.
        layouts_to_measure = [Diagram(str(n), source, procedure=pid) for n, (pid, source) in enumerate(sources)]
        sizes = measure_diagrams(layouts_to_measure, workers)
        measured = iter(sizes[str(number)] for number in range(len(sources)))
        following = {}
        for index, layouts in candidates.items():
            fitted = [[_fitted(part, source, next(measured)) for part, source in layout] for layout in layouts]
            best = max(fitted, key=_smallest)  # the first of equals: fewer rows
            if _smallest(best) >= MIN_TEXT - 1e-9 or counts[index] >= len(flows[index].outline.main_path):
                chosen[index] = best
            else:
                following[index] = counts[index] + 1
        counts = following
    return [
        dataclasses.replace(
            slide,
            diagram=Diagram(slide_file_name(flow.stem, slide.part), slide.diagram.source, procedure=flow.item.id),
        )
        for index, flow in enumerate(flows)
        for slide in chosen[index]
    ]


def _flow(item: ScoredProcedure, stem: str, planned: Planned) -> _Flow:
    process = build_process_graph(item.procedure)
    main_path = item.figures.main_path
    return _Flow(
        item,
        stem,
        outline_flow(process.flow, main_path),
        process.steps,
        trip_numbers(process.flow, process.steps, main_path),
        planned,
    )


def _least_count(steps: int) -> int:
    """Return the fewest slides a main path of this many steps can take: rows and columns are limited."""
    return max(1, math.ceil(steps / (MAX_ROWS * MAX_PER_ROW)))


def _row_lengths(flow: _Flow, count: int) -> list[int]:
    """Return the row lengths to try for a split in `count` parts: one for 1, 2 and 3 rows, each fitting a row."""
    longest = math.ceil(len(flow.outline.main_path) / count)
    lengths = dict.fromkeys(math.ceil(longest / rows) for rows in range(1, MAX_ROWS + 1))
    fitting = [length for length in lengths if length <= MAX_PER_ROW]
    return fitting or [MAX_PER_ROW]


_Layout = list[tuple[SlidePart, str]]


def _layout(flow: _Flow, font: str, count: int, per_row: int) -> _Layout:
    """Return the parts of a layout and their DOT sources (no page yet)."""
    steps = len(flow.outline.main_path)
    parts = [
        SlidePart(number, count, start, stop, per_row, steps)
        for number, (start, stop) in enumerate(part_bounds(steps, count), start=1)
    ]
    return [
        (part, slide_source(flow.item, flow.outline, flow.steps, flow.trips, font, part, flow.planned))
        for part in parts
    ]


def _fitted(part: SlidePart, source: str, size: tuple[float, float]) -> Slide:
    """Return a slide set on its page at the largest zoom its margins allow."""
    width, height = max(size[0], 1.0), max(size[1], 1.0)
    zoom = min((SLIDE_WIDTH - 2 * MARGIN) / width, (SLIDE_HEIGHT - 2 * MARGIN) / height, MAX_ZOOM)
    return Slide(_on_slide(Diagram("", source), zoom), part, zoom, smallest_font(source) * zoom)


def _smallest(slides: list[Slide]) -> float:
    return min(slide.smallest_text for slide in slides)


def _on_slide(diagram: Diagram, zoom: float) -> Diagram:
    """Return the diagram with its page: the slide's size, the drawing zoomed and centred."""
    source = diagram.source.rstrip()
    end = source.rfind("}")
    page = f'\tgraph [pad="0" margin="0" viewport="{SLIDE_WIDTH:g},{SLIDE_HEIGHT:g},{zoom:.6f}"]\n'
    return dataclasses.replace(diagram, source=f"{source[:end]}{page}}}\n")
