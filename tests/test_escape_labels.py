"""Every label `validate` accepts renders: text that shows nothing gets a placeholder (issue 10, item 6)."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.export.diagram.dot import NO_NAME, name_lines

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
SVG = "{http://www.w3.org/2000/svg}"

# Names that show nothing: blanks, control characters, invisible format characters, a leading newline.
INVENTORY = """\
version: 1
counter: {id: c, name: "\\x01", section: "\\u200b\\t", department: "\\x02", location: "\\u2060\\n"}
procedures:
  - id: p
    name: "\\u200b"
    annual_volume: 10
    steps:
      - {id: s1, name: "\\u00ad ", actor: citizen, medium: paper, effort: 5m, system: "\\x01",
         next: [{to: s2, share: 0.5, label: "\\x01"}, {to: s3, label: "\\u3000\\u200b"}]}
      - {id: s2, name: "\\x01", actor: counter, medium: paper, effort: 5m, next: [s4]}
      - {id: s3, name: "\\n名前", actor: counter, medium: paper, effort: 5m, next: [s4]}
      - {id: s4, name: "\\x7f\\u00ad\\t", actor: back_office, medium: paper, effort: 5m, next: [s5]}
      - {id: s5, name: "\\n\\n\\n\\n最後の行", actor: back_office, medium: paper, effort: 5m}
"""


@pytest.mark.parametrize("name", ["", " ", "\x01", "\u200b", "\n", "\u3000\t", "\x7f\u00ad"])
def test_a_name_that_shows_nothing_gets_the_placeholder(name: str) -> None:
    assert name_lines(name, 24, 3) == [NO_NAME]
    assert name_lines(name, 24, 3, placeholder="（名称なし: s1）") == ["（名称なし: s1）"]


def test_lines_that_show_nothing_are_dropped() -> None:
    assert name_lines("\n名前", 24, 3) == ["名前"]
    assert name_lines("\n\n\n\n最後の行", 24, 3) == ["最後の行"]
    assert name_lines("上の行\n\x01\n下の行", 24, 3) == ["上の行", "下の行"]


def test_no_label_is_empty_in_the_dot_source(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "e.yaml").write_text(INVENTORY, encoding="utf-8")
    assert runner.invoke(app, ["validate", str(tmp_path / "e.yaml")]).exit_code == 0
    result = runner.invoke(app, ["diagram", str(tmp_path / "e.yaml"), "-o", str(tmp_path / "o"), "-f", "dot"])
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "o").iterdir():
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"<(B|FONT[^>]*)>(\s|<BR/>)*</(B|FONT)>", source), (path.name, source)


@needs_dot
def test_names_that_show_nothing_render_with_a_placeholder(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "e.yaml").write_text(INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["diagram", str(tmp_path / "e.yaml"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    texts = {
        name: ["".join(t.itertext()).strip() for t in ET.parse(tmp_path / "o" / name).getroot().iter(f"{SVG}text")]
        for name in ("p.svg", "counter-c.svg")
    }
    for placeholder in ("（名称なし: s1）", "（名称なし: s2）", "（名称なし: s4）", "名前", "最後の行", NO_NAME):
        assert placeholder in texts["p.svg"], (placeholder, texts["p.svg"])
    assert texts["counter-c.svg"].count(NO_NAME) == 2, texts["counter-c.svg"]


@needs_dot
def test_build_writes_diagrams_of_names_that_show_nothing(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "e.yaml").write_text(INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "e.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "diagrams" / "p.svg").is_file()
