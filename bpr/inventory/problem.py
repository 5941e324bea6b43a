"""One finding about an input file, from YAML syntax to cross-file rules."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bpr.i18n import Phrase, say


class Severity(enum.StrEnum):
    """How bad a problem is: errors reject the inventory, warnings are reported."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """A finding at a 1-based line and column of a file."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    procedure: str | None = None  # the procedure the problem belongs to, when it belongs to one
    # Where a problem of a file that has no lines is, e.g. 'shimin.xlsx!業務フロー!F12' (a 調査票's cell);
    # then line and column are the cell's row and column, and the location replaces FILE:LINE:COL.
    location: str | None = None
    # What a rule found, as a sentence every output says in its language: `message` is it said in the run's
    # language; the documents say it in Japanese, naming steps by their names (Phrase.say(names=True)).
    phrase: Phrase | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = self.location if self.location is not None else f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.severity.value} {self.code} {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form used by `bpr validate --format json` (with 'location' when the problem has one)."""
        found: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }
        if self.location is not None:
            found["location"] = self.location
        return found


def found(
    file: str,
    line: int,
    column: int,
    severity: Severity,
    code: str,
    message: str | Phrase,
    procedure: str | None = None,
) -> Problem:
    """Return a problem whose message is a phrase (a rule's finding) or text already said in the run's language."""
    if isinstance(message, Phrase):
        return Problem(file, line, column, severity, code, say(message), procedure, phrase=message)
    return Problem(file, line, column, severity, code, message, procedure)


def count_by_severity(problems: list[Problem]) -> tuple[int, int]:
    """Return (errors, warnings) in a list of problems."""
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    return errors, len(problems) - errors


class YamlInputError(Exception):
    """A file that cannot be read as a YAML mapping at all (the message in the language of the run)."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
