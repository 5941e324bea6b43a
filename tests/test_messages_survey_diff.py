"""`bpr import survey`, `bpr survey import` and `bpr diff` speak one language per run (issue 14, item 12).

Each run is made in Japanese (the default) and in English (--lang en) on inputs whose own words are
ASCII, so that whatever Japanese an English run shows is bpr's. Two kinds of Japanese words stay in an
English message on purpose: the documents' own words it points at (the national survey's column names,
quoted 「…」, and the 調査票's sheets, column headers and marks, which a person looks for in the
workbook), and quoted values. A Japanese run may show no English sentence outside quoted values, code,
paths, options and ids (tests/test_language.py says what counts as one).
"""

from __future__ import annotations

import csv
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_language import english_in
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.i18n import _, set_language
from bpr.survey.sheets import layout
from bpr.survey.sheets.labels import YES
from bpr.survey.sheets.successors import parse_successors

LANGUAGES = ("ja", "en")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
# The 調査票's own words: a message names the document, or the sheet, column or mark to find in it.
DOCUMENT_WORDS = sorted(
    {
        "調査票",
        *layout.SHEET_ORDER,
        *(
            column.header
            for columns in (
                layout.COUNTER_COLUMNS,
                layout.PROCEDURE_COLUMNS,
                layout.STEP_COLUMNS,
                layout.ATTACHMENT_COLUMNS,
            )
            for column in columns
        ),
        layout.END_WORD,
        YES,
    },
    key=len,
    reverse=True,
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|「[^」]*」|`[^`]*`")
_CELL = re.compile(r"\S+\.xlsx![^!\s]+![A-Z]+\d+")
# The head of a problem line (place, severity, code) is the same in every language.
_PROBLEM_HEAD = re.compile(r"^\S+: (?:error|warning) [a-z]+(?:-[a-z]+)* ", re.MULTILINE)

STEPS = """    steps:
      - {id: fill, name: Fill, actor: citizen, action: write, medium: paper, handwritten: true, in_person: true, effort: 5m}
      - {id: check, name: Check, actor: counter, action: check, medium: paper, effort: EFFORT}
      - {id: issue, name: Issue, actor: counter, action: notify, medium: paper, effort: 2m}
"""


def procedure(ident: str, name: str, volume: int, online: str, *extra: str, effort: str = "3m") -> str:
    """Return one procedure of a counter file, with a three-step flow."""
    lines = [f"  - id: {ident}", f"    name: {name}", f"    annual_volume: {volume}", f"    online: {online}"]
    lines += [f"    {line}" for line in extra]
    return "\n".join(lines) + "\n" + STEPS.replace("EFFORT", effort)


def counter_file(*procedures: str) -> str:
    """Return a counter file of the counter 'civic' holding these procedures."""
    return "version: 1\ncounter: {id: civic, name: Civic, section: Civic}\nprocedures:\n" + "".join(procedures)


def japanese_in(output: str) -> list[str]:
    """Return the lines of an English run with Japanese outside quoted values and the documents' words."""
    found = []
    for line in output.splitlines():
        text = _CELL.sub(" ", _QUOTED.sub(" ", line))
        for word in DOCUMENT_WORDS:
            text = text.replace(word, " ")
        if JAPANESE.search(text):
            found.append(line)
    return found


def assert_one_language(output: str, language: str) -> None:
    """Fail when a Japanese run holds an English sentence, or an English run Japanese of its own."""
    assert output.strip(), "the run said nothing"
    text = _PROBLEM_HEAD.sub("", output)
    stray = english_in(text) if language == "ja" else japanese_in(text)
    assert not stray, "\n".join(stray)


def run(language: str, *args: str) -> tuple[int, str]:
    """Run bpr in a language; return its exit code and everything it printed."""
    result = CliRunner().invoke(app, ["--lang", language, *args], env={"BPR_LANG": "", "COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def japanese() -> Iterator[None]:
    """Speak Japanese in this test, English again after it."""
    set_language("ja")
    yield
    set_language("en")


# --- bpr import survey ---------------------------------------------------------------------------------


def write_survey(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_survey_without_a_required_column_says_so_in_one_language(tmp_path: Path, language: str) -> None:
    header = ["手続ID", "所管府省庁", "手続名", "法令名", "総手続件数", "オンライン手続件数"]
    survey = write_survey(tmp_path / "survey.csv", header, [["9108", "Ministry", "Certificate", "Act", "1000", "10"]])
    code, output = run(language, "import", "national", str(survey), "-o", str(tmp_path / "out"), "--population", "1000")
    assert code == 2
    assert "「オンライン化の実施状況」" in output
    assert ("必須の列" if language == "ja" else "lacks the required column") in output
    assert_one_language(output, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_survey_into_a_folder_with_a_broken_file_says_where(tmp_path: Path, language: str) -> None:
    header = ["手続ID", "所管府省庁", "手続名", "法令名", "総手続件数", "オンライン手続件数", "オンライン化の実施状況"]
    survey = write_survey(
        tmp_path / "survey.csv", header, [["9108", "Ministry", "Certificate", "Act", "1000", "10", ""]]
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "civic.yaml").write_text("version: 1\ncounter: [\n", encoding="utf-8")
    code, output = run(language, "import", "national", str(survey), "-o", str(out), "--population", "1000")
    assert code == 2
    assert f"{out / 'civic.yaml'}:" in output and "`bpr validate`" in output
    assert_one_language(output, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_mapping_with_a_counter_twice_is_refused_in_one_language(tmp_path: Path, language: str) -> None:
    header = ["手続ID", "所管府省庁", "手続名", "法令名", "総手続件数", "オンライン手続件数", "オンライン化の実施状況"]
    survey = write_survey(
        tmp_path / "survey.csv", header, [["9108", "Ministry", "Certificate", "Act", "1000", "10", ""]]
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "counters:\n  - {id: civic, name: Civic, section: Civic, when: [{}]}\n"
        "  - {id: civic, name: Civic, section: Civic, when: [{}]}\n",
        encoding="utf-8",
    )
    code, output = run(
        language,
        "import",
        "survey",
        str(survey),
        "-o",
        str(tmp_path / "out"),
        "--population",
        "1",
        "--mapping",
        str(mapping),
    )
    assert code == 2
    assert f"{mapping}:3:" in output and "duplicate-id" in output and "'civic'" in output
    assert_one_language(output, language)


def test_a_cp932_survey_without_kana_is_noted_in_the_language_of_the_run(japanese: None) -> None:
    from bpr.survey.table import _decode

    raw = "手続ID,手続名\r\n9108,証明書\r\n".encode("cp932")
    _text, encoding, notes = _decode(Path("survey.csv"), raw)
    assert encoding == "CP932 (Shift_JIS)"
    assert notes == ["CP932 (Shift_JIS) として読んだが、かなが一つもない: 手続名などが正しく読めているか確認すること"]
    set_language("en")
    assert _decode(Path("survey.csv"), raw)[2] == [
        "read as CP932 (Shift_JIS), but no kana was found: check that the names look right"
    ]


# --- bpr survey import ---------------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, Path]:
    """An ASCII inventory and its 調査票, filled in with a cell that cannot be read and a 次の工程 that does not parse."""
    inventory = tmp_path / "inv"
    inventory.mkdir()
    (inventory / "civic.yaml").write_text(
        counter_file(procedure("civic-cert", "Certificate", 1000, "{status: none}")), encoding="utf-8"
    )
    code, output = run("en", "survey", "export", str(inventory), "-o", str(tmp_path / "wb"))
    assert code == 0, output
    workbook = load_workbook(tmp_path / "wb" / "civic.xlsx")
    procedures, steps = workbook[layout.PROCEDURE_SHEET], workbook[layout.STEP_SHEET]
    header = {
        cell.value.removeprefix(layout.REQUIRED_MARK): cell.column_letter for cell in procedures[layout.HEADER_ROW]
    }
    procedures[f"{header['国の優先手続']}{layout.FIRST_ROW}"] = "maybe"
    header = {cell.value.removeprefix(layout.REQUIRED_MARK): cell.column_letter for cell in steps[layout.HEADER_ROW]}
    steps[f"{header['次の工程']}{layout.FIRST_ROW}"] = "check(10"
    filled = tmp_path / "civic.xlsx"
    workbook.save(filled)
    return filled, inventory


@pytest.mark.parametrize("language", LANGUAGES)
def test_survey_import_of_bad_cells_speaks_one_language(filled: tuple[Path, Path], language: str) -> None:
    workbook, inventory = filled
    code, output = run(language, "survey", "import", str(workbook), "-o", str(inventory))
    assert code == 1
    assert f"{workbook}!{layout.PROCEDURE_SHEET}!" in output and f"{workbook}!{layout.STEP_SHEET}!" in output
    assert "'maybe'" in output and "'check(10'" in output
    said = (
        ("括弧が閉じていない", "該当しなければ空欄") if language == "ja" else ("is not closed", "is not a yes or a no")
    )
    assert all(text in output for text in said), output
    assert_one_language(output, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_file_that_is_no_workbook_is_unreadable_in_one_language(tmp_path: Path, language: str) -> None:
    text = tmp_path / "civic.txt"
    text.write_text("x", encoding="utf-8")
    code, output = run(language, "survey", "import", str(text), "-o", str(tmp_path / "inv"))
    assert code == 1
    assert "file-unreadable" in output and output.count("civic.txt") == 3
    assert_one_language(output, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_example_of_a_successor_message_reads_as_it_says(language: str) -> None:
    set_language(language)
    from bpr.survey.sheets.successors import _EXAMPLE

    example = parse_successors(_(_EXAMPLE))
    assert [item["to"] for item in example] == ["print", "refuse"]
    assert [item["share"] for item in example] == [0.995, 0.005]


def test_a_missing_cell_is_found_by_its_field_in_japanese(filled: tuple[Path, Path]) -> None:
    """The cell of a missing field comes from the finding's field, not from its message (said in Japanese here)."""
    workbook, inventory = filled
    book = load_workbook(workbook)
    procedures = book[layout.PROCEDURE_SHEET]
    header = {
        cell.value.removeprefix(layout.REQUIRED_MARK): cell.column_letter for cell in procedures[layout.HEADER_ROW]
    }
    procedures[f"{header['国の優先手続']}{layout.FIRST_ROW}"] = None
    procedures[f"{header['手続名']}{layout.FIRST_ROW}"] = None
    book.save(workbook)
    code, output = run("ja", "survey", "import", str(workbook), "-o", str(inventory))
    assert code == 1
    location = f"{workbook}!{layout.PROCEDURE_SHEET}!{header['手続名']}{layout.FIRST_ROW}"
    assert f"{location}: error missing-field" in output, output


# --- bpr diff ------------------------------------------------------------------------------------------


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two ASCII inventories a year apart (every kind of change a diff reports), and an ASCII configuration."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    plan = "plan: {measure: online, target_fy: 2024, progress: PROGRESS}"
    (old / "civic.yaml").write_text(
        counter_file(
            procedure("civic-cert", "Certificate", 1000, "{status: partial, share: 0.1}"),
            procedure(
                "civic-move",
                "Moving",
                500,
                "{status: none}",
                'national_id: "9063"',
                plan.replace("PROGRESS", "in_progress"),
            ),
            procedure("civic-gone", "Obsolete", 10, "{status: none}"),
        ),
        encoding="utf-8",
    )
    (new / "civic.yaml").write_text(
        counter_file(
            procedure("civic-cert", "Certificate", 900, "{status: full}", effort="4m"),
            procedure(
                "civic-moving", "Moving", 500, "{status: none}", 'national_id: "9063"', plan.replace("PROGRESS", "done")
            ),
            procedure("civic-new", "Newcomer", 20, "{status: none}"),
        ),
        encoding="utf-8",
    )
    config = tmp_path / "bpr.yaml"
    config.write_text(
        "roadmap:\n  kpis:\n    - {name: robots, measures: [ai_ocr, rpa], target: 1, by_fy: 2025}\n"
        "    - {name: online, measures: [online], target: 2, by_fy: 2025}\n",
        encoding="utf-8",
    )
    return old, new, config


@pytest.mark.parametrize("output_format", ["text", "markdown"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_diff_speaks_one_language(sides: tuple[Path, Path, Path], language: str, output_format: str) -> None:
    old, new, config = sides
    code, output = run(language, "diff", str(old), str(new), "--format", output_format, "--config", str(config))
    assert code == 0, output
    for ident in ("civic-new", "civic-gone", "civic-moving", "civic-cert"):
        assert ident in output
    if language == "ja":
        assert "棚卸の差分" in output and "令和6年度" in output and "年間件数" in output
    else:
        assert "Inventory diff" in output and "FY2024" in output and "annual volume" in output
    assert_one_language(output, language)


def test_diff_in_japanese_reads_as_before(sides: tuple[Path, Path, Path]) -> None:
    old, new, config = sides
    code, output = run("ja", "diff", str(old), str(new), "--config", str(config))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == f"棚卸の差分: {old} (1ファイル・3手続) → {new} (1ファイル・3手続)"
    assert lines[1] == "追加 1件 / 削除 1件 / ID変更 1件 / 変更 2件"
    assert "  civic-move → civic-moving  Moving  (Civic)  [国の手続IDが同じ]" in lines
    assert "    年間件数 annual_volume: 1,000 → 900" in lines
    assert "    業務フロー steps: 変更 check (作業時間)" in lines
    assert "  civic-moving  Moving  (Civic): オンライン化 " in output and "(計画 令和6年度)" in output


def test_diff_in_english_reads_as_english(sides: tuple[Path, Path, Path]) -> None:
    old, new, config = sides
    code, output = run("en", "diff", str(old), str(new), "--config", str(config))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == f"Inventory diff: {old} (1 file, 3 procedures) → {new} (1 file, 3 procedures)"
    assert lines[1] == "added 1 / removed 1 / new id 1 / changed 2"
    assert "  civic-move → civic-moving  Moving  (Civic)  [same national procedure id]" in lines
    assert "    annual volume (annual_volume): 1,000 → 900" in lines
    assert "    flow (steps): changed check (effort)" in lines


@pytest.mark.parametrize("language", LANGUAGES)
def test_diff_of_an_unknown_revision_says_so_in_one_language(
    tmp_path: Path, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    code, output = run(language, "diff", "nosuch", str(tmp_path))
    assert code == 2
    assert "'nosuch'" in output and "fetch-depth: 0" in output
    assert_one_language(output, language)


def test_the_measures_are_said_in_japanese_as_the_workbook_says_them(japanese: None) -> None:
    from bpr.analysis.labels import MEASURE_LABELS
    from bpr.diff.labels import MEASURE_NAMES, measure_label

    assert {m.value: label for m, label in MEASURE_LABELS.items()} == {m: measure_label(m) for m in MEASURE_NAMES}
