"""A procedure's flow diagram inside its page: the SVG that Graphviz wrote, checked and written again.

Graphviz draws from escaped DOT (bpr/export/diagram/dot.py), so its SVG holds inventory text only as
text. The page still takes nothing from it on trust: the SVG is parsed (no entity may be declared) and
written anew from a list of drawing elements and presentation attributes. Scripts, event attributes,
links, styles, foreign content and anything unknown are dropped, and every text and attribute value is
escaped again. What is left is drawn the same, smaller: no comments, ids, tooltips, font names (the
page's CSS gives the system's fonts) or namespace URLs (inline SVG in HTML needs none), coordinates
in whole points, groups that set nothing, and Graphviz's straight lane lines as one path each. The
classes of Graphviz's nodes and clusters stay.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import NamedTuple
from xml.parsers import expat

from markupsafe import Markup, escape

from bpr.export.diagram import diagram_file_name

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "polygon",
        "polyline",
        "path",
        "ellipse",
        "circle",
        "rect",
        "line",
        "text",
        "tspan",
        "defs",
        "linearGradient",
        "radialGradient",
        "stop",
    }
)
ATTRIBUTES = frozenset(
    {
        "class",  # Graphviz's graph, node, edge and cluster: kept, so the page (and its tests) can tell them
        "width",
        "height",
        "viewBox",
        "transform",
        "points",
        "d",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "dx",
        "dy",
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-dasharray",
        "stroke-opacity",
        "opacity",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "text-decoration",
        "baseline-shift",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "fx",
        "fy",
    }
)
ROUNDED = frozenset(
    {"points", "d", "x", "y", "cx", "cy", "rx", "ry", "transform", "viewBox", "width", "height", "font-size"}
)
DEFAULTS = frozenset({("text-anchor", "start")})  # what SVG assumes anyway, on almost every text of Graphviz
KEPT_CLASSES = frozenset({"node", "cluster"})  # what a reader (or a test) picks out; edges and the graph need none
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_CUBIC = re.compile(rf"M{_NUMBER},{_NUMBER}C{_NUMBER},{_NUMBER} {_NUMBER},{_NUMBER} {_NUMBER},{_NUMBER}")
_SHORT_COLOUR = re.compile(r"#([0-9a-fA-F])\1([0-9a-fA-F])\2([0-9a-fA-F])\3")
# A paint may refer to a gradient of the same SVG, never to anything else.
_URL = re.compile(r"url\(\s*(?!#[A-Za-z0-9_-]+\s*\))", re.IGNORECASE)
_DECIMAL = re.compile(r"-?\d+\.\d+")


class UnsafeSvg(Exception):
    """The SVG could not be read as plain XML (or declares entities): it is not shown."""


def diagram_markup(folder: Path | None, procedure_id: str, title: str) -> Markup | None:
    """Return a procedure's diagram from a folder of rendered SVGs, ready to embed, or None when there is none."""
    if folder is None:
        return None
    path = folder / f"{diagram_file_name(procedure_id)}.svg"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    return embeddable_svg(raw, title)


def embeddable_svg(raw: bytes, title: str) -> Markup:
    """Return an SVG document as an inline <svg> element: only drawing elements, an accessible title, escaped."""
    return _Sanitiser(title).run(raw)


def _shorten(element: str, key: str, value: str) -> str:
    """Return an attribute value drawn the same in fewer bytes: whole points, #222 for #222222, no repeated end point."""
    if key in ROUNDED:
        value = _round(value)
        if key == "points" and element == "polygon":
            points = value.split()
            if len(points) > 3 and points[0] == points[-1]:
                value = " ".join(points[:-1])  # a polygon closes itself
    elif key in ("fill", "stroke"):
        if value == "transparent":
            value = "none"
        elif _SHORT_COLOUR.fullmatch(value):
            value = _SHORT_COLOUR.sub(r"#\1\2\3", value)
    return value


def _straight(data: str) -> str:
    """Return a path that is one straight cubic segment along x or y (Graphviz's lane lines) as M…V or M…H."""
    match = _CUBIC.fullmatch(data)
    if match is None:
        return data
    xs = match.group(1, 3, 5, 7)
    ys = match.group(2, 4, 6, 8)
    if len(set(xs)) == 1 and _monotonic([float(y) for y in ys]):
        return f"M{xs[0]},{ys[0]}V{ys[3]}"
    if len(set(ys)) == 1 and _monotonic([float(x) for x in xs]):
        return f"M{xs[0]},{ys[0]}H{xs[3]}"
    return data


def _monotonic(values: list[float]) -> bool:
    pairs = list(itertools.pairwise(values))
    return all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs)


def _mergeable(others: str) -> bool:
    """Tell whether paths drawn with these attributes may be joined: unfilled and opaque, so nothing overlaps."""
    return ' fill="none"' in others and "opacity" not in others


def _round(value: str) -> str:
    """Return coordinates in whole points: half a point (0.18 mm) off at most, which no reader sees."""
    return _DECIMAL.sub(lambda match: str(round(float(match.group()))), value)


class _Open(NamedTuple):
    """An element being written: its name, where its content starts, and whether its tag was written at all."""

    name: str
    content: int
    written: bool
    path: tuple[str, str] | None = None  # a path's other attributes and its data, to merge it with the next


class _Sanitiser:
    """Writes an SVG anew while expat reads it: allowed elements and attributes only, everything escaped."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.out: list[str] = []
        self.open: list[_Open] = []
        self.dropped = 0  # depth inside an element that is left out with all it holds
        self.text_depth = 0
        self.roots = 0
        self.last_path: tuple[int, str, str] | None = None  # (index in out, other attributes, data) of the last path

    def run(self, raw: bytes) -> Markup:
        parser = expat.ParserCreate("UTF-8", namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = self._entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        try:
            parser.Parse(raw, True)
        except expat.ExpatError as error:
            raise UnsafeSvg(f"not well-formed XML: {expat.ErrorString(error.code)}") from None
        if self.roots != 1 or not self.out:
            raise UnsafeSvg("not one <svg> document")
        return Markup("".join(self.out))

    def _entity(self, *args: object) -> None:
        raise UnsafeSvg("the SVG declares an entity")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if self.dropped or namespace != SVG_NAMESPACE or local not in ELEMENTS or (local == "svg") == bool(self.open):
            self.dropped += 1
            return
        kept = []
        data = None
        for key, value in attributes.items():
            # A namespaced attribute (xlink:href) has a space in its key: never in the list.
            if key not in ATTRIBUTES or _URL.search(value) or (key, value) in DEFAULTS:
                continue
            if key == "text-anchor" and local != "text":
                continue  # on <text> only, so that leaving "start" out never inherits another value
            if key == "class" and (local == "svg" or value not in KEPT_CLASSES):
                continue
            if local == "path" and key == "d":
                data = str(escape(_straight(_round(value))))
                continue
            kept.append(f' {key}="{escape(_shorten(local, key, value))}"')
        if local == "g" and not kept:
            self.open.append(_Open(local, len(self.out), written=False))  # a group that sets nothing: its content only
            return
        others = "".join(kept)
        if local == "svg":
            self.roots += 1
            others += ' role="img" class="flow"'
        path = (others, data) if data is not None else None
        shape = "" if data is None else f' d="{data}"'
        self.out.append(f"<{local}{others}{shape}>")
        if local == "svg":
            self.out.append(f"<title>{escape(self.title)}</title>")
        if local in ("text", "tspan"):
            self.text_depth += 1
        self.open.append(_Open(local, len(self.out), written=True, path=path))

    def _end(self, name: str) -> None:
        if self.dropped:
            self.dropped -= 1
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
        if last is not None and last[0] == len(self.out) - 2 and last[1] == others and _mergeable(others):
            data = last[2] + data
            self.out.pop()
        self.out[-1] = f'<path{others} d="{data}"/>'
        self.last_path = (len(self.out) - 1, others, data)

    def _data(self, data: str) -> None:
        # Text is kept inside <text> only; the line breaks between elements go.
        if not self.dropped and self.text_depth:
            self.out.append(str(escape(data)))
