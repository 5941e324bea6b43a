"""What well-kept CLIs do, bpr does (issue 25, items 8 and 9): a reader that goes away, -h, completion,
GitLab's Code Quality report, and the docs on a PC with no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bpr.cli import EXIT_READER_GONE, stdout_reader_gone
from bpr.cli import docs as docs_command
from bpr.cli.main import app
from bpr.cli.output import FORMATTERS_BY_NAME, ValidationReport, gitlab_issues
from bpr.inventory.loader import load_inventory

from conftest import INVALID, INVENTORIES, ROOT

BROKEN = INVALID / "unknown-reference"


def bpr(*args: str, cwd: Path = ROOT, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "BPR_LANG": "en", "NO_COLOR": "1"}
    env.pop("BPR_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "bpr", *args], cwd=cwd, env=env, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


# The reader of stdout goes away (item 8) ------------------------------------------------------------------------

CLOSED_PIPE_RUNS = [
    ["score", "inventories"],
    ["score", "--format", "json", "inventories"],
    ["score", "--format", "csv", "inventories"],
    ["validate", "inventories"],
    ["validate", "--format", "json", "inventories"],
    ["validate", "--format", "gitlab", str(BROKEN)],
    ["validate", str(BROKEN)],  # errors: 1 when read to the end, but the reader left first
    ["journeys", "inventories"],
    ["roadmap", "--format", "json", "inventories"],
    ["--help"],
    ["-h"],
    ["validate", "-h"],
    ["docs"],
]


@pytest.mark.parametrize("args", CLOSED_PIPE_RUNS, ids=" ".join)
def test_a_reader_gone_before_the_output_ends_the_run_quietly_with_0(args: list[str]) -> None:
    # The reader closes its end before bpr writes a byte: every write fails, as when `head` has had its line.
    read, write = os.pipe()
    os.close(read)
    try:
        result = bpr(*args, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert (result.returncode, result.stderr.decode()) == (EXIT_READER_GONE, "")


def test_under_pipefail_a_pipe_into_head_passes() -> None:
    # As a CI step runs it: GitHub Actions' bash has -o pipefail, and 1 or 2 from bpr would fail the step.
    for command in (
        '"$PY" -m bpr score inventories | head -1',
        '"$PY" -m bpr score --format csv inventories | head -1',
    ):
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=ROOT,
            env={**os.environ, "PY": sys.executable, "BPR_LANG": "en"},
            capture_output=True,
            text=True,
        )
        assert (result.returncode, result.stderr) == (0, ""), command
        assert len(result.stdout.splitlines()) == 1


def test_the_exit_code_is_kept_when_the_reader_reads_everything() -> None:
    result = bpr("validate", str(BROKEN), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert result.returncode == 1 and b"unknown-reference" in result.stdout


def test_a_broken_pipe_is_the_readers_only_when_stdout_is_that_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A child process that died would break another pipe: that is a failure, never a quiet 0.
    with (tmp_path / "out.txt").open("w") as file:
        monkeypatch.setattr(sys, "stdout", file)
        assert not stdout_reader_gone()
    read, write = os.pipe()
    with os.fdopen(write, "w") as pipe:
        monkeypatch.setattr(sys, "stdout", pipe)
        assert not stdout_reader_gone()
        os.close(read)
        assert stdout_reader_gone()


# -h and shell completion (item 9) ------------------------------------------------------------------------------


def commands(group: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in getattr(group, "commands", {}).items():
        yield from commands(command, (*path, name))


@pytest.mark.parametrize("path", list(commands(typer.main.get_command(app))), ids=lambda path: " ".join(path) or "bpr")
def test_h_is_help_on_every_command(runner: CliRunner, path: tuple[str, ...]) -> None:
    short = runner.invoke(app, [*path, "-h"], terminal_width=100)
    long = runner.invoke(app, [*path, "--help"], terminal_width=100)
    assert (short.exit_code, long.exit_code) == (0, 0)
    assert short.output == long.output
    assert "-h, --help" in short.output


def test_completion_names_the_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_BPR_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        result = subprocess.run(
            [sys.executable, "-m", "bpr"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert complete("bpr val") == ["validate"]
    assert "--strict" in complete("bpr validate --st")
    assert complete("bpr survey ex") == ["export"]
    shown = bpr("--show-completion", "bash", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert shown.returncode == 0 and b"_BPR_COMPLETE=complete_bash" in shown.stdout


# bpr validate --format gitlab (item 9) -------------------------------------------------------------------------


def test_gitlab_is_a_format_of_validate(runner: CliRunner) -> None:
    assert "gitlab" in FORMATTERS_BY_NAME
    result = runner.invoke(app, ["validate", "--format", "gitlab", str(BROKEN)])
    assert result.exit_code == 1
    issues = json.loads(result.stdout)  # the whole of stdout is the report
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert set(issue["location"]) == {"path", "lines"} and isinstance(issue["location"]["lines"]["begin"], int)
    problem = next(issue for issue in issues if issue["check_name"] == "unknown-reference")
    assert problem["severity"] == "major" and problem["location"]["path"].startswith(str(BROKEN))


def test_gitlab_fingerprints_are_unique_and_outlive_a_line_moving(tmp_path: Path) -> None:
    source = (INVALID / "seal-required" / "oshi-in.yaml").read_text(encoding="utf-8")
    path = tmp_path / "zeimu.yaml"
    path.write_text(source, encoding="utf-8")
    before = gitlab_issues(ValidationReport.from_inventory(load_inventory([path])[0]).problems)
    # A comment above moves every line down; the findings are the same findings.
    path.write_text(source.replace("procedures:\n", "# 令和6年度の棚卸\nprocedures:\n"), encoding="utf-8")
    after = gitlab_issues(ValidationReport.from_inventory(load_inventory([path])[0]).problems)
    assert [issue["location"]["lines"]["begin"] for issue in after] == [  # type: ignore[index]
        issue["location"]["lines"]["begin"] + 1  # type: ignore[index]
        for issue in before
    ]
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]
    fingerprints = [issue["fingerprint"] for issue in before]
    assert len(fingerprints) == len(set(fingerprints)) == 2  # two seals, two issues (the same code and file)


def test_gitlab_lists_no_warning_with_no_warnings(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--format", "gitlab", "--no-warnings", str(INVENTORIES)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


# bpr docs: the documents on a PC with no network (item 9) ------------------------------------------------------


def test_docs_lists_the_readme_and_every_doc_of_the_checkout(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "en", "docs"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == str(ROOT / "docs")
    listed = [line.split()[0] for line in lines[1:-1]]
    assert listed == [str(ROOT / "README.md"), *sorted(path.name for path in (ROOT / "docs").glob("*.md"))]
    assert any("offline.md" in line and "LGWAN" in line for line in lines)
    assert lines[-1].startswith("open one: bpr docs NAME --open")


def test_docs_names_one_and_opens_it_with_the_system(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["docs", "Offline.md"]).stdout == f"{ROOT / 'docs' / 'offline.md'}\n"
    opened: list[Path] = []
    monkeypatch.setattr(docs_command, "open_with_system", opened.append)
    assert runner.invoke(app, ["docs", "readme", "--open"]).exit_code == 0
    assert runner.invoke(app, ["docs", "--open"]).exit_code == 0
    assert opened == [ROOT / "README.md", ROOT / "docs"]
    missing = runner.invoke(app, ["--lang", "en", "docs", "manual"])
    assert missing.exit_code == 2 and "no document 'manual': one of README, " in missing.stderr


def test_docs_are_read_from_the_wheels_copy_and_their_absence_exits_2(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs_command, "PACKAGE", tmp_path / "bpr")
    assert docs_command.documents() is None
    missing = runner.invoke(app, ["--lang", "en", "docs"])
    assert missing.exit_code == 2 and "the documents are not installed with this copy of bpr" in missing.stderr
    shipped = tmp_path / "site" / "bpr" / "docs"
    shipped.mkdir(parents=True)
    (shipped / "README.md").write_text("# bpr\n", encoding="utf-8")
    (shipped / "offline.md").write_text("# LGWAN\n", encoding="utf-8")
    folder, found = docs_command.documents(tmp_path / "site" / "bpr") or (None, [])
    assert folder == shipped
    assert [(doc.path.name, doc.title) for doc in found] == [("README.md", "bpr"), ("offline.md", "LGWAN")]
