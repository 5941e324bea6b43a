"""The `bpr` command. Each subcommand lives in bpr/cli/<name>.py and is registered here in one line.

Command modules import heavy libraries (networkx, openpyxl) inside their functions, never at
module top, so that `bpr --help` and `bpr validate` stay quick.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bpr import __version__
from bpr.cli import build, config_cmd, diagram, doctor, new, roadmap, schema, score, validate

app = typer.Typer(
    name="bpr",
    help="bpr: the inventory (棚卸) of a city's counter procedures, validated, scored and planned for DX.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"bpr {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """bpr: the inventory (棚卸) of a city's counter procedures, validated, scored and planned for DX."""


app.command("validate")(validate.validate)
app.command("schema")(schema.schema)
app.command("new")(new.new)
app.command("score")(score.score)
app.command("roadmap")(roadmap.roadmap)
app.command("config")(config_cmd.config)
app.command("diagram")(diagram.diagram)
app.command("doctor")(doctor.doctor)
app.command("build")(build.build)


def main() -> None:
    """Run the bpr command line."""
    app(prog_name="bpr")
