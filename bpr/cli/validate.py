"""`bpr validate`: check every inventory file against format v1 and the cross-file rules.

Under GitHub Actions (GITHUB_ACTIONS=true) the output is workflow commands unless --format says
otherwise, and a Markdown summary is appended to $GITHUB_STEP_SUMMARY, as GitHub shows only 10
annotations of each kind per step.

When the text format prints more than `CODE_COUNTS_AFTER` problems, the count per code (errors, then
warnings, largest first) comes before the summary line, which stays the last line. The machine formats
(json, github) are left as they are: the JSON of cli.md has no place for counts per code.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from bpr.cli import EXIT_USAGE, ConfigOption, PathsArgument, check_config_or_exit, emit, fail, inventory_paths
from bpr.cli.output import (
    FORMATTERS_BY_NAME,
    MACHINE_FORMATS,
    OutputOptions,
    ValidationReport,
    append_step_summary,
    markdown_summary,
)
from bpr.cli.session import is_quiet
from bpr.i18n import N_, _
from bpr.inventory.problem import Problem, Severity

if TYPE_CHECKING:
    from bpr.inventory.records import Inventory

FORMAT_CHOICES = "|".join(FORMATTERS_BY_NAME)
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
# Past this many problem lines the list no longer fits on a terminal's screen (24 lines) with its summary:
# the text format then counts the problems per code before the summary line.
CODE_COUNTS_AFTER = 20
CODE_COUNT_HEADINGS = {
    Severity.ERROR: N_("Errors by code:"),
    Severity.WARNING: N_("Warnings by code:"),
}


def _check_format(value: str | None) -> str | None:
    if value is not None and value not in FORMATTERS_BY_NAME:
        raise typer.BadParameter(
            _("'{value}' is not one of {choices}").format(value=value, choices=", ".join(FORMATTERS_BY_NAME))
        )
    return value


FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar=FORMAT_CHOICES,
        callback=_check_format,
        show_default=False,
        help=N_(
            "Output: text (one line per problem and a summary), json (one object), github (workflow commands) or "
            "gitlab (a Code Quality report). Default: text, or github under GitHub Actions (GITHUB_ACTIONS=true)."
        ),
    ),
]
StrictOption = Annotated[bool, typer.Option("--strict", help=N_("Exit with code 1 on warnings too."))]
NoWarningsOption = Annotated[
    bool,
    typer.Option(
        "--no-warnings",
        help=N_("Show errors only. The summary still counts the warnings, and --strict still fails on them."),
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache", help=N_("Parse every file afresh; neither read nor write the cache (or BPR_NO_CACHE=1).")
    ),
]


StagedOption = Annotated[
    bool,
    typer.Option(
        "--staged",
        help=N_(
            "Check the files as git's index holds them, that is what `git commit` would record (for pre-commit):"
            " untracked files and changes not staged are left out. The problems of the files the commit changes"
            " come first."
        ),
    ),
]


# The flags of `bpr validate` that `direct_arguments` reads, by the name of their parameter.
_DIRECT_FLAGS = {"--strict": "strict", "--no-warnings": "no_warnings", "--no-cache": "no_cache", "--staged": "staged"}


def direct_arguments(args: Sequence[str]) -> dict[str, Any] | None:
    """Return `validate`'s arguments for a command line of paths, its flags and a valid --format; else None.

    These are the command lines pre-commit, CI and the DX team type (`bpr validate`, `bpr validate --staged
    inventories/x.yaml`). Click's parser, through Typer 0.29, builds a pydantic adapter for every parameter it
    converts, which imports pydantic: a third of a one-file validate whose files are all in the cache. For
    anything else (another option, `--`, help, a value click would refuse) the answer is None, and click parses
    the command line as before. tests/test_direct_arguments.py checks that both read every such line alike.
    """
    arguments: dict[str, Any] = {
        "paths": None,
        "output_format": None,
        "strict": False,
        "no_warnings": False,
        "config": None,
        "no_cache": False,
        "staged": False,
    }
    paths: list[Path] = []
    items = iter(args)
    for arg in items:
        if arg in _DIRECT_FLAGS:
            arguments[_DIRECT_FLAGS[arg]] = True
        elif arg in ("--format", "-f") or arg.startswith("--format="):
            value = arg.partition("=")[2] if "=" in arg else next(items, None)
            if value not in FORMATTERS_BY_NAME:
                return None
            arguments["output_format"] = value
        elif not arg or arg.startswith("-") or not _readable_or_missing(arg):
            return None
        else:
            paths.append(Path(arg))
    arguments["paths"] = paths or ()  # what click gives for no path
    return arguments


def _readable_or_missing(path: str) -> bool:
    """Tell whether click would take a path as it is: one that exists and cannot be read is its usage error."""
    return not os.path.exists(path) or os.access(path, os.R_OK)


def validate(
    paths: PathsArgument = None,
    output_format: FormatOption = None,
    strict: StrictOption = False,
    no_warnings: NoWarningsOption = False,
    config: ConfigOption = None,
    no_cache: NoCacheOption = False,
    staged: StagedOption = False,
) -> None:
    """Check inventory files against format v1 and the cross-file rules (exit 0 ok, 1 problems, 2 usage)."""
    chosen = inventory_paths(paths)
    severity = check_config_or_exit(config, chosen)
    use_cache = False if no_cache else None
    inventory, path_problems, changed = load_staged(chosen, use_cache) if staged else load_folders(chosen, use_cache)
    inventory.apply_severities(severity)
    if path_problems:
        sys.stderr.write("".join(f"{problem}\n" for problem in path_problems))
        raise typer.Exit(EXIT_USAGE)
    if not inventory.files and staged:
        fail(
            _(
                "no-inventory: no YAML file (*.yaml, *.yml) in git's index under {paths}: --staged checks the files"
                " git tracks (git add a new file first)"
            ).format(paths=", ".join(map(str, chosen)))
        )
    if not inventory.files:
        fail(
            _("no-inventory: no YAML file (*.yaml, *.yml) found under {paths}").format(
                paths=", ".join(map(str, chosen))
            )
        )
    report = ValidationReport.from_inventory(inventory, first=changed)
    options = OutputOptions(warnings=not no_warnings, summary=not is_quiet())
    name = output_format_in_force(output_format)
    formatter = FORMATTERS_BY_NAME[name]
    if name == "text" and options.summary and len(options.shown(report)) > CODE_COUNTS_AFTER:
        formatter = write_text_with_code_counts
    emit(lambda stream: formatter(report, stream, options), utf8=name in MACHINE_FORMATS)
    write_step_summary(report, [str(path) for path in chosen], options)
    raise typer.Exit(report.exit_code(strict))


def load_folders(paths: Sequence[Path], use_cache: bool | None) -> tuple[Inventory, list[Problem], set[str]]:
    """Check the files on disk under the paths: the checked files, the problems of the paths, and no changed file.

    Each file keeps its problems and cross-file facts only (`check_inventory`), and its count of procedures.
    """
    from bpr.inventory.loader import check_inventory

    inventory, path_problems = check_inventory(paths, use_cache=use_cache)
    return inventory, path_problems, set()


def load_staged(paths: Sequence[Path], use_cache: bool | None) -> tuple[Inventory, list[Problem], set[str]]:
    """Load the files git's index holds under the paths, and name those the commit changes; exit 2 without git."""
    from bpr.inventory.gitindex import IndexReadError, read_staged
    from bpr.inventory.loader import load_contents

    try:
        staged = read_staged(paths)
    except IndexReadError as exc:
        fail(str(exc))
    return load_contents(staged.items, use_cache=use_cache), staged.path_problems, staged.changed


class _SummaryOnly(OutputOptions):
    """Options that show no problem: the text formatter then writes its summary line alone."""

    def shown(self, report: ValidationReport) -> tuple[Problem, ...]:  # noqa: ARG002 (the interface's signature)
        """Return no problem."""
        return ()


def write_text_with_code_counts(report: ValidationReport, stream: TextIO, options: OutputOptions) -> None:
    """Write the text format with the count per code between the problems and the summary line."""
    text = FORMATTERS_BY_NAME["text"]
    text(report, stream, OutputOptions(warnings=options.warnings, summary=False))
    stream.write("".join(line + "\n" for line in code_count_lines(report.problems)))
    text(report, stream, _SummaryOnly(warnings=options.warnings, summary=True))


def code_count_lines(problems: Sequence[Problem]) -> list[str]:
    """Return the count per code, errors then warnings, each largest first (ties by code), aligned in columns.

    Every problem counts, as in the summary line (also the warnings --no-warnings does not show).
    """
    counts = Counter((problem.severity, problem.code) for problem in problems)
    if not counts:
        return []
    code_width = max(len(code) for _, code in counts)
    count_width = max(len(f"{count:,}") for count in counts.values())
    lines = []
    for severity in (Severity.ERROR, Severity.WARNING):
        ranked = sorted(
            ((code, count) for (kind, code), count in counts.items() if kind is severity),
            key=lambda item: (-item[1], item[0]),
        )
        if not ranked:
            continue
        lines.append(_(CODE_COUNT_HEADINGS[severity]))
        lines += [
            "  " + _("{code}  {count}").format(code=code.ljust(code_width), count=f"{count:,}".rjust(count_width))
            for code, count in ranked
        ]
    return lines


def output_format_in_force(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Return the --format given, else github under GitHub Actions (GITHUB_ACTIONS=true, as yamllint), else text."""
    if option is not None:
        return option
    env = os.environ if environ is None else environ
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def write_step_summary(report: ValidationReport, paths: Sequence[str], options: OutputOptions) -> None:
    """Append the run's Markdown summary to $GITHUB_STEP_SUMMARY when it names a file; never fail the run on it."""
    target = os.environ.get(STEP_SUMMARY, "").strip()
    if not target:
        return
    try:
        append_step_summary(Path(target), markdown_summary(report, paths, options))
    except OSError as exc:
        sys.stderr.write(
            _("bpr: warning: cannot write the step summary to {path} (${variable}): {reason}").format(
                path=target, variable=STEP_SUMMARY, reason=exc.strerror or exc
            )
            + "\n"
        )
