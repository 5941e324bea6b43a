"""Output formats of `bpr validate`: a registry from format name to formatter.

Machine formats (json, github) are written plainly to the stream, never through rich, which would
take text in square brackets for markup, and as UTF-8 whatever the console's encoding (`MACHINE_FORMATS`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from bpr.inventory.problem import Problem, Severity

if TYPE_CHECKING:
    from bpr.inventory.loader import Inventory


@dataclass(frozen=True)
class ValidationReport:
    """What a validation run found: how many files and procedures it read, and every problem, sorted."""

    files: int
    procedures: int
    problems: tuple[Problem, ...]

    @classmethod
    def from_inventory(cls, inventory: Inventory) -> ValidationReport:
        """Return the report of a loaded inventory; procedures counts those that loaded without schema errors."""
        procedures = sum(len(loaded.procedures) for loaded in inventory.files)
        return cls(len(inventory.files), procedures, tuple(inventory.problems))

    @property
    def errors(self) -> int:
        """Return the number of errors."""
        return sum(1 for problem in self.problems if problem.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """Return the number of warnings."""
        return sum(1 for problem in self.problems if problem.severity is Severity.WARNING)

    def exit_code(self, strict: bool = False) -> int:
        """Return 1 when there are errors (or warnings under strict), else 0."""
        return 1 if self.errors or (strict and self.warnings) else 0

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form of `bpr validate --format json`."""
        return {
            "files": self.files,
            "procedures": self.procedures,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [problem.to_dict() for problem in self.problems],
        }


Formatter = Callable[[ValidationReport, TextIO], None]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(report: ValidationReport) -> str:
    """Return the one-line summary, e.g. '9 files, 72 procedures: 1 error, 3 warnings'."""
    return (
        f"{_plural(report.files, 'file')}, {_plural(report.procedures, 'procedure')}: "
        f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}"
    )


def write_text(report: ValidationReport, stream: TextIO) -> None:
    """Write one line per problem, then the summary (coloured on a terminal)."""
    stream.write("".join(f"{problem}\n" for problem in report.problems))
    summary = summary_line(report)
    if not stream.isatty():
        stream.write(summary + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    style = "bold red" if report.errors else "yellow" if report.warnings else "green"
    Console(file=stream, highlight=False, soft_wrap=True).print(Text(summary, style=style))


def write_json(report: ValidationReport, stream: TextIO) -> None:
    """Write one JSON object: files, procedures, errors, warnings and problems."""
    stream.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")


def escape_github_data(text: str) -> str:
    """Escape a workflow-command message: %, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_github_property(text: str) -> str:
    """Escape a workflow-command property value: the message escapes, plus ':' and ','."""
    return escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(problem: Problem) -> str:
    """Return the GitHub Actions workflow command (::error or ::warning) of a problem."""
    properties = ",".join(
        f"{name}={escape_github_property(str(value))}"
        for name, value in (
            ("file", problem.file),
            ("line", problem.line),
            ("col", problem.column),
            ("title", problem.code),
        )
    )
    return f"::{problem.severity.value} {properties}::{escape_github_data(problem.message)}"


def write_github(report: ValidationReport, stream: TextIO) -> None:
    """Write one GitHub Actions workflow command per problem, then the plain summary."""
    stream.write("".join(github_command(problem) + "\n" for problem in report.problems))
    stream.write(summary_line(report) + "\n")


FORMATTERS_BY_NAME: dict[str, Formatter] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
}
# Read by programs, so UTF-8 on every console; text is for people, in the console's encoding.
MACHINE_FORMATS = frozenset({"json", "github"})
