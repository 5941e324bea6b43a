"""Turning pydantic validation errors into positioned findings with hints."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from bpr.inventory.models import SUCCESSOR_TAGS
from bpr.inventory.rules.base import PathKey, RuleFinding, did_you_mean

# Tags of the tagged unions (a successor; a capacity in the config): no field names.
INTERNAL_TAGS = SUCCESSOR_TAGS | {"number", "by-year"}


def findings_from_error(
    error: ValidationError, model: type[BaseModel], prefix: PathKey
) -> Iterator[tuple[str, RuleFinding]]:
    """Yield (code, finding) for each error of a model validated at path prefix."""
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if isinstance(part, int) or not _is_internal(part))
        path = prefix + loc
        kind = item["type"]
        field = _field_name(loc)
        if kind == "extra_forbidden":
            known = _fields_at(model, loc[:-1])
            yield (
                "unknown-field",
                RuleFinding(path, f"unknown field '{field}'{did_you_mean(str(field), known)}", at_key=True),
            )
        elif kind == "missing":
            yield "missing-field", RuleFinding(path[:-1], f"missing required field '{field}'", at_key=False)
        else:
            message = _invalid_message(item, field, model, loc)
            yield "invalid-value", RuleFinding(path, message)


def _is_internal(part: str | int) -> bool:
    # Unions and validators add entries such as 'function-after[...]' that are no field names.
    return isinstance(part, str) and ("[" in part or part in {"list", "dict"} or part in INTERNAL_TAGS)


def _field_name(loc: tuple[str | int, ...]) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return ""


def _invalid_message(item: Any, field: str, model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    message = str(item["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    message = message[:1].lower() + message[1:]
    given = item.get("input")
    if not field:
        if item["type"] in ("model_type", "model_attributes_type", "dict_type"):
            return f"{model.__name__.lower()}: must be a mapping of fields, not {type(given).__name__}"
        return message
    if item["type"] == "enum" and isinstance(given, str):
        choices = _enum_choices(model, loc)
        message += did_you_mean(given, choices)
    elif item["type"] == "literal_error" and field == "version":
        message = "only version 1 of the format exists"
    elif item["type"] == "string_pattern_mismatch" and item.get("ctx", {}).get("pattern") == r"\S":
        message = "must hold more than spaces (write the text, or leave the field out)"
    if item["type"] == "enum":
        return f"{field}: '{given}' is not allowed: {message}"
    if item["type"] != "value_error" and isinstance(given, str | int | float) and len(repr(given)) <= 40:
        return f"{field}: {message} (got {given!r})"
    return f"{field}: {message}"


def _unwrap(annotation: Any) -> list[Any]:
    """Return the concrete types inside Optional, list and Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple):
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    return [annotation]


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        models = [t for t in _unwrap(info.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        current = models[0] if models else None
    return current


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    target = _model_at(model, loc)
    return list(target.model_fields) if target is not None else []


def _enum_choices(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    parent = _model_at(model, tuple(p for p in loc[:-1]) if isinstance(loc[-1], str) else loc[:-2])
    name = next((p for p in reversed(loc) if isinstance(p, str)), None)
    if parent is None or name is None or name not in parent.model_fields:
        return []
    for candidate in _unwrap(parent.model_fields[name].annotation):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return [str(member.value) for member in candidate]
    return []
