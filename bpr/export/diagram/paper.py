"""Diagrams on paper: a PDF page of A4 or A3 (landscape), the drawing scaled to it, text never under 8 pt.

Graphviz's cairo PDF makes the page as large as the drawing (`size` scales the drawing, `page` does
not paginate PDF), so the page is set with `viewport`: its width and height are the page's in points,
its zoom the scale, centred on the drawing. The scale is the largest that fits the page inside a
margin of about 10 mm, never above 1 (the sizes the diagram was designed at), and never so small that
the smallest text of the diagram (its smallest font size × the scale) goes under 8 pt. A drawing that
cannot keep 8 pt on the paper asked for goes on the next larger A size that can (A2, A1, A0, else a
page of its own size), and the fit says so, for a warning that names the diagram.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from bpr.export.diagram.render import Diagram

# ISO 216 sizes in points, landscape (width, height), smallest first.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (841.89, 595.28),
    "a3": (1190.55, 841.89),
    "a2": (1683.78, 1190.55),
    "a1": (2383.94, 1683.78),
    "a0": (3370.39, 2383.94),
}
PAPERS = ("a4", "a3")  # what --paper offers; the larger ones take what does not fit
MARGIN = 28.35  # 10 mm, in points, on every side
MIN_TEXT = 8.0  # points
_FONT_SIZE = re.compile(r'(?:POINT-SIZE|fontsize)="([\d.]+)"', re.IGNORECASE)


@dataclass(frozen=True)
class PaperFit:
    """A diagram set on paper: its source with the page, the paper it went on, the scale and its smallest text."""

    diagram: Diagram
    paper: str  # "a4" … "a0", or "WxHpt" when no A size holds it at 8 pt
    scale: float
    smallest_text: float  # points, after scaling
    asked: str  # the paper asked for

    @property
    def paper_label(self) -> str:
        """Return the paper as people name it: A4, A2, or 1300x900 pt."""
        return self.paper.upper() if self.paper in PAPER_SIZES else self.paper.replace("pt", " pt")

    @property
    def fits(self) -> bool:
        """Tell whether the diagram went on the paper asked for."""
        return self.paper == self.asked


def smallest_font(source: str) -> float:
    """Return the smallest font size a DOT source draws text at (Graphviz's default 14 when none is set)."""
    sizes = [float(size) for size in _FONT_SIZE.findall(source)]
    return min(sizes, default=14.0)


def fit_to_paper(diagram: Diagram, size: tuple[float, float], paper: str) -> PaperFit:
    """Return a diagram set on a landscape page of the paper: scaled to fit, its text never under 8 pt."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    width, height = max(size[0], 1.0), max(size[1], 1.0)
    smallest = smallest_font(diagram.source)
    least_scale = MIN_TEXT / smallest
    names = list(PAPER_SIZES)
    for name in names[names.index(paper) :]:
        page_width, page_height = PAPER_SIZES[name]
        scale = min((page_width - 2 * MARGIN) / width, (page_height - 2 * MARGIN) / height, 1.0)
        if scale >= least_scale:
            return PaperFit(_on_page(diagram, page_width, page_height, scale), name, scale, smallest * scale, paper)
    scale = min(least_scale, 1.0)
    page_width, page_height = width * scale + 2 * MARGIN, height * scale + 2 * MARGIN
    name = f"{round(page_width)}x{round(page_height)}pt"
    return PaperFit(_on_page(diagram, page_width, page_height, scale), name, scale, smallest * scale, paper)


def _on_page(diagram: Diagram, width: float, height: float, scale: float) -> Diagram:
    """Return the diagram with its page: a viewport of the page's size, zoomed to the scale, centred."""
    source = diagram.source.rstrip()
    end = source.rfind("}")
    page = f'\tgraph [pad="0" margin="0" viewport="{round(width)},{round(height)},{scale:.6f}"]\n'
    return dataclasses.replace(diagram, source=f"{source[:end]}{page}}}\n")
