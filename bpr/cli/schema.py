"""`bpr schema`: the JSON Schema of an inventory file, for editors and standard validators (bpr/inventory/schema.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bpr.cli import emit, fail, os_reason
from bpr.i18n import N_, _

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help=N_("Write the schema to this file instead of stdout."), dir_okay=False
    ),
]


def schema(output: OutputOption = None) -> None:
    """Print the JSON Schema of an inventory file (or write it with -o FILE)."""
    from bpr.inventory.schema import schema_text

    text = schema_text()
    if output is None:
        emit(lambda stream: stream.write(text), utf8=True)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(exc)))
