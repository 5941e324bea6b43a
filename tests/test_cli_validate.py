"""`bpr validate` and the command line as a whole: exit codes, formats, paths, and no traceback on any input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.cli.output import (
    FORMATTERS_BY_NAME,
    SUMMARY_BYTES,
    SUMMARY_ROWS,
    OutputOptions,
    ValidationReport,
    escape_markdown,
    github_command,
    markdown_summary,
)
from bpr.cli.validate import CODE_COUNTS_AFTER, code_count_lines, output_format_in_force
from bpr.inventory.problem import Problem, Severity

from conftest import DATA, INVALID, INVENTORIES, ROOT, VALID, yaml_files

SUMMARY = re.compile(r"^\d+ files?, \d+ procedures?: \d+ errors?, \d+ warnings?$")
PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning) (?P<code>[a-z-]+) .+$"
)
GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[a-z-]+::.+$")
ONE_ERROR = INVALID / "unknown-field" / "top-level.yaml"
ONLY_WARNINGS = INVALID / "seal-required" / "oshi-in.yaml"


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as on a PC, also when the tests themselves run in GitHub Actions: text format, no step summary."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def _commands() -> list[str]:
    return [command.name or command.callback.__name__ for command in app.registered_commands if command.callback]


@pytest.mark.parametrize("command", ["", *_commands()])
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: bpr" in result.stdout


def test_validate_is_registered(runner: CliRunner) -> None:
    assert {"validate", "schema", "new"} <= set(_commands())


def test_valid_folder_exits_0_with_a_summary(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(VALID)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1])
    assert SUMMARY.match(lines[-1])
    assert lines[-1] == f"{len(yaml_files(VALID))} files, 7 procedures: 0 errors, 3 warnings"


def test_strict_turns_warnings_into_exit_1(runner: CliRunner) -> None:
    assert runner.invoke(app, ["validate", str(ONLY_WARNINGS)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--strict", str(ONLY_WARNINGS)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 file, 1 procedure: 0 errors, 2 warnings"


def test_errors_exit_1_one_line_each(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(ONE_ERROR)])
    assert result.exit_code == 1
    *problems, summary = result.stdout.splitlines()
    codes = [
        match["code"] if match else line
        for line, match in zip(problems, map(PROBLEM_LINE.match, problems), strict=True)
    ]
    assert codes == ["missing-field", "unknown-field", "unknown-field"]
    assert summary == "1 file, 0 procedures: 3 errors, 0 warnings"


def test_missing_path_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(VALID), str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no such file or folder" in result.stderr
    assert str(tmp_path / "nowhere") in result.stderr


def test_no_yaml_files_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("nothing here", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "no-inventory" in result.stderr
    assert str(tmp_path) in result.stderr


def test_unknown_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--format", "xml", str(VALID)])
    assert result.exit_code == 2
    assert "text, json, github" in result.stderr


def test_format_choices_come_from_the_registry(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--help"])
    assert "|".join(FORMATTERS_BY_NAME) in result.stdout


def test_default_path_is_inventories(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["validate"]).exit_code == 2
    (tmp_path / "inventories").mkdir()
    (tmp_path / "inventories" / "seal.yaml").write_bytes(ONLY_WARNINGS.read_bytes())
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert result.stdout.startswith("inventories/seal.yaml:13:15: warning seal-required ")


def test_relative_paths_stay_relative(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    result = runner.invoke(app, ["validate", "--format", "json", "invalid/duplicate-id/two-files"])
    files = {problem["file"] for problem in json.loads(result.stdout)["problems"]}
    assert files == {"invalid/duplicate-id/two-files/b-shisho.yaml"}
    message = json.loads(result.stdout)["problems"][0]["message"]
    assert "at invalid/duplicate-id/two-files/a-shimin.yaml:3:15" in message


def test_absolute_paths_stay_absolute(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(ONE_ERROR)])
    assert result.stdout.startswith(f"{ONE_ERROR}:2:1: error missing-field ")


def test_json_has_the_spec_shape(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--format", "json", str(ONE_ERROR), str(ONLY_WARNINGS)])
    assert result.exit_code == 1
    assert result.stdout.count("\n") == 1
    report = json.loads(result.stdout)
    assert list(report) == ["files", "procedures", "errors", "warnings", "problems"]
    assert (report["files"], report["procedures"], report["errors"], report["warnings"]) == (2, 1, 3, 2)
    for problem in report["problems"]:
        assert list(problem) == ["file", "line", "column", "severity", "code", "message"]
        assert isinstance(problem["line"], int) and isinstance(problem["column"], int)
        assert problem["severity"] in {"error", "warning"}
    # Sorted by file, then position: the seal warnings' file comes first.
    assert [p["code"] for p in report["problems"]] == ["seal-required"] * 2 + ["missing-field"] + ["unknown-field"] * 2
    assert report["problems"][2] == {
        "file": str(ONE_ERROR),
        "line": 2,
        "column": 1,
        "severity": "error",
        "code": "missing-field",
        "message": "missing required field 'counter'",
    }


def test_json_keeps_japanese_and_brackets(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("version: 1\n'[備考]': x\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert "unknown field '[備考]'" in result.stdout
    text = runner.invoke(app, ["validate", str(path)]).stdout
    assert "unknown field '[備考]'" in text
    github = runner.invoke(app, ["validate", "--format", "github", str(path)]).stdout
    assert "unknown field '[備考]'" in github


def test_github_format(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--format", "github", str(ONE_ERROR), str(ONLY_WARNINGS)])
    assert result.exit_code == 1
    *commands, summary = result.stdout.splitlines()
    assert all(GITHUB_LINE.match(line) for line in commands), commands
    assert commands[2] == f"::error file={ONE_ERROR},line=2,col=1,title=missing-field::missing required field 'counter'"
    assert sum(line.startswith("::warning ") for line in commands) == 2
    assert SUMMARY.match(summary)


def test_github_escapes_messages_and_properties() -> None:
    problem = Problem("a,b:c%.yaml", 3, 4, Severity.WARNING, "seal-required", "100% sure\r\nnext: line, here")
    assert github_command(problem) == (
        "::warning file=a%2Cb%3Ac%25.yaml,line=3,col=4,title=seal-required::100%25 sure%0D%0Anext: line, here"
    )


def test_config_option(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["validate", "--config", str(tmp_path / "none.yaml"), str(VALID)])
    assert missing.exit_code == 2
    bad = tmp_path / "bpr.yaml"
    bad.write_text("travel: 1\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--config", str(bad), str(VALID)])
    assert result.exit_code == 2
    assert f"{bad}:1:1: error unknown-field" in result.stderr


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"], ids=["empty", "blank", "comment"])
@pytest.mark.parametrize("command", ["validate", "score", "config"])
def test_empty_config_is_called_a_configuration(runner: CliRunner, tmp_path: Path, command: str, content: str) -> None:
    empty = tmp_path / "bpr.yaml"
    empty.write_text(content, encoding="utf-8")
    paths = [] if command == "config" else [str(VALID)]
    result = runner.invoke(app, [command, "--config", str(empty), *paths])
    assert result.exit_code == 2
    assert f"{empty}:1:1: error empty-file" in result.stderr
    assert "inventory file" not in result.stderr
    assert "configuration file" in result.stderr
    assert "bpr config --defaults" in result.stderr


def test_bpr_yaml_in_the_working_folder_is_read(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bpr.yaml").write_text("- not a mapping\n", encoding="utf-8")
    assert runner.invoke(app, ["validate", str(VALID)]).exit_code == 2


def _corpus() -> list[Path]:
    cases = [p for p in DATA.rglob("*") if p.is_file() or p.is_dir()]
    return sorted(cases)


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: str(p.relative_to(DATA)))
def test_no_traceback_on_any_corpus_input(runner: CliRunner, path: Path) -> None:
    for output_format in FORMATTERS_BY_NAME:
        result = runner.invoke(app, ["validate", "--format", output_format, str(path)])
        assert result.exit_code in {0, 1, 2}, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output


def test_help_and_validate_do_not_import_heavy_libraries() -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from bpr.cli.main import app\n"
        "runner = CliRunner()\n"
        "assert runner.invoke(app, ['--help']).exit_code == 0\n"
        f"assert runner.invoke(app, ['validate', {str(VALID)!r}]).exit_code == 0\n"
        "print(sorted(m for m in ('networkx', 'openpyxl', 'graphviz') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def test_python_dash_m_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bpr", "validate", "--format", "json", str(ONLY_WARNINGS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["warnings"] == 2


def test_no_help_shows_a_python_type(runner: CliRunner) -> None:
    from bpr.cli.main import app

    commands = [["validate"], ["score"], ["roadmap"], ["diagram"], ["build"], ["journeys"], ["diff"],
                ["import", "national"], ["survey", "export"], ["survey", "import"], ["new"], ["doctor"]]  # fmt: skip
    for command in commands:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        for marker in ("<list[", "<path>", "<int", "<str>", "<float", "list[Path]"):
            assert marker not in result.output, (command, marker)


# --- --no-warnings and -q/--quiet (issue 14, item 12) ------------------------------------------------------------


def test_no_warnings_shows_errors_only_and_still_counts_warnings(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--no-warnings", str(ONE_ERROR), str(ONLY_WARNINGS)])
    assert result.exit_code == 1
    *problems, summary = result.stdout.splitlines()
    assert [PROBLEM_LINE.match(line)["severity"] for line in problems] == ["error"] * 3  # type: ignore[index]
    assert summary == "2 files, 1 procedure: 3 errors, 2 warnings"


def test_no_warnings_keeps_the_exit_code_and_strict_still_fails_on_warnings(runner: CliRunner) -> None:
    """As yamllint: --no-warnings hides warnings from the output, never from the exit code."""
    plain = runner.invoke(app, ["validate", "--no-warnings", str(ONLY_WARNINGS)])
    assert plain.exit_code == 0
    assert plain.stdout == "1 file, 1 procedure: 0 errors, 2 warnings\n"
    strict = runner.invoke(app, ["validate", "--no-warnings", "--strict", str(ONLY_WARNINGS)])
    assert strict.exit_code == 1
    assert strict.stdout == plain.stdout


@pytest.mark.parametrize("output_format", ["json", "github"])
def test_no_warnings_applies_to_every_format(runner: CliRunner, output_format: str) -> None:
    args = ["validate", "--format", output_format, str(ONE_ERROR), str(ONLY_WARNINGS)]
    every = runner.invoke(app, args).stdout
    errors_only = runner.invoke(app, [*args, "--no-warnings"]).stdout
    assert "seal-required" in every and "seal-required" not in errors_only
    assert errors_only.count("missing-field") == every.count("missing-field") == 1
    if output_format == "json":
        report = json.loads(errors_only)
        assert (report["errors"], report["warnings"], len(report["problems"])) == (3, 2, 3)


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_prints_problems_without_the_summary(runner: CliRunner, where: str) -> None:
    args = ["validate", str(ONE_ERROR), str(ONLY_WARNINGS)]
    result = runner.invoke(app, ["-q", *args] if where == "before" else [*args, "--quiet"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and all(PROBLEM_LINE.match(line) for line in lines)


def test_quiet_on_a_clean_inventory_prints_nothing(runner: CliRunner, tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_bytes((VALID / "bom-crlf.yaml").read_bytes())
    assert runner.invoke(app, ["validate", str(clean)]).stdout.endswith("0 errors, 0 warnings\n")
    result = runner.invoke(app, ["-q", "validate", str(clean)])
    assert (result.exit_code, result.stdout) == (0, "")


def test_quiet_github_drops_the_summary_and_json_stays_whole(runner: CliRunner) -> None:
    github = runner.invoke(app, ["-q", "validate", "--format", "github", str(ONLY_WARNINGS)]).stdout.splitlines()
    assert len(github) == 2 and all(GITHUB_LINE.match(line) for line in github)
    report = json.loads(runner.invoke(app, ["-q", "validate", "--format", "json", str(ONLY_WARNINGS)]).stdout)
    assert report["warnings"] == 2 and len(report["problems"]) == 2


# --- GitHub Actions: the format and the step summary (issue 15, item 2) -------------------------------------------


def test_github_actions_chooses_the_github_format(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    lines = runner.invoke(app, ["validate", str(ONLY_WARNINGS)]).stdout.splitlines()
    assert all(GITHUB_LINE.match(line) for line in lines[:-1]) and SUMMARY.match(lines[-1])
    text = runner.invoke(app, ["validate", "--format", "text", str(ONLY_WARNINGS)]).stdout
    assert text.startswith(f"{ONLY_WARNINGS}:13:15: warning seal-required ")


def test_the_format_in_force() -> None:
    assert output_format_in_force(None, {}) == "text"
    assert output_format_in_force(None, {"GITHUB_ACTIONS": "true"}) == "github"
    assert output_format_in_force(None, {"GITHUB_ACTIONS": "false"}) == "text"
    assert output_format_in_force("json", {"GITHUB_ACTIONS": "true"}) == "json"


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ") and not line.startswith("| Severity")]


def test_step_summary_lists_every_warning_of_the_sample(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["validate", "inventories"])
    assert result.exit_code == 0
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::warning ")]
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("earlier step\n### bpr validate inventories\n")
    assert "10 files, 69 procedures: 0 errors, 23 warnings" in markdown
    rows = _table_rows(markdown)
    assert len(rows) == len(annotations) == 23
    assert rows[0].startswith("| warning | inventories/") and "| seal-required |" in "".join(rows)
    assert "more problems" not in markdown


def test_step_summary_is_written_whatever_the_format(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = runner.invoke(app, ["validate", "--format", "json", "--no-warnings", str(ONE_ERROR), str(ONLY_WARNINGS)])
    assert json.loads(result.stdout)["errors"] == 3
    markdown = summary.read_text(encoding="utf-8")
    assert [row.split(" | ")[2] for row in _table_rows(markdown)] == ["missing-field", "unknown-field", "unknown-field"]
    assert "Warnings are left out (--no-warnings)." in markdown


def test_an_unwritable_step_summary_never_fails_the_run(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder, not a file
    result = runner.invoke(app, ["validate", str(ONLY_WARNINGS)])
    assert result.exit_code == 0
    assert SUMMARY.match(result.stdout.splitlines()[-1])
    assert f"bpr: warning: cannot write the step summary to {tmp_path} ($GITHUB_STEP_SUMMARY)" in result.stderr


def test_an_empty_step_summary_variable_writes_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", str(ONLY_WARNINGS)])
    assert (result.exit_code, result.stderr, list(tmp_path.iterdir())) == (0, "", [])


def _problems(count: int, message: str = "m", severity: Severity = Severity.WARNING) -> tuple[Problem, ...]:
    return tuple(Problem(f"f{i:04}.yaml", i + 1, 1, severity, "seal-required", message) for i in range(count))


def test_step_summary_lists_errors_first_and_caps_the_rows() -> None:
    problems = _problems(SUMMARY_ROWS + 49) + _problems(1, "the only error", Severity.ERROR)
    markdown = markdown_summary(ValidationReport(3, 4, problems), ["inventories"])
    rows = _table_rows(markdown)
    assert len(rows) == SUMMARY_ROWS
    assert rows[0].startswith("| error | f0000.yaml:1:1 | seal-required | the only error |")
    assert "50 more problems are not listed here: the log of this step has every one." in markdown
    one_left = markdown_summary(ValidationReport(3, 4, _problems(SUMMARY_ROWS + 1)), ["x"])
    assert "1 more problem is not listed here" in one_left


def test_step_summary_caps_its_size() -> None:
    problems = _problems(50, "long " * 1000)
    markdown = markdown_summary(ValidationReport(1, 1, problems), ["x"])
    assert len(markdown.encode()) <= SUMMARY_BYTES + 200
    left = 50 - len(_table_rows(markdown))
    assert 0 < left < 50 and f"{left} more problems are not listed here" in markdown


def test_step_summary_of_a_clean_run_has_no_table() -> None:
    markdown = markdown_summary(ValidationReport(1, 2, ()), ["a.yaml"], OutputOptions(warnings=False))
    assert markdown == "### bpr validate a.yaml\n\n1 file, 2 procedures: 0 errors, 0 warnings\n\n"


def test_markdown_cells_are_escaped() -> None:
    assert escape_markdown("a | b") == "a \\| b"
    assert escape_markdown("<script>&") == "&lt;script&gt;&amp;"
    assert escape_markdown("*x* _y_ `z` [l](u) ~s~ \\") == "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~s\\~ \\\\"
    assert escape_markdown("one\ntwo\r\nthree") == "one two three"
    problem = Problem("a|b.yaml", 1, 2, Severity.ERROR, "invalid-value", "value '|x|' <b>bold</b>\nnext")
    row = _table_rows(markdown_summary(ValidationReport(1, 0, (problem,)), ["a|b.yaml"]))[0]
    assert row == "| error | a\\|b.yaml:1:2 | invalid-value | value '\\|x\\|' &lt;b&gt;bold&lt;/b&gt; next |"
    assert row.replace("\\|", "").count("|") == 5  # four cells, whatever the message holds


# --- the summary line in Japanese ---------------------------------------------------------------------------------


def test_the_summary_line_in_japanese(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--lang", "ja", str(INVENTORIES)])
    assert result.exit_code == 0
    *problems, heading, loops, attachments, seals, summary = result.stdout.splitlines()
    assert summary == "10ファイル・69手続: エラー 0件、警告 23件"
    # The problem lines keep their severity and code for tools.
    assert len(problems) == 23 and all(PROBLEM_LINE.match(line) for line in problems)
    # 23 problems are more than CODE_COUNTS_AFTER (20): the count per code comes before the summary line.
    assert CODE_COUNTS_AFTER == 20
    assert [heading, loops, attachments, seals] == [
        "コード別の警告:",
        "  rework-loop             11件",
        "  self-issued-attachment   7件",
        "  seal-required            5件",
    ]


# --- many problems end with a count per code (issue 20, item 7) ---------------------------------------------------

BOTH = [str(ONE_ERROR), str(ONLY_WARNINGS)]  # 3 errors (2 unknown-field, 1 missing-field) and 2 seal-required


def test_code_counts_put_errors_first_then_the_largest_then_the_code() -> None:
    def made(code: str, count: int, severity: Severity = Severity.WARNING) -> list[Problem]:
        return [Problem("a.yaml", i + 1, 1, severity, code, "m") for i in range(count)]

    problems = [
        *made("zero-volume", 2907),
        *made("seal-required", 61),
        *made("no-effort", 3098),
        *made("skeleton-flow", 3098),
        *made("unknown-reference", 1, Severity.ERROR),
        *made("duplicate-id", 12, Severity.ERROR),
    ]
    assert code_count_lines(problems) == [
        "Errors by code:",
        "  duplicate-id          12",
        "  unknown-reference      1",
        "Warnings by code:",
        "  no-effort          3,098",
        "  skeleton-flow      3,098",
        "  zero-volume        2,907",
        "  seal-required         61",
    ]
    assert code_count_lines(made("seal-required", 3)) == ["Warnings by code:", "  seal-required  3"]
    assert code_count_lines([]) == []


@pytest.mark.parametrize(("after", "counted"), [(4, True), (5, False)])
def test_more_problems_than_the_threshold_end_with_counts_per_code(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, after: int, counted: bool
) -> None:
    monkeypatch.setattr("bpr.cli.validate.CODE_COUNTS_AFTER", after)
    result = runner.invoke(app, ["validate", *BOTH])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines[:5])
    counts = [
        "Errors by code:",
        "  unknown-field  2",
        "  missing-field  1",
        "Warnings by code:",
        "  seal-required  2",
    ]
    assert lines[5:] == [*(counts if counted else []), "2 files, 1 procedure: 3 errors, 2 warnings"]


def test_no_warnings_counts_the_problems_shown_against_the_threshold_and_every_problem_per_code(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bpr.cli.validate.CODE_COUNTS_AFTER", 3)
    assert len(runner.invoke(app, ["validate", "--no-warnings", *BOTH]).stdout.splitlines()) == 4  # 3 shown
    monkeypatch.setattr("bpr.cli.validate.CODE_COUNTS_AFTER", 2)
    lines = runner.invoke(app, ["validate", "--no-warnings", *BOTH]).stdout.splitlines()
    assert [PROBLEM_LINE.match(line)["severity"] for line in lines[:3]] == ["error"] * 3  # type: ignore[index]
    # As the summary line, the counts per code include the warnings --no-warnings does not show.
    assert lines[3:] == [
        "Errors by code:",
        "  unknown-field  2",
        "  missing-field  1",
        "Warnings by code:",
        "  seal-required  2",
        "2 files, 1 procedure: 3 errors, 2 warnings",
    ]


def test_quiet_prints_no_counts_per_code(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bpr.cli.validate.CODE_COUNTS_AFTER", 0)
    lines = runner.invoke(app, ["-q", "validate", *BOTH]).stdout.splitlines()
    assert len(lines) == 5 and all(PROBLEM_LINE.match(line) for line in lines)


@pytest.mark.parametrize("output_format", ["json", "github"])
def test_machine_formats_have_no_counts_per_code(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.setattr("bpr.cli.validate.CODE_COUNTS_AFTER", 0)
    stdout = runner.invoke(app, ["validate", "--format", output_format, *BOTH]).stdout
    assert "by code" not in stdout
    if output_format == "json":
        assert set(json.loads(stdout)) == {"files", "procedures", "errors", "warnings", "problems"}
    else:
        *commands, summary = stdout.splitlines()
        assert len(commands) == 5 and all(GITHUB_LINE.match(line) for line in commands)
        assert summary == "2 files, 1 procedure: 3 errors, 2 warnings"
