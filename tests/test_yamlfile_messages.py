"""Messages of the YAML reader: control characters, tags, merge keys and long integers, each at its own position."""

from __future__ import annotations

import datetime as dt

import pytest

from bpr.inventory.loader import load_text
from bpr.inventory.problem import YamlInputError
from bpr.inventory.yamlfile import MAX_INTEGER_DIGITS, parse_yaml


def _findings(text: str) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in parse_yaml(text).findings]


def _refusal(text: str) -> YamlInputError:
    with pytest.raises(YamlInputError) as caught:
        parse_yaml(text)
    return caught.value


# Control characters


@pytest.mark.parametrize(
    ("character", "label"),
    [("\x7f", "U+007F"), ("\x1b", "U+001B"), ("\x80", "U+0080"), ("\x9f", "U+009F"), ("\ufffe", "U+FFFE")],
)
def test_control_character_is_reported_at_its_own_position(character: str, label: str) -> None:
    refused = _refusal(f"a: 1\nname: 住民票{character}交付\n")
    assert (refused.code, refused.line, refused.column) == ("yaml-syntax", 2, 10)
    assert label in refused.message
    assert "#x" not in refused.message


def test_control_character_after_astral_characters_counts_them_as_one_column() -> None:
    refused = _refusal('x:\n  - "𠮷\u200f𠮷\x7f"\n')
    assert (refused.line, refused.column) == (2, 9)


def test_control_character_in_a_file_reaches_validate_at_its_position() -> None:
    problems = load_text("version: 1\ncounter: {id: a\x7f, name: b, section: c}\n", "f.yaml").problems
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml-syntax", 2, 16)]
    assert "DEL" in problems[0].message


# Tags


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: !!binary aGk=\n", (1, 4)),
        ("a: !foo x\n", (1, 4)),
        ("a: &anchor !foo x\n", (1, 12)),
        ("a: &anchor\n  # why\n  !foo x\n", (3, 3)),
        ("a: !<tag:example.com,2024:thing> x\n", (1, 4)),
        ("a: !foo {b: 1}\n", (1, 4)),
        ("a: !!set {b}\n", (1, 4)),
        ("a: !!omap [{b: 1}]\n", (1, 4)),
        ("- 𠮷\n- !foo x\n", (2, 3)),
        ("!foo a: 1\n", (1, 1)),
    ],
)
def test_unknown_tag_is_a_problem_at_the_tag(text: str, where: tuple[int, int]) -> None:
    parsed = parse_yaml(text)
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("yaml-syntax", *where)]
    assert "tag" in parsed.findings[0].message


def test_unknown_tag_names_the_tag_as_written_in_short_form() -> None:
    (finding,) = parse_yaml("a: !!binary aGk=\n").findings
    assert "'!!binary'" in finding.message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: !!str 5\n", "5"),
        ("a: !!int '7'\n", 7),
        ("a: !!int 0x1F\n", 31),
        ("a: !!float 1\n", 1.0),
        ("a: !!float '2.5'\n", 2.5),
        ("a: !!float -.inf\n", float("-inf")),
        ("a: !!bool false\n", False),
        ("a: !!bool 'True'\n", True),
        ("a: !!null ''\n", None),
        ("a: !!null ~\n", None),
        ("a: !!timestamp 2024-04-01\n", dt.date(2024, 4, 1)),
        ("a: !!map {b: 1}\n", {"b": 1}),
        ("a: !!seq [1]\n", [1]),
        ("a: ! {b: 1}\n", {"b": 1}),
        ("!!str a: 1\n", 1),
    ],
)
def test_core_schema_tags_keep_working(text: str, value: object) -> None:
    parsed = parse_yaml(text)
    assert parsed.findings == []
    assert parsed.data["a"] == value


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: !!int abc\n", (1, 4)),
        ("a: !!bool yes\n", (1, 4)),
        ("a: !!float many\n", (1, 4)),
        ("a: !!null nothing\n", (1, 4)),
        ("a: !!timestamp 2024-13-01\n", (1, 4)),
        ("a: !!str [1]\n", (1, 4)),
        ("a: !!map [1]\n", (1, 4)),
        ("a: !!seq {b: 1}\n", (1, 4)),
        ("!!int 5: x\n", (1, 1)),
    ],
)
def test_core_tag_on_a_value_of_another_type_is_a_problem(text: str, where: tuple[int, int]) -> None:
    assert _findings(text) == [("yaml-syntax", *where)]


def test_tagged_name_is_no_longer_accepted_as_text() -> None:
    text = (
        "version: 1\ncounter: {id: a, name: !!binary b, section: c}\nprocedures:\n"
        "  - {id: p, name: n, annual_volume: 1, steps: [{id: s, name: !foo 受付, actor: counter, effort: 5m}]}\n"
    )
    problems = load_text(text, "f.yaml").problems
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml-syntax", 2, 24), ("yaml-syntax", 4, 62)]


# Merge keys


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a:\n  <<: 5\n  b: 1\n", (2, 3), "not 5"),
        ("a:\n  b: 1\n  <<: text\n", (3, 3), "not the text 'text'"),
        ("a:\n  <<:\n  b: 1\n", (2, 3), "not empty"),
        ("x: &x 5\na: {<<: *x, b: 1}\n", (2, 5), "not 5"),
        ("a: {<<: [{c: 1}, 5], b: 1}\n", (1, 5), "item 2 of its list is 5"),
        ("a: {<<: [[1]], b: 1}\n", (1, 5), "item 1 of its list"),
    ],
)
def test_merge_key_without_a_mapping_is_reported_at_the_key(text: str, where: tuple[int, int], words: str) -> None:
    parsed = parse_yaml(text)
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("yaml-syntax", *where)]
    assert "'<<'" in parsed.findings[0].message
    assert words in parsed.findings[0].message
    assert parsed.data["a"]["b"] == 1


def test_merge_key_list_still_merges_its_mappings_beside_a_bad_item() -> None:
    parsed = parse_yaml("a: {<<: [{c: 1}, 5], b: 1}\n")
    assert parsed.data["a"] == {"b": 1, "c": 1}


def test_good_merge_keys_raise_nothing() -> None:
    parsed = parse_yaml("x: &x {c: 1}\ny: &y {d: 2}\na: {<<: *x, b: 1}\nb: {<<: [*x, *y]}\nc: {<<: {e: 3}}\n")
    assert parsed.findings == []
    assert parsed.data["b"] == {"c": 1, "d": 2}


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    parsed = parse_yaml("a: {'<<': 5}\n")
    assert parsed.findings == []
    assert parsed.data["a"] == {"<<": 5}


# Long integers


@pytest.mark.parametrize(
    "literal",
    ["1" * 5000, "-" + "9" * 4301, "0x" + "f" * 5000, "0o" + "7" * 6000, "+" + "1" * 100_000],
)
def test_integer_too_long_to_read_is_reported_at_the_number(literal: str) -> None:
    refused = _refusal(f"version: 1\nprocedures:\n  - annual_volume: {literal}\n")
    assert (refused.code, refused.line, refused.column) == ("invalid-value", 3, 20)
    assert "set_int_max_str_digits" not in refused.message
    assert f"{MAX_INTEGER_DIGITS:,} digits" in refused.message


def test_tagged_integer_too_long_is_reported_at_its_tag() -> None:
    refused = _refusal(f"a: 1\nb: !!int '{'1' * 5000}'\n")
    assert (refused.code, refused.line, refused.column) == ("invalid-value", 2, 4)


def test_integer_at_the_limit_is_read() -> None:
    assert parse_yaml(f"a: {'9' * MAX_INTEGER_DIGITS}\n").data["a"] == 10**MAX_INTEGER_DIGITS - 1


def test_long_integer_in_a_file_reaches_validate_without_python_advice() -> None:
    text = f"version: 1\ncounter: {{id: a, name: b, section: c}}\nprocedures:\n  - annual_volume: {'1' * 5000}\n"
    (problem,) = load_text(text, "f.yaml").problems
    assert (problem.code, problem.line, problem.column) == ("invalid-value", 4, 20)
    assert "sys." not in problem.message


def test_huge_hexadecimal_volume_no_longer_crashes_the_check() -> None:
    # 0x followed by 5,000 f's has about 6,000 digits: pydantic's message used to fail to print it.
    text = "version: 1\ncounter: {id: a, name: b, section: c}\nprocedures:\n  - annual_volume: 0x" + "f" * 5000 + "\n"
    problems = load_text(text, "f.yaml").problems
    assert [(p.code, p.line, p.column) for p in problems] == [("invalid-value", 4, 20)]
