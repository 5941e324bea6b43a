"""Turning pydantic validation errors into positioned findings with hints, in the language of the run.

pydantic writes its errors in English. A run in English shows pydantic's own words; another language
says the errors a user meets in practice again by their type (``int_type``, ``less_than_equal`` …),
from the catalog, with the same field, limits and bad value. The message ids below are pydantic's
templates with the first letter lowered, as the English messages show them. A type not listed keeps
pydantic's words, except that a custom error type (a discriminator's) is its own message id.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from bpr.i18n import N_, _, current_language, ngettext
from bpr.inventory.models import SUCCESSOR_TAGS
from bpr.inventory.rules.base import PathKey, RuleFinding, did_you_mean

# Tags of the tagged unions (a successor; a capacity in the config): no field names.
INTERNAL_TAGS = SUCCESSOR_TAGS | {"number", "by-year"}

Context = Mapping[str, Any]

# pydantic's error types, said in the language of the run; each is given the error's context (limits …).
SAID_BY_TYPE: dict[str, Callable[[Context], str]] = {
    "int_type": lambda ctx: _("input should be a valid integer"),
    "int_parsing": lambda ctx: _("input should be a valid integer, unable to parse string as an integer"),
    "int_parsing_size": lambda ctx: _("unable to parse input string as an integer, exceeded maximum size"),
    "int_from_float": lambda ctx: _("input should be a valid integer, got a number with a fractional part"),
    "float_type": lambda ctx: _("input should be a valid number"),
    "float_parsing": lambda ctx: _("input should be a valid number, unable to parse string as a number"),
    "finite_number": lambda ctx: _("input should be a finite number"),
    "bool_type": lambda ctx: _("input should be a valid boolean"),
    "bool_parsing": lambda ctx: _("input should be a valid boolean, unable to interpret input"),
    "string_type": lambda ctx: _("input should be a valid string"),
    "string_too_short": lambda ctx: ngettext(
        "string should have at least {min_length} character",
        "string should have at least {min_length} characters",
        ctx["min_length"],
    ),
    "string_too_long": lambda ctx: ngettext(
        "string should have at most {max_length} character",
        "string should have at most {max_length} characters",
        ctx["max_length"],
    ),
    "string_pattern_mismatch": lambda ctx: _("string should match pattern '{pattern}'"),
    "greater_than": lambda ctx: _("input should be greater than {gt}"),
    "greater_than_equal": lambda ctx: _("input should be greater than or equal to {ge}"),
    "less_than": lambda ctx: _("input should be less than {lt}"),
    "less_than_equal": lambda ctx: _("input should be less than or equal to {le}"),
    "list_type": lambda ctx: _("input should be a valid list"),
    "too_short": lambda ctx: ngettext(
        "list should have at least {min_length} item after validation, not {actual_length}",
        "list should have at least {min_length} items after validation, not {actual_length}",
        ctx["min_length"],
    ),
    "too_long": lambda ctx: ngettext(
        "list should have at most {max_length} item after validation, not {actual_length}",
        "list should have at most {max_length} items after validation, not {actual_length}",
        ctx["max_length"],
    ),
    "dict_type": lambda ctx: _("input should be a valid dictionary"),
    "model_type": lambda ctx: _("input should be a valid dictionary or instance of {class_name}"),
    "model_attributes_type": lambda ctx: _("input should be a valid dictionary or object to extract fields from"),
    "enum": lambda ctx: _("input should be {expected}"),
    "literal_error": lambda ctx: _("input should be {expected}"),
    "date_type": lambda ctx: _("input should be a valid date"),
    "date_parsing": lambda ctx: _("input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": lambda ctx: _("input should be a valid date or datetime, {error}"),
    "date_from_datetime_inexact": lambda ctx: _(
        "datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
}

# Why a text is not a date (the `error` of pydantic's date types): message ids, said in the language of the run.
DATE_ERRORS = frozenset(
    {
        N_("input is too short"),
        N_("input is too long"),
        N_("unexpected extra characters at the end of the input"),
        N_("invalid date separator, expected `-`"),
        N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
        N_("invalid character in year"),
        N_("invalid character in month"),
        N_("invalid character in day"),
        N_("month value is outside expected range of 1-12"),
        N_("day value is outside expected range"),
    }
)

_QUOTED = re.compile(r"'[^']*'")


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
            yield "unknown-field", RuleFinding(path, unknown_field_message(str(field), known), at_key=True)
        elif kind == "missing":
            yield "missing-field", missing_field_finding(path[:-1], field)
        else:
            message = _invalid_message(item, field, model, loc)
            yield "invalid-value", RuleFinding(path, message)


def unknown_field_message(field: str, known: Iterable[str]) -> str:
    """Return the message of an unknown field, with the known field it most resembles."""
    return _("unknown field '{field}'{hint}").format(field=field, hint=did_you_mean(field, known))


def missing_field_finding(path: PathKey, field: str) -> RuleFinding:
    """Return the finding of a required field missing from the mapping at path."""
    return RuleFinding(path, _("missing required field '{field}'").format(field=field), field=field)


def pydantic_message(item: Any) -> str:
    """Return what an error of pydantic says, first letter lowered, in the language of the run."""
    kind = item["type"]
    original = str(item["msg"])
    if kind == "value_error" and original.startswith("Value error, "):
        # Raised by bpr's own validators, already in the language of the run.
        original = original[len("Value error, ") :]
    english = original[:1].lower() + original[1:]
    say = SAID_BY_TYPE.get(kind)
    if current_language() == "en":
        return english
    if say is None:
        # A custom error type (a discriminator's) has its own message id; any other keeps pydantic's words.
        said = _(original) if original else original
        return english if said == original else said
    context = dict(item.get("ctx") or {})
    fields = {key: _shown_context(key, value) for key, value in context.items()}
    return say(context).format_map(_Fields(fields))


class _Fields(dict[str, str]):
    """The fields of a message; a field the context lacks stays as written, never an error."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _shown_context(key: str, value: Any) -> str:
    if key == "expected" and isinstance(value, str):
        return _choices(value)
    if key == "error" and isinstance(value, str):
        return _(value) if value in DATE_ERRORS else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # as pydantic shows a limit: 1, not 1.0
    return str(value)


def _choices(expected: str) -> str:
    """Return pydantic's list of allowed values ("'a', 'b' or 'c'") as a list in the language of the run."""
    items = _QUOTED.findall(expected)
    if len(items) < 2:
        return expected
    return _("{choices} or {last}").format(choices=_(", ").join(items[:-1]), last=items[-1])


def _is_internal(part: str | int) -> bool:
    # Unions and validators add entries such as 'function-after[...]' that are no field names.
    return isinstance(part, str) and ("[" in part or part in {"list", "dict"} or part in INTERNAL_TAGS)


def _field_name(loc: tuple[str | int, ...]) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return ""


def _invalid_message(item: Any, field: str, model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    message = pydantic_message(item)
    given = item.get("input")
    if not field:
        if item["type"] in ("model_type", "model_attributes_type", "dict_type"):
            return _("{model}: must be a mapping of fields, not {type}").format(
                model=model.__name__.lower(), type=type(given).__name__
            )
        return message
    if item["type"] == "enum" and isinstance(given, str):
        choices = _enum_choices(model, loc)
        message += did_you_mean(given, choices)
    elif item["type"] == "literal_error" and field == "version":
        message = _("only version 1 of the format exists")
    elif item["type"] == "string_pattern_mismatch" and item.get("ctx", {}).get("pattern") == r"\S":
        message = _("must hold more than spaces (write the text, or leave the field out)")
    if item["type"] == "enum":
        return _("{field}: '{given}' is not allowed: {message}").format(field=field, given=given, message=message)
    if item["type"] != "value_error" and isinstance(given, str | int | float) and len(repr(given)) <= 40:
        return _("{field}: {message} (got {given})").format(field=field, message=message, given=repr(given))
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
