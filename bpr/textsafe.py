"""Inventory text shown on a terminal: what people typed, never what a terminal would obey.

Names, sections and reasons come from YAML files anyone may have written, and a terminal acts on some
characters instead of showing them: ANSI escapes (set-title, clear-screen, OSC 8 links), other controls,
line and paragraph separators, and the bidirectional overrides that show text in another order than it is
(CVE-2021-42574). Every command that prints inventory text to a terminal or a CI log passes it through
`terminal_text` (issue 24, item 8): validate (text and github), the score table, build, diff, journeys and
the survey commands.
"""

from __future__ import annotations

import re
from typing import TextIO

_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """Return text a terminal shows as typed: control characters and direction overrides replaced by U+FFFD."""
    return _TERMINAL_UNSAFE.sub("\ufffd", text)


_UNSAFE_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_lines(text: str) -> str:
    """Return text of several lines a terminal shows as typed: line feeds and tabs kept, the rest as above."""
    return _UNSAFE_BUT_LINES.sub("\ufffd", text)


class TerminalStream:
    """A text stream that passes everything written through `terminal_lines` to the stream below."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        """Write text with what a terminal would obey replaced."""
        return self.stream.write(terminal_lines(text))

    def flush(self) -> None:
        """Flush the stream below."""
        self.stream.flush()
