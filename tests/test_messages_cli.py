"""The core commands speak one language per run: Japanese by default, English with --lang en; -q prints problems only.

Covers build, roadmap, diagram, new, schema, config and report, their usage and output failures, and
their --help. What a person reads at the terminal must hold no English sentence in a Japanese run:
file names, ids, options and commands in backticks are left aside, and any run of three English words
that remains is a sentence left untranslated. The headings of click ("Usage", "Options") are the lead's
and are not asserted here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_build import INVENTORY, SECOND
from typer.testing import CliRunner

from bpr.cli.main import app

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

# What is not prose: `commands`, 'quoted values', paths and file names, options, and KEY=VALUE.
_NOT_PROSE = re.compile(r"`[^`]*`|'[^']*'|\S*(?:[/\\=<>_@]|\w\.\w)\S*|(?<!\w)--?[A-Za-z][\w-]*")
_ENGLISH = re.compile(r"[A-Za-z]+(?:[ ,]+[A-Za-z]+){2,}")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_PROBLEM = re.compile(r"^\S.*:\d+:\d+: (error|warning) [a-z-]+ ")


def english_left(text: str) -> list[str]:
    """Return the runs of three or more English words in a text, once names, paths and options are set aside."""
    return [run for line in text.splitlines() for run in _ENGLISH.findall(_NOT_PROSE.sub(" | ", line))]


def test_the_detector_finds_an_english_sentence_and_passes_names_and_options() -> None:
    assert english_left("bpr: no such file or folder: /tmp/x") == ["no such file or folder"]
    assert english_left("bpr: ファイルまたはフォルダがない: /tmp/no such/x.yaml") == []
    assert english_left("`bpr validate inventories/a.yaml` で確認する (--split-by section -o DIR)") == []
    assert english_left("手続 3件 の推奨: オンライン化 2 / RPA 0 / AI-OCR 1 / 業務改善(BPR) 0") == []


def said(result: object) -> str:
    """Return everything a run printed, stdout and stderr."""
    return f"{getattr(result, 'stdout', '')}\n{getattr(result, 'stderr', '')}"


def assert_japanese(text: str) -> None:
    """Assert that a run's output is Japanese: some Japanese, and no English sentence left."""
    assert _JAPANESE.search(text), text
    assert english_left(text) == [], text


@pytest.fixture
def inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a valid inventory of two counters (one warning), working in tmp_path."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "inventories"
    folder.mkdir()
    (folder / "kosodate.yaml").write_text(INVENTORY, encoding="utf-8")
    (folder / "zeimu.yaml").write_text(SECOND, encoding="utf-8")
    return folder


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    """Run bpr, check its exit code and return everything it printed."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, said(result)
    return said(result)


# --- Japanese, the default ------------------------------------------------------------------------


def test_japanese_is_the_default_language(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BPR_LANG")
    text = run(runner, "roadmap", str(tmp_path / "nowhere"), "-o", "x.xlsx", code=2)
    assert "ファイルまたはフォルダがない" in text
    assert_japanese(text)


@needs_dot
def test_build_speaks_japanese(runner: CliRunner, inventory: Path) -> None:
    text = run(runner, "build", str(inventory), "-o", "out", "--lang", "ja")
    for words in ("出力先", "市全体のワークブック", "課ごとのワークブック 2件", "業務フロー図・窓口一覧図 5件 (SVG)"):
        assert words in text
    assert "警告 1件 (`bpr validate` で確認できます)" in text
    assert_japanese(text)


def test_build_without_graphviz_warns_in_japanese(
    runner: CliRunner, inventory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    text = run(runner, "build", str(inventory), "-o", "out", "--lang", "ja")
    assert "bpr: 警告: Graphviz の `dot` が PATH にない" in text and "(DOT)" in text
    assert_japanese(text)


def test_roadmap_speaks_japanese(runner: CliRunner, inventory: Path) -> None:
    text = run(runner, "roadmap", str(inventory), "-o", "roadmap.xlsx", "--lang", "ja")
    assert "出力: roadmap.xlsx (警告 1件は「課題一覧」に)" in text
    assert_japanese(text)
    text = run(runner, "roadmap", str(inventory), "--split-by", "section", "-o", "chiefs", "--lang", "ja")
    assert "の課ごとのワークブック 2件" in text
    assert_japanese(text)


def test_diagram_speaks_japanese(runner: CliRunner, inventory: Path) -> None:
    text = run(runner, "diagram", str(inventory), "-f", "dot", "-o", "diagrams", "--lang", "ja")
    assert "図 5件（手続 3件、窓口 2件）を diagrams" in text
    assert_japanese(text)


def test_new_speaks_japanese(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = run(runner, "new", "shimin", "--lang", "ja")
    assert "を書き出した: 〇〇 の箇所を埋めてから `bpr validate" in text
    assert_japanese(text)
    again = run(runner, "new", "shimin", "--lang", "ja", code=2)
    assert "は既にある: bpr new はファイルを上書きしない" in again
    assert_japanese(again)


@needs_dot
def test_report_speaks_japanese(runner: CliRunner, inventory: Path) -> None:
    text = run(runner, "report", str(inventory), "-o", "report", "--lang", "ja")
    assert re.search(r"報告書 \d+ページ \(手続 3件\) → report", text), text
    assert_japanese(text)


def test_report_without_graphviz_notes_it_in_japanese(
    runner: CliRunner, inventory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    text = run(runner, "report", str(inventory), "-o", "report", "--lang", "ja")
    assert "報告書に業務フロー図は載せない" in text
    assert_japanese(text)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["build", "missing-folder"], "ファイルまたはフォルダがない: missing-folder"),
        (["roadmap", "missing-folder", "-o", "x.xlsx"], "ファイルまたはフォルダがない: missing-folder"),
        (["build", "{inventory}", "-o", "{file}"], "フォルダではなくファイルである"),
        (["report", "{inventory}", "-o", "{file}"], "フォルダではなくファイルである"),
        (["build", "{inventory}", "-o", "."], "作業フォルダは出力先にできない"),
        (["build", "{inventory}", "-o", "{occupied}"], "が書き出していないファイルがある"),
        (["roadmap", "{inventory}"], "ワークブックの書き出し先を指定する"),
        (["roadmap", "{inventory}", "-o", "roadmap.csv"], "ワークブックのファイル名は .xlsx で終わる必要がある"),
        (["roadmap", "{inventory}", "--split-by", "section", "-o", "{file}"], "フォルダを指定する"),
        (["roadmap", "{inventory}", "-f", "json", "-o", "x.txt"], "JSON のファイル名は .json で終わる必要がある"),
        (["diagram", "{inventory}", "--dpi", "300"], "--dpi は --format png でのみ指定できる"),
        (["diagram", "{inventory}", "-f", "svg", "--paper", "a4"], "--paper は --format pdf でのみ指定できる"),
        (["new", "Bad Id"], "は窓口の id に使えない"),
        (["new", "shimin", "--name", " "], "--name と --section は空にできない"),
        (["schema", "-o", "no-such-folder/schema.json"], "に書き込めない: ファイルまたはフォルダがない"),
        (["config", "--config", "nope.yaml"], "設定ファイルがない: nope.yaml"),
        (["config", "--config", "{empty_config}"], "設定ファイルにエラーがある"),
        (["build", "{empty_folder}"], "no-inventory: "),
        (["roadmap", "{broken}", "-o", "x.xlsx"], "棚卸にエラーが 1件ある"),
    ],
)
def test_failures_speak_japanese(
    runner: CliRunner, inventory: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "notes.txt").write_text("keep me", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "a.yaml").write_text(INVENTORY.replace("next: [notify, write]", "next: [notfy]"))
    places = {
        "inventory": inventory,
        "file": tmp_path / "a-file",
        "occupied": tmp_path / "occupied",
        "empty_config": tmp_path / "empty.yaml",
        "empty_folder": tmp_path / "empty-folder",
        "broken": tmp_path / "broken",
    }
    given = [arg.format(**places) for arg in args]
    code = 1 if "{broken}" in args else 2
    text = run(runner, *given, "--lang", "ja", code=code)
    assert words in text
    # The problem lines (FILE:LINE:COL: error CODE message) are the inventory's: its own tests say them.
    assert_japanese("\n".join(line for line in text.splitlines() if not _PROBLEM.match(line)))


# --- English, asked for ---------------------------------------------------------------------------


def test_build_speaks_english_when_asked(runner: CliRunner, inventory: Path) -> None:
    text = run(runner, "build", str(inventory), "-o", "out", "--no-diagrams", "--lang", "en")
    for words in ("Output folder", "workbook of the whole city", "2 workbooks, one per section", "1 warning"):
        assert words in text
    assert "出力先" not in text and "市全体" not in text


def test_roadmap_diagram_new_and_report_speak_english_when_asked(
    runner: CliRunner, inventory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Written: roadmap.xlsx; 1 warning is listed in the issues sheet (課題一覧)" in run(
        runner, "roadmap", str(inventory), "-o", "roadmap.xlsx", "--lang", "en"
    )
    diagrams = run(runner, "diagram", str(inventory), "-f", "dot", "-o", "diagrams", "--lang", "en")
    assert "5 diagrams (3 procedures, 2 counters) written to diagrams" in diagrams
    assert "wrote inventories/shimin.yaml: replace its placeholders" in run(runner, "new", "shimin", "--lang", "en")
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    report = run(runner, "report", str(inventory), "-o", "report", "--lang", "en")
    assert "the report has no flow diagrams" in report and re.search(r"HTML report, \d+ pages \(4 procedures\)", report)
    assert not _JAPANESE.search(report.replace("課題一覧", ""))


def test_failures_speak_english_when_asked(runner: CliRunner, inventory: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert "bpr: no such file or folder: missing-folder" in run(
        runner, "build", "missing-folder", "--lang", "en", code=2
    )
    text = run(runner, "build", str(inventory), "-o", "a-file", "--lang", "en", code=2)
    assert "cannot write into a-file: it is a file, not a folder" in text
    text = run(runner, "schema", "-o", "no-such-folder/schema.json", "--lang", "en", code=2)
    assert "cannot write no-such-folder/schema.json: No such file or directory" in text


# --- --help ---------------------------------------------------------------------------------------

HELP = {
    "build": [
        "検証したうえで",
        "すべてを書き出すフォルダ",
        "ロードマップの最初の年度",
        "図を書き出さない",
        "並列に動かす",
    ],
    "config": ["設定を表示する", "コメント付きの組込み既定値"],
    "diagram": [
        "スイムレーン図",
        "図を書き出すフォルダ",
        "ファイル形式",
        "この手続のみ",
        "この窓口のみ",
        "PNG の解像度",
    ],
    "new": ["雛形ファイル", "新しい窓口の id", "窓口名（例", "窓口が属する課"],
    "schema": ["JSON Schema を表示する", "スキーマを標準出力ではなく"],
    "roadmap": ["課長向け", "書き出すワークブック", "課ごとのワークブックを", "ロードマップの年度数"],
    "report": ["HTML の報告書", "報告書を書き出すフォルダ"],
}
SHARED = ["棚卸ファイルまたはフォルダ", "設定ファイル。既定"]


def _flat(text: str) -> str:
    # --help wraps lines at the terminal's width; a fragment is looked for in the text without breaks.
    return "".join(text.split())


@pytest.mark.parametrize("command", sorted(HELP))
def test_help_is_japanese(runner: CliRunner, command: str) -> None:
    text = run(runner, command, "--help", "--lang", "ja")
    flat = _flat(text)
    shared = SHARED if command not in ("new", "schema") else []
    if command == "config":
        shared = ["設定ファイル。既定"]
    for words in HELP[command] + shared:
        assert _flat(words) in flat, words
    assert english_left(text) == [], text


@pytest.mark.parametrize("command", sorted(HELP))
def test_help_is_english_when_asked(runner: CliRunner, command: str) -> None:
    text = run(runner, command, "--help", "--lang", "en")
    assert english_left(text), text
    assert not any(_flat(words) in _flat(text) for words in HELP[command])


# --- -q/--quiet: problems and errors only ---------------------------------------------------------


@needs_dot
def test_quiet_build_prints_nothing_when_all_is_well(runner: CliRunner, inventory: Path) -> None:
    result = runner.invoke(app, ["build", str(inventory), "-o", "out", "-q"])
    assert result.exit_code == 0, said(result)
    assert (result.stdout, result.stderr) == ("", "")
    assert (inventory.parent / "out" / "roadmap.xlsx").is_file()


def test_quiet_build_still_warns_that_the_diagrams_are_dot(
    runner: CliRunner, inventory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    result = runner.invoke(app, ["build", str(inventory), "-o", "out", "--quiet"])
    assert result.exit_code == 0, said(result)
    assert result.stdout == ""
    assert "warning: Graphviz `dot` is not on PATH" in result.stderr


def test_quiet_commands_print_no_summary_and_no_files_written(
    runner: CliRunner, inventory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (
        ["roadmap", str(inventory), "-o", "roadmap.xlsx"],
        ["roadmap", str(inventory), "--split-by", "section", "-o", "chiefs"],
        ["diagram", str(inventory), "-f", "dot", "-o", "diagrams"],
        ["new", "shimin"],
    ):
        result = runner.invoke(app, [*args, "-q"])
        assert result.exit_code == 0, said(result)
        assert (result.stdout, result.stderr) == ("", ""), args
    assert (inventory.parent / "roadmap.xlsx").is_file() and (inventory / "shimin.yaml").is_file()
    assert sorted(p.name for p in (inventory.parent / "diagrams").iterdir())[:2] == [
        ".bpr-diagram",
        "counter-kosodate.dot",
    ]
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    result = runner.invoke(app, ["report", str(inventory), "-o", "report", "-q"])
    assert result.exit_code == 0, said(result)
    # The report lacks its diagrams: a problem of the output, said under -q too; the summary line is not.
    assert result.stdout == "" and "the report has no flow diagrams" in result.stderr


def test_quiet_still_prints_errors_and_output_that_was_asked_for(runner: CliRunner, inventory: Path) -> None:
    result = runner.invoke(app, ["build", "missing-folder", "-q"])
    assert result.exit_code == 2 and "no such file or folder: missing-folder" in result.stderr
    schema = runner.invoke(app, ["schema", "-q"])
    assert schema.exit_code == 0 and schema.stdout.startswith("{")
    roadmap = runner.invoke(app, ["roadmap", str(inventory), "-f", "json", "-q"])
    assert roadmap.exit_code == 0 and roadmap.stdout.startswith("{")


def test_quiet_draws_no_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from bpr.cli import diagram, session

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(diagram.sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr(session, "_quiet", False)  # a -q run before this test leaves the run quiet
    assert diagram.show_progress()
    monkeypatch.setattr(session, "_quiet", True)
    assert not diagram.show_progress()


def test_quiet_keeps_the_note_that_japanese_may_not_show_and_drops_the_font_substitute(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bpr.cli import diagram, session

    monkeypatch.setattr(session, "_quiet", True)
    monkeypatch.setattr(diagram, "japanese_fonts", lambda: ["IPAexGothic"])
    assert diagram.diagram_font("Noto Sans CJK JP", "png") == "IPAexGothic"
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(diagram, "japanese_fonts", lambda: [])
    diagram.diagram_font("Noto Sans CJK JP", "pdf")
    assert "Japanese text may show as boxes" in capsys.readouterr().err
    monkeypatch.setattr(session, "_quiet", False)
    monkeypatch.setattr(diagram, "japanese_fonts", lambda: ["IPAexGothic"])
    diagram.diagram_font("Noto Sans CJK JP", "png")
    assert "note: font 'Noto Sans CJK JP' is not installed; drawing with 'IPAexGothic'" in capsys.readouterr().err
