"""Messages name what the user gave and suggest only options of the command that was run (issue 10, unclear messages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import bpr.export.diagram
from bpr.cli.main import app

from conftest import VALID


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend Graphviz `dot` is not on PATH."""
    monkeypatch.setattr(bpr.export.diagram, "find_dot", lambda: None)


@pytest.mark.usefixtures("no_dot")
def test_build_without_dot_suggests_no_option_build_lacks(runner: CliRunner, tmp_path: Path) -> None:
    # build goes on without Graphviz (DOT files instead of SVG), and its warning names only what it has.
    result = runner.invoke(app, ["build", "-o", str(tmp_path / "out"), str(VALID / "minimal.yml")])
    assert result.exit_code == 0, result.output
    assert "Graphviz `dot` is not on PATH" in result.stderr
    assert "--format" not in result.stderr and "--no-diagrams" in result.stderr
    assert "apt" in result.stderr or "brew" in result.stderr or "install" in result.stderr


@pytest.mark.usefixtures("no_dot")
def test_diagram_without_dot_suggests_the_dot_format(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["diagram", "-o", str(tmp_path / "out"), str(VALID / "minimal.yml")])
    assert result.exit_code == 2
    assert "Graphviz `dot` is not on PATH" in result.stderr
    assert "--format dot" in result.stderr
