"""A file checked a procedure at a time (`check_text`, validate's path for big files) reports what a whole load does."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpr.inventory import loader
from bpr.inventory.checker import check_text, load_text
from bpr.inventory.records import LoadedFile

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "inventories" / "shimin.yaml").read_text(encoding="utf-8")
SPEC_EXAMPLE = (ROOT / "tests" / "data" / "valid" / "kosodate-spec-example.yaml").read_text(encoding="utf-8")
HEAD = "version: 1\ncounter: {id: c1, name: 市民課 窓口, section: 市民課}\n"
STEPS = "    steps:\n      - {id: a, name: 受付, actor: counter, effort: 5, next: [b]}\n      - {id: b, name: 交付, actor: counter}\n"


def procedure(number: int, extra: str = "") -> str:
    """Return the YAML of one valid procedure of the list, with `extra` lines of fields."""
    return f"  - id: p{number}\n    name: 手続{number}\n    annual_volume: 10\n{extra}{STEPS}"


def facts(loaded: LoadedFile) -> tuple[object, ...]:
    """Return what validate reports and keeps of a file: its problems (text and owner) and its cross-file facts."""
    return (
        [(str(p), p.procedure) for p in loaded.problems],
        loaded.counter,
        loaded.counter_id,
        loaded.declared_ids,
        loaded.positions,
        loaded.references,
        loaded.procedure_count,
    )


def assert_same_as_whole(text: str) -> LoadedFile:
    whole = load_text(text, "x.yaml")
    part = check_text(text, "x.yaml")
    assert facts(part) == facts(dataclasses.replace(whole.facts_only(), problems=whole.problems))
    assert part.procedures == []
    return part


CASES = {
    "duplicate procedure ids": HEAD + "procedures:\n" + procedure(1) + procedure(1) + procedure(2),
    "unknown references": HEAD
    + "procedures:\n"
    + procedure(1, "    attachments:\n      - {name: 証明書, source: self, procedure: p9}\n")
    + procedure(2, "    attachments:\n      - {name: 写し, source: self, procedure: p1}\n"),
    "schema errors and a placeholder": HEAD
    + "procedures:\n"
    + procedure(1, "    kind: nonsense\n")
    + procedure(2, "    notes: 〇〇を記入\n")
    + "  - just text\n  - {}\n",
    "syntax error late": HEAD + "procedures:\n" + "".join(procedure(n) for n in range(1, 200)) + "  - {id: [\n",
    "alias across procedures": HEAD
    + "procedures:\n"
    + procedure(1).replace("    steps:", "    steps: &steps", 1)
    + "  - {id: p2, name: 手続2, annual_volume: 1, steps: *steps}\n"
    + "  - {id: p1, name: 手続3, annual_volume: 1, steps: *steps}\n",
    "alias bomb in a procedure": HEAD
    + "procedures:\n"
    + procedure(1, "    notes: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
    + "".join(f"  - {{id: q{n}, issues: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]}}\n" for n in range(1, 6)),
    "alias after the list": HEAD + "procedures:\n" + procedure(1) + "extra: &x 1\nmore: *x\n",
    "merge key inside a procedure": HEAD + "procedures:\n" + procedure(1) + "  - {<<: {id: p3}, name: 手続3}\n",
    "procedures before counter": "version: 1\nprocedures:\n"
    + procedure(1)
    + "counter: {id: c1, name: 窓口, section: 課}\n",
    "version after procedures": "counter: {id: c1, name: 窓口, section: 課}\nprocedures:\n"
    + procedure(1)
    + "version: 2\n",
    "unsupported version first": "version: 2\ncounter: {id: c1, name: 窓口, section: 課}\nprocedures:\n" + procedure(1),
    "invalid counter": "version: 1\ncounter: {id: c1, name: 〇〇課}\nprocedures:\n" + procedure(1),
    "empty list": HEAD + "procedures: []\n",
    "list twice": HEAD + "procedures:\n" + procedure(1) + "procedures:\n" + procedure(2),
    "tagged list": HEAD + "procedures: !!set\n" + procedure(1),
    "anchored list": HEAD + "procedures: &all\n" + procedure(1),
    "quoted key": HEAD + '"procedures":\n' + procedure(1),
    "not a list": HEAD + "procedures: {a: 1}\n",
    "unknown top-level field": HEAD + "procedures:\n" + procedure(1) + "extra: 1\n",
    "second document": HEAD + "procedures:\n" + procedure(1) + "---\na: 1\n",
    "flow list": HEAD
    + "procedures: [{id: p1, name: 手続, annual_volume: 1, steps: [{id: a, name: 受付, actor: counter}]}]\n",
    "covers": HEAD
    + "procedures:\n"
    + procedure(1).replace("actor: counter, effort: 5", "actor: counter, effort: 5, covers: [p2, p7]", 1)
    + procedure(2),
    "sample": SAMPLE,
    "spec example": SPEC_EXAMPLE,
}


@pytest.mark.parametrize("name", CASES)
def test_problems_and_facts_equal_those_of_a_whole_load(name: str) -> None:
    assert_same_as_whole(CASES[name])


def test_the_list_is_handed_over_only_in_the_usual_layout() -> None:
    # The usual layout keeps no procedure; the others are parsed whole and still report the same (above).
    streamed = assert_same_as_whole(CASES["duplicate procedure ids"])
    assert streamed.valid_count == 3 and [r.path for r in streamed.references] == []
    assert any(p.code == "yaml-syntax" for p in assert_same_as_whole(CASES["syntax error late"]).problems)
    assert len(assert_same_as_whole(CASES["syntax error late"]).problems) == 1


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, len(SAMPLE)), length=st.integers(0, 40), insert=st.sampled_from(
    ["", "  - ", "&a ", "*a", "<<: *a\n", "\t", "〇〇", "id: kobetsu\n", "procedures:\n", "counter:\n", "- ", ": ", "\n"]
))  # fmt: skip
def test_a_damaged_sample_reports_what_a_whole_load_does(start: int, length: int, insert: str) -> None:
    assert_same_as_whole(SAMPLE[:start] + insert + SAMPLE[start + length :])


def test_validate_of_big_files_reports_what_a_whole_load_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every file is checked a procedure at a time here; the cross-file rules see the same facts.
    rng = random.Random(7)
    for number, name in enumerate(CASES):
        (tmp_path / f"f{number:02}.yaml").write_text(CASES[name], encoding="utf-8")
    (tmp_path / "other.yaml").write_text(
        "version: 1\ncounter: {id: c1, name: 窓口, section: 課}\nprocedures:\n" + procedure(rng.randint(1, 2)),
        encoding="utf-8",
    )
    whole, _ = loader.load_inventory([tmp_path], use_cache=False, workers=1)
    monkeypatch.setattr(loader, "BY_PROCEDURE_BYTES", 0)
    checked, _ = loader.check_inventory([tmp_path], use_cache=False, workers=1)
    assert [str(p) for p in checked.problems] == [str(p) for p in whole.problems]
    assert sum(f.procedure_count for f in checked.files) == sum(f.procedure_count for f in whole.files)
    assert all(not f.procedures for f in checked.files)


def test_the_docs_give_the_size_from_which_validate_checks_by_procedure() -> None:
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    mib = loader.BY_PROCEDURE_BYTES // 2**20
    assert f"{mib} MiB 以上のファイルは" in text and f"checks a file of {mib} MiB or more" in text
