"""Where a wrapped cell's text breaks: explicit line breaks between Japanese phrases, computed from the column width.

Excel and LibreOffice wrap Japanese text at any character: 「被災者生活再建支援金の支 / 給申請」, a line
starting with 「）・」. A wrapped cell of the workbook therefore carries its own line breaks ("\\n"), put
between phrases (BudouX) under 禁則 by `bpr.linebreak.wrap`, at a width every line fits in both
applications; the row is then exactly as many lines tall as the text has. A line is measured on the wide
side: a full-width character as two units of column width (it prints 13.3 px at 10 pt, a unit 7 px), any
other character as NARROW units (LibreOffice sets Latin text and digits in DejaVu Sans, wider than
Excel's fonts), so that neither application wraps a line again.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable

from bpr.export.workbook.styles import FONT_SIZE, LINE_PADDING, LINE_SPACING, ONE_LINE, CellFormat, text_width
from bpr.linebreak import phrases, wrap

NARROW = 1.25  # units of column width a Latin capital or a digit may take on paper (DejaVu Sans Bold's 0)
NO_LIMIT = 1_000_000  # lines: wrap never cuts the text
ELLIPSIS = "…"
# Units a cell keeps free beside its text: Excel and LibreOffice leave about 2 px each side.
CELL_MARGIN = 0.5
# A word that cannot break (オンライン化) may run this share over the measure, which counts a full-width
# character as 2 units where it prints 1.9 in Excel and 1.8 in LibreOffice: better whole than cut.
WORD_SLACK = 1.06
# What other characters may take, in units: at 10 pt a unit is 7.43 px in LibreOffice, an em 13.3 px.
_WIDTHS = {
    **dict.fromkeys(" ", 0.6),
    **dict.fromkeys("()[]/,.:;'!|-", 0.75),
    **dict.fromkeys("abcdefghijklnopqrstuvxyz", 1.15),
    **dict.fromkeys("%mwMW@", 1.8),
}


@functools.lru_cache(maxsize=65_536)
def printed_width(text: str) -> float:
    """Return the width a line of text may take in a cell, in units of column width, on the wide side.

    A full-width character takes two units, and so does one of ambiguous width (…, ○), full-width in
    Japanese fonts.
    """
    total = 0.0
    for ch in text:
        if ch in _WIDTHS:
            total += _WIDTHS[ch]
        elif ch.isascii():
            total += NARROW
        else:
            total += 2.0 if unicodedata.east_asian_width(ch) in "WFA" else NARROW
    return total


@functools.lru_cache(maxsize=65_536)
def broken(text: str, width: float) -> str:
    """Return a text with a line break wherever it must wrap in a cell of `width`, between phrases, lines kept."""
    usable = width - CELL_MARGIN
    if text_width(text) * NARROW <= usable:  # fits as it is (each line): the usual case, measured quickly
        return text
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(_wrapped(line, usable))
    return "\n".join(lines)


def _wrapped(line: str, usable: float) -> list[str]:
    """Return one line broken into lines that each fit `usable` units."""
    width = printed_width(line)
    if width <= usable or (width <= usable * WORD_SLACK and len(phrases(line)) == 1):
        return [line]
    cells = max(2, math.floor(usable))
    while True:
        lines = wrap(line, cells, NO_LIMIT)
        widest = max(printed_width(part) for part in lines)
        if len(lines) > 1 and min(len(part) for part in lines) == 1:
            return _balanced(line, usable)  # a phrase parsed oddly (保 / 険年金課): no lone character
        if cells <= 2 or widest <= usable:
            return lines
        # Latin text prints wider than wrap counts it: narrower lines, in proportion to the overshoot.
        cells = max(2, min(cells - 1, math.floor(cells * usable / widest)))


def _balanced(line: str, usable: float) -> list[str]:
    """Return a line cut by characters into as few lines of nearly equal length as fit (保険年 / 金課)."""
    count = 2
    while True:
        size = math.ceil(len(line) / count)
        parts = [line[start : start + size] for start in range(0, len(line), size)]
        if size <= 1 or all(printed_width(part) <= usable for part in parts):
            return parts
        count += 1


@functools.lru_cache(maxsize=65_536)
def cut_to_line(text: str, width: float) -> str:
    """Return a text's first line as it fits in one line of a cell of `width`, cut after a phrase with … when longer."""
    usable = width - CELL_MARGIN
    first = text.split("\n", 1)[0]
    if printed_width(first) <= usable and first == text:
        return text
    cells = max(2, math.floor(usable))
    while True:
        line = wrap(first, cells, NO_LIMIT)[0]
        cut = line if line == first and first == text else line.rstrip("、・: ") + ELLIPSIS
        if cells <= 2 or printed_width(cut) <= usable:
            return cut
        cells -= 1


def row_height(cells: Iterable[tuple[object, CellFormat]]) -> float | None:
    """Return the height of a row whose wrapped cells carry their line breaks, or None when one line fits (ONE_LINE)."""
    height = ONE_LINE
    for value, fmt in cells:
        if value is None or value == "" or (not fmt.wrap and fmt.size <= FONT_SIZE):
            continue
        lines = str(value).count("\n") + 1 if fmt.wrap else 1
        height = max(height, lines * fmt.size * LINE_SPACING + LINE_PADDING)
    return None if height <= ONE_LINE else round(min(height, MAX_ROW_HEIGHT), 1)


# Excel's tallest row (points): a taller cell is cut, on screen and on paper, and a page always holds a row.
MAX_ROW_HEIGHT = 409.0
BULLET = "・"
ITEM_GAP = " "  # a space between two items on one line (the bullet sets them apart)


def packed(items: Iterable[str], width: float, bullet: str = BULLET) -> str:
    """Return short texts as one wrapped cell, a paragraph of ・A ・B …, its lines broken between phrases.

    Several items share a line, so that a cell of many short ones takes a few lines, not one a line; each
    starts with its bullet wherever it falls on a line.
    """
    return broken(ITEM_GAP.join(bullet + " ".join(item.split("\n")) for item in items), width)
