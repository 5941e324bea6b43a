"""`bpr diff OLD NEW`: what changed between two inventories, each a folder or a git revision."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bpr.cli import EXIT_PROBLEMS, ConfigOption, emit, fail, load_config_or_exit

DIFF_FORMATS = ("text", "markdown", "json")  # the keys of bpr.diff.render.RENDERERS_BY_NAME, kept out of start-up


def _check_format(value: str) -> str:
    if value not in DIFF_FORMATS:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(DIFF_FORMATS)}")
    return value


def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="A folder, or a git revision (tag, branch, commit).")],
    new: Annotated[
        str | None,
        typer.Argument(metavar="NEW", help="A folder or a git revision. Default: the --path folder as it is now."),
    ] = None,
    path: Annotated[
        str, typer.Option("--path", metavar="DIR", help="The inventory folder inside a revision.")
    ] = "inventories",
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", metavar="|".join(DIFF_FORMATS), callback=_check_format, help="Output format."),
    ] = "text",
    config: ConfigOption = None,
) -> None:
    """Show what changed between two inventories: procedures, online, volumes, scores, plans done and KPIs.

    An existing folder wins over a revision of the same name (write REV^0 for the revision). Exit 1 when
    either inventory has errors (listed as `bpr validate` does), 2 when a side cannot be read.
    """
    from bpr.diff.compare import compare_inventories
    from bpr.diff.render import MACHINE_FORMATS, RENDERERS_BY_NAME
    from bpr.diff.sources import SourceError, errors_of, load_side, read_source

    settings = load_config_or_exit(config)
    try:
        sources = [read_source(old, path), read_source(new if new is not None else path, path)]
        inventories = [load_side(source) for source in sources]
    except SourceError as exc:
        fail(str(exc))
    errors = [errors_of(inventory) for inventory in inventories]
    if any(errors):
        sys.stderr.write("".join(f"{problem}\n" for found in errors for problem in found))
        sides = zip(("old", "new"), sources, errors, strict=True)
        said = [f"the {side} inventory ({s.label}) has {len(e)} error{'s' * (len(e) > 1)}" for side, s, e in sides if e]
        sys.stderr.write(
            f"bpr: cannot compare: {' and '.join(said)}, listed above; fix them or compare other revisions\n"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    result = compare_inventories(sources[0], inventories[0], sources[1], inventories[1], settings)
    text = RENDERERS_BY_NAME[output_format](result)
    emit(lambda stream: stream.write(text), utf8=output_format in MACHINE_FORMATS)
