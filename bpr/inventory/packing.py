"""A file's loading result as bytes: JSON data for the cache, pickle between bpr's own processes.

The cache folder may be written by someone else (a shared cache, a CI cache restored from a pull
request), so what is read from it is data only: JSON, validated again by the models on the way in, so
that a hostile or damaged entry is at worst refused (a miss), never code run. Worker processes hand
their results to the parent through pickle, which is faster, and never touches the disk.

A loaded file holds thousands of small pydantic models. Each model's set of given fields and each
repeated step name would otherwise be an object of its own: sharing them halves the memory of a
loaded inventory, and pickle then writes and reads each shared object once.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bpr.inventory.facts import PackedProblem, encode_facts
from bpr.inventory.models import Counter, Procedure
from bpr.inventory.rules.base import PathKey, references_of

Parts = tuple[
    Counter | None, list[tuple[int, Procedure]], list[PackedProblem], dict[PathKey, tuple[int, int]], dict[int, str]
]


def share_equal_values(models: Iterable[BaseModel]) -> None:
    """Make equal strings, positive floats and sets of given fields one object each, inside these models."""
    # Only values nothing can tell apart are merged: not zero, which has a sign; a field set is copied by
    # pydantic before it is changed.
    strings: dict[str, str] = {}
    floats: dict[float, float] = {}
    field_sets: dict[frozenset[str], set[str]] = {}

    def visit(model: BaseModel) -> None:
        fields = model.__pydantic_fields_set__
        shared = field_sets.setdefault(frozenset(fields), fields)
        if shared is not fields:
            object.__setattr__(model, "__pydantic_fields_set__", shared)
        values = model.__dict__
        for name, value in values.items():
            kind = type(value)
            if kind is str:
                values[name] = strings.setdefault(value, value)
            elif kind is float:
                if value > 0:
                    values[name] = floats.setdefault(value, value)
            elif kind is list:
                for index, item in enumerate(value):
                    if type(item) is str:
                        value[index] = strings.setdefault(item, item)
                    elif isinstance(item, BaseModel):
                        visit(item)
            elif isinstance(value, BaseModel):
                visit(value)

    for model in models:
        visit(model)


class _Entry(BaseModel):
    """The shape of a cache entry: every value is checked again when an entry is read."""

    model_config = ConfigDict(extra="forbid")

    counter: Counter | None
    procedures: list[tuple[int, Procedure]]
    problems: list[PackedProblem]
    positions: list[tuple[list[str | int], int, int]]
    declared_ids: dict[int, str]


def encode(parts: Parts) -> bytes:
    """Return the parts of a loaded file as JSON: the file's facts on the first line, then the whole entry.

    The whole entry holds each model with only the fields its file gave, so validating it again rebuilds the
    same models. The first line holds what the cross-file rules read of the file (`bpr.inventory.facts`): a
    run that keeps only the facts (`bpr validate`) reads that line and not the rest (JSON has no raw line break).
    """
    counter, procedures, problems, positions, declared_ids = parts
    places = [(list(path), line, column) for path, (line, column) in positions.items()]
    entry = _Entry.model_construct(
        counter=counter, procedures=procedures, problems=problems, positions=places, declared_ids=declared_ids
    )
    counter_id = counter.id if counter is not None else None
    facts = (counter_id, problems, positions, declared_ids, len(procedures), references_of(procedures))
    return encode_facts(facts) + b"\n" + entry.model_dump_json(exclude_unset=True).encode()


def decode(payload: bytes) -> Parts:
    """Return the parts of the whole entry that `encode` encoded; raise ValueError when it is not a valid entry."""
    _head, newline, whole = payload.partition(b"\n")
    if not newline:
        raise ValueError("not a cache entry")
    try:
        entry = _Entry.model_validate_json(whole)
    except ValidationError as exc:
        raise ValueError("not a cache entry") from exc
    positions = {tuple(path): (line, column) for path, line, column in entry.positions}
    return entry.counter, entry.procedures, entry.problems, positions, entry.declared_ids


def pack(parts: Parts) -> bytes:
    """Return the parts of a loaded file as bytes for the parent process (never for the disk)."""
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(payload: bytes) -> Parts:
    """Return the parts that `pack` packed in a worker process; raise ValueError when they are something else."""
    parts: Any = pickle.loads(payload)
    if not (isinstance(parts, tuple) and len(parts) == 5):
        raise ValueError("not a packed file")
    counter, procedures, problems, positions, declared_ids = parts
    if not (
        (counter is None or isinstance(counter, Counter))
        and isinstance(procedures, list)
        and all(
            isinstance(item, tuple) and isinstance(item[0], int) and isinstance(item[1], Procedure)
            for item in procedures
        )
        and isinstance(problems, list)
        and all(isinstance(item, tuple) and len(item) == 7 for item in problems)
        and isinstance(positions, dict)
        and isinstance(declared_ids, dict)
    ):
        raise ValueError("not a packed file")
    return counter, procedures, problems, positions, declared_ids
