"""`bpr doctor`: Graphviz, Japanese fonts, config, Python and packages, the YAML parser; exit 2 when something is missing."""

from __future__ import annotations

import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli import doctor
from bpr.cli.main import app
from bpr.export import fonts as fonts_module
from bpr.export.fonts import japanese_fonts, resolve_font

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
FONTS = ["IPAexGothic", "IPAexゴシック", "Noto Sans CJK JP"]


@pytest.fixture
def fonts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make fontconfig report a known set of Japanese fonts."""
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: list(FONTS))
    return FONTS


@needs_dot
def test_doctor_reports_everything_and_exits_0(fonts: list[str], runner: CliRunner) -> None:
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output + result.stderr
    dot_line = next(line for line in result.output.splitlines() if "graphviz dot" in line)
    assert dot_line.startswith("ok") and "graphviz version" in dot_line and "renders svg" in dot_line
    fonts_line = next(line for line in result.output.splitlines() if "japanese fonts" in line)
    assert fonts_line.startswith("ok") and "Noto Sans CJK JP" in fonts_line
    for name in (
        "python",
        "bpr-madoguchi",
        "typer",
        "pydantic",
        "networkx",
        "graphviz",
        "openpyxl",
        "rich",
        "ruamel.yaml",
    ):
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
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: [])
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 2
    assert "FAIL  japanese fonts" in result.output and "fonts-noto-cjk" in result.output


@needs_dot
def test_doctor_warns_when_the_configured_font_is_missing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: ["IPAexGothic"])
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


@pytest.fixture
def windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Play a Windows without Graphviz on PATH: sys.platform, and Program Files and %LOCALAPPDATA% in tmp_path."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Program Files"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    return tmp_path


def _install_dot(folder: Path) -> Path:
    folder.mkdir(parents=True)
    dot = folder / "dot.exe"
    dot.write_bytes(b"MZ")
    return dot


def test_windows_dot_installed_but_not_on_path_names_the_folder_to_add(windows: Path) -> None:
    installed = _install_dot(windows / "Program Files" / "Graphviz" / "bin")
    check = doctor.check_dot()
    assert check.status is doctor.Status.FAIL
    assert f"installed at {installed}" in check.detail and f"add {installed.parent} to PATH" in check.detail


@pytest.mark.parametrize(
    "folder",
    [("Program Files (x86)", "Graphviz2.38", "bin"), ("Local", "Programs", "Graphviz", "bin")],
    ids=["old-32-bit-release", "per-user-install"],
)
def test_windows_dot_is_found_in_every_usual_folder(
    windows: Path, monkeypatch: pytest.MonkeyPatch, folder: tuple[str, ...]
) -> None:
    monkeypatch.setenv("ProgramFiles(x86)", str(windows / "Program Files (x86)"))
    assert doctor.installed_dot() is None
    installed = _install_dot(windows.joinpath(*folder))
    assert doctor.installed_dot() == installed


def test_windows_without_graphviz_says_how_to_install_it(windows: Path) -> None:
    check = doctor.check_dot()
    assert check.status is doctor.Status.FAIL
    assert "winget install Graphviz.Graphviz" in check.detail and "apt-get" not in check.detail


def test_linux_never_looks_in_windows_folders(windows: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install_dot(windows / "Program Files" / "Graphviz" / "bin")
    monkeypatch.setattr(sys, "platform", "linux")
    check = doctor.check_dot()
    assert "installed at" not in check.detail and "apt-get install graphviz" in check.detail


def test_windows_fonts_check_names_the_font_drawn_with(windows: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: ["BIZ UDGothic", "MS Gothic", "Meiryo", "Yu Gothic"])
    check = doctor.check_fonts("Noto Sans CJK JP")
    assert check.status is doctor.Status.WARNING
    assert "'Noto Sans CJK JP' is not installed (PNG/PDF are drawn with 'BIZ UDGothic')" in check.detail


def test_windows_without_japanese_fonts_says_which_feature_to_add(
    windows: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: [])
    check = doctor.check_fonts("Noto Sans CJK JP")
    assert check.status is doctor.Status.FAIL
    assert "Japanese Supplemental Fonts" in check.detail and "fontconfig" not in check.detail
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: None)
    assert "cannot read the font registry" in doctor.check_fonts("Noto Sans CJK JP").detail


def test_doctor_on_windows_runs_through(windows: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts_folder = windows / "Windows" / "Fonts"
    fonts_folder.mkdir(parents=True)
    monkeypatch.setenv("WINDIR", str(windows / "Windows"))
    monkeypatch.setattr(fonts_module, "registry_fonts", lambda: [])
    _install_dot(windows / "Program Files" / "Graphviz" / "bin")
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    dot_line = next(line for line in lines if "graphviz dot" in line)
    assert re.match(r"FAIL  graphviz dot +not on PATH, but installed at .*dot\.exe: add ", dot_line), dot_line
    assert "Japanese Supplemental Fonts" in next(line for line in lines if "japanese fonts" in line)
    assert result.stderr.startswith("bpr: not ready: graphviz dot, japanese fonts (Graphviz: `winget install")


def test_quiet_doctor_prints_only_what_is_not_ok(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts_module, "japanese_fonts", lambda: [])
    result = runner.invoke(app, ["-q", "doctor"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert any(line.startswith("FAIL  japanese fonts") for line in lines)
    assert not any(line.startswith("ok ") for line in lines)
    assert any(line.startswith("ok ") for line in runner.invoke(app, ["doctor"]).output.splitlines())


def test_report_lines_align_by_the_columns_a_terminal_shows() -> None:
    checks = [
        doctor.Check("日本語フォント", doctor.Status.OK, "a"),
        doctor.Check("python", doctor.Status.FAIL, "b"),
    ]
    assert doctor.report_lines(checks) == "ok    日本語フォント  a\nFAIL  python          b\n"
    assert doctor.report_lines(checks, quiet=True) == "FAIL  python          b\n"
