"""How names are compared: a 手続名 or a column header the same however its width or spacing was typed.

The national survey writes （ where a city's file writes (, and adds or drops spaces; matching a procedure
to an item of the official list, a trigger to a journey, or a header to a column must not depend on that.
"""

from __future__ import annotations

import functools
import unicodedata


@functools.lru_cache(maxsize=8192)
def compared_name(text: str) -> str:
    """Return a name as it is compared: NFKC (full- and half-width alike), without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@functools.lru_cache(maxsize=65536)
def compared_text(text: str) -> str:
    """Return a text as words are looked for in it: NFKC, spaces kept (the journeys look for each trigger's words)."""
    return unicodedata.normalize("NFKC", text)
