"""Japanese line breaking: widths in terminal columns, and lines broken by 禁則 (kinsoku shori).

Lines break between phrases (文節), as BudouX finds them: 「被災者生活再建支援金の / 支給申請」, never
「被災者生活再建支援金の支 / 給申請」. A line never starts with a closing bracket or a 、。 (行頭禁則) nor
ends with an opening bracket (行末禁則); a Latin word is kept whole. A phrase longer than a line is cut
by characters under the same 禁則 rules. Used by the diagrams' labels, the workbook's cells and the help
at the terminal; BudouX is loaded only when Japanese text is first wrapped.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable


@functools.lru_cache(maxsize=65_536)  # the same phrases are measured again and again when a text is wrapped
def display_width(value: str) -> int:
    """Return the width of text in half-width cells (full-width characters count two)."""
    if value.isascii():
        return len(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in value)


def wrap(value: str, width: int = 24, max_lines: int = 3, *, hang: bool = True) -> list[str]:
    """Return text broken into lines of `width` cells (Japanese by phrase); a closing mark may hang 1 past it unless not `hang`."""
    lines: list[str] = []
    for paragraph in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, 2 if hang else 0))
    if (
        len(lines) > 1
        and display_width(lines[-1]) <= 2
        and display_width(lines[-2] + lines[-1]) <= width + (2 if hang else 0)
    ):
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


def _wrap_paragraph(paragraph: str, width: int, overhang: int = 2) -> list[str]:
    lines: list[str] = []
    line: list[str] = []  # the pieces of the line being filled
    used = 0
    for token in _tokens(paragraph, width):
        if token == " " and not line:
            continue
        size = display_width(token)
        # ぶら下げ: a closing mark that ends a piece may hang one character past the line.
        closing = len(token) - len(token.rstrip("".join(NO_LINE_START)))
        if line and used + size > width + min(overhang, display_width(token[len(token) - closing :])):
            head, opening = _hold_opening("".join(line).rstrip())
            lines.append(head)
            line = [opening] if opening else []
            if token != " ":
                line.append(token)
            used = display_width("".join(line))
        else:
            line.append(token)
            used += size
        if used > width + overhang:
            # A piece longer than a line: cut it by characters, never before a closing or after an opening mark.
            current = "".join(line)
            while display_width(current) > width + overhang:
                cut = _fit(current, width)
                while cut > 1 and (current[cut - 1] in NO_LINE_END or current[cut] in NO_LINE_START):
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
            line, used = [current], display_width(current)
    rest = "".join(line)
    if rest.strip() or not lines:
        lines.append(rest.rstrip())
    return lines


def _hold_opening(line: str) -> tuple[str, str]:
    """Return a line without the opening brackets it ends with, and those brackets."""
    cut = len(line)
    while cut > 1 and line[cut - 1] in NO_LINE_END:
        cut -= 1
    return line[:cut], line[cut:]


def _tokens(paragraph: str, width: int) -> Iterable[str]:
    """Yield the pieces a line may break between: spaces, Latin words, and Japanese phrases (文節).

    The phrases are BudouX's (a small model of where Japanese text may break, by Google). A phrase wider
    than a line is broken further, as before BudouX: a run of katakana (システム) and a Latin word stay
    whole, any other wide character may end a line.
    """
    for piece in _SPACE.split(paragraph):
        if not piece:
            continue
        if piece.isspace():
            yield " "
        elif any(display_width(ch) == 2 for ch in piece):
            for phrase in _phrases(piece):
                if display_width(phrase) > width:
                    yield from _glued(_pieces(phrase))
                else:
                    yield phrase
        else:
            yield piece


def _is_katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff"


def _pieces(text: str) -> Iterable[str]:
    """Yield each wide character alone, and runs of katakana or of narrow characters as one piece."""
    word = ""
    for ch in text:
        if _is_katakana(ch):
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


_SPACE = re.compile(r"(\s)")


@functools.cache
def _parser() -> Callable[[str], list[str]]:
    # Loaded when Japanese text is first wrapped (a help page, a diagram): not on every start of bpr.
    import budoux

    return budoux.load_default_japanese_parser().parse


def phrases(text: str) -> tuple[str, ...]:
    """Return the pieces a line of text may break between (BudouX's phrases, spaces and Latin words), in order."""
    return tuple(token for token in _tokens(text, 1_000_000) if token != " ")


@functools.lru_cache(maxsize=65_536)  # the workbook breaks one text at several widths (a name on four sheets)
def _phrases(text: str) -> tuple[str, ...]:
    """Return BudouX's phrases of a text, with the 禁則 marks moved onto the phrase they belong to."""
    return tuple(_glued(_parser()(text) or [text]))


def _glued(pieces: Iterable[str]) -> list[str]:
    """Return pieces of which none starts with a closing mark (・）」、) or ends with an opening one (（「)."""
    out: list[str] = []
    for piece in pieces:
        while out and piece and piece[0] in NO_LINE_START:
            out[-1] += piece[0]
            piece = piece[1:]
        while out and out[-1][-1] in NO_LINE_END:
            piece = out[-1][-1] + piece
            out[-1] = out[-1][:-1]
            if not out[-1]:
                out.pop()
        if piece:
            out.append(piece)
    return out


def _fit(value: str, width: int) -> int:
    used = 0
    for index, ch in enumerate(value):
        used += display_width(ch)
        if used > width:
            return max(index, 1)
    return len(value)
