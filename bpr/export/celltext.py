"""Inventory text in a spreadsheet's cell or a CSV field: shown as typed, never evaluated as a formula.

Text cells of the workbooks go through :func:`spreadsheet_text`, and the workbook writers store them as
string cells, so that ``=HYPERLINK(...)`` typed in an inventory is shown as typed and never evaluated.
A CSV file has no string cells: :func:`csv_field` quotes what a spreadsheet would evaluate when it
imports the file. (Text shown on a terminal goes through `bpr.textsafe` instead.)
"""

from __future__ import annotations

import functools
import re

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

# Full-width signs: a Japanese spreadsheet may read them as their ASCII forms when it imports a file.
_CSV_TRIGGERS = (*FORMULA_TRIGGERS, "＝", "＋", "－", "＠")
# Leading blanks that some importers trim before deciding whether a field is a formula.
_CSV_LEADING_BLANKS = " \t\r\n\u3000"
# Every line boundary of Unicode (Python's splitlines) but LF, and the C0 controls other than tab and LF.
_CSV_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x85\u2028\u2029]")
_CSV_LINE_BREAKS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


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


def csv_field(value: object) -> object:
    """Return a CSV field a spreadsheet shows as typed: text never evaluated, line breaks as LF; numbers as they are.

    Text whose first character (or first after blanks) would make a spreadsheet evaluate it gets a leading
    `'`, which spreadsheets hide. CR, CRLF and the other line boundaries (VT, FF, NEL, U+2028 …) become LF,
    so that every line break sits inside a quoted field (csv quotes a field holding LF) and no importer
    ends a row there; other control characters (NUL, BEL …) become U+FFFD, as in the workbook.
    """
    if not isinstance(value, str):
        return value
    text = _CSV_CONTROLS.sub(_csv_control, value.replace("\r\n", "\n"))
    if value.startswith(_CSV_TRIGGERS) or text.lstrip(_CSV_LEADING_BLANKS).startswith(_CSV_TRIGGERS):
        return "'" + text
    return text


def _csv_control(match: re.Match[str]) -> str:
    """Return LF for a line break, so it is quoted like LF; U+FFFD for another control (NUL ends text in many readers)."""
    return "\n" if match.group() in _CSV_LINE_BREAKS else "\ufffd"
