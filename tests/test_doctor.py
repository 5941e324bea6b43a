"""`bpr doctor`: Graphviz, Japanese fonts, config, Python and packages, the YAML parser; exit 2 when something is missing."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli import doctor
from bpr.cli.main import app
from bpr.export.fonts import japanese_fonts, resolve_font

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
FONTS = ["IPAexGothic", "IPAexゴシック", "Noto Sans CJK JP"]


@pytest.fixture
def fonts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make fontconfig report a known set of Japanese fonts."""
    monkeypatch.setattr(doctor, "japanese_fonts", lambda: list(FONTS))
    return FONTS


@needs_dot
def test_doctor_reports_everything_and_exits_0(fonts: list[str], runner: CliRunner) -> None:
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output + result.stderr
    dot_line = next(line for line in result.output.splitlines() if "graphviz dot" in line)
    assert dot_line.startswith("ok") and "graphviz version" in dot_line and "renders svg" in dot_line
    fonts_line = next(line for line in result.output.splitlines() if "japanese fonts" in line)
    assert fonts_line.startswith("ok") and "Noto Sans CJK JP" in fonts_line
    for name in ("python", "bpr", "typer", "pydantic", "networkx", "graphviz", "openpyxl", "rich", "ruamel.yaml"):
        assert any(line.split()[1] == name for line in result.output.splitlines()), name
    assert "yaml parser" in result.output


def test_doctor_without_dot_exits_2_with_the_install_command(
    fonts: list[str], runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 2
    dot_line = next(line for line in result.output.splitlines() if "graphviz dot" in line)
    assert dot_line.startswith("FAIL") and "apt-get install graphviz fonts-noto-cjk" in dot_line
    assert "not ready: graphviz dot" in result.stderr


@needs_dot
def test_doctor_without_japanese_fonts_exits_2(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "japanese_fonts", lambda: [])
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 2
    assert "FAIL  japanese fonts" in result.output and "fonts-noto-cjk" in result.output


@needs_dot
def test_doctor_warns_when_the_configured_font_is_missing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor, "japanese_fonts", lambda: ["IPAexGothic"])
    config = tmp_path / "bpr.yaml"
    config.write_text("diagram:\n  font: Noto Sans CJK JP\n", encoding="utf-8")
    result = runner.invoke(app, ["doctor", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "warn  japanese fonts" in result.output and "'Noto Sans CJK JP' is not installed" in result.output


def test_doctor_reports_a_broken_config(fonts: list[str], runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "bpr.yaml"
    config.write_text("diagram:\n  fnt: x\n", encoding="utf-8")
    result = runner.invoke(app, ["doctor", "--config", str(config)])
    assert result.exit_code == 2
    assert "FAIL  config" in result.output and "unknown-field" in result.output


def fake_fc_list(folder: Path, output: str) -> None:
    """Put an `fc-list` on PATH that prints the given lines."""
    folder.mkdir(exist_ok=True)
    script = folder / "fc-list"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{output}'\n", encoding="utf-8")  # printf: a shell builtin
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_japanese_fonts_reads_every_name_of_each_family(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_fc_list(tmp_path / "bin", "IPAexGothic,IPAexゴシック\nNoto Sans CJK JP\nNoto Sans CJK JP\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert japanese_fonts() == ["IPAexGothic", "IPAexゴシック", "Noto Sans CJK JP"]


def test_japanese_fonts_is_none_without_fontconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert japanese_fonts() is None


def test_resolve_font_keeps_the_configured_one_when_installed_else_picks_a_gothic() -> None:
    assert resolve_font("Noto Sans CJK JP", FONTS) == "Noto Sans CJK JP"
    assert resolve_font("noto sans cjk jp", FONTS) == "Noto Sans CJK JP"
    assert resolve_font("Hiragino Sans", FONTS) == "Noto Sans CJK JP"
    assert resolve_font("Hiragino Sans", ["Noto Serif CJK JP", "TakaoPGothic"]) == "TakaoPGothic"
    assert resolve_font("Hiragino Sans", None) == "Hiragino Sans"
    assert resolve_font("Hiragino Sans", []) == "Hiragino Sans"
