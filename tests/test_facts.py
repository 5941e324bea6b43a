"""The facts line of a cache entry (`bpr.inventory.facts`): read back as written, refused when it is anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bpr.inventory.facts import FactsParts, decode_facts, encode_facts, pack_facts, unpack_facts
from bpr.inventory.loader import _facts_parts_of, load_file
from bpr.inventory.rules.base import Reference

from conftest import ROOT

SPEC_EXAMPLE = ROOT / "tests" / "data" / "valid" / "kosodate-spec-example.yaml"
COVERS_TYPO = ROOT / "tests" / "data" / "invalid" / "unknown-reference" / "covers-typo.yaml"
# A sample file with problems of its own and both kinds of reference (an attachment's procedure, a step's covers).
KOSEKI = ROOT / "inventories" / "koseki.yaml"


def parts_of(path: Any) -> FactsParts:
    return _facts_parts_of(load_file(path, path.name))


@pytest.mark.parametrize("path", [SPEC_EXAMPLE, COVERS_TYPO, KOSEKI], ids=lambda p: p.name)
def test_facts_read_back_as_written(path: Any) -> None:
    parts = parts_of(path)
    assert decode_facts(encode_facts(parts)) == parts
    assert unpack_facts(pack_facts(parts)) == parts
    assert b"\n" not in encode_facts(parts)  # one line: the whole entry follows it


def test_the_facts_hold_a_files_references_and_counter() -> None:
    counter_id, problems, _positions, declared_ids, count, references = parts_of(COVERS_TYPO)
    assert counter_id is not None and count == len(declared_ids) > 0
    assert any(reference.step is not None for reference in references)
    assert any(problem[3] == "unknown-reference" for problem in problems) is False  # cross-file: found each run


def _damaged(change: Any) -> bytes:
    data = json.loads(encode_facts(parts_of(KOSEKI)))
    decode_facts(json.dumps(data).encode())  # intact, it reads
    change(data)
    return json.dumps(data).encode()


def _set(key: str, value: Any) -> Any:
    return lambda data: data.__setitem__(key, value)


def _first(key: str, index: int, value: Any) -> Any:
    return lambda data: data[key][0].__setitem__(index, value)


DAMAGED = {
    "counter id no slug": _set("counter", "Not A Slug"),
    "counter id a number": _set("counter", 7),
    "counter id with a newline": _set("counter", "c1\n"),
    "count negative": _set("count", -1),
    "count a bool": _set("count", True),
    "count a float": _set("count", 1.0),
    "problems not a list": _set("problems", {}),
    "problem line a bool": _first("problems", 0, True),
    "problem severity unknown": _first("problems", 2, "fatal"),
    "problem code a number": _first("problems", 3, 1),
    "problem phrase a list": _first("problems", 6, []),
    "problem too short": lambda data: data["problems"][0].pop(),
    "position line a string": _first("positions", 1, "3"),
    "position path a dict": _first("positions", 0, {}),
    "position path holds a float": _first("positions", 0, ["procedures", 0.5]),
    "declared id key no number": _set("declared_ids", {"x": "p1"}),
    "declared id key negative": _set("declared_ids", {"-1": "p1"}),
    "declared id a number": _set("declared_ids", {"0": 1}),
    "reference target no slug": _first("references", 1, "Not A Slug"),
    "reference of both kinds": lambda data: data["references"][-1].__setitem__(2, "名前"),
    "reference of no kind": lambda data: data["references"][-1].__setitem__(3, None),
    "reference step no slug": lambda data: data["references"][-1].__setitem__(3, "Step One"),
    "reference attachment blank": lambda data: data["references"][0].__setitem__(2, " "),
    "a key more": _set("more", 1),
    "a key less": lambda data: data.pop("count"),
}


@pytest.mark.parametrize("change", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_facts_are_refused(change: Any) -> None:
    with pytest.raises(ValueError):
        decode_facts(_damaged(change))


@pytest.mark.parametrize("line", [b"", b"[]", b"null", b"\xff\xfe", b"[" * 100_000, b'{"counter": null}'], ids=repr)
def test_what_is_no_facts_line_is_refused(line: bytes) -> None:
    with pytest.raises(ValueError):
        decode_facts(line)


def test_packed_facts_of_another_shape_are_refused() -> None:
    import pickle

    parts = parts_of(COVERS_TYPO)
    for bad in [parts[:5], (1, *parts[1:]), (*parts[:5], ["not a reference"]), [*parts]]:
        with pytest.raises(ValueError):
            unpack_facts(pickle.dumps(bad))
    assert all(isinstance(item, Reference) for item in unpack_facts(pack_facts(parts))[5])
