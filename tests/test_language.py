"""A run speaks one language: Japanese by default, English with --lang en or BPR_LANG=en.

Every command is run on an inventory whose own words were made ASCII (so that what is left in
Japanese in an English run is bpr's, not the city's), with a configuration made ASCII the same way,
in both languages. A Japanese run must show no English sentence outside quoted values, paths, options
and code; an English run no Japanese, except the reasons of a score, which the spec wants in Japanese
(`reasons` … "say, in Japanese, what drove the scores"), in the body of the score table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
_JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f々〆ヵヶ]+")
# Three English words in a row: a sentence, or a phrase of one.
ENGLISH = re.compile(r"(?<![\w.-])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}(?![\w.-])")
# What may be English in a Japanese run: quoted values, code, paths, options, ids, URLs, markup.
_NOT_PROSE = [
    re.compile(r"'[^']*'"),
    re.compile(r'"[^"]*"'),
    re.compile(r"`[^`]*`"),
    re.compile(r"https?://\S+"),
    re.compile(r"(?:[\w.~-]*[/\\])+[\w.*-]*"),
    re.compile(r"\bbpr(?: [a-z]+)+"),  # a command line: bpr import survey
    re.compile(r"\b[a-z]+(?:-[a-z]+)+\b"),  # problem codes and ids, before options take their tails
    re.compile(r"--?[a-z][\w-]*"),
    re.compile(r"\b[\w-]+\.(?:ya?ml|yml|xlsx|svg|png|pdf|dot|json|html|csv|md|txt)\b"),
    re.compile(r"\[[^\]]*\]"),
    re.compile(r"\b[A-Z][A-Z_]+\b"),  # metavars, environment variables
]


def _asciify(text: str, names: dict[str, str]) -> str:
    def word(match: re.Match[str]) -> str:
        return names.setdefault(match.group(0), f"w{len(names)}")

    return _JAPANESE_RUN.sub(word, text)


@pytest.fixture(scope="module")
def ascii_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample inventory and of the default configuration with every Japanese word made ASCII."""
    root = tmp_path_factory.mktemp("ascii")
    names: dict[str, str] = {}
    (root / "inventories").mkdir()
    for path in sorted((ROOT / "inventories").glob("*.yaml")):
        (root / "inventories" / path.name).write_text(
            _asciify(path.read_text(encoding="utf-8"), names), encoding="utf-8"
        )
    defaults = (ROOT / "bpr" / "defaults.yaml").read_text(encoding="utf-8")
    (root / "bpr.yaml").write_text(_asciify(defaults, names), encoding="utf-8")
    return root


def prose(line: str) -> str:
    """Return a line without what may stay in any language: quoted values, code, paths, options, ids."""
    for pattern in _NOT_PROSE:
        line = pattern.sub(" ", line)
    return line


def english_in(output: str) -> list[str]:
    return [line for line in output.splitlines() if ENGLISH.search(prose(line))]


# An English message may name the Japanese term of art it speaks of, in parentheses: "a seal (押印)",
# "a rework loop (差し戻し)" — a gloss of a few characters, never a sentence.
_GLOSS = re.compile(r"\((?:[A-Za-z][A-Za-z ]*, )?[\u3040-\u30ff\u3400-\u9fff]{1,8}\)")


def japanese_in(output: str, *, table_body: bool = True) -> list[str]:
    found = []
    for line in output.splitlines():
        if not table_body and line.lstrip().startswith("│"):
            continue  # a row of the score table: the reasons are Japanese by the spec
        if JAPANESE.search(_GLOSS.sub(" ", line)):
            found.append(line)
    return found


def _commands(world: Path, out: Path) -> Iterator[tuple[list[str], bool]]:
    """Yield (arguments, whether the output holds score reasons) of runs that cover every command."""
    inv = str(world / "inventories")
    config = ["--config", str(world / "bpr.yaml")]
    yield ["validate", inv, *config], False
    yield ["validate", inv, "--format", "github", *config], False
    yield ["validate", str(world / "nothing-here")], False
    yield ["score", inv, "--top", "3", *config], True
    yield ["roadmap", inv, "-o", str(out / "r.xlsx"), *config], False
    yield ["diagram", inv, "-o", str(out / "d"), "--format", "dot", *config], False
    yield ["build", inv, "-o", str(out / "b"), "--no-diagrams", *config], True
    yield ["journeys", inv, *config], False
    yield ["queue", inv, "--counter", "shimin", *config], False
    yield ["diff", inv, inv, *config], False
    yield ["new", "kankyo", "--name", "kankyo", "--section", "kankyo", "-o", str(out / "new")], False
    yield ["doctor"], False
    yield ["nosuch"], False
    yield ["validate", "--bogus"], False
    yield ["score", "--top", "abc"], False
    yield ["new"], False
    yield ["--help"], False
    for command in ["validate", "schema", "new", "score", "roadmap", "config", "diagram", "diff", "doctor"]:
        yield [command, "--help"], False
    for command in ["build", "journeys", "queue", "report", "import", "national"]:
        yield [command, "--help"], False
    yield ["import", "national", "--help"], False
    yield ["survey", "export", "--help"], False
    yield ["survey", "import", "--help"], False


def _run(args: list[str], language: str) -> str:
    runner = CliRunner()
    result = runner.invoke(app, ["--lang", language, *args], env={"COLUMNS": "200", "BPR_LANG": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    return result.stdout + result.stderr


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_command_speaks_the_language_of_the_run(
    ascii_world: Path, tmp_path: Path, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    problems: list[str] = []
    for args, has_reasons in _commands(ascii_world, tmp_path):
        output = _run(args, language)
        lines = english_in(output) if language == "ja" else japanese_in(output, table_body=not has_reasons)
        problems.extend(f"bpr {' '.join(args[:2])}: {line.strip()}" for line in lines)
    assert not problems, "\n".join(problems)


def test_japanese_is_the_default_and_bpr_lang_chooses_english(ascii_world: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = str(tmp_path / "nothing-here")
    japanese = runner.invoke(app, ["validate", missing], env={"BPR_LANG": ""})
    english = runner.invoke(app, ["validate", missing], env={"BPR_LANG": "en"})
    chosen = runner.invoke(app, ["validate", missing, "--lang", "ja"], env={"BPR_LANG": "en"})
    assert japanese.exit_code == english.exit_code == chosen.exit_code == 2
    assert JAPANESE.search(japanese.stderr) and not JAPANESE.search(english.stderr)
    assert chosen.stderr == japanese.stderr


def test_an_unknown_language_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["--lang", "fr", "validate"], env={"BPR_LANG": "en"})
    assert result.exit_code == 2
    assert "unknown language 'fr'" in result.stderr and "ja, en" in result.stderr


def test_quiet_anywhere_prints_problems_without_the_summary(ascii_world: Path) -> None:
    inv = str(ascii_world / "inventories")
    loud = CliRunner().invoke(app, ["validate", inv], env={"BPR_LANG": "en"})
    quiet = CliRunner().invoke(app, ["validate", inv, "-q"], env={"BPR_LANG": "en"})
    assert loud.exit_code == quiet.exit_code == 0
    assert quiet.stdout.splitlines() == [line for line in loud.stdout.splitlines() if " warning " in line]
    assert "procedures" in loud.stdout and "procedures" not in quiet.stdout


def test_the_checks_of_this_file_can_fail() -> None:
    assert english_in("エラー: no such file or folder here")
    assert not english_in("エラー: 'no such file or folder' がない (inventories/shimin.yaml)")
    assert japanese_in("Error: ファイルがない")
    assert not japanese_in("│ 3 │ w12 │ 窓口に残る年間 │", table_body=False)
    assert not japanese_in("step 'write' requires a seal (押印)")
    assert japanese_in("capacity (年度あたりの枠 roadmap.capacity を見直す)")


def test_help_is_wrapped_to_the_terminal_in_japanese() -> None:
    from bpr.cli.clicktext import term_len

    result = CliRunner().invoke(app, ["--help"], env={"BPR_LANG": "ja"}, terminal_width=80)
    assert result.exit_code == 0
    assert all(term_len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
    assert "使い方:" in result.stdout and "オプション:" in result.stdout


def test_help_of_a_second_run_in_the_same_process_is_in_its_own_language() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["--help"], env={"BPR_LANG": "ja"})
    second = runner.invoke(app, ["--help"], env={"BPR_LANG": "en"})
    assert "オプション:" in first.stdout and "Options:" in second.stdout
    assert not japanese_in(second.stdout)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_commented_defaults_speak_the_run_language_and_hold_the_same_values(language: str) -> None:
    from ruamel.yaml import YAML

    from bpr.config import Config, defaults_text

    text = defaults_text(language)
    assert Config.model_validate(YAML(typ="safe").load(text)) == Config()
    comments = [line.split("# ", 1)[1] for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 40
    if language == "ja":
        assert all(JAPANESE.search(line) for line in comments if line.strip()), comments
    else:
        assert not japanese_in("\n".join(comments))


def test_config_defaults_prints_in_the_run_language() -> None:
    japanese = CliRunner().invoke(app, ["config", "--defaults"], env={"BPR_LANG": "ja"})
    english = CliRunner().invoke(app, ["config", "--defaults"], env={"BPR_LANG": "en"})
    assert japanese.stdout.startswith("# bpr の設定 (bpr.yaml)")
    assert english.stdout.startswith("# bpr's configuration (bpr.yaml)")
