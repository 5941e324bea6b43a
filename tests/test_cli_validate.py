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
from bpr.cli.output import FORMATTERS_BY_NAME, github_command
from bpr.inventory.problem import Problem, Severity

from conftest import DATA, INVALID, ROOT, VALID, yaml_files

SUMMARY = re.compile(r"^\d+ files?, \d+ procedures?: \d+ errors?, \d+ warnings?$")
PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning) (?P<code>[a-z-]+) .+$"
)
GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[a-z-]+::.+$")
ONE_ERROR = INVALID / "unknown-field" / "top-level.yaml"
ONLY_WARNINGS = INVALID / "seal-required" / "oshi-in.yaml"


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
                ["import", "survey"], ["survey", "export"], ["survey", "import"], ["new"], ["doctor"]]  # fmt: skip
    for command in commands:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        for marker in ("<list[", "<path>", "<int", "<str>", "<float", "list[Path]"):
            assert marker not in result.output, (command, marker)
