"""Issue 10, item 5: what validate accepts stays finite in every command; the bounds of format 1.1 are located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app

HEAD = """version: 1
counter: {id: c, name: 窓口, section: 市民課}
procedures:
  - id: p
    name: 手続
"""


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("    annual_volume: " + "9" * 401 + "\n    steps: [{id: a, name: a, actor: counter, effort: 5}]\n", "6:20"),
        ("    annual_volume: 0x" + "f" * 40 + "\n    steps: [{id: a, name: a, actor: counter, effort: 5}]\n", "6:20"),
        ("    annual_volume: 10\n    steps: [{id: a, name: a, actor: counter, effort: .nan}]\n", "7:54"),
        ("    annual_volume: 10\n    steps: [{id: a, name: a, actor: counter, effort: .inf}]\n", "7:54"),
        ("    annual_volume: 10\n    steps: [{id: a, name: a, actor: counter, effort: 1e308}]\n", "7:54"),
    ],
)
def test_values_beyond_the_bounds_are_refused_at_the_value_and_nothing_crashes(tmp_path: Path, body: str, where: str):
    path = tmp_path / "c.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(path), "--no-cache"])
    assert result.exit_code == 1, result.output
    assert f"c.yaml:{where}: error invalid-value" in result.output
    for command in (["score", "--format", "json"], ["roadmap", "-o", str(tmp_path / "x.xlsx")]):
        outcome = runner.invoke(app, [*command, str(path)])
        assert outcome.exit_code == 1, (command, outcome.output)
        assert "Traceback" not in outcome.output


def test_the_largest_accepted_values_give_finite_json(tmp_path: Path):
    body = (
        "    annual_volume: 1000000000\n"
        "    steps:\n"
        "      - {id: a, name: a, actor: citizen, in_person: true, effort: 30d, wait: 3650d}\n"
        "      - {id: b, name: b, actor: back_office, action: enter, medium: paper, effort: 30d,"
        " next: [{to: a, share: 0.999}, {to: c, share: 0.001}]}\n"
        "      - {id: c, name: c, actor: counter, effort: 30d}\n"
    )
    path = tmp_path / "c.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # json.loads refuses nothing: check every number is finite
    record = data["procedures"][0]
    assert all(isinstance(v, int | float) and abs(v) < 1e30 for v in record["scores"].values())
    assert "NaN" not in result.output and "Infinity" not in result.output
