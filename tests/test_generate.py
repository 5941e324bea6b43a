"""Tests for benchmarks/generate.py: the synthetic inventories are valid format v1 and reproducible."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DURATION = re.compile(r"^\d+(\.\d+)?[mhd]$")

FILE_KEYS = {"version", "counter", "procedures"}
COUNTER_KEYS = {"id", "name", "section", "department", "location", "surveyed_on"}
PROCEDURE_KEYS = {
    "id", "name", "kind", "legal_basis", "annual_volume", "volume_source", "life_events", "national_priority",
    "online", "fee", "attachments", "plan", "steps", "issues", "notes",
}  # fmt: skip
ONLINE_KEYS = {"status", "channel", "in_person_required_by_law", "identity_check"}
FEE_KEYS = {"amount", "payment"}
ATTACHMENT_KEYS = {"name", "source", "procedure", "electronic"}
PLAN_KEYS = {"measure", "target_fy", "progress"}
STEP_KEYS = {
    "id", "name", "actor", "action", "medium", "handwritten", "seal", "in_person", "rule_based", "effort", "wait",
    "system", "next",
}  # fmt: skip
KINDS = {"application", "notification", "certificate", "registration", "payment", "consultation", "other"}
LIFE_EVENTS = {
    "birth", "childcare", "education", "moving", "marriage", "death", "nursing_care", "disability", "health",
    "disaster", "housing", "vehicle", "tax", "business", "other",
}  # fmt: skip
ACTORS = {"citizen", "counter", "back_office", "system", "external"}
ACTIONS = {"write", "submit", "receive", "check", "enter", "approve", "issue", "pay", "notify", "wait", "transport",
           "archive", "other"}  # fmt: skip
MEDIA = {"paper", "electronic", "verbal", "none"}
SOURCES = {"self", "other_municipality", "national", "citizen", "private"}
PAYMENTS = {"cash", "barcode", "qr", "credit_card", "e_money", "bank_transfer", "payment_slip", "other"}


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bpr_benchmarks_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


# The same safe loading as yaml.safe_load, in C when libyaml is there: ten times faster on these sizes.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(paths: list[Path]) -> list[dict[str, Any]]:
    return [yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) for path in paths]


def _successors(steps: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Map each step id to its successors, with the format's rule for an omitted `next`."""
    successors = {}
    for i, step in enumerate(steps):
        if "next" in step:
            successors[step["id"]] = list(step["next"])
        else:
            successors[step["id"]] = [steps[i + 1]["id"]] if i + 1 < len(steps) else []
    return successors


def _can_end(successors: dict[str, list[str]]) -> set[str]:
    """Return the steps from which some path reaches an end (a step with no successor)."""
    ending = {sid for sid, nexts in successors.items() if not nexts}
    changed = True
    while changed:
        changed = False
        for sid, nexts in successors.items():
            if sid not in ending and any(n in ending for n in nexts):
                ending.add(sid)
                changed = True
    return ending


def _check_duration(value: Any) -> None:
    assert (isinstance(value, int) and not isinstance(value, bool) and value >= 0) or (
        isinstance(value, str) and DURATION.match(value)
    ), value


def _check_valid(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Assert the format v1 rules on loaded files and return all procedures."""
    counter_ids: list[str] = []
    procedures: list[dict[str, Any]] = []
    for doc in docs:
        assert set(doc) == FILE_KEYS and doc["version"] == 1
        counter = doc["counter"]
        assert set(counter) <= COUNTER_KEYS and {"id", "name", "section"} <= set(counter)
        assert SLUG.match(counter["id"])
        counter_ids.append(counter["id"])
        assert isinstance(doc["procedures"], list) and doc["procedures"]
        procedures.extend(doc["procedures"])
    assert len(counter_ids) == len(set(counter_ids))
    ids = [p["id"] for p in procedures]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for proc in procedures:
        assert set(proc) <= PROCEDURE_KEYS, set(proc) - PROCEDURE_KEYS
        assert SLUG.match(proc["id"]) and isinstance(proc["name"], str)
        assert proc.get("kind", "other") in KINDS
        assert isinstance(proc["annual_volume"], int) and 0 <= proc["annual_volume"] <= 200_000
        assert set(proc.get("life_events", [])) <= LIFE_EVENTS
        assert isinstance(proc.get("national_priority", False), bool)
        online = proc.get("online", {})
        assert set(online) <= ONLINE_KEYS and online.get("status", "none") in {"none", "partial", "full"}
        fee = proc.get("fee", {})
        assert set(fee) <= FEE_KEYS and set(fee.get("payment", [])) <= PAYMENTS
        for attachment in proc.get("attachments", []):
            assert set(attachment) <= ATTACHMENT_KEYS and attachment["source"] in SOURCES
            if "procedure" in attachment:
                assert attachment["source"] == "self" and attachment["procedure"] in known
                assert attachment["procedure"] != proc["id"]
        plan = proc.get("plan", {})
        assert set(plan) <= PLAN_KEYS
        if plan:
            assert 2022 <= plan["target_fy"] <= 2025
        assert all(isinstance(issue, str) for issue in proc.get("issues", []))
        assert isinstance(proc.get("notes", ""), str)
        steps = proc["steps"]
        assert steps
        step_ids = [step["id"] for step in steps]
        assert len(step_ids) == len(set(step_ids)), proc["id"]
        for step in steps:
            assert set(step) <= STEP_KEYS, set(step) - STEP_KEYS
            assert SLUG.match(step["id"]) and isinstance(step["name"], str)
            assert step["actor"] in ACTORS and step.get("action", "other") in ACTIONS
            assert step.get("medium", "none") in MEDIA
            assert set(step.get("next", [])) <= set(step_ids), (proc["id"], step["id"])
            _check_duration(step.get("effort", 0))
            _check_duration(step.get("wait", 0))
        # Every step (so every path that branches off) can still reach an end: no flow loops forever.
        assert _can_end(_successors(steps)) == set(step_ids), proc["id"]
    return procedures


def test_generated_inventory_is_valid_format_v1(tmp_path: Path) -> None:
    paths = generate.generate_inventory(tmp_path, 300, files=4, seed=3)
    assert [p.name for p in paths] == ["gen-0001.yaml", "gen-0002.yaml", "gen-0003.yaml", "gen-0004.yaml"]
    procedures = _check_valid(_load(paths))
    assert len(procedures) == 300
    assert all(3 <= len(p["steps"]) <= 12 for p in procedures)


def test_generated_inventory_has_the_promised_variety(tmp_path: Path) -> None:
    procedures = _check_valid(_load(generate.generate_inventory(tmp_path, 1000, seed=1)))
    steps = [step for proc in procedures for step in proc["steps"]]
    branches = [s for s in steps if len(s.get("next", [])) >= 2]
    assert any(s.get("next") == [] for s in steps)
    assert branches
    # A rework loop: a successor that stands earlier in the list than the step itself.
    assert any(
        proc["steps"].index(step) > [s["id"] for s in proc["steps"]].index(target)
        for proc in procedures
        for step in proc["steps"]
        for target in step.get("next", [])
    )
    assert any(a.get("source") == "self" for p in procedures for a in p.get("attachments", []))
    assert any(p["annual_volume"] == 0 for p in procedures)
    assert 0.05 < sum(p.get("national_priority", False) for p in procedures) / len(procedures) < 0.2
    assert any(p.get("online", {}).get("in_person_required_by_law") for p in procedures)
    assert any("plan" in p for p in procedures)
    assert {s["actor"] for s in steps} == ACTORS
    assert {s.get("medium") for s in steps} == MEDIA
    assert {type(s["effort"]) for s in steps if "effort" in s} == {int, str}
    assert any(str(s.get("wait", "")).endswith("d") for s in steps)
    assert any(s.get("seal") for s in steps)


def test_steps_exact_gives_every_procedure_that_many_steps(tmp_path: Path) -> None:
    procedures = _check_valid(_load(generate.generate_inventory(tmp_path, 120, steps=7, exact_steps=True)))
    assert {len(p["steps"]) for p in procedures} == {7}


@pytest.mark.parametrize("procedures, files, expected_files", [(1, None, 1), (250, None, 2), (10, 10, 10)])
def test_counts_of_procedures_and_files(
    tmp_path: Path, procedures: int, files: int | None, expected_files: int
) -> None:
    paths = generate.generate_inventory(tmp_path, procedures, files=files)
    assert len(paths) == expected_files
    assert len(_check_valid(_load(paths))) == procedures


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    def contents(directory: Path, seed: int) -> list[bytes]:
        return [p.read_bytes() for p in generate.generate_inventory(directory, 150, files=3, seed=seed)]

    first = contents(tmp_path / "a", 7)
    assert contents(tmp_path / "b", 7) == first
    assert contents(tmp_path / "c", 8) != first


def test_regenerating_replaces_only_its_own_files(tmp_path: Path) -> None:
    generate.generate_inventory(tmp_path, 500, files=5)
    (tmp_path / "mine.yaml").write_text("version: 1\n", encoding="utf-8")
    paths = generate.generate_inventory(tmp_path, 20, files=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen-0001.yaml", "gen-0002.yaml", "mine.yaml"]
    assert len(_check_valid(_load(paths))) == 20


def test_more_files_than_procedures_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="files"):
        generate.generate_inventory(tmp_path, 3, files=4)


@pytest.mark.parametrize("text", ["注: 郵送分を含まない", "a, b", "[x]", "true", "123", "", " 先頭空白", '引用"符'])
def test_quote_keeps_risky_strings_intact(text: str) -> None:
    assert yaml.safe_load(f"key: {generate.quote(text)}")["key"] == text
    assert yaml.safe_load(f"{{key: {generate.quote(text)}}}")["key"] == text


def test_command_line_writes_the_files(tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / "generate.py"
    command = [sys.executable, str(script), str(tmp_path), "--procedures", "40", "--files", "2", "--seed", "5"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "40 procedures" in result.stdout
    paths = sorted(tmp_path.glob("gen-*.yaml"))
    assert len(paths) == 2 and len(_check_valid(_load(paths))) == 40
    assert [p.read_bytes() for p in paths] == [
        p.read_bytes() for p in generate.generate_inventory(tmp_path / "api", 40, files=2, seed=5)
    ]


def test_bpr_validate_finds_no_errors_in_a_generated_set(tmp_path: Path) -> None:
    generate.generate_inventory(tmp_path, 50, files=2, seed=11)
    bpr = Path(sys.executable).with_name("bpr")
    command = [str(bpr), "validate", str(tmp_path), "--format", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert (report["files"], report["procedures"], report["errors"]) == (2, 50, 0)
