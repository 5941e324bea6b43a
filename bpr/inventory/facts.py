"""What the cross-file rules read of a file, as data: the first line of a cache entry, and a worker's packet.

`bpr validate` reads only this of each file it finds in the cache: the counter's id, the file's problems, the
positions the cross-file rules report, the procedure ids it declares, how many procedures are valid, and the
names of other procedures (`Reference`). None of it is a model, so such a run imports neither pydantic nor the
models (a third of a one-file validate's start-up, docs/performance.md).

The cache folder may be written by someone else, so the line is checked here as strictly as the models
checked the same values when the file was loaded: a value of another type, or an id that is no slug, makes
the whole entry a miss (the file is parsed again), never a wrong result.
"""

from __future__ import annotations

import json
import pickle
import re
from typing import Any

from bpr.inventory.enums import SLUG_PATTERN
from bpr.inventory.rules.base import PathKey, Reference

# line, column, severity, code, message as said, procedure, and a rule's phrase as data (Phrase.to_data).
PackedProblem = tuple[int, int, str, str, str, str | None, dict[str, Any] | None]
# The counter's id, the problems, the positions, the declared ids, how many procedures are valid, their references.
FactsParts = tuple[
    str | None, list[PackedProblem], dict[PathKey, tuple[int, int]], dict[int, str], int, list[Reference]
]

_SLUG = re.compile(SLUG_PATTERN)
_SEVERITIES = frozenset({"error", "warning"})


def encode_facts(parts: FactsParts) -> bytes:
    """Return a file's facts as one line of JSON (JSON has no raw line break: the whole entry follows it)."""
    counter_id, problems, positions, declared_ids, count, references = parts
    data = {
        "counter": counter_id,
        "problems": problems,
        "positions": [[list(path), line, column] for path, (line, column) in positions.items()],
        "declared_ids": {str(index): value for index, value in declared_ids.items()},
        "count": count,
        "references": [[list(ref.path), ref.target, ref.attachment, ref.step] for ref in references],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def decode_facts(line: bytes) -> FactsParts:
    """Return the facts that `encode_facts` encoded; raise ValueError when the line is not exactly such facts."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise ValueError("not a facts line") from exc
    if not isinstance(data, dict) or data.keys() != {
        "counter",
        "problems",
        "positions",
        "declared_ids",
        "count",
        "references",
    }:
        raise ValueError("not a facts line")
    counter_id = data["counter"]
    if counter_id is not None and not _is_slug(counter_id):
        raise ValueError("not a counter id")
    count = data["count"]
    if not _is_int(count) or count < 0:
        raise ValueError("not a count")
    return (
        counter_id,
        [_problem(item) for item in _list(data["problems"])],
        dict(_position(item) for item in _list(data["positions"])),
        _declared_ids(data["declared_ids"]),
        count,
        [_reference(item) for item in _list(data["references"])],
    )


def pack_facts(parts: FactsParts) -> bytes:
    """Return a file's facts as bytes for the parent process (never for the disk)."""
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_facts(payload: bytes) -> FactsParts:
    """Return the facts that `pack_facts` packed; raise ValueError when they are something else."""
    parts: Any = pickle.loads(payload)
    if not (isinstance(parts, tuple) and len(parts) == 6):
        raise ValueError("not packed facts")
    counter_id, problems, positions, declared_ids, count, references = parts
    if not (
        (counter_id is None or isinstance(counter_id, str))
        and isinstance(problems, list)
        and all(isinstance(item, tuple) and len(item) == 7 for item in problems)
        and isinstance(positions, dict)
        and isinstance(declared_ids, dict)
        and isinstance(count, int)
        and isinstance(references, list)
        and all(isinstance(item, Reference) for item in references)
    ):
        raise ValueError("not packed facts")
    return counter_id, problems, positions, declared_ids, count, references


def _is_int(value: object) -> bool:
    return type(value) is int  # not a bool, not a float


def _is_slug(value: object) -> bool:
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None


def _is_text(value: object) -> bool:
    """Tell whether a value is what the models call Text: a string with something besides white space."""
    return isinstance(value, str) and not value.isspace() and value != ""


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return value


def _path(value: object) -> PathKey:
    parts = _list(value)
    if not all(isinstance(part, str) or _is_int(part) for part in parts):
        raise ValueError("not a path")
    return tuple(parts)


def _problem(value: object) -> PackedProblem:
    item = _list(value)
    if len(item) != 7:
        raise ValueError("not a problem")
    line, column, severity, code, message, owner, phrase = item
    if not (
        _is_int(line)
        and _is_int(column)
        and severity in _SEVERITIES
        and isinstance(code, str)
        and isinstance(message, str)
        and (owner is None or isinstance(owner, str))
        and (phrase is None or (isinstance(phrase, dict) and all(isinstance(key, str) for key in phrase)))
    ):
        raise ValueError("not a problem")
    return line, column, severity, code, message, owner, phrase


def _position(value: object) -> tuple[PathKey, tuple[int, int]]:
    item = _list(value)
    if len(item) != 3 or not (_is_int(item[1]) and _is_int(item[2])):
        raise ValueError("not a position")
    return _path(item[0]), (item[1], item[2])


def _declared_ids(value: object) -> dict[int, str]:
    if not isinstance(value, dict):
        raise ValueError("not declared ids")
    declared: dict[int, str] = {}
    for key, procedure_id in value.items():
        if not (key.isascii() and key.isdigit() and isinstance(procedure_id, str)):
            raise ValueError("not a declared id")
        declared[int(key)] = procedure_id
    return declared


def _reference(value: object) -> Reference:
    item = _list(value)
    if len(item) != 4:
        raise ValueError("not a reference")
    path, target, attachment, step = item
    if not (
        _is_slug(target)
        and (attachment is None or _is_text(attachment))
        and (step is None or _is_slug(step))
        and (attachment is None) != (step is None)
    ):
        raise ValueError("not a reference")
    return Reference(_path(path), target, attachment=attachment, step=step)
