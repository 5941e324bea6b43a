"""The inventory's messages speak the language of the run: Japanese by default, English with --lang en.

Every invalid case of the corpus is validated in both languages: the same problems (file, line, column,
code) come out, each Japanese message is Japanese with no English sentence left and keeps every id and
quoted value of its English twin, and the English stays English. The parse cache and worker processes
started by spawn must not mix the languages of two runs.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import stat
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import PydanticKnownError
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.config import ConfigError, load_config
from bpr.i18n import set_language
from bpr.inventory.loader import LoadTask, load_inventory, load_task, unpack_loaded
from bpr.inventory.problem import YamlInputError
from bpr.inventory.pydantic_errors import SAID_BY_TYPE, missing_field_finding
from bpr.inventory.sources import read_bytes
from bpr.inventory.yamlfile import parse_yaml

from conftest import INVALID, invalid_cases

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Three English words in a row: a sentence, or a phrase of one.
ENGLISH = re.compile(r"(?<![\w.-])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}(?![\w.-])")
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")
# What may stay English in a Japanese message: quoted values, code, paths and file names.
_NOT_PROSE = [
    QUOTED,
    re.compile(r"`[^`]*`"),
    re.compile(r"(?:[\w.~-]*[/\\])+[\w.*-]*"),
    re.compile(r"\{[^{}]*\}"),  # the form of a successor: {to: ID, share: 0-1, label: 条件}
]
# Phrases of the English messages that must never be left in a Japanese one.
ENGLISH_PHRASES = [
    "does not exist",
    "sends the case back",
    "did you mean",
    "is not allowed",
    "input should be",
    "should have",
    "unknown field",
    "missing required",
    "is already used",
    "cannot be reached",
    "is empty",
    "is not UTF-8",
    "while scanning",
    "while parsing",
    "not supported",
]
CASES = invalid_cases()


def english_prose(message: str) -> list[str]:
    """Return the English phrases of a message outside quoted values, code and paths."""
    line = message
    for pattern in _NOT_PROSE:
        line = pattern.sub(" ", line)
    found = ENGLISH.findall(line)
    found += [phrase for phrase in ENGLISH_PHRASES if phrase in message.lower()]
    return found


def validate_json(args: list[str], language: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `bpr validate --format json` in a language and return its report."""
    result = CliRunner().invoke(app, ["validate", "--format", "json", "--lang", language, *args], env=env)
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def where(problem: dict[str, Any]) -> tuple[str, int, int, str]:
    return problem["file"], problem["line"], problem["column"], problem["code"]


@pytest.fixture(scope="module")
def both_languages() -> dict[Path, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Each invalid case's problems (English, Japanese), from runs without the cache."""
    found = {}
    for case in CASES:
        english = validate_json([str(case), "--no-cache"], "en")["problems"]
        japanese = validate_json([str(case), "--no-cache"], "ja")["problems"]
        found[case] = (english, japanese)
    return found


@pytest.mark.parametrize("case", CASES, ids=[str(case.relative_to(INVALID)) for case in CASES])
def test_every_invalid_case_speaks_japanese(
    case: Path, both_languages: dict[Path, tuple[list[dict[str, Any]], list[dict[str, Any]]]]
) -> None:
    english, japanese = both_languages[case]
    assert english
    # The same problems, at the same places, with the same codes; only the words differ.
    assert sorted(map(where, japanese)) == sorted(map(where, english))
    said = {where(problem): problem["message"] for problem in japanese}
    for problem in english:
        message = said[where(problem)]
        assert JAPANESE.search(message), message
        assert not english_prose(message), message
        # Ids and quoted values are kept as the English shows them.
        assert [item for item in QUOTED.findall(problem["message"]) if item not in message] == [], (
            problem["message"],
            message,
        )


@pytest.mark.parametrize("case", CASES, ids=[str(case.relative_to(INVALID)) for case in CASES])
def test_lang_en_keeps_the_english(
    case: Path, both_languages: dict[Path, tuple[list[dict[str, Any]], list[dict[str, Any]]]]
) -> None:
    english, japanese = both_languages[case]
    for problem in english:
        outside = QUOTED.sub(" ", problem["message"])
        # A gloss of the term of art may stay: "(押印)", "(rework loop, 差し戻し)", "(オンライン手続件数 / 総手続件数)".
        outside = re.sub(r"\([^()]*\)|\{[^{}]*\}", " ", outside)
        assert not JAPANESE.search(outside), problem["message"]
    assert [p["message"] for p in english] != [p["message"] for p in japanese]


def test_known_messages_in_both_languages() -> None:
    case = str(INVALID / "unknown-reference" / "next-typo.yaml")
    english = {p["column"]: p["message"] for p in validate_json([case, "--no-cache"], "en")["problems"]}
    japanese = {p["column"]: p["message"] for p in validate_json([case, "--no-cache"], "ja")["problems"]}
    assert english[72] == "step 'approve' goes to 'notfy', which does not exist (did you mean 'notify'?)"
    assert japanese[72] == "工程 'approve' の次の工程 'notfy' が存在しない（'notify' の誤りか）"


def test_japanese_is_the_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(INVALID / "rework-loop"), "--no-cache"], env={"BPR_LANG": ""})
    assert "'approve'から'write'へ差し戻し（やり直し）がある" in result.stdout
    assert "sends the case back" not in result.stdout


def test_a_rule_says_one_phrase_with_ids_at_the_terminal_and_names_in_documents() -> None:
    from bpr.inventory.loader import load_inventory

    inventory, _ = load_inventory([INVALID / "rework-loop"], use_cache=False)
    problems = [p for p in inventory.problems if p.phrase]
    assert problems
    phrase = problems[0].phrase
    assert phrase is not None
    assert phrase.say("en") == "step 'approve' sends the case back to 'write' (rework loop, 差し戻し)"
    assert phrase.say("ja") == "'approve'から'write'へ差し戻し（やり直し）がある"
    names = [step["name"] for step in _steps(INVALID / "rework-loop")]
    said = phrase.say("ja", names=True)
    assert said.startswith("「") and "'" not in said
    assert sum(f"「{name}」" in said for name in names) == 2


def test_the_cache_keeps_each_language_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # English first fills the cache, Japanese must not be served its words, nor English the Japanese ones.
    cache_home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.delenv("BPR_NO_CACHE", raising=False)
    folder = str(INVALID / "invalid-value")

    def entries() -> int:
        return sum(1 for path in (cache_home / "bpr").rglob("*") if path.is_file())

    first = validate_json([folder], "en")["problems"]
    after_english = entries()
    second = validate_json([folder], "ja")["problems"]
    after_japanese = entries()
    third = validate_json([folder], "en")["problems"]
    fourth = validate_json([folder], "ja")["problems"]
    assert after_english > 0
    assert after_japanese == 2 * after_english  # every file stored once per language
    assert entries() == after_japanese  # the later runs read the cache, write nothing
    assert third == first and fourth == second
    messages = " ".join(p["message"] for p in first)
    assert "input should be a valid integer (got '300円')" in messages
    assert "a duration cannot be negative" in messages
    assert not JAPANESE.search(re.sub(r"\{[^{}]*\}", " ", QUOTED.sub(" ", messages)))
    for problem in second:
        assert JAPANESE.search(problem["message"]) and not english_prose(problem["message"]), problem


def _spawn_pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def test_a_spawned_worker_speaks_the_language_of_the_task(monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker started by spawn imports bpr afresh and sees BPR_LANG=en only (not --lang): the task says
    # the language of the run.
    monkeypatch.setenv("BPR_LANG", "en")
    path = INVALID / "unknown-reference" / "next-typo.yaml"
    tasks = [LoadTask(path, "next-typo.yaml", None, language) for language in ("ja", "en")]
    with _spawn_pool() as pool:
        japanese, english = (unpack_loaded(payload, "next-typo.yaml") for payload in pool.map(load_task, tasks))
    assert "工程 'approve' の次の工程 'notfy' が存在しない（'notify' の誤りか）" in [
        p.message for p in japanese.problems
    ]
    assert "step 'approve' goes to 'notfy', which does not exist (did you mean 'notify'?)" in [
        p.message for p in english.problems
    ]


def test_load_inventory_gives_tasks_the_language_of_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import bpr.inventory.loader as loader
    import bpr.inventory.parallel as parallel

    seen: list[str] = []

    def in_order(function: Any, tasks: list[LoadTask], workers: int, sizes: list[int]) -> Iterator[tuple[int, bytes]]:
        seen.extend(task.language for task in tasks)
        return ((index, function(task)) for index, task in enumerate(tasks))

    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "map_as_done", in_order)
    set_language("ja")
    inventory, _ = load_inventory([INVALID / "duplicate-id"], use_cache=False, workers=2)
    assert seen and set(seen) == {"ja"}
    assert all(JAPANESE.search(p.message) for p in inventory.problems)


# A sample context for each error type bpr says again, as pydantic gives it.
_CONTEXTS: dict[str, dict[str, Any]] = {
    "string_too_short": {"min_length": 1},
    "string_too_long": {"max_length": 100},
    "string_pattern_mismatch": {"pattern": "^[a-z]+$"},
    "greater_than": {"gt": 1},
    "greater_than_equal": {"ge": 0},
    "less_than": {"lt": 5},
    "less_than_equal": {"le": 1_000_000_000},
    "too_short": {"field_type": "List", "min_length": 1, "actual_length": 0},
    "too_long": {"field_type": "List", "max_length": 2, "actual_length": 3},
    "model_type": {"class_name": "Online"},
    "enum": {"expected": "'none', 'partial' or 'full'"},
    "literal_error": {"expected": "'a4' or 'a3'"},
    "date_parsing": {"error": "input is too short"},
    "date_from_datetime_parsing": {"error": "month value is outside expected range of 1-12"},
}


@pytest.mark.parametrize("kind", sorted(SAID_BY_TYPE))
def test_pydantic_types_are_said_from_pydantic_s_own_english(kind: str) -> None:
    # The message id of a type is pydantic's template, first letter lowered: what an English run shows.
    context = _CONTEXTS.get(kind, {})
    theirs = PydanticKnownError(kind, context or None).message()  # type: ignore[arg-type]
    set_language("en")
    template = SAID_BY_TYPE[kind](context)
    assert template.format(**context) == theirs[:1].lower() + theirs[1:]
    set_language("ja")
    japanese = SAID_BY_TYPE[kind](context)
    assert JAPANESE.search(japanese), japanese
    assert not english_prose(japanese), japanese


def test_configuration_errors_speak_japanese(tmp_path: Path) -> None:
    path = tmp_path / "bpr.yaml"
    path.write_text(
        "scoring:\n"
        "  travel_minutes_per_visit: -3\n"
        "  scale: {full_hours: 0.5}\n"
        "  online: 3\n"
        "  travle: 1\n"
        "roadmap:\n"
        "  capacity: {online: x, rpa: {abc: 1}}\n"
        "diagram: {font: 'a;b', direction: XX, dpi: 1.5}\n"
        "workbook: {issued_on: '2022/04/01', author: ''}\n",
        encoding="utf-8",
    )
    set_language("ja")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    messages = [problem.message for problem in caught.value.problems]
    assert len(messages) == 11
    for message in messages:
        assert JAPANESE.search(message) and not english_prose(message), message
    assert "travel_minutes_per_visit: 0 以上にする（書かれた値: -3）" in messages
    assert "未定義の項目 'travle'" in messages
    assert "direction: 'TB'、'LR' のいずれかにする（書かれた値: 'XX'）" in messages
    set_language("en")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    english = [problem.message for problem in caught.value.problems]
    assert "travel_minutes_per_visit: input should be greater than or equal to 0 (got -3)" in english
    assert "direction: input should be 'TB' or 'LR' (got 'XX')" in english


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("a: [1, 2\nb: 3\n", "did not find expected ',' or ']' while parsing a flow sequence"),
        ("a: 'open\n", "found unexpected end of stream while scanning a quoted scalar"),
        ("a: b: c\n", "mapping values are not allowed in this context"),
        ("a:\n  - 1\n  b: 2\n", "did not find expected '-' indicator while parsing a block collection"),
        ("a: *nowhere\n", "alias '*nowhere' names no anchor defined before it"),
        ("a: 1\n---\nb: 2\n", "a file holds one YAML document: remove the second `---`"),
        ("a: @x\n", "found character that cannot start any token while scanning for the next token"),
        ("a:\n\tb: 1\n", "a tab character cannot indent YAML: use spaces while scanning for the next token"),
        (
            "a: \x7f\n",
            "U+007F (DEL, a control character) is not allowed in YAML and is invisible in most editors: delete it",
        ),
        ("a: !!int x\n", "'x' is not a whole number, as its tag '!!int' says"),
        ("? [a]\n: 1\n", "a key must be a plain word, not a list or mapping"),
        ('a: "\\q"\n', "found unknown escape character while parsing a quoted scalar"),
        ("%YAML 1.2\n%YAML 1.2\n---\na: 1\n", "found duplicate %YAML directive"),
    ],
)
def test_yaml_syntax_in_both_languages(text: str, english: str) -> None:
    def message() -> str:
        try:
            document = parse_yaml(text)
        except YamlInputError as exc:
            return exc.message
        return document.findings[0].message

    set_language("en")
    assert message() == english
    set_language("ja")
    japanese = message()
    assert JAPANESE.search(japanese) and not english_prose(japanese), japanese
    assert [item for item in QUOTED.findall(english) if item not in japanese] == []


def test_file_problems_speak_japanese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("version: 1\n" * 20, encoding="utf-8")
    monkeypatch.setenv("BPR_MAX_FILE_BYTES", "100")
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes("version: 1\n".encode("utf-16"))
    paths = [big, utf16, tmp_path / "missing.yaml"]
    if hasattr(os, "mkfifo") and sys.platform != "win32":
        os.mkfifo(tmp_path / "pipe.yaml")
        assert stat.S_ISFIFO(os.stat(tmp_path / "pipe.yaml").st_mode)
        paths.append(tmp_path / "pipe.yaml")
    set_language("ja")
    inventory, missing = load_inventory(paths, use_cache=False)
    messages = [problem.message for problem in [*inventory.problems, *missing]]
    assert len(messages) == len(paths)
    for message in messages:
        assert JAPANESE.search(message) and not english_prose(message), message
    assert any("BPR_MAX_FILE_BYTES" in message and "100 バイト" in message for message in messages)
    assert any(message.startswith(f"{utf16} はUTF-16 で保存されている") for message in messages)
    with pytest.raises(YamlInputError) as caught:
        read_bytes(tmp_path)
    assert caught.value.message == "ファイルではなくフォルダ"


def test_a_missing_field_names_its_field_apart_from_the_message() -> None:
    # The message is in the language of the run; whoever needs the field (a 調査票's cell) reads `field`.
    set_language("ja")
    finding = missing_field_finding(("counter",), "section")
    assert finding.field == "section" and finding.message == "必須の項目 'section' がない"


def _steps(folder: Path) -> list[dict[str, str]]:
    from ruamel.yaml import YAML

    (path,) = sorted(folder.glob("*.yaml"))
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))["procedures"][0]["steps"]
