"""The printed page: the scale a sheet prints at, and the rows where its pages break.

Excel and LibreOffice are told exactly how to print each sheet rather than left to fit it: a scale in
whole percent, computed here from the printed columns' widths ("fit to the page width" lets each
application choose its own scale, and they differ), and a manual break before every page, placed by
the rows' heights, which bpr sets itself. So a sheet prints on the same pages in both, and 概要's 目次
can say on which page each sheet starts. The scale never goes under MIN_SCALE: 10 pt text prints at
8 pt or more (tests/test_workbook_print.py renders the sample with LibreOffice and measures it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bpr.export.workbook.styles import ONE_LINE, PAPER_SIZES, header_footer_text

# A4 and A3 landscape, in points.
PAGE_POINTS = {"a4": (841.89, 595.28), "a3": (1190.55, 841.89)}
# Margins in inches. The header and footer sit inside the top and bottom margins.
LEFT = RIGHT = 0.4
TOP = 0.5
BOTTOM = 0.4
HEADER = FOOTER = 0.2
# A unit of column width prints 7 px (5.25 pt) in Excel, the digit width of its default font (Calibri
# 11) at 96 dpi, and 7.43 px in LibreOffice (Carlito's unrounded digit): 7.5 px, so that neither
# application pushes the last column onto a page of its own, also on a screen of more than 96 dpi.
POINTS_PER_UNIT = 7.5 * 0.75
MIN_SCALE = 80  # 10 pt text at 8 pt on paper
MAX_SCALE = 100
# The most column width (units) a sheet's printed columns may take on A4 and still print at MIN_SCALE.
PRINTED_WIDTH = math.floor((PAGE_POINTS["a4"][0] - (LEFT + RIGHT) * 72) * 100 / (POINTS_PER_UNIT * MIN_SCALE))
# The share of a page's height the rows are given: Excel rounds row heights to pixels and LibreOffice
# to its own units, so a page filled to the last point could break a row earlier in one of them.
FILL = 0.98
# Excel keeps at most 1,026 manual page breaks a sheet; past this many, the application breaks the
# rest of the pages itself (at the same scale) and the page numbers of later sheets are not given.
MAX_BREAKS = 1000


def print_scale(widths: Iterable[float], paper: str = "a4") -> int:
    """Return the scale (whole percent, at most 100) at which columns of these widths fill the page's width."""
    total = sum(widths) * POINTS_PER_UNIT
    printable = PAGE_POINTS[paper][0] - (LEFT + RIGHT) * 72
    if total <= 0:
        return MAX_SCALE
    return max(1, min(MAX_SCALE, math.floor(100 * printable / total)))


def printed_size(font_size: float, scale: int) -> float:
    """Return the size a font prints at, at a scale."""
    return font_size * scale / 100


def page_height(scale: int, paper: str = "a4") -> float:
    """Return how much row height (points, as the sheet sets it) one page holds at a scale."""
    usable = PAGE_POINTS[paper][1] - (TOP + BOTTOM) * 72
    return usable * FILL * 100 / scale


@dataclass(frozen=True)
class Pages:
    """Where a sheet's pages break: each break is the last row (1-based) of a page but the last."""

    breaks: tuple[int, ...]

    @property
    def count(self) -> int:
        """Return the number of pages."""
        return len(self.breaks) + 1

    @property
    def exact(self) -> bool:
        """Tell whether every page break is written into the sheet (see MAX_BREAKS)."""
        return len(self.breaks) <= MAX_BREAKS

    @property
    def written(self) -> tuple[int, ...]:
        """Return the breaks the sheet carries: all of them, or the first MAX_BREAKS."""
        return self.breaks[:MAX_BREAKS]


def paginate(
    heights: Sequence[float],
    capacity: float,
    *,
    head: int = 0,
    repeated: int = 0,
    groups: Iterable[int] = (),
    forced: Iterable[int] = (),
) -> Pages:
    """Return where pages break for rows of these heights (row 1 first) on pages that hold `capacity` points.

    The first `head` rows print on the first page only (a title, a note); the `repeated` rows after them
    print again at the top of every page (the header). A group (by the row that starts it: a heading and
    its table) that does not fit in what is left of a page starts the next one, when it fits on a page of
    its own; a `forced` row ends a page whatever is left.
    """
    room = capacity - sum(heights[head : head + repeated])
    ends = {row for row in forced if row < len(heights)}
    grouped = _group_heights(heights, set(groups), ends)
    breaks: list[int] = []
    used = sum(heights[:head])
    for index in range(head + repeated, len(heights)):
        row = index + 1
        height = heights[index]
        group = grouped.get(row)
        if used > 0 and (used + height > room or (group is not None and used + group > room >= group)):
            breaks.append(row - 1)
            used = 0.0
        used += height
        if row in ends:
            breaks.append(row)
            used = 0.0
    return Pages(tuple(breaks))


def _group_heights(heights: Sequence[float], starts: set[int], ends: set[int]) -> dict[int, float]:
    """Return each group's height by its first row: up to the next group, a forced end, or the last row."""
    bounds = sorted(starts | {end + 1 for end in ends} | {len(heights) + 1})
    found = {}
    for start, following in itertools.pairwise(bounds):
        if start in starts:
            found[start] = sum(heights[start - 1 : following - 1])
    return found


@dataclass(frozen=True)
class Printing:
    """How a sheet prints: its scale, its pages, and its first page's number in the workbook (None: not known)."""

    scale: int
    pages: Pages
    first_page: int | None = None
    total_pages: int | None = None


def set_printing(
    sheet: Any,
    printing: Printing,
    *,
    title: str,
    footer: str,
    title_rows: tuple[int, int] | None,
    paper: str = "a4",
    issuer: str = "",
) -> None:
    """Print a sheet on A4 (or A3) landscape at its scale, with its page breaks, title rows and page numbers.

    `title_rows` (first, last) print at the top of every page. The footer says `N / M ページ`, N and M of the whole workbook: each sheet's first page number is set, so
    that a sheet printed alone carries the numbers it has in the workbook.
    """
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.pagebreak import Break

    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = PAPER_SIZES[paper]
    setup.scale = printing.scale
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=LEFT, right=RIGHT, top=TOP, bottom=BOTTOM, header=HEADER, footer=FOOTER)
    sheet.sheet_format.defaultRowHeight = ONE_LINE
    sheet.sheet_format.customHeight = True
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    sheet.oddHeader.left.text = header_footer_text(title)
    if issuer:
        sheet.oddHeader.center.text = header_footer_text(issuer)
    sheet.oddHeader.right.text = "&A"
    sheet.oddFooter.left.text = header_footer_text(footer)
    if printing.first_page is not None and printing.total_pages is not None:
        setup.firstPageNumber = printing.first_page
        setup.useFirstPageNumber = True
        sheet.oddFooter.center.text = f"&P / {printing.total_pages} ページ"
    else:
        sheet.oddFooter.center.text = "&P / &N ページ"
    for row in printing.pages.written:
        sheet.row_breaks.append(Break(id=row))
