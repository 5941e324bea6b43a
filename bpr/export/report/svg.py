"""A procedure's flow diagram inside its page: the SVG that Graphviz wrote, checked and written again.

Graphviz draws from escaped DOT (bpr/export/diagram/dot.py), so its SVG holds inventory text only as
text. The page still takes nothing from it on trust: the SVG is parsed (no entity may be declared) and
written anew from a list of drawing elements and presentation attributes. Scripts, event attributes,
links, styles, paint servers (url(…)), foreign content and anything unknown are dropped, and every text
and attribute value is escaped again.

What is left draws the same in about 40 % of the bytes, which keeps the report of 10,000 procedures
under 200 MB: no comments, ids, tooltips, font names (the page's CSS gives the system's fonts) or
namespace URLs (inline SVG in HTML needs none); coordinates in whole points, moved by Graphviz's
translate so that they need no minus sign; groups that set nothing unwrapped; Graphviz's straight lane
segments drawn alike joined into one path. The classes of Graphviz's nodes and clusters stay.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from xml.parsers import expat

from markupsafe import Markup, escape

from bpr.export.diagram import diagram_file_name

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ELEMENTS = frozenset({"svg", "g", "polygon", "polyline", "path", "ellipse", "circle", "rect", "line", "text", "tspan"})
X_KEYS = frozenset({"x", "cx", "x1", "x2"})
Y_KEYS = frozenset({"y", "cy", "y1", "y2"})
SIZES = frozenset({"width", "height", "viewBox", "r", "rx", "ry", "font-size", "transform", "dx", "dy"})
STYLES = frozenset(
    {
        "class",
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-dasharray",
        "stroke-opacity",
        "opacity",
        "font-weight",
        "font-style",
        "text-anchor",
        "text-decoration",
        "baseline-shift",
    }
)
ATTRIBUTES = X_KEYS | Y_KEYS | SIZES | STYLES | {"points", "d"}
# Presentation attributes that a shared stylesheet carries instead: the same few fills, strokes and text
# sizes repeat on every shape of every diagram; each combination becomes one class of report.css.
STYLED = (STYLES - {"class"}) | {"font-size"}
DEFAULTS = frozenset({("text-anchor", "start")})  # what SVG assumes anyway, on almost every text of Graphviz
KEPT_CLASSES = frozenset({"node", "cluster"})
LEGEND_NODE = "_legend"  # bpr/export/diagram/swimlane.py: LEGEND
LEGEND_GAP = (
    4  # points kept under the lowest lane  # what a reader (or a test) picks out; edges and the graph need none
)
# The transform Graphviz puts on its one top group: moved into the coordinates instead.
_GRAPHVIZ_TRANSFORM = re.compile(r"scale\(1 1\) rotate\(0\) translate\((-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)\)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_NUMBER_PARTS = re.compile(f"({_NUMBER.pattern})")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_CUBIC = re.compile(r"M(-?\d+),(-?\d+)C(-?\d+),(-?\d+) (-?\d+),(-?\d+) (-?\d+),(-?\d+)")
_SHORT_COLOUR = re.compile(r"#([0-9a-fA-F])\1([0-9a-fA-F])\2([0-9a-fA-F])\3")
_PAIR_COMMANDS = frozenset("MLCSQT")
_ESCAPED = re.compile(r"[&<>'\"]")  # what markupsafe's escape replaces

Offset = tuple[float, float] | None
# The attributes whose values move with Graphviz's translate; the others are the same wherever they are.
_MOVED = X_KEYS | Y_KEYS | {"points", "d"}
_SINGLE_SHIFT = {**dict.fromkeys(X_KEYS, 0), **dict.fromkeys(Y_KEYS, 1)}  # which part of the offset moves them

# What a presentation value may be, parsed rather than searched (issue 24, item 10): `u\72l(…)` passed a
# textual test for `url(`, and a font-size of `12;}body{…}` went into report.css. Numbers, colours and
# the keywords Graphviz writes only; anything else is dropped.
_CSS_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:px|pt)?")
_CSS_COLOUR = re.compile(r"none|currentColor|#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}")
CSS_VALUES: dict[str, re.Pattern[str]] = {
    "fill": _CSS_COLOUR,
    "stroke": _CSS_COLOUR,
    "fill-opacity": _CSS_NUMBER,
    "stroke-opacity": _CSS_NUMBER,
    "opacity": _CSS_NUMBER,
    "stroke-width": _CSS_NUMBER,
    "font-size": _CSS_NUMBER,
    "stroke-dasharray": re.compile(r"none|\d+(?:\.\d+)?(?:[ ,]+\d+(?:\.\d+)?)*"),
    "font-weight": re.compile(r"normal|bold|bolder|lighter|[1-9]00"),
    "font-style": re.compile(r"normal|italic|oblique"),
    "text-anchor": re.compile(r"start|middle|end"),
    "text-decoration": re.compile(r"none|underline|overline|line-through"),
    "baseline-shift": re.compile(r"sub|super|baseline|-?\d+(?:\.\d+)?%?"),
}


class SvgStyles:
    """The presentation of every diagram of a report as classes (s0, s1, …) for one stylesheet.

    Classes are numbered as combinations first appear: the same inventory gives the same classes.
    """

    def __init__(self) -> None:
        self.classes: dict[tuple[tuple[str, str], ...], str] = {}

    def name(self, style: tuple[tuple[str, str], ...]) -> str:
        """Return the class of a combination of presentation attributes."""
        if style not in self.classes:
            self.classes[style] = f"s{len(self.classes)}"
        return self.classes[style]

    def css(self) -> str:
        """Return the stylesheet rules of every class handed out."""
        rules = []
        for style, name in self.classes.items():
            body = ";".join(f"{key}:{value}px" if key == "font-size" else f"{key}:{value}" for key, value in style)
            rules.append(f"svg.flow .{name}{{{body}}}")
        return "\n".join(rules) + ("\n" if rules else "")


class UnsafeSvg(Exception):
    """The SVG could not be read as plain XML (or declares entities): it is not shown."""


def diagram_markup(
    folder: Path | None,
    procedure_id: str,
    title: str,
    styles: SvgStyles | None = None,
    made: Callable[[bytes, str, SvgStyles], Markup] | None = None,
) -> Markup | None:
    """Return a procedure's diagram from a folder of rendered SVGs, ready to embed, or None when there is none.

    `made`, given with `styles`, stands in for `embeddable_svg` (the report's cache of sanitised diagrams).
    """
    if folder is None:
        return None
    path = folder / f"{diagram_file_name(procedure_id)}.svg"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if made is not None and styles is not None:
        return made(raw, title, styles)
    return embeddable_svg(raw, title, styles)


def embeddable_svg(raw: bytes, title: str, styles: SvgStyles | None = None) -> Markup:
    """Return an SVG document as an inline <svg> element: only drawing elements, an accessible title, escaped.

    With `styles`, presentation attributes become classes of that shared stylesheet; without, they stay.
    """
    return _Sanitiser(title, styles).run(raw)


def _whole(value: float) -> str:
    """Return a coordinate in whole points: half a point (0.18 mm) off at most, which no reader sees."""
    return str(round(value))


def _numbers(value: str, shift: tuple[float, ...] = (0.0,)) -> str:
    """Return every number of a value rounded to whole points, the i-th moved by shift[i % len(shift)]."""
    # Split around the numbers (odd places) rather than a substitution calling back once per number.
    parts = _NUMBER_PARTS.split(value)
    count = len(shift)
    parts[1::2] = [str(round(float(number) + shift[i % count])) for i, number in enumerate(parts[1::2])]
    return "".join(parts)


def _path(data: str, dx: float, dy: float) -> str:
    """Return path data in whole points with its absolute coordinates moved by (dx, dy), as M1,2C3,4 5,6 7,8."""
    out = []
    first = True
    for command, values in _commands(data):
        if command in _PAIR_COMMANDS:  # absolute pairs, what Graphviz writes: moved and shown in one go
            xs = [str(round(float(v) + dx)) for v in values[0::2]]
            ys = [str(round(float(v) + dy)) for v in values[1::2]]
            if len(xs) == len(ys):
                out.append(command + " ".join([f"{x},{y}" for x, y in zip(xs, ys, strict=True)]))
            else:
                out.append(
                    command
                    + " ".join([item for pair in itertools.zip_longest(xs, ys) for item in pair if item is not None])
                )
            first = False
            continue
        numbers = [float(v) for v in values]
        if first and command == "m" and len(numbers) >= 2:
            numbers[0] += dx  # a path's first moveto is absolute, even written m; the pairs after it are not
            numbers[1] += dy
        elif command.isupper():
            if command in _PAIR_COMMANDS:
                numbers = [n + (dx if i % 2 == 0 else dy) for i, n in enumerate(numbers)]
            elif command == "H":
                numbers = [n + dx for n in numbers]
            elif command == "V":
                numbers = [n + dy for n in numbers]
            elif command == "A":
                numbers = [n + (dx if i % 7 == 5 else dy if i % 7 == 6 else 0.0) for i, n in enumerate(numbers)]
        shown = [_whole(n) for n in numbers]
        if command.upper() in _PAIR_COMMANDS and len(shown) % 2 == 0:
            out.append(command + " ".join(f"{a},{b}" for a, b in zip(shown[::2], shown[1::2], strict=True)))
        else:
            out.append(command + " ".join(shown))
        first = False
    return _straight("".join(out))


def _commands(data: str) -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    for token in _PATH_TOKEN.findall(data):
        if token.isalpha():
            commands.append((token, []))
        elif commands:
            commands[-1][1].append(token)
    return commands


def _straight(data: str) -> str:
    """Return a path that is one straight cubic segment along x or y (Graphviz's lane lines) as M…V or M…H."""
    match = _CUBIC.fullmatch(data)
    if match is None:
        return data
    xs = match.group(1, 3, 5, 7)
    ys = match.group(2, 4, 6, 8)
    if len(set(xs)) == 1 and _monotonic([int(y) for y in ys]):
        return f"M{xs[0]},{ys[0]}V{ys[3]}"
    if len(set(ys)) == 1 and _monotonic([int(x) for x in xs]):
        return f"M{xs[0]},{ys[0]}H{xs[3]}"
    return data


def _monotonic(values: list[int]) -> bool:
    pairs = list(itertools.pairwise(values))
    return all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs)


def _value(element: str, key: str, value: str, offset: Offset) -> str:
    """Return an attribute value drawn the same in fewer bytes (whole points, moved; #222 for #222222)."""
    dx, dy = offset if offset is not None else (0.0, 0.0)
    if key in X_KEYS:
        return _numbers(value, (dx,))
    if key in Y_KEYS:
        return _numbers(value, (dy,))
    if key == "points":
        points = _numbers(value, (dx, dy)).split()
        if element == "polygon" and len(points) > 3 and points[0] == points[-1]:
            points = points[:-1]  # a polygon closes itself
        return " ".join(points)
    if key == "d":
        return _path(value, dx, dy)
    if key in SIZES:
        return _numbers(value)
    if key in ("fill", "stroke"):
        if value == "transparent":
            return "none"
        if _SHORT_COLOUR.fullmatch(value):
            return _SHORT_COLOUR.sub(r"#\1\2\3", value)
    return value


def _attribute(local: str, key: str, value: str, offset: Offset) -> str | None:
    """Return an attribute's value as written again, escaped, or None when the attribute is left out."""
    # A namespaced attribute (xlink:href) has a space in its key: never in the list. Paint servers
    # (url(#id)) go too: ids are not kept, so they would refer to nothing, or to the page.
    if key not in ATTRIBUTES or "url(" in value.lower() or (key, value) in DEFAULTS:
        return None
    if key == "text-anchor" and local != "text":
        return None  # on <text> only, so that leaving "start" out never inherits another value
    if key == "class" and (local == "svg" or value not in KEPT_CLASSES):
        return None
    if key in _SINGLE_SHIFT and _NUMBER.fullmatch(value):
        return _coordinate(value, 0.0 if offset is None else offset[_SINGLE_SHIFT[key]])
    try:
        drawn = _value(local, key, value, offset)
    except (OverflowError, ValueError):  # a coordinate of 1e400: nothing a diagram draws
        return None
    if key in CSS_VALUES and not CSS_VALUES[key].fullmatch(drawn):
        return None  # not a number, colour or keyword: a CSS escape (u\72l(…)) or a way out of report.css
    return str(escape(drawn)) if _ESCAPED.search(drawn) else drawn  # escape() of what it would not change is costly


def _coordinate(value: str, shift: float) -> str | None:
    """Return one coordinate (x="12.5") moved and in whole points: what _numbers does, without the substitution."""
    try:
        return str(round(float(value) + shift))
    except (OverflowError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _fixed_attribute(local: str, key: str, value: str) -> str | None:
    """Return `_attribute` of an attribute that does not move with the drawing (not a coordinate), once per value."""
    return _attribute(local, key, value, None)


class _Open(NamedTuple):
    """An element being written: its name, where its content starts, whether its tag was written, its offset."""

    name: str
    content: int
    written: bool
    offset: Offset
    path: tuple[str, str] | None = None  # a path's other attributes and its data, to join it with the next


class _Sanitiser:
    """Writes an SVG anew while expat reads it: allowed elements and attributes only, everything escaped."""

    def __init__(self, title: str, styles: SvgStyles | None = None) -> None:
        self.title = title
        self.styles = styles
        self.out: list[str] = []
        self.open: list[_Open] = []
        self.dropped = 0  # depth inside an element that is left out with all it holds
        self.text_depth = 0
        self.roots = 0
        self.last_path: tuple[int, str, str] | None = None  # (index in out, other attributes, data) of the last path
        # The legend Graphviz draws under the lanes is left out (the report explains the marks once, on
        # its index): its group is found by its <title>, and the drawing is cropped above it.
        self.title_text: list[str] | None = None
        self.legend_group: int | None = None  # depth in self.open of the legend's group, while inside it
        self.legend_top: int | None = None
        self.joinable: dict[str, bool] = {}

    def run(self, raw: bytes) -> Markup:
        parser = expat.ParserCreate("UTF-8", namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = self._entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.buffer_text = True  # one call per run of text, not one per line or entity
        try:
            parser.Parse(raw, True)
        except expat.ExpatError as error:
            raise UnsafeSvg(f"not well-formed XML: {expat.ErrorString(error.code)}") from None
        except ValueError as error:  # a number too large to round
            raise UnsafeSvg(f"unreadable coordinates: {error}") from None
        if self.roots != 1 or not self.out:
            raise UnsafeSvg("not one <svg> document")
        self._crop()
        return Markup("".join(self.out))

    def _entity(self, *args: object) -> None:  # noqa: ARG002 (expat's handler signature)
        raise UnsafeSvg("the SVG declares an entity")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if self.dropped or namespace != SVG_NAMESPACE or local not in ELEMENTS or (local == "svg") == bool(self.open):
            if not self.dropped and local == "title" and self.open and self.open[-1].name == "g":
                self.title_text = []  # a group's title names the node: the legend's is LEGEND_NODE
            self.dropped += 1
            return
        offset, attributes = self._offset(local, dict(attributes))
        if local == "polyline" and "points" in attributes:
            # A polyline is a path of straight lines: as one, it joins the paths drawn alike around it
            # (the two strokes of each note's folded corner become one path).
            local = "path"
            pairs = attributes.pop("points").split()
            attributes["d"] = "M" + "L".join(pairs)
        if local == "polygon" and self._background(attributes):
            self.dropped += 1  # Graphviz's white page under the drawing: the page is white already
            return
        kept = []
        style: list[tuple[str, str]] = []
        classes: list[str] = []
        data = None
        for key, value in attributes.items():
            # What stays where it is (colours, sizes: the same few values on every shape) is worked out once.
            if key not in _MOVED:
                shown = _fixed_attribute(local, key, value)
            elif key in _SINGLE_SHIFT and _NUMBER.fullmatch(value):
                shown = _coordinate(value, 0.0 if offset is None else offset[_SINGLE_SHIFT[key]])
            else:
                shown = _attribute(local, key, value, offset)
            if shown is None:
                continue
            if local == "path" and key == "d":
                data = shown
            elif key == "class":
                classes.append(shown)
            elif self.styles is not None and key in STYLED and local != "svg":
                style.append((key, shown))
            else:
                kept.append(f' {key}="{shown}"')
        if style:
            assert self.styles is not None
            classes.append(self.styles.name(tuple(sorted(style))))
        if classes:
            kept.append(f' class="{" ".join(classes)}"')
        if local == "g" and not kept:
            self.open.append(_Open(local, len(self.out), False, offset))  # a group that sets nothing: its content
            return
        others = "".join(kept)
        if local == "svg":
            self.roots += 1
            others += ' role="img" class="flow"'
        shape = "" if data is None else f' d="{data}"'
        self.out.append(f"<{local}{others}{shape}>")
        if local == "svg":
            self.out.append(f"<title>{escape(self.title)}</title>")
        if local in ("text", "tspan"):
            self.text_depth += 1
        self.open.append(_Open(local, len(self.out), True, offset, None if data is None else (others, data)))

    def _background(self, attributes: dict[str, str]) -> bool:
        """Tell whether a polygon is the graph's white background: the first shape, white, unstroked."""
        return (
            len(self.out) <= 2  # the <svg> tag and its <title>
            and attributes.get("fill", "").lower() in ("white", "#ffffff", "#fff")
            and attributes.get("stroke", "transparent").lower() in ("transparent", "none", "white", "#ffffff")
        )

    def _offset(self, local: str, attributes: dict[str, str]) -> tuple[Offset, dict[str, str]]:
        """Return the shift of this element's coordinates, and its attributes with the transform it replaces."""
        parent = self.open[-1].offset if self.open else None
        transform = attributes.get("transform")
        if transform is None:
            return parent, attributes
        match = _GRAPHVIZ_TRANSFORM.fullmatch(transform.strip())
        if parent is None and match is not None and local == "g" and self.open and self.open[-1].name == "svg":
            del attributes["transform"]
            return (float(match.group(1)), float(match.group(2))), attributes
        if parent is not None:
            # Its own coordinates are in its own system: the shift goes before its transform instead.
            attributes["transform"] = f"translate({parent[0]} {parent[1]}) {transform}"
        return None, attributes

    def _end(self, name: str) -> None:  # noqa: ARG002 (expat's handler signature)
        if self.dropped:
            self.dropped -= 1
            if self.title_text is not None and not self.dropped:
                if "".join(self.title_text).strip() == LEGEND_NODE and self.legend_group is None:
                    self.legend_group = len(self.open) - 1
                self.title_text = None
            return
        if self.legend_group is not None and len(self.open) - 1 == self.legend_group:
            self._drop_legend(self.open.pop())
            return
        element = self.open.pop()
        if not element.written:
            return
        if element.name in ("text", "tspan"):
            self.text_depth -= 1
        if element.content != len(self.out) or element.name == "svg":
            self.out.append(f"</{element.name}>")
        elif element.path is not None:
            self._close_path(*element.path)
        else:
            self.out[-1] = self.out[-1][:-1] + "/>"  # nothing inside: <polygon …/>, as HTML reads foreign elements

    def _close_path(self, others: str, data: str) -> None:
        """End an empty path; an unfilled one right after another drawn alike joins it, as one path of two parts."""
        last = self.last_path
        if last is not None and last[0] == len(self.out) - 2 and last[1] == others and self._joinable(others):
            data = last[2] + data
            self.out.pop()
        self.out[-1] = f'<path{others} d="{data}"/>'
        self.last_path = (len(self.out) - 1, others, data)

    def _joinable(self, others: str) -> bool:
        """Tell whether paths drawn with these attributes may be joined: unfilled and opaque, so nothing overlaps."""
        # The same few attribute strings recur on every path, and a class once named keeps its style.
        known = self.joinable.get(others)
        if known is None:
            known = self.joinable[others] = self._joinable_anew(others)
        return known

    def _joinable_anew(self, others: str) -> bool:
        if _joinable(others):
            return True
        if self.styles is None:
            return False
        for style, name in self.styles.classes.items():
            if f' class="{name}"' in others:
                keys = dict(style)
                return keys.get("fill") == "none" and not any("opacity" in key for key in keys)
        return False

    def _drop_legend(self, group: _Open) -> None:
        """Leave the legend's group out, remembering how far down it started."""
        start = group.content - 1 if group.written else group.content
        drawn = "".join(self.out[start:])
        ys = [int(v) for v in re.findall(r' y="(-?\d+)"', drawn)]
        ys += [int(y) for _, y in re.findall(r"(-?\d+),(-?\d+)", drawn)]
        if ys:
            self.legend_top = min(ys) if self.legend_top is None else min(self.legend_top, min(ys))
        del self.out[start:]
        self.legend_group = None
        self.last_path = None

    def _crop(self) -> None:
        """Cut the drawing above the legend when the legend lay at its foot (the lanes end above it)."""
        if self.legend_top is None or not self.out:
            return
        root = self.out[0]
        match = re.search(r' viewBox="0 0 (\d+) (\d+)"', root)
        if match is None:
            return
        height = int(match.group(2))
        top = self.legend_top - LEGEND_GAP
        if not height * 0.5 < top < height:
            return  # the legend sits beside the lanes (left to right): nothing to cut
        root = root.replace(match.group(0), f' viewBox="0 0 {match.group(1)} {top}"')
        self.out[0] = re.sub(r' height="\d+pt"', f' height="{top}pt"', root, count=1)

    def _data(self, data: str) -> None:
        if self.title_text is not None:
            self.title_text.append(data)
        # Text is kept inside <text> only; the line breaks between elements go.
        if not self.dropped and self.text_depth:
            self.out.append(str(escape(data)))


def _joinable(others: str) -> bool:
    """Tell whether paths drawn with these attributes may be joined: unfilled and opaque, so nothing overlaps."""
    return ' fill="none"' in others and "opacity" not in others
