"""A file or folder another program holds open on Windows (Excel, a PDF viewer) is named, with what to do (issue 15, item 9).

Windows refuses to replace a file Excel has open, or to rename a folder with such a file in it, with a
PermissionError that carries `winerror` 32 (sharing violation) or 5 (access denied). These tests raise
that error where Windows would, on any system.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.export import atomic
from bpr.export.atomic import FileInUse, atomic_write, files_held_open
from bpr.export.diagram import Diagram, RenderError
from bpr.export.diagram.render import render_diagrams
from bpr.export.output_folder import swap_folder

INVENTORY = (
    "version: 1\ncounter: {id: shimin, name: 市民課窓口, section: 市民課}\nprocedures:\n"
    "  - {id: tennyu, name: 転入届, annual_volume: 100,"
    " steps: [{id: s, name: 受付, actor: counter, medium: paper, effort: 5m}]}\n"
)
CLOSE_IT = "is open in another program, such as Excel: close it there, then run again"

real_replace = os.replace


def windows_error(code: int, path: Path | str) -> PermissionError:
    """Return the PermissionError Windows raises, with its winerror."""
    error = PermissionError(errno.EACCES, "The process cannot access the file", str(path))
    error.winerror = code  # type: ignore[attr-defined]  # only Windows's OSError has it
    return error


def refuse_replacing(monkeypatch: pytest.MonkeyPatch, refused: Callable[[Path], bool], code: int = 32) -> list[Path]:
    """Make os.replace raise Windows's error when the source or target is refused; return the refused paths."""
    seen: list[Path] = []

    def replace(source: Any, target: Any) -> None:
        if refused(Path(source)) or refused(Path(target)):
            seen.append(Path(target))
            raise windows_error(code, target)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    return seen


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "shimin.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def test_replacing_a_file_excel_holds_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "roadmap.xlsx"
    target.write_bytes(b"old")
    refuse_replacing(monkeypatch, lambda path: path == target)
    with pytest.raises(FileInUse) as raised:
        atomic_write(target, lambda temporary: temporary.write_bytes(b"new"))
    assert raised.value.strerror == f"roadmap.xlsx {CLOSE_IT}"
    assert raised.value.filename == str(target) and raised.value.errno is None
    assert isinstance(raised.value, PermissionError) and isinstance(raised.value.__cause__, PermissionError)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["roadmap.xlsx"]  # no temporary file left


def test_roadmap_says_to_close_the_workbook_in_excel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, inventory: Path
) -> None:
    target = tmp_path / "roadmap.xlsx"
    assert runner.invoke(app, ["roadmap", str(inventory), "-o", str(target)]).exit_code == 0
    before = target.read_bytes()
    refuse_replacing(monkeypatch, lambda path: path == target)
    result = runner.invoke(app, ["roadmap", str(inventory), "-o", str(target)])
    assert result.exit_code == 2
    # The settings line comes first (every run names its config); the failure is the last line.
    assert result.stderr.splitlines()[-1].startswith("bpr: ") and f"roadmap.xlsx {CLOSE_IT}" in result.stderr
    assert str(target) in result.stderr
    assert target.read_bytes() == before


def test_a_section_workbook_held_open_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, inventory: Path
) -> None:
    out = tmp_path / "sections"
    assert runner.invoke(app, ["roadmap", str(inventory), "--split-by", "section", "-o", str(out)]).exit_code == 0
    refuse_replacing(monkeypatch, lambda path: path.name == "市民課.xlsx")
    result = runner.invoke(app, ["roadmap", str(inventory), "--split-by", "section", "-o", str(out)])
    assert result.exit_code == 2 and f"市民課.xlsx {CLOSE_IT}" in result.stderr, result.stderr


def test_build_names_the_workbook_excel_holds_in_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, inventory: Path
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(inventory), "-o", str(out), "--no-diagrams"]).exit_code == 0
    before = (out / "roadmap.xlsx").read_bytes()
    # Windows will not rename a folder with an open file in it, and will not open that file for writing.
    refuse_replacing(monkeypatch, lambda path: path == out, code=5)
    real_open = open

    def held_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if Path(file).name == "roadmap.xlsx" and "+" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(atomic, "open", held_open, raising=False)
    result = runner.invoke(app, ["build", str(inventory), "-o", str(out), "--no-diagrams"])
    assert result.exit_code == 2, result.output
    assert f"roadmap.xlsx in {out} {CLOSE_IT}" in result.stderr, result.stderr
    assert (out / "roadmap.xlsx").read_bytes() == before  # the previous build is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "shimin.yaml"]  # no staging folder left


def test_a_folder_held_without_a_file_found_says_what_can_hold_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output, staging = tmp_path / "out", tmp_path / "staging"
    output.mkdir()
    staging.mkdir()
    (output / "a.txt").write_text("old")
    refuse_replacing(monkeypatch, lambda path: path == output, code=32)
    with pytest.raises(FileInUse, match=r"is in use by another program .*Explorer or in a command window"):
        swap_folder(staging, output)
    assert (output / "a.txt").read_text() == "old" and staging.is_dir()


def test_on_posix_a_refused_rename_keeps_the_systems_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "roadmap.xlsx"

    def replace(source: Any, target: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(target))  # no winerror: not Windows

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(PermissionError) as raised:
        atomic_write(target, lambda temporary: temporary.write_bytes(b"new"))
    assert not isinstance(raised.value, FileInUse) and raised.value.strerror == "Permission denied"


def test_a_read_only_file_is_not_said_to_be_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "roadmap.xlsx"
    target.write_bytes(b"old")
    refuse_replacing(monkeypatch, lambda path: path == target, code=5)
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # the read-only attribute (root ignores chmod)
    with pytest.raises(PermissionError) as raised:
        atomic_write(target, lambda temporary: temporary.write_bytes(b"new"))
    assert not isinstance(raised.value, FileInUse)


def test_nothing_is_held_open_on_posix(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.xlsx").write_bytes(b"x")
    (tmp_path / "b.xlsx").write_bytes(b"y")
    assert files_held_open(tmp_path) == []
    assert (tmp_path / "sub" / "a.xlsx").read_bytes() == b"x"


def test_a_diagram_held_open_names_the_procedure_and_says_to_close_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "tennyu.dot").write_text("old")
    refuse_replacing(monkeypatch, lambda path: path == out / "tennyu.dot")
    with pytest.raises(RenderError) as raised:
        render_diagrams([Diagram("tennyu", "digraph { a }", procedure="tennyu")], out, "dot")
    message = str(raised.value)
    assert message.startswith("cannot write the diagram of procedure 'tennyu'")
    assert f"tennyu.dot {CLOSE_IT}" in message
    assert (out / "tennyu.dot").read_text() == "old"
