"""Japanese line breaking: widths in terminal columns, and lines broken by 禁則 (kinsoku shori).

A line never starts with a closing bracket or a 、。 (行頭禁則) nor ends with an opening bracket (行末禁則);
a run of katakana (システム, マイナンバーカード) and a Latin word are kept whole unless longer than a
line. Used by the diagrams' labels, the workbook's cells and the help at the terminal. Light on purpose
(the standard library only): `bpr --help` imports it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def display_width(value: str) -> int:
    """Return the width of text in half-width cells (full-width characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in value)


def wrap(value: str, width: int = 24, max_lines: int = 3) -> list[str]:
    """Return text broken into lines of at most `width` cells, Latin words kept whole, ellipsis past `max_lines`."""
    lines: list[str] = []
    for paragraph in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width))
    if len(lines) > 1 and display_width(lines[-1]) <= 2 and display_width(lines[-2] + lines[-1]) <= width + 2:
        lines[-2:] = [lines[-2] + lines[-1]]  # no lone character on the last line
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and display_width(last) > width - 1:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


# Characters a Japanese line must not start with (行頭禁則): they stay on the line before.
NO_LINE_START = frozenset("、。，．・：；？！ー）」』】〕〉》｝］)]}!?,.:;%")
# Characters a line must not end with (行末禁則): they go to the next line.
NO_LINE_END = frozenset("（「『【〔〈《｛［([{")


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    lines: list[str] = []
    current, used = "", 0
    for token in _tokens(paragraph):
        size = display_width(token)
        if token == " " and not current:
            continue
        if current and token[0] in NO_LINE_START and used + size <= width + 2:
            current, used = current + token, used + size
        elif current and used + size > width:
            head, carried = _hold_opening(current.rstrip())
            lines.append(head)
            current = carried if token == " " else carried + token
            used = display_width(current)
        else:
            current, used = current + token, used + size
        while used > width + 2:
            cut = _fit(current, width)
            while cut > 1 and (current[cut - 1] in NO_LINE_END or current[cut] in NO_LINE_START):
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
            used = display_width(current)
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _hold_opening(line: str) -> tuple[str, str]:
    """Return a line without the opening brackets it ends with, and those brackets."""
    cut = len(line)
    while cut > 1 and line[cut - 1] in NO_LINE_END:
        cut -= 1
    return line[:cut], line[cut:]


def _is_katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff"


def _tokens(paragraph: str) -> Iterable[str]:
    """Yield the pieces a line may break between: spaces, each wide character, and words.

    A run of katakana (システム, マイナンバーカード) is one word, kept whole unless longer than a line.
    """
    word = ""
    for ch in paragraph:
        if ch.isspace():
            if word:
                yield word
                word = ""
            yield " "
        elif _is_katakana(ch):
            if word and not _is_katakana(word[-1]):
                yield word
                word = ""
            word += ch
        elif display_width(ch) == 2:
            if word:
                yield word
                word = ""
            yield ch
        else:
            if word and _is_katakana(word[-1]):
                yield word
                word = ""
            word += ch
    if word:
        yield word


def _fit(value: str, width: int) -> int:
    used = 0
    for index, ch in enumerate(value):
        used += display_width(ch)
        if used > width:
            return max(index, 1)
    return len(value)
