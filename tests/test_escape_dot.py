"""Nothing of the config or the inventory breaks DOT or the SVG, and a failing `dot` never exits 0 (issue 10)."""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.export.diagram import Diagram, RenderError, render_diagrams
from bpr.export.diagram import render as render_module
from bpr.export.diagram.dot import DotGraph, safe_font

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

MINIMAL = """\
version: 1
counter: {id: c, name: 窓口, section: 市民課}
procedures:
  - id: p
    name: 手続
    annual_volume: 10
    steps:
      - {id: s, name: 受付, actor: counter, medium: paper, effort: 5m}
"""


def fake_dot(folder: Path, svg: bytes, exit_code: int = 0) -> str:
    """Return a `dot` stand-in that writes these bytes as every <input>.svg and exits with exit_code."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "payload.svg").write_bytes(svg)
    script = folder / "dot"
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        "for name in sys.argv[1:]:\n"
        "    if not name.startswith('-'):\n"
        f"        shutil.copyfile({str(folder / 'payload.svg')!r}, name + '.svg')\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize("font", ['Noto"Sans', "a\\", "x<y> & z", "A\nB", "a;b=c]", "\x01"])
def test_a_hostile_font_never_reaches_dot_as_it_is(font: str) -> None:
    cleaned = safe_font(font)
    assert cleaned and not set(cleaned) & set('"\\<>&;=[]\n\x01')
    source = DotGraph("g", font).source
    assert f'fontname="{cleaned}"' in source


@needs_dot
def test_a_font_given_to_the_library_still_gives_well_formed_svg(tmp_path: Path) -> None:
    graph = DotGraph("g", 'x<y> & "z"')
    graph.node("a", label="b")
    (written,) = render_diagrams([Diagram("g", graph.source)], tmp_path / "o")
    ET.parse(written)


def test_an_svg_that_is_not_well_formed_fails_the_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dot = fake_dot(tmp_path / "bin", b'<svg font-family="a"b"></svg>')
    monkeypatch.setattr(render_module, "find_dot", lambda: dot)
    with pytest.raises(RenderError, match="not well-formed"):
        render_diagrams([Diagram("g", "digraph { a }")], tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_a_failing_dot_never_exits_0(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "inv.yaml").write_text(MINIMAL, encoding="utf-8")
    for svg, code in ((b'<svg font-family="a"b"></svg>', 0), (b'<svg xmlns="http://www.w3.org/2000/svg"/>', 1)):
        dot = fake_dot(tmp_path / f"bin{code}", svg, code)
        monkeypatch.setattr(render_module, "find_dot", lambda dot=dot: dot)
        result = runner.invoke(app, ["diagram", str(tmp_path / "inv.yaml"), "-o", str(tmp_path / "o")])
        assert result.exit_code == 2, result.output
        assert "dot failed" in result.stderr
        assert not (tmp_path / "o").exists()


def test_a_non_utf8_svg_is_written_as_utf8_without_a_traceback(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    svg = b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>caf\xe9 \xff</text></svg>'
    dot = fake_dot(tmp_path / "bin", svg)
    monkeypatch.setattr(render_module, "find_dot", lambda: dot)
    (tmp_path / "inv.yaml").write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(app, ["diagram", str(tmp_path / "inv.yaml"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    written = (tmp_path / "o" / "p.svg").read_bytes()
    assert "caf\ufffd \ufffd" in written.decode("utf-8")
    ET.fromstring(written)


def test_build_with_a_dot_that_writes_a_broken_svg_exits_2(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bpr.export.diagram as diagram_package

    dot = fake_dot(tmp_path / "bin", b'<svg font-family="a"b"></svg>')
    monkeypatch.setattr(render_module, "find_dot", lambda: dot)
    monkeypatch.setattr(diagram_package, "find_dot", lambda: dot)
    (tmp_path / "inv.yaml").write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "inv.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "not well-formed" in result.stderr
    assert not (tmp_path / "out").exists()
