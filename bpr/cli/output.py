"""Output formats of `bpr validate`: a registry from format name to formatter, and the Markdown summary of a CI step.

Machine formats (json, github) are written plainly to the stream, never through rich, which would
take text in square brackets for markup, and as UTF-8 whatever the console's encoding (`MACHINE_FORMATS`).
The words a person reads (the summary line, the step summary's headings) are in the run's language; a
problem's line keeps its severity and code as they are, for tools.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bpr.i18n import _, ngettext
from bpr.inventory.problem import Problem, Severity
from bpr.textsafe import terminal_text

if TYPE_CHECKING:
    from bpr.inventory.loader import Inventory


@dataclass(frozen=True)
class ValidationReport:
    """What a validation run found: how many files and procedures it read, and every problem, sorted."""

    files: int
    procedures: int
    problems: tuple[Problem, ...]

    @classmethod
    def from_inventory(cls, inventory: Inventory, first: Collection[str] = ()) -> ValidationReport:
        """Return the report of a loaded inventory; procedures counts those that loaded without schema errors.

        The problems of the files named in `first` (those a commit changes) come before the others, each
        part sorted.
        """
        procedures = sum(loaded.procedure_count for loaded in inventory.files)
        problems = sorted(inventory.problems, key=lambda problem: problem.file not in first)
        return cls(len(inventory.files), procedures, tuple(problems))

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


@dataclass(frozen=True)
class OutputOptions:
    """What a run shows: warnings (`--no-warnings` leaves them out) and the summary line (`-q` leaves it out).

    Leaving warnings out changes neither the counts of the summary nor the exit code (as yamllint).
    """

    warnings: bool = True
    summary: bool = True

    def shown(self, report: ValidationReport) -> tuple[Problem, ...]:
        """Return the problems of a report this run shows."""
        if self.warnings:
            return report.problems
        return tuple(problem for problem in report.problems if problem.severity is Severity.ERROR)


EVERYTHING = OutputOptions()
Formatter = Callable[[ValidationReport, TextIO, OutputOptions], None]


def summary_line(report: ValidationReport) -> str:
    """Return the one-line summary, e.g. '9 files, 72 procedures: 1 error, 3 warnings'."""
    return _("{files}, {procedures}: {errors}, {warnings}").format(
        files=ngettext("{n} file", "{n} files", report.files).format(n=report.files),
        procedures=ngettext("{n} procedure", "{n} procedures", report.procedures).format(n=report.procedures),
        errors=ngettext("{n} error", "{n} errors", report.errors).format(n=report.errors),
        warnings=ngettext("{n} warning", "{n} warnings", report.warnings).format(n=report.warnings),
    )


def write_text(report: ValidationReport, stream: TextIO, options: OutputOptions = EVERYTHING) -> None:
    """Write one line per problem shown, then the summary (coloured on a terminal) unless quiet."""
    stream.write("".join(f"{terminal_text(str(problem))}\n" for problem in options.shown(report)))
    if not options.summary:
        return
    summary = summary_line(report)
    if not stream.isatty():
        stream.write(summary + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    style = "bold red" if report.errors else "yellow" if report.warnings else "green"
    Console(file=stream, highlight=False, soft_wrap=True).print(Text(summary, style=style))


def write_json(report: ValidationReport, stream: TextIO, options: OutputOptions = EVERYTHING) -> None:
    """Write one JSON object: files, procedures, errors, warnings (all counted) and the problems shown."""
    found = report.to_dict()
    found["problems"] = [problem.to_dict() for problem in options.shown(report)]
    stream.write(json.dumps(found, ensure_ascii=False) + "\n")


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
    # Escaped first (CR and LF have their own escapes), then what a log viewer would obey is replaced.
    return terminal_text(f"::{problem.severity.value} {properties}::{escape_github_data(problem.message)}")


def write_github(report: ValidationReport, stream: TextIO, options: OutputOptions = EVERYTHING) -> None:
    """Write one GitHub Actions workflow command per problem shown, then the plain summary unless quiet."""
    stream.write("".join(github_command(problem) + "\n" for problem in options.shown(report)))
    if options.summary:
        stream.write(summary_line(report) + "\n")


# GitLab's Code Quality severities are info, minor, major, critical and blocker: an error rejects the
# inventory (major, above the warnings in the merge request's widget), a warning asks to look (minor).
GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def gitlab_issues(problems: Sequence[Problem]) -> list[dict[str, object]]:
    """Return the GitLab Code Quality issues of problems, each with a fingerprint that outlives line moves.

    GitLab compares a merge request's report with its target branch's by fingerprint: it is made of the file,
    the code and the message (not the line, which an edit above it moves), and the number of the same
    problem met before in the file, so that two alike are two issues.
    """
    seen: dict[tuple[str, str, str], int] = {}
    issues: list[dict[str, object]] = []
    for problem in problems:
        key = (problem.file, problem.code, problem.message)
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest()
        issues.append(
            {
                "description": problem.message,
                "check_name": problem.code,
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITY[problem.severity],
                "location": {"path": problem.file, "lines": {"begin": problem.line}},
            }
        )
    return issues


def write_gitlab(report: ValidationReport, stream: TextIO, options: OutputOptions = EVERYTHING) -> None:
    """Write the problems shown as a GitLab Code Quality report: one JSON array, nothing else (the CI reads it)."""
    stream.write(json.dumps(gitlab_issues(options.shown(report)), ensure_ascii=False) + "\n")


FORMATTERS_BY_NAME: dict[str, Formatter] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
    "gitlab": write_gitlab,
}
# Read by programs, so UTF-8 on every console; text is for people, in the console's encoding.
MACHINE_FORMATS = frozenset({"json", "github", "gitlab"})


# GitHub shows 10 annotations of each kind per step; the step summary lists the rest, up to a size a
# page shows quickly (GitHub accepts 1 MiB per step).
SUMMARY_ROWS = 200
SUMMARY_BYTES = 64 * 1024
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")


def escape_markdown(text: str) -> str:
    """Escape text for a cell of a GitHub Markdown table: HTML, inline markup, the cell separator, line breaks."""
    one_line = " ".join(text.splitlines())
    html = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_INLINE.sub(r"\\\1", html)


def markdown_summary(report: ValidationReport, paths: Sequence[str], options: OutputOptions = EVERYTHING) -> str:
    """Return the Markdown summary of a run for a CI step: counts, then a table of the problems shown, errors first."""
    lines = [
        "### " + escape_markdown(" ".join(["bpr validate", *paths])),
        "",
        escape_markdown(summary_line(report)),
    ]
    shown = sorted(options.shown(report), key=lambda problem: problem.severity is not Severity.ERROR)
    if shown:
        lines += [
            "",
            "| {} | {} | {} | {} |".format(_("Severity"), _("Where"), _("Code"), _("Message")),
            "|---|---|---|---|",
        ]
        size = sum(len(line.encode()) + 1 for line in lines)
        listed = 0
        for problem in shown:
            row = _markdown_row(problem)
            size += len(row.encode()) + 1
            if listed == SUMMARY_ROWS or size > SUMMARY_BYTES:
                break
            lines.append(row)
            listed += 1
        if listed < len(shown):
            left = len(shown) - listed
            lines += [
                "",
                ngettext(
                    "{n} more problem is not listed here: the log of this step has every one.",
                    "{n} more problems are not listed here: the log of this step has every one.",
                    left,
                ).format(n=left),
            ]
    if not options.warnings and report.warnings:
        lines += ["", _("Warnings are left out (--no-warnings).")]
    return "\n".join(lines) + "\n\n"


def _markdown_row(problem: Problem) -> str:
    where = problem.location if problem.location is not None else f"{problem.file}:{problem.line}:{problem.column}"
    cells = (problem.severity.value, where, problem.code, problem.message)
    return "| " + " | ".join(escape_markdown(cell) for cell in cells) + " |"


def append_step_summary(path: Path, markdown: str) -> None:
    """Append Markdown to a CI step's summary file (GitHub's $GITHUB_STEP_SUMMARY); OSError when it cannot."""
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(markdown)
