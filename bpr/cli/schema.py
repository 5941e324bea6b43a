"""`bpr schema`: the JSON Schema of an inventory file, for editors and standard validators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from bpr.cli import emit, fail, os_reason
from bpr.i18n import N_, _

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:bpr:inventory:v1"
SCHEMA_TITLE = "bpr inventory file, format v1"
SCHEMA_DESCRIPTION = (
    "One counter (窓口) and its procedures (手続). The JSON Schema checks fields, types and enums; "
    "`bpr validate` also checks ids, references, flows and duplicate keys."
)

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help=N_("Write the schema to this file instead of stdout."), dir_okay=False
    ),
]


def inventory_schema() -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of an inventory file, generated from the models."""
    from bpr.inventory.models import InventoryFile

    generated = InventoryFile.model_json_schema()
    head = {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, "title": SCHEMA_TITLE, "description": SCHEMA_DESCRIPTION}
    return head | {key: value for key, value in generated.items() if key not in head}


def schema_text() -> str:
    """Return the schema as the text committed in schema/inventory.schema.json."""
    return json.dumps(inventory_schema(), ensure_ascii=False, indent=2) + "\n"


def schema(output: OutputOption = None) -> None:
    """Print the JSON Schema of an inventory file (or write it with -o FILE)."""
    text = schema_text()
    if output is None:
        emit(lambda stream: stream.write(text), utf8=True)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(_("cannot write {output}: {reason}").format(output=output, reason=os_reason(exc)))
