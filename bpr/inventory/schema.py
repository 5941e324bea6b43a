"""The JSON Schema of an inventory file, for editors and standard validators, in the words of the city.

pydantic generates the structure from the models; `inventory_schema` then gives every model, field and
enum the Japanese title and description of bpr/inventory/schema_words.py, which an editor shows on hover
and completion (yaml-language-server), and each enum the labels of its values (`enumDescriptions`). A
field whose type says how it is written (a duration, a profile, opening hours) keeps that after its own
description. schema/inventory.schema.json is `schema_text()`; a test holds the committed file to it.
"""

from __future__ import annotations

import enum
import json
from typing import Any

from pydantic import BaseModel

from bpr.inventory.models import InventoryFile
from bpr.inventory.schema_words import ENUM_WORDS, FIELD_WORDS, MODEL_WORDS, SCHEMA_WORDS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:bpr:inventory:v1"
_DEFS = "#/$defs/"


def inventory_schema() -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of an inventory file, generated from the models, in Japanese."""
    generated = InventoryFile.model_json_schema()
    defs: dict[str, Any] = generated.get("$defs", {})
    enums = {kind.__name__: kind for kind in ENUM_WORDS}
    for kind in ENUM_WORDS:
        _word_enum(defs[kind.__name__], kind)
    for model, (title, description) in MODEL_WORDS.items():
        _put_words(defs[model.__name__], title, description)
    for model, fields in FIELD_WORDS.items():
        properties = generated["properties"] if model is InventoryFile else defs[model.__name__]["properties"]
        for name, words in fields.items():
            _word_field(properties[name], words, [enums[ref] for ref in _refs(properties[name]) if ref in enums])
    title, description = SCHEMA_WORDS
    head = {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, "title": title, "description": description}
    return head | {key: value for key, value in generated.items() if key not in head}


def schema_text() -> str:
    """Return the schema as the text committed in schema/inventory.schema.json."""
    return json.dumps(inventory_schema(), ensure_ascii=False, indent=2) + "\n"


def schema_models() -> list[type[BaseModel]]:
    """Return the models whose fields the schema describes: the file and every model it holds."""
    return [InventoryFile, *MODEL_WORDS]


def _word_enum(schema: dict[str, Any], kind: type[enum.Enum]) -> None:
    title, description, labels = ENUM_WORDS[kind]
    _put_words(schema, title, description + _choices(kind))
    schema["enumDescriptions"] = [labels[kind(value)] for value in schema["enum"]]


def _word_field(schema: dict[str, Any], words: tuple[str, str], kinds: list[type[enum.Enum]]) -> None:
    title, description = words
    how_written = [text for text in (schema.get("description"), *_member_descriptions(schema)) if text]
    _put_words(schema, title, "".join([description, *how_written, *(_choices(kind) for kind in kinds)]))


def _put_words(schema: dict[str, Any], title: str, description: str) -> None:
    # Title and description first, so that the committed file reads as the editor shows it.
    rest = {key: value for key, value in schema.items() if key not in ("title", "description")}
    schema.clear()
    schema.update({"title": title, "description": description, **rest})


def _choices(kind: type[enum.Enum]) -> str:
    labels = ENUM_WORDS[kind][2]
    return "値: " + "、".join(f"{member.value}（{labels[member]}）" for member in kind)


def _member_descriptions(schema: dict[str, Any]) -> list[str]:
    # A type that may be null is wrapped: `anyOf: [type, null]`; the type's own words are on the member.
    return [member["description"] for member in schema.get("anyOf", []) if "description" in member]


def _refs(schema: Any) -> list[str]:
    """Return the names of the definitions a field's schema refers to, itself or through items and anyOf."""
    if isinstance(schema, dict):
        found = [schema["$ref"].removeprefix(_DEFS)] if "$ref" in schema else []
        return found + [ref for key, value in schema.items() if key != "$ref" for ref in _refs(value)]
    if isinstance(schema, list):
        return [ref for item in schema for ref in _refs(item)]
    return []
