"""The report's sanitised diagrams, kept beside the drawings so that an unchanged SVG is written anew once.

`svg.py` writes each SVG that Graphviz drew anew from an allow-list; for 10,000 procedures that is the
largest part of a report whose diagrams the render cache already holds (docs/performance.md). An entry
is keyed by the SHA-256 of the SVG's bytes and of bpr's version and `svg.py`'s source, and lives in the
render cache's part (`bpr/export/diagram/cache.py`), counted in its cap and emptied with it.

What is kept is put into the pages unescaped, so an entry is believed only when all of this holds: it is
signed by this machine's key (`FileCache`), it inflates to at most `MAX_ENTRY_BYTES` with nothing left
over, it is JSON of exactly two fields, its markup is one `<svg …>…</svg>` element, and its styles are
lists of allowed presentation attributes whose values pass `svg.py`'s own checks; each class it names
is one of its styles. Anything else is a miss: the SVG is sanitised again and the entry replaced.

The diagram's title is not kept (it goes in on reading), nor the report's class names: an entry names
its styles by their place in it, and reading hands them to the report's `SvgStyles` in that order, as
sanitising the SVG would have.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

import bpr
from bpr.export.diagram.cache import PART, inflated
from bpr.export.report import svg
from bpr.inventory.cache import FileCache, cache_disabled_by_env, cache_max_bytes, default_cache_dir

MAX_ENTRY_BYTES = 16 * 1024 * 1024
COMPRESSION_LEVEL = 1
# A style's class while an entry is made and kept: NUL cannot occur in XML, so nothing else reads so.
_PLACEHOLDER = re.compile("\x00([0-9]+)\x00")
_NO_TITLE = "<title></title>"
# A diagram's markup without its title, its styles' classes as placeholders, and those styles in order.
Entry = tuple[str, list[tuple[tuple[str, str], ...]]]


@lru_cache(maxsize=1)
def _context() -> bytes:
    """Return a digest of what decides the markup of an SVG's bytes besides them: bpr's version and svg.py."""
    digest = hashlib.sha256(f"bpr sanitised svg 1\0{bpr.__version__}\0".encode())
    try:
        digest.update(Path(svg.__file__).read_bytes())
    except OSError:
        digest.update(b"unreadable")
    return digest.digest()


class _Numbered(svg.SvgStyles):
    """Styles named by a placeholder holding their place in one diagram, renamed when the entry is read."""

    def name(self, style: tuple[tuple[str, str], ...]) -> str:
        if style not in self.classes:
            self.classes[style] = f"\x00{len(self.classes)}\x00"
        return self.classes[style]


class MarkupCache:
    """Sanitised diagrams by the hash of the SVG they come from."""

    def __init__(self, store: FileCache) -> None:
        self.store = store
        self.stored = False

    @classmethod
    def open(cls) -> MarkupCache | None:
        """Return the cache in bpr's cache folder, or None under BPR_NO_CACHE."""
        if cache_disabled_by_env():
            return None
        return cls(FileCache(default_cache_dir(), PART))

    def key(self, raw: bytes) -> str:
        """Return the key of an SVG's bytes."""
        return hashlib.sha256(_context() + raw).hexdigest()

    def markup(self, raw: bytes, title: str, styles: svg.SvgStyles) -> Markup:
        """Return `svg.embeddable_svg(raw, title, styles)`: from the cache when an entry checks out, else made and kept.

        Raise svg.UnsafeSvg as it does (an SVG it refuses is never kept).
        """
        return named(self.entry(raw), title, styles)

    def entry(self, raw: bytes) -> Entry:
        """Return an SVG's markup without its title and its styles in order: kept, else made (`entry_of`) and kept."""
        key = self.key(raw)
        found = self.get(key)
        if found is None:
            found = entry_of(raw)
            self.put(key, *found)
        return found

    def get(self, key: str) -> Entry | None:
        """Return the markup (without its title) and styles kept under a key, or None unless they check out."""
        payload = self.store.get(key)
        raw = inflated(payload, MAX_ENTRY_BYTES) if payload is not None else None
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(entry, dict) or set(entry) != {"markup", "styles"}:
            return None
        body, kept = entry["markup"], entry["styles"]
        styles = _styles(kept)
        if not isinstance(body, str) or styles is None or not _well_shaped(body, len(styles)):
            return None
        return body, styles

    def put(self, key: str, body: str, styles: list[tuple[tuple[str, str], ...]]) -> None:
        """Keep a diagram's markup (without its title) and its styles (nothing happens when the folder cannot be written)."""
        entry = json.dumps({"markup": body, "styles": styles}, ensure_ascii=False).encode("utf-8")
        if len(entry) <= MAX_ENTRY_BYTES and self.store.put(key, zlib.compress(entry, COMPRESSION_LEVEL)):
            self.stored = True

    def prune(self) -> None:
        """Keep the render cache's part under its size cap, oldest out first, when this run stored any."""
        if self.stored:
            self.store.prune(cache_max_bytes())


def entry_of(raw: bytes) -> Entry:
    """Return what `svg.embeddable_svg` makes of an SVG, without its title and with its styles named by their place.

    Raise svg.UnsafeSvg as it does. `named` gives the markup `embeddable_svg` would have given.
    """
    local = _Numbered()
    made = svg.embeddable_svg(raw, "", local)
    return str(made).replace(_NO_TITLE, "", 1), list(local.classes)


def named(entry: Entry, title: str, styles: svg.SvgStyles) -> Markup:
    """Return an entry's markup with the report's classes (handed out by `styles` in the entry's order) and its title."""
    body, kept = entry
    names = [styles.name(style) for style in kept]
    body = _PLACEHOLDER.sub(lambda match: names[int(match.group(1))], body)
    tag_end = body.index(">") + 1
    return Markup(f"{body[:tag_end]}<title>{escape(title)}</title>{body[tag_end:]}")


def _styles(kept: object) -> list[tuple[tuple[str, str], ...]] | None:
    """Return an entry's styles as SvgStyles keys, or None when one is not a list of allowed attribute pairs."""
    if not isinstance(kept, list):
        return None
    styles = []
    for style in kept:
        if not isinstance(style, list):
            return None
        pairs = []
        for pair in style:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
                return None
            name, value = pair
            pattern = svg.CSS_VALUES.get(name)
            if name not in svg.STYLED or pattern is None or not pattern.fullmatch(value):
                return None
            pairs.append((name, value))
        styles.append(tuple(pairs))
    return styles


def _well_shaped(body: str, styles: int) -> bool:
    """Tell whether kept markup is one svg element whose placeholders name its styles and nothing else."""
    if not body.startswith("<svg ") or not body.endswith("</svg>"):
        return False
    if body.count("<svg") != 1 or "<title>" in body:
        return False
    placeholders = _PLACEHOLDER.findall(body)
    if body.count("\x00") != 2 * len(placeholders):
        return False
    return all(int(number) < styles for number in placeholders)
