"""`bpr diff OLD NEW`: what changed between two inventories, each a folder or a git revision."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bpr.cli import EXIT_PROBLEMS, ConfigOption, emit, fail, load_config_or_exit, not_one_of
from bpr.i18n import N_, _, ngettext

DIFF_FORMATS = ("text", "markdown", "json")  # the keys of bpr.diff.render.RENDERERS_BY_NAME, kept out of start-up


def _check_format(value: str) -> str:
    if value not in DIFF_FORMATS:
        raise not_one_of(value, DIFF_FORMATS)
    return value


def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help=N_("A folder, or a git revision (tag, branch, commit)."))],
    new: Annotated[
        str | None,
        typer.Argument(metavar="NEW", help=N_("A folder or a git revision. Default: the --path folder as it is now.")),
    ] = None,
    path: Annotated[
        str, typer.Option("--path", metavar="DIR", help=N_("The inventory folder inside a revision."))
    ] = "inventories",
    output_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="|".join(DIFF_FORMATS), callback=_check_format, help=N_("Output format.")
        ),
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
        sys.stderr.write(
            f"bpr: {_cannot_compare(sources[0].label, len(errors[0]), sources[1].label, len(errors[1]))}\n"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    result = compare_inventories(sources[0], inventories[0], sources[1], inventories[1], settings)
    text = RENDERERS_BY_NAME[output_format](result)
    emit(lambda stream: stream.write(text), utf8=output_format in MACHINE_FORMATS)


def _cannot_compare(old: str, old_errors: int, new: str, new_errors: int) -> str:
    """Return why two inventories are not compared: the errors of either side, or of both."""
    said = []
    if old_errors:
        said.append(
            ngettext(
                "the old inventory ({label}) has {count} error",
                "the old inventory ({label}) has {count} errors",
                old_errors,
            ).format(label=old, count=old_errors)
        )
    if new_errors:
        said.append(
            ngettext(
                "the new inventory ({label}) has {count} error",
                "the new inventory ({label}) has {count} errors",
                new_errors,
            ).format(label=new, count=new_errors)
        )
    errors = _("{first} and {second}").format(first=said[0], second=said[1]) if len(said) == 2 else said[0]
    return _("cannot compare: {errors}, listed above; fix them or compare other revisions").format(errors=errors)
