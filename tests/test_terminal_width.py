"""Text output fits the terminal: piped, it follows COLUMNS, 80 when unset; Japanese lines break by phrase."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.linebreak import NO_LINE_START, display_width

from conftest import INVENTORIES


@pytest.mark.parametrize(
    "command", [["journeys"], ["score"], ["roadmap", "-o", "{tmp}/r.xlsx"], ["build", "-o", "{tmp}/out"]]
)
@pytest.mark.parametrize("columns", [None, "100"])
def test_every_line_fits_the_width(command: list[str], columns: str | None, tmp_path, monkeypatch) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    width = int(columns or 80)
    args = [part.format(tmp=tmp_path) for part in command]
    result = CliRunner().invoke(app, [*args, str(INVENTORIES)], env={"BPR_LANG": "ja"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) > 10
    # A path is printed whole (it is copied), whatever its length; every other line fits.
    wide = [line for line in lines if display_width(line) > width and str(tmp_path) not in line]
    assert wide == []
    # A line that goes on starts indented, never with a closing mark.
    assert [line for line in lines if line.strip()[:1] in NO_LINE_START - set(")]}!?,.:;%")] == []


def test_a_long_journey_line_goes_on_indented(monkeypatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    result = CliRunner().invoke(app, ["journeys", str(INVENTORIES), "--event", "moving"], env={"BPR_LANG": "ja"})
    lines = result.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  1回あたり"))
    assert lines[first + 1].startswith("    ")  # the rest of the sentence, under its start
