"""`bpr validate`: check every inventory file against format v1 and the cross-file rules."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bpr.cli import EXIT_USAGE, ConfigOption, PathsArgument, check_config_or_exit, emit, fail, inventory_paths
from bpr.cli.output import FORMATTERS_BY_NAME, MACHINE_FORMATS, ValidationReport

FORMAT_CHOICES = "|".join(FORMATTERS_BY_NAME)


def _check_format(value: str) -> str:
    if value not in FORMATTERS_BY_NAME:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(FORMATTERS_BY_NAME)}")
    return value


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar=FORMAT_CHOICES,
        callback=_check_format,
        help="Output: text (one line per problem and a summary), json (one object) or github (workflow commands).",
    ),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Exit with code 1 on warnings too.")]
NoCacheOption = Annotated[
    bool,
    typer.Option("--no-cache", help="Parse every file afresh; neither read nor write the cache (or BPR_NO_CACHE=1)."),
]


def validate(
    paths: PathsArgument = None,
    output_format: FormatOption = "text",
    strict: StrictOption = False,
    config: ConfigOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check inventory files against format v1 and the cross-file rules (exit 0 ok, 1 problems, 2 usage)."""
    from bpr.inventory.loader import load_inventory

    chosen = inventory_paths(paths)
    check_config_or_exit(config)
    inventory, path_problems = load_inventory(chosen, use_cache=False if no_cache else None)
    if path_problems:
        sys.stderr.write("".join(f"{problem}\n" for problem in path_problems))
        raise typer.Exit(EXIT_USAGE)
    if not inventory.files:
        fail(f"no-inventory: no YAML file (*.yaml, *.yml) found under {', '.join(map(str, chosen))}")
    report = ValidationReport.from_inventory(inventory)
    formatter = FORMATTERS_BY_NAME[output_format]
    emit(lambda stream: formatter(report, stream), utf8=output_format in MACHINE_FORMATS)
    raise typer.Exit(report.exit_code(strict))
