"""A procedure or counter id of any length `validate` accepts gets a diagram file (issue 10, unclear messages)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.export.diagram import MAX_FILE_STEM_CHARS, counter_file_name, diagram_file_name

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

LONG_PROCEDURE = "p" * 300
LONG_COUNTER = "c" * 300


def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "long.yaml"
    path.write_text(
        f"version: 1\ncounter: {{id: {LONG_COUNTER}, name: 窓口, section: 市民課}}\nprocedures:\n"
        f"  - {{id: {LONG_PROCEDURE}, name: 手続, annual_volume: 10,"
        " steps: [{id: s, name: 受付, actor: counter, medium: paper, effort: 5m}]}\n"
        "  - {id: short, name: 手続2, annual_volume: 5,"
        " steps: [{id: s, name: 受付, actor: counter, medium: paper, effort: 5m}]}\n",
        encoding="utf-8",
    )
    return path


def test_short_ids_keep_their_file_names() -> None:
    assert diagram_file_name("tennyu") == "tennyu"
    assert counter_file_name("shimin") == "counter-shimin"
    assert diagram_file_name("a" * MAX_FILE_STEM_CHARS) == "a" * MAX_FILE_STEM_CHARS


def test_long_ids_are_shortened_deterministically_and_stay_apart() -> None:
    one, two = diagram_file_name("a" * 300), diagram_file_name("a" * 299 + "b")
    assert one == diagram_file_name("a" * 300) and one != two
    assert one.startswith("a" * 100) and len(one) <= MAX_FILE_STEM_CHARS
    assert len(counter_file_name(LONG_COUNTER)) <= MAX_FILE_STEM_CHARS
    # Room for the longest extension and the staging names: a name plus ".svg" fits in 255 bytes.
    assert MAX_FILE_STEM_CHARS + len(".pdf") <= 255


@pytest.mark.parametrize("fmt", ["dot", pytest.param("svg", marks=needs_dot)])
def test_a_300_character_id_gets_its_diagram(tmp_path: Path, runner: CliRunner, fmt: str) -> None:
    path = inventory(tmp_path)
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    out = tmp_path / "o"
    result = runner.invoke(app, ["diagram", str(path), "-o", str(out), "-f", fmt])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"{diagram_file_name(LONG_PROCEDURE)}.{fmt}", f"{counter_file_name(LONG_COUNTER)}.{fmt}", f"short.{fmt}"]
    )
    assert LONG_PROCEDURE in (out / f"{diagram_file_name(LONG_PROCEDURE)}.{fmt}").read_text(encoding="utf-8")
