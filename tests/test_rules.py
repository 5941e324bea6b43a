"""The rule catalogue: codes and severities as the spec says, one documented module per rule, and rule edge cases."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bpr.inventory.codes import CODES, RULES_BY_CODE, severity_of
from bpr.inventory.flow import build_flow
from bpr.inventory.models import Procedure
from bpr.inventory.problem import Severity
from bpr.inventory.rules.base import ProcedureContext, did_you_mean

from conftest import ROOT

# The spec's "Validation rules": which findings reject the inventory and which are only reported.
SPEC_ERRORS = {
    "yaml-syntax", "duplicate-key", "invalid-value", "unknown-field", "missing-field", "duplicate-id",
    "unknown-reference", "no-end", "unsupported-version", "endless-loop",
}  # fmt: skip
SPEC_WARNINGS = {
    "unreachable-step", "rework-loop", "zero-volume", "no-effort", "seal-required", "self-issued-attachment",
    "online-in-person", "online-share-missing", "skeleton-flow", "placeholder",
}  # fmt: skip


def test_codes_are_stable_kebab_case_words() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in CODES)


@pytest.mark.parametrize("code", sorted(SPEC_ERRORS | SPEC_WARNINGS))
def test_severity_follows_the_spec(code: str) -> None:
    assert severity_of(code) is (Severity.ERROR if code in SPEC_ERRORS else Severity.WARNING)


def test_codes_beyond_the_spec_are_errors() -> None:
    # Reading problems (encoding, empty file, aliases...) keep a file from being checked at all.
    assert {severity_of(code) for code in set(CODES) - SPEC_ERRORS - SPEC_WARNINGS} == {Severity.ERROR}


@pytest.mark.parametrize("code", sorted(RULES_BY_CODE))
def test_each_rule_is_a_documented_module_named_after_its_code(code: str) -> None:
    module = RULES_BY_CODE[code]
    assert code in CODES
    assert module.__name__.rsplit(".", 1)[1] == code.replace("-", "_")
    doc = module.__doc__ or ""
    assert doc.startswith(f"{code}: ")
    assert re.search(r"Pass", doc) and re.search(r"Fail|Warn", doc), (
        "the docstring shows a passing and a failing example"
    )
    assert hasattr(module, "check_procedure") or hasattr(module, "check_inventory")


def _procedure(steps: list[dict[str, Any]], **fields: Any) -> Procedure:
    return Procedure.model_validate({"id": "p", "name": "手続", "annual_volume": 10, "steps": steps} | fields)


def _codes(procedure: Procedure) -> list[tuple[str, tuple[str | int, ...]]]:
    ctx = ProcedureContext(procedure, build_flow(procedure.steps))
    found = []
    for code, rule in RULES_BY_CODE.items():
        check = getattr(rule, "check_procedure", None)
        if check is not None:
            found.extend((code, finding.path) for finding in check(ctx))
    return sorted(found)


def _step(step_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": step_id, "name": step_id, "actor": "counter", "effort": 1} | fields


def test_a_plain_list_of_steps_has_no_findings() -> None:
    assert _codes(_procedure([_step("a"), _step("b"), _step("c")])) == []


def test_next_empty_ends_the_flow_early() -> None:
    found = _codes(_procedure([_step("a", next=[]), _step("b")]))
    assert found == [("unreachable-step", ("steps", 1, "id"))]


def test_a_branch_back_with_an_exit_is_a_rework_loop_not_no_end() -> None:
    found = _codes(_procedure([_step("a"), _step("b", next=["c", "a"]), _step("c")]))
    assert found == [("rework-loop", ("steps", 1, "next", 1))]


def test_a_self_loop_without_exit_has_no_end() -> None:
    found = _codes(_procedure([_step("a", next=["a"])]))
    assert [code for code, _ in found] == ["no-end", "rework-loop"]


def test_online_in_person_concerns_citizen_steps_only() -> None:
    steps = [_step("w", actor="citizen", in_person=True), _step("r", in_person=True)]
    assert _codes(_procedure(steps, online={"status": "full"})) == [("online-in-person", ("steps", 0, "in_person"))]
    assert _codes(_procedure(steps, online={"status": "partial", "share": 0.3})) == []


def test_no_effort_counts_effort_not_wait() -> None:
    procedure = _procedure([{"id": "a", "name": "a", "actor": "counter", "wait": "3d"}])
    assert _codes(procedure) == [("no-effort", ("steps",))]


@pytest.mark.parametrize(
    ("word", "candidates", "hint"),
    [
        ("notfy", ["notify", "write"], " (did you mean 'notify'?)"),
        ("anual_volume", ["annual_volume", "name"], " (did you mean 'annual_volume'?)"),
        ("colour", ["name", "actor"], ""),
    ],
)
def test_did_you_mean(word: str, candidates: list[str], hint: str) -> None:
    assert did_you_mean(word, candidates) == hint


def test_a_rule_sees_the_counter_of_its_procedure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules get one context with the counter, so that a rule can see the 課."""
    import types

    from bpr.inventory import checker

    seen: list[Any] = []
    spy = types.SimpleNamespace(CODE="zero-volume", check_procedure=lambda ctx: seen.append(ctx.counter) or [])
    monkeypatch.setattr(checker, "RULES_BY_CODE", {"zero-volume": spy})
    text = (
        "version: 1\ncounter: {id: c, name: 窓口, section: 市民課}\n"
        "procedures:\n  - {id: p, name: 手続, annual_volume: 1, steps: [{id: a, name: a, actor: counter}]}\n"
    )
    checker.load_text(text, "f.yaml")
    assert [counter.section for counter in seen] == ["市民課"]


def test_each_rule_declares_its_code_severity_meaning_and_a_warning_its_title() -> None:
    from bpr.i18n import translate
    from bpr.inventory.codes import TITLES
    from bpr.inventory.rules import RULES_BY_CODE

    for code, rule in RULES_BY_CODE.items():
        assert code == rule.CODE
        assert CODES[code] == (rule.SEVERITY, rule.MEANING)
        assert hasattr(rule, "TITLE") is (rule.SEVERITY is Severity.WARNING), code
    # A warning's title is said in Japanese in the documents, from the catalog.
    assert all(translate(title, "ja") != title for title in TITLES.values())


def test_a_placeholder_is_two_marks_not_one() -> None:
    steps = [_step("write", name="申込書の記入（◯印をつける）", system="〇〇システム")]
    assert _codes(_procedure(steps, name="保育所等の利用申込み（〇歳児クラス）")) == [
        ("placeholder", ("steps", 0, "system"))
    ]
    assert _codes(_procedure([_step("write")], issues=["申請書の○○欄"], legal_basis="○○条例")) == [
        ("placeholder", ("issues", 0)),
        ("placeholder", ("legal_basis",)),
    ]


def test_a_placeholder_is_found_however_the_file_writes_it() -> None:
    # The rule skips files whose text holds no 〇〇 (most files): one written through an escape is still found.
    from bpr.inventory.loader import load_text

    text = (ROOT / "inventories" / "shimin.yaml").read_text(encoding="utf-8")
    assert not any(p.code == "placeholder" for p in load_text(text, "a.yaml").problems)
    line = re.search(r"^    name: .*$", text, flags=re.M)
    assert line is not None and "〇" not in text
    escaped = text.replace(line.group(0), '    name: "\\u3007\\u3007の申請"', 1)
    assert "〇〇" not in escaped
    found = [p for p in load_text(escaped, "a.yaml").problems if p.code == "placeholder"]
    assert len(found) == 1 and "〇〇の申請" in found[0].message


def test_the_digits_bound_is_made_once() -> None:
    from bpr.inventory.yamlfile import _ten_to_the

    _ten_to_the.cache_clear()
    from bpr.inventory.loader import load_text

    load_text((ROOT / "inventories" / "shimin.yaml").read_text(encoding="utf-8"), "shimin.yaml")
    assert _ten_to_the.cache_info().misses <= 1
