"""File names made from inventory data (ids, 課 names) that Windows accepts, as Linux and macOS do.

Every file bpr names after inventory data takes its stem from :func:`safe_stem`: the diagrams
(``<procedure-id>.svg``, ``counter-<counter-id>.svg``), the section workbooks (``sections/<課>.xlsx``) and
the report's pages, the 調査票 (``<counter-id>.xlsx``) and the counter files the survey imports create
(``<counter-id>.yaml``). Where two names give one file, :func:`unique_stems` (diagrams) or
:func:`numbered_names` (the rest) keep them apart.

The city's PCs run Windows, the strictest of the three:

- a name holds none of ``< > : " / \\ | ?`` ``*`` nor a control character;
- ``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM0``–``COM9``, ``LPT0``–``LPT9`` (also ``COM¹``–``LPT³``,
  ``CONIN$`` and ``CONOUT$``) name devices, in any case and whatever follows a dot: ``nul.svg`` and
  ``Con .tar.gz`` are the device, not a file;
- trailing dots and spaces are dropped (``a.`` is ``a``), and ``A.svg`` is the file ``a.svg``;
- a path holds 259 characters (UTF-16 code units) unless long paths are enabled, which a PC without
  administrator rights cannot do, and Excel opens no workbook whose path is longer than 218.

Linux holds a name to 255 bytes. A stem made here is capped at :data:`MAX_STEM_CHARS` characters, so
that the deepest file bpr writes (a diagram while it renders, ``<output>/.diagrams.<random>.tmp/<stem>.svg``,
with the output itself staged as ``.<output>.<pid>-<random>.tmp`` beside it) leaves about 120 characters
for the folder the output folder is in. A longer name keeps its beginning and gets a hash of the whole
name, not a cut: two long names with the same beginning (two 課 of one 部, named in full) stay two files,
and a name gives the same file in every run.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
# What a stem never begins with (blanks) or ends with (blanks and dots; Windows drops trailing dots and spaces).
_UNTRIMMED = re.compile(r"^\s+|[\s.]+$")
_DEVICE = re.compile(r"con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$", re.IGNORECASE)
MAX_STEM_CHARS = 80
# 255 bytes less the longest extension bpr adds (".html") and room to spare.
MAX_STEM_BYTES = 240
WINDOWS_MAX_PATH = 259  # MAX_PATH (260) less the terminating NUL
HASH_CHARS = 12
# Between a capped stem and its hash: a character no slug holds, so a capped id never equals another id.
HASH_SEPARATOR = "."


def is_reserved_name(name: str) -> bool:
    """Tell whether Windows takes a file name for a device: CON, NUL, COM1 …, in any case, with any extension."""
    # Windows compares what comes before the first dot, without its trailing spaces.
    return _DEVICE.fullmatch(name.split(".", 1)[0].rstrip(" ")) is not None


def is_safe_stem(stem: str) -> bool:
    """Tell whether a file stem is used as it is: allowed on Windows, visible, not an option, within the caps."""
    return (
        stem != ""
        and FORBIDDEN.search(stem) is None
        and _UNTRIMMED.search(stem) is None
        and not stem.startswith((".", "-"))
        and not is_reserved_name(stem)
        and _fits(stem, MAX_STEM_CHARS, MAX_STEM_BYTES)
    )


def safe_stem(name: str, fallback: str = "file") -> str:
    """Return the file stem of a name (NFC): the name itself when it is safe, else a safe form of it.

    Forbidden characters become '_'; leading blanks and trailing dots and blanks go (`fallback` when
    nothing is left); a reserved name, or one starting with '.' (hidden) or '-' (read as an option by the
    commands given it), gets a leading '_'; a name longer than the caps keeps its beginning and gets a
    hash of the whole name, so that two long names stay apart.
    """
    name = unicodedata.normalize("NFC", name)
    if is_safe_stem(name):
        return name
    stem = _UNTRIMMED.sub("", FORBIDDEN.sub("_", name)) or fallback
    if is_reserved_name(stem) or stem.startswith((".", "-")):
        stem = f"_{stem}"
    if _fits(stem, MAX_STEM_CHARS, MAX_STEM_BYTES):
        return stem
    return _with_hash(stem, name)


def unique_stems(names: Iterable[str], fallback: str = "file") -> list[str]:
    """Return the safe stem of each name, no two of them one file on a case-insensitive file system.

    Where the stems of two names would be one file (``A`` and ``a``, ``a/b`` and ``a_b``), the first
    name keeps its stem and each later one gets a hash of itself: the stems depend only on the names
    and their order.
    """
    taken: set[str] = set()
    result = []
    for name in names:
        plain = stem = safe_stem(name, fallback)
        repeat = 0
        while _fold(stem) in taken:
            repeat += 1
            stem = _with_hash(plain, f"{repeat}\0{name}")
        taken.add(_fold(stem))
        result.append(stem)
    return result


def numbered_names(stems: Iterable[str], suffix: str) -> list[str]:
    """Return one file name per stem, numbered (-2, -3 …) where two would be one file on a case-insensitive file system."""
    taken: set[str] = set()
    names = []
    for stem in stems:
        name = f"{stem}{suffix}"
        number = 2
        while name.casefold() in taken:
            name = f"{stem}-{number}{suffix}"
            number += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def too_long_for_windows(path: Path) -> bool:
    """Tell whether a path is longer than a Windows program without long paths can open (259 characters)."""
    return _utf16_length(str(path.absolute())) > WINDOWS_MAX_PATH


def _fold(stem: str) -> str:
    # Windows compares names by upper-casing them; casefold also takes 'ß' for 'ss', which only errs on the safe side.
    return unicodedata.normalize("NFC", stem).casefold()


def _fits(text: str, chars: int, size: int) -> bool:
    return _utf16_length(text) <= chars and len(text.encode("utf-8", "surrogatepass")) <= size


def _with_hash(stem: str, key: str) -> str:
    """Return the beginning of a stem that leaves room for a hash of `key`, and the hash."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    room = len(HASH_SEPARATOR) + HASH_CHARS
    prefix = _cut(stem, MAX_STEM_CHARS - room, MAX_STEM_BYTES - room).rstrip(". ")
    return f"{prefix}{HASH_SEPARATOR}{digest}"


def _cut(text: str, chars: int, size: int) -> str:
    """Return the longest beginning of text within both caps."""
    end = min(len(text), chars)  # a character is at least one UTF-16 code unit
    while end and not _fits(text[:end], chars, size):
        end -= 1
    return text[:end]


def _utf16_length(text: str) -> int:
    # Windows counts UTF-16 code units: 𠮷 is two.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
