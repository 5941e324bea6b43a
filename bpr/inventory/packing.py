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

from bpr.inventory.models import Counter, Procedure, Slug, Text
from bpr.inventory.rules.base import PathKey, Reference

# line, column, severity, code, message as said, procedure, and a rule's phrase as data (Phrase.to_data).
PackedProblem = tuple[int, int, str, str, str, str | None, dict[str, Any] | None]
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


class _ReadOnly(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _StepFacts(_ReadOnly):
    id: Slug
    covers: list[Slug] | None = None


class _AttachmentFacts(_ReadOnly):
    name: Text
    procedure: Slug | None = None


class ProcedureFacts(_ReadOnly):
    """What the cross-file rules read of a procedure (`references_of`): its id and its names of other procedures.

    `bpr validate` reads a cache entry this way: the rest of each procedure is skipped, not built into models
    (two thirds of a warm run's time). What it reads is still checked by the same types as the models'.
    """

    id: Slug
    attachments: list[_AttachmentFacts] = []
    steps: list[_StepFacts]


class _FactsEntry(_Entry):
    model_config = ConfigDict(extra="forbid")

    procedures: list[tuple[int, ProcedureFacts]]  # type: ignore[assignment]


def encode(parts: Parts) -> bytes:
    """Return the parts of a loaded file as JSON: the file's facts on the first line, then the whole entry.

    The whole entry holds each model with only the fields its file gave, so validating it again rebuilds the
    same models. The first line holds the same entry with each procedure reduced to its `ProcedureFacts`: a
    run that keeps only the facts (`bpr validate`) reads that line and not the rest (JSON has no raw line break).
    """
    counter, procedures, problems, positions, declared_ids = parts
    places = [(list(path), line, column) for path, (line, column) in positions.items()]
    entry = _Entry.model_construct(
        counter=counter, procedures=procedures, problems=problems, positions=places, declared_ids=declared_ids
    )
    facts = _FactsEntry.model_construct(
        counter=counter,
        procedures=[(index, _facts_of(procedure)) for index, procedure in procedures],
        problems=problems,
        positions=places,
        declared_ids=declared_ids,
    )
    return (
        facts.model_dump_json(exclude_unset=True).encode() + b"\n" + entry.model_dump_json(exclude_unset=True).encode()
    )


def _facts_of(procedure: Procedure) -> ProcedureFacts:
    return ProcedureFacts.model_construct(
        id=procedure.id,
        attachments=[
            _AttachmentFacts.model_construct(name=a.name, procedure=a.procedure) for a in procedure.attachments
        ],
        steps=[_StepFacts.model_construct(id=step.id, covers=step.covers) for step in procedure.steps],
    )


def decode(payload: bytes, facts: bool = False) -> Parts:
    """Return the parts that `encode` encoded; raise ValueError when the payload is not a valid entry.

    With `facts`, only the first line is read, and each procedure is a `ProcedureFacts`, not a `Procedure`:
    for a run that keeps only the facts.
    """
    head, newline, whole = payload.partition(b"\n")
    if not newline:
        raise ValueError("not a cache entry")
    try:
        entry = _FactsEntry.model_validate_json(head) if facts else _Entry.model_validate_json(whole)
    except ValidationError as exc:
        raise ValueError("not a cache entry") from exc
    positions = {tuple(path): (line, column) for path, line, column in entry.positions}
    return entry.counter, entry.procedures, entry.problems, positions, entry.declared_ids


def pack(parts: Parts) -> bytes:
    """Return the parts of a loaded file as bytes for the parent process (never for the disk)."""
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


# What a worker sends of a file for a run that keeps its facts only (`LoadedFile.facts_only`): the counter,
# the problems, the positions, the declared ids, how many procedures are valid and their references.
FactsParts = tuple[
    Counter | None, list[PackedProblem], dict[PathKey, tuple[int, int]], dict[int, str], int, list[Reference]
]


def pack_facts(parts: FactsParts) -> bytes:
    """Return a file's facts as bytes for the parent process (never for the disk)."""
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_facts(payload: bytes) -> FactsParts:
    """Return the facts that `pack_facts` packed; raise ValueError when they are something else."""
    parts: Any = pickle.loads(payload)
    if not (isinstance(parts, tuple) and len(parts) == 6):
        raise ValueError("not packed facts")
    counter, problems, positions, declared_ids, count, references = parts
    if not (
        (counter is None or isinstance(counter, Counter))
        and isinstance(problems, list)
        and all(isinstance(item, tuple) and len(item) == 7 for item in problems)
        and isinstance(positions, dict)
        and isinstance(declared_ids, dict)
        and isinstance(count, int)
        and isinstance(references, list)
        and all(isinstance(item, Reference) for item in references)
    ):
        raise ValueError("not packed facts")
    return counter, problems, positions, declared_ids, count, references


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
