"""An unexpected exception is a bug: exit 3 and one line saying so, the traceback only under --debug/BPR_DEBUG=1."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import bpr.inventory.loader
from bpr.cli import EXIT_INTERNAL
from bpr.cli.main import app, main

from conftest import VALID

SMALL = str(VALID / "minimal.yml")


@pytest.fixture(autouse=True)
def broken_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the core fail the way a bug would."""

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug in the loader")

    monkeypatch.setattr(bpr.inventory.loader, "load_inventory", boom)
    monkeypatch.setattr(bpr.inventory.loader, "check_inventory", boom)  # what `bpr validate` loads with
    monkeypatch.delenv("BPR_DEBUG", raising=False)


@pytest.mark.parametrize("command", ["validate", "score"])
def test_internal_error_exits_3_with_one_line(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, SMALL])
    assert result.exit_code == EXIT_INTERNAL == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" in lines[0]
    assert "ZeroDivisionError: a bug in the loader" in lines[0]
    assert "--debug" in lines[0] and "BPR_DEBUG=1" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_option_prints_the_traceback(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--debug", "validate", SMALL])
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "ZeroDivisionError: a bug in the loader" in result.stderr
    assert "internal error" in result.stderr


@pytest.mark.parametrize(("value", "traceback"), [("1", True), ("0", False), ("", False)])
def test_bpr_debug_prints_the_traceback(runner: CliRunner, value: str, traceback: bool) -> None:
    result = runner.invoke(app, ["validate", SMALL], env={"BPR_DEBUG": value})
    assert result.exit_code == 3
    assert ("Traceback (most recent call last)" in result.stderr) is traceback


def test_the_bpr_command_exits_3(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.argv", ["bpr", "validate", SMALL])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err


def test_usage_problems_still_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "no/such/path"])
    assert result.exit_code == 2
    assert "internal error" not in result.stderr


def test_debug_is_a_documented_global_option(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert "--debug" in result.stdout


@pytest.mark.parametrize(("stdout_closed", "code"), [(True, 0), (False, 3)])
def test_a_closed_pipe_is_no_internal_error_when_it_is_stdouts(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, stdout_closed: bool, code: int
) -> None:
    # The reader of stdout went away: bpr stops quietly with 0 (docs/cli.md). Another pipe broken (a child
    # process's) is a failure like any other, never a quiet 0.
    def closed(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(bpr.inventory.loader, "load_inventory", closed)
    monkeypatch.setattr(bpr.inventory.loader, "check_inventory", closed)
    monkeypatch.setattr("bpr.cli.silence_stdout", lambda: None)  # keep the test process's stdout
    monkeypatch.setattr("bpr.cli.main.stdout_reader_gone", lambda: stdout_closed)
    result = runner.invoke(app, ["validate", SMALL])
    assert result.exit_code == code
    assert ("internal error" in result.stderr) is not stdout_closed
