"""The render cache: what Graphviz drew from a DOT source, kept so that the same source is drawn once.

A diagram's bytes are decided by its DOT source, the format and options it is drawn with, the Graphviz
that draws it (`dot -V` and where it is), the fonts it measures text with
(`bpr.export.fonts.installed_fonts_signature`), and bpr's own treatment of what dot wrote (the tidying of
an SVG in `render.py`): the key of an entry is the SHA-256 of all of them, so a change to any is a miss,
never a stale drawing. `bpr build`, `bpr diagram` and `bpr report` share the entries: a second run on an
unchanged inventory starts no `dot`, and a changed procedure redraws only its own diagrams.

Entries live in the `renders` part of bpr's cache folder (`bpr.inventory.cache`), written atomically and
signed like the loading results: a payload is the drawing compressed with zlib, and one that is missing,
unsigned, damaged, larger than `MAX_DRAWING_BYTES` once inflated, or not shaped as its format is (an SVG
from `<?xml` to `</svg>`, a PNG from its signature to IEND, -Tplain from `graph` to `stop`) is a miss,
drawn again and stored anew. PDF is not kept: Graphviz writes the time into each. After a run that
stored entries, the oldest go until the part holds at most `BPR_CACHE_MAX_BYTES`. `BPR_NO_CACHE=1`
turns it off.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bpr
from bpr.export.fonts import installed_fonts_signature
from bpr.inventory.cache import FileCache, cache_disabled_by_env, cache_max_bytes, default_cache_dir

PART = "renders"
CACHED_FORMATS = frozenset({"svg", "png", "plain"})
MAX_DRAWING_BYTES = 64 * 1024 * 1024
COMPRESSION_LEVEL = 1  # SVG shrinks about as much as at 6, in a quarter of the time
# What bpr does to dot's output besides running it: a change to these modules may change the bytes.
_TREATMENT = ("render.py", "cache.py")
# How each format begins and ends; an entry of another shape is a miss.
_SHAPES = {
    "svg": (b"<?xml", b"</svg>\n"),
    "png": (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"),
    "plain": (b"graph ", b"stop\n"),
}


@lru_cache(maxsize=4)
def graphviz_signature(dot: str) -> bytes | None:
    """Return a digest of the Graphviz at `dot`: its path and what `dot -V` says (None when it does not answer)."""
    try:
        result = subprocess.run([dot, "-V"], capture_output=True, timeout=30, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return hashlib.sha256(
        os.path.realpath(dot).encode(errors="replace") + b"\0" + result.stdout + result.stderr
    ).digest()


@lru_cache(maxsize=1)
def fonts_signature() -> bytes:
    """Return the digest of the system's fonts, once a run."""
    return installed_fonts_signature()


@lru_cache(maxsize=1)
def treatment_signature() -> bytes:
    """Return a digest of bpr's version and of the code that turns dot's output into a diagram's file."""
    digest = hashlib.sha256(f"bpr {bpr.__version__}\n".encode())
    here = Path(__file__).resolve().parent
    for name in _TREATMENT:
        digest.update(name.encode() + b"\0")
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.digest()


class RenderCache:
    """Drawings of one format and set of options by one Graphviz, by the hash of their DOT source."""

    def __init__(self, store: FileCache, context: bytes, fmt: str) -> None:
        self.store = store
        self.context = context
        self.fmt = fmt
        self.stored = False

    @classmethod
    def open(cls, dot: str, fmt: str, options: Sequence[str] = ()) -> RenderCache | None:
        """Return the cache of drawings made by `dot -T<fmt> <options>`, or None: BPR_NO_CACHE, PDF, or dot silent."""
        if fmt not in CACHED_FORMATS or cache_disabled_by_env():
            return None
        graphviz = graphviz_signature(dot)
        if graphviz is None:
            return None
        context = hashlib.sha256()
        for part in (b"bpr render 1", graphviz, fonts_signature(), treatment_signature(), fmt.encode()):
            context.update(part + b"\0")
        for option in options:
            context.update(option.encode() + b"\0")
        return cls(FileCache(default_cache_dir(), PART), context.digest(), fmt)

    def key(self, source: str) -> str:
        """Return the key of the drawing of a DOT source."""
        return hashlib.sha256(self.context + source.encode("utf-8", errors="surrogatepass")).hexdigest()

    def get(self, key: str) -> bytes | None:
        """Return the drawing stored under a key, or None when there is none or it does not check out."""
        payload = self.store.get(key)
        drawing = inflated(payload, MAX_DRAWING_BYTES) if payload is not None else None
        if drawing is None:
            return None
        start, end = _SHAPES[self.fmt]
        if len(drawing) < len(start) + len(end) or not drawing.startswith(start) or not drawing.endswith(end):
            return None
        return drawing

    def put(self, key: str, drawing: bytes) -> None:
        """Store a drawing under a key (nothing happens when the cache folder cannot be written)."""
        if len(drawing) <= MAX_DRAWING_BYTES and self.store.put(key, zlib.compress(drawing, COMPRESSION_LEVEL)):
            self.stored = True

    def prune(self) -> None:
        """Keep the drawings under the cache's size cap, oldest out first, when this run stored any."""
        if self.stored:
            self.store.prune(cache_max_bytes())


def inflated(payload: bytes, limit: int) -> bytes | None:
    """Return a zlib payload inflated, or None unless it is one whole stream of at most `limit` bytes."""
    try:
        inflate = zlib.decompressobj()
        data = inflate.decompress(payload, limit)
    except zlib.error:
        return None
    if not inflate.eof or inflate.unconsumed_tail or inflate.unused_data:
        return None
    return data
