"""A file's loading result as bytes for the cache and for worker processes, with equal values stored once.

A loaded file holds thousands of small pydantic models. Each model's set of given fields and each
repeated step name would otherwise be an object of its own: sharing them halves the memory of a
loaded inventory, and pickle then writes and reads each shared object once.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from bpr.inventory.models import Counter, Procedure
from bpr.inventory.rules.base import PathKey

PackedProblem = tuple[int, int, str, str, str, str | None]
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


def pack(parts: Parts) -> bytes:
    """Return the parts of a loaded file as bytes."""
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(payload: bytes) -> Parts:
    """Return the parts that `pack` packed; raise ValueError when the payload holds something else."""
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
        and all(isinstance(item, tuple) and len(item) == 6 for item in problems)
        and isinstance(positions, dict)
        and isinstance(declared_ids, dict)
    ):
        raise ValueError("not a packed file")
    return counter, procedures, problems, positions, declared_ids
