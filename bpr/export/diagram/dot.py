"""DOT building blocks shared by the diagrams: escaping, wrapping, Japanese labels, colours.

Every label is an HTML-like label built from escaped text, so no inventory text can break the DOT
source or the SVG that Graphviz writes from it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

from bpr.export import palette
from bpr.export.palette import css
from bpr.inventory.enums import Actor, Measure, Medium
from bpr.inventory.models import Step
from bpr.inventory.vocabulary import MEDIUM_DIAGRAM_LABELS
from bpr.linebreak import wrap

# Lanes in their fixed order, left to right.
LANE_ORDER: tuple[Actor, ...] = (Actor.CITIZEN, Actor.COUNTER, Actor.BACK_OFFICE, Actor.SYSTEM, Actor.EXTERNAL)

# The one palette of the measures (bpr/export/palette.py), as the workbook and the report show them.
MEASURE_FILLS: dict[Measure, str] = {measure: css(colour) for measure, colour in palette.MEASURE_FILLS.items()}
MEASURE_BORDERS: dict[Measure, str] = {measure: css(colour) for measure, colour in palette.MEASURE_BORDERS.items()}

MEDIUM_FILLS: dict[Medium, str] = {
    Medium.PAPER: "#fff1bf",
    Medium.ELECTRONIC: "#d5e8ff",
    Medium.VERBAL: "#e3f3dc",
    Medium.NONE: "#ffffff",
}
MEDIUM_BORDERS: dict[Medium, str] = {
    Medium.PAPER: "#a07800",
    Medium.ELECTRONIC: "#1f5faf",
    Medium.VERBAL: "#4e8a3a",
    Medium.NONE: "#888888",
}
MEDIUM_SHAPES: dict[Medium, str] = {
    Medium.PAPER: "note",
    Medium.ELECTRONIC: "box",
    Medium.VERBAL: "ellipse",
    Medium.NONE: "box",
}

# Marks on a step: (label, fill) — white text on a strong colour.
SEAL_MARK = ("押印", "#c0392b")
IN_PERSON_MARK = ("来庁", "#d35400")
HANDWRITTEN_MARK = ("手書き", "#7d3c98")

MAIN_PATH_COLOR = "#222222"
BRANCH_COLOR = "#8a8a8a"
REWORK_COLOR = "#d62728"
LANE_LINE_COLOR = "#b8b8b8"
MUTED_TEXT = "#555555"


# XML 1.0 forbids most control characters and these two non-characters; Graphviz copies text into SVG.
# The characters of categories Cc (U+0000-001F, U+007F-009F) and Cs (the surrogates) but the line break:
# one substitution instead of a look-up per character (a tenth of drawing 2,000 swimlanes).
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text(value: str) -> str:
    """Return text escaped for an HTML-like label: markup, entities, backslashes and newlines."""
    kept = _UNPRINTABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    return "<BR/>".join(html.escape(line.replace("\\", "\\\\"), quote=True) for line in kept.split("\n"))


# Shown where a name shows nothing: Graphviz rejects an empty <B></B>, and a blank box would say nothing.
NO_NAME = "（名称なし）"
_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp"))


def visible(value: str) -> bool:
    """Tell whether text shows anything: not only blanks, control or format characters (U+200B, U+00AD)."""
    return any(unicodedata.category(ch) not in _INVISIBLE and ch not in "\ufffe\uffff" for ch in value)


def name_lines(value: str, width: int, max_lines: int, placeholder: str = NO_NAME) -> list[str]:
    """Return a name wrapped as `wrap` does, without the lines that show nothing; the placeholder if none shows."""
    shown = "\n".join(line for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n") if visible(line))
    lines = [line for line in wrap(shown, width, max_lines) if visible(line)] if shown else []
    return lines or [placeholder]


def format_minutes(minutes: float) -> str:
    """Return a duration in Japanese: 15分, 1.5時間, 3日."""
    if minutes >= 1440:
        return f"{_number(minutes / 1440)}日"
    if minutes >= 60:
        return f"{_number(minutes / 60)}時間"
    return f"{_number(minutes)}分"


def step_facts(step: Step) -> str:
    """Return the line under a step's name in a diagram: its medium, effort and wait ('紙 ・ 10分 ・ 待ち5分'), or ''."""
    facts = [MEDIUM_DIAGRAM_LABELS[step.medium]] if step.medium is not Medium.NONE else []
    if step.effort:
        facts.append(format_minutes(step.effort))
    if step.wait:
        facts.append(f"待ち{format_minutes(step.wait)}")
    return " ・ ".join(facts)


def _number(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def format_count(value: float) -> str:
    """Return an expected count as a reader writes it: 1, 1.1, and 1.04 where one decimal would hide the rest."""
    if abs(value - round(value)) < 0.005:
        return str(round(value))
    if round(value, 1) == round(value):
        return f"{value:.2f}"
    return _number(value)


def format_share(share: float) -> str:
    """Return the share of cases as a percentage: 10%, 0.5%, 0.1%未満 (never a 0% or 100% that is not exact)."""
    percent = share * 100
    if percent <= 0:
        return "0%"
    if percent < 0.1:
        return "0.1%未満"
    if share < 1 and round(percent, 1) >= 100:
        return "99.9%超"
    return f"{_number(percent)}%"


def round_hours(hours: float) -> float:
    """Return hours rounded as `format_hours` shows them: whole hours from 10, one decimal below."""
    return float(round(hours)) if hours >= 9.95 else round(hours, 1)


def format_hours(hours: float) -> str:
    """Return hours in Japanese: 1,234時間, 2.5時間 (one decimal below 10)."""
    shown = round_hours(hours)
    return f"{shown:,.0f}時間" if shown >= 10 else f"{_number(shown)}時間"


def format_fte(fte: float) -> str:
    """Return full-time staff (人工): 1.2人工, 0.05人工, 0.01人工未満."""
    if fte <= 0:
        return "0人工"
    if fte < 0.01:
        return "0.01人工未満"
    if fte < 0.095:
        return f"{fte:.2f}人工"
    return f"{_number(fte)}人工"


def format_volume(volume: int) -> str:
    """Return an annual volume in Japanese: 年間1,200件."""
    return f"年間{volume:,}件"


def badge(label: str, fill: str, size: int = 10) -> str:
    """Return an HTML-like table cell holding a small white-on-colour mark of a fixed size."""
    # Fixed size: Graphviz stretches nested tables to the cell, which would turn one mark into a bar.
    width = badge_width(label, size)
    return (
        f'<TD BGCOLOR="{fill}" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{size + 6}">'
        f'<FONT COLOR="#ffffff" POINT-SIZE="{size}">{text(label)}</FONT></TD>'
    )


def badge_row(marks: Sequence[tuple[str, str]], size: int = 10, spacing: int = 3) -> str:
    """Return a table of marks side by side, as wide as they are, so a wide cell does not spread them apart."""
    width = sum(badge_width(label, size) for label, _ in marks) + spacing * (len(marks) + 1)
    cells = "".join(badge(label, fill, size) for label, fill in marks)
    return (
        f'<TABLE BORDER="0" CELLSPACING="{spacing}" CELLPADDING="0" FIXEDSIZE="TRUE" WIDTH="{width}"'
        f' HEIGHT="{size + 6 + 2 * spacing}"><TR>{cells}</TR></TABLE>'
    )


def fixed_table(cells: Sequence[tuple[str, int]], align: str = "LEFT", spacing: int = 4, height: int = 22) -> str:
    """Return a one-row table of cells (HTML, width in points) as wide as they are, placed left or centred in its cell.

    Graphviz stretches a nested table to the cell it sits in and spreads the extra width over its cells,
    which would push a short row's marks apart under a long line; a fixed width keeps them together.
    `height` is the row's; the table adds its spacing around the row.
    """
    return (
        f'<TABLE BORDER="0" CELLSPACING="{spacing}" CELLPADDING="0" FIXEDSIZE="TRUE"'
        f' WIDTH="{fixed_width(cells, spacing)}" HEIGHT="{height + 2 * spacing}" ALIGN="{align}">'
        f"<TR>{''.join(cell for cell, _ in cells)}</TR></TABLE>"
    )


def fixed_width(cells: Sequence[tuple[str, int]], spacing: int = 4) -> int:
    """Return the width of a `fixed_table` of these cells."""
    return sum(w for _, w in cells) + spacing * (len(cells) + 1)


def text_width(value: str, size: int = 11) -> int:
    """Return the width in points that a line of text takes at a size, a little generously."""
    return round(_drawn_cells(value) * size * 0.54)


def badge_width(label: str, size: int) -> int:
    """Return the width in points of a mark: its text and a margin."""
    return round(_drawn_cells(label) * size * 0.55 + 10)


def _drawn_cells(value: str) -> int:
    """Return the width of text in half-width cells as a Japanese font draws it: ambiguous ①, ━ and ─ count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in value)


# What a font family name holds (bpr.config checks diagram.font the same way): letters and digits of any
# script, combining marks, spaces and - _ . + ( ). Graphviz copies the name into the SVG unescaped.
_FONT_PUNCTUATION = frozenset(" \u3000-_.+()")


def safe_font(font: str) -> str:
    """Return a font family name with only the characters a family name holds (sans-serif when none is left)."""
    kept = "".join(
        ch for ch in font if ch.isalnum() or ch in _FONT_PUNCTUATION or unicodedata.category(ch).startswith("M")
    )
    return " ".join(kept.split()) or "sans-serif"


class Html(str):
    """An HTML-like label, written to DOT as it is (its text must have gone through `text`)."""


class DotGraph:
    """A DOT digraph written as text: names and attribute values quoted, HTML-like labels kept as they are.

    Plain text rather than the `graphviz` package: the package splits edge ends at ':' into ports,
    takes any value between '<' and '>' on one line for HTML, and is several times slower here.
    """

    def __init__(
        self,
        name: str,
        font: str,
        rankdir: str = "TB",
        *,
        node_size: str = "12",
        edge_size: str = "10",
        **graph_attr: str,
    ) -> None:
        font = safe_font(font)
        self._lines = [f"digraph {quote(name)} {{"]
        self.attr("graph", charset="UTF-8", fontname=font, rankdir=rankdir, bgcolor="white", pad="0.3", **graph_attr)
        self.attr("node", fontname=font, fontsize=node_size)
        self.attr("edge", fontname=font, fontsize=edge_size)

    def attr(self, kind: str, **attrs: str) -> None:
        """Set default attributes of the graph, its nodes or its edges."""
        self._lines.append(f"\t{kind}{_attr_list(attrs)}")

    def node(self, name: str, preset: Attributes | None = None, /, **attrs: str) -> None:
        """Add a node (or set attributes of an existing one), with the attributes given or a preset list."""
        self._lines.append(f"\t{quote(name)}{_attr_list(attrs) if preset is None else preset}")

    def edge(self, tail: str, head: str, preset: Attributes | None = None, /, **attrs: str) -> None:
        """Add an edge, with the attributes given or a preset list."""
        self._lines.append(f"\t{quote(tail)} -> {quote(head)}{_attr_list(attrs) if preset is None else preset}")

    def open_subgraph(self, name: str, **attrs: str) -> None:
        """Start a subgraph (a cluster when its name starts with `cluster`): what follows is in it until `close_subgraph`."""
        self._lines.append(f"\tsubgraph {quote(name)} {{")
        self.attr("graph", **attrs)

    def close_subgraph(self) -> None:
        """End the subgraph `open_subgraph` started."""
        self._lines.append("\t}")

    def same_rank(self, names: Iterable[str], rank: str = "same") -> None:
        """Put nodes on one rank (rank "same"), or on the first or last rank ("min", "max")."""
        self._lines.append(f"\t{{rank={rank}; {' '.join(quote(name) for name in names)}}}")

    @property
    def source(self) -> str:
        """Return the DOT source."""
        return "\n".join([*self._lines, "}"]) + "\n"


def quote(value: str) -> str:
    """Return a DOT quoted string (backslashes and double quotes escaped, line breaks removed)."""
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")
    return f'"{value}"'


class Attributes(str):
    """An attribute list written once, for the many nodes or edges drawn alike (the lane grid of a swimlane)."""


def attributes(**attrs: str) -> Attributes:
    """Return the attribute list `node` and `edge` would write for these attributes, to pass them as a preset."""
    if not attrs:
        raise ValueError("a preset attribute list needs attributes")
    return Attributes(_attr_list(attrs))


def _attr_list(attrs: dict[str, str]) -> str:
    if not attrs:
        return ""
    items = " ".join(f"{key}={value if isinstance(value, Html) else quote(value)}" for key, value in attrs.items())
    return f" [{items}]"


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(number: int) -> str:
    """Return a trip number as a reader writes it: ① to ⑳, then (21)."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"
