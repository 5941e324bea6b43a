"""Writing output files safely: atomic replacement, and inventory text that never becomes a formula.

Every export writes through :func:`atomic_write`: the content goes to a temporary file in the target's
folder, which is renamed over the target only once complete, so a failure never leaves a partial file
and never touches an existing one. Text cells go through :func:`spreadsheet_text`, and the workbook
writer stores them as string cells, so that ``=HYPERLINK(...)`` typed in an inventory is shown as
typed and never evaluated.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

# The characters that make a spreadsheet read a cell as a formula (or, for tab and CR, that CSV
# importers strip before reading one); see OWASP "CSV Injection".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_CELL_CHARS = 32_767
TRUNCATION_MARK = "…(以下省略)"
REPLACEMENT_CHARACTER = "\ufffd"
# C0 controls other than tab, LF and CR, lone surrogates and the two non-characters XML 1.0 forbids.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# OOXML writes characters it cannot hold as _xHHHH_, and Excel decodes any such sequence it reads:
# a literal one is escaped by writing its underscore as _x005F_.
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_TEMP_NAME_CHARS = 40


def atomic_write(path: Path, writer: Callable[[Path], object]) -> None:
    """Write a file by running `writer` on a temporary file beside it, then renaming it over `path`."""
    target = Path(path)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name[:_TEMP_NAME_CHARS]}.", suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        os.close(descriptor)
        writer(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _permissions_for(target))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _permissions_for(target: Path) -> int:
    """Return the mode a new file would get: the existing file's mode, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    # mkstemp creates files readable by their owner only; a workbook sent to others should not be.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet would read this text as a formula if it were typed in a cell."""
    return text.startswith(FORMULA_TRIGGERS)


@functools.lru_cache(maxsize=131_072)  # section names, labels and marks repeat on every row
def spreadsheet_text(text: str) -> str:
    """Return text an xlsx string cell shows as typed: line ends as LF, characters XML forbids replaced, length capped."""
    # XML parsers turn CR into LF anyway; doing it here makes what is written what is read back.
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _OOXML_ESCAPE.sub(r"_x005F_\1", _ILLEGAL_XML.sub(REPLACEMENT_CHARACTER, cleaned))
    if len(cleaned) > EXCEL_MAX_CELL_CHARS:
        cleaned = cleaned[: EXCEL_MAX_CELL_CHARS - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return cleaned


def csv_text(text: str) -> str:
    """Return text for a CSV field that no spreadsheet evaluates: a leading formula character is quoted with '."""
    return "'" + text if looks_like_formula(text) else text
