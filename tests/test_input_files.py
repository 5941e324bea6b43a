"""What `validate` finds on disk: non-regular files, oversized files, unreadable folders, one file named twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bpr.inventory import sources
from bpr.inventory.loader import load_file, load_inventory
from bpr.inventory.problem import Problem, Severity

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.yml"


def _found(problems: list[Problem]) -> list[tuple[str, str, int, int]]:
    """Return the errors as (file name, code, line, column); the fixture's own warnings are left out."""
    return [(Path(p.file).name, p.code, p.line, p.column) for p in problems if p.severity is Severity.ERROR]


def _validate(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `bpr validate` in a child process with a memory cap and a timeout, so a hang or a flood fails."""

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    env = {**os.environ, "XDG_CACHE_HOME": str(cwd / "cache-home"), "BPR_NO_CACHE": ""}
    return subprocess.run(
        [sys.executable, "-m", "bpr", "validate", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,
        check=False,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("cache", ["", "--no-cache"])
def test_a_fifo_is_refused_without_reading_it(tmp_path: Path, cache: str) -> None:
    inventory = tmp_path / "inv"
    inventory.mkdir()
    (inventory / "good.yml").write_bytes(MINIMAL.read_bytes())
    os.mkfifo(inventory / "x.yaml")
    result = _validate(*filter(None, [cache, "inv"]), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "inv/x.yaml:1:1: error file-unreadable" in result.stdout
    assert "named pipe" in result.stdout


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_is_refused(tmp_path: Path, device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    os.symlink(device, tmp_path / "z.yaml")
    result = _validate("z.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "z.yaml:1:1: error file-unreadable" in result.stdout
    assert "not a regular file" in result.stdout


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(MINIMAL.read_bytes() + b"#" * 200 + b"\n")
    monkeypatch.setenv("BPR_MAX_FILE_BYTES", "100")
    for use_cache in (True, False):
        inventory, _ = load_inventory([path], use_cache=use_cache)
        assert _found(inventory.problems) == [("big.yaml", "file-unreadable", 1, 1)]
        assert "BPR_MAX_FILE_BYTES" in inventory.problems[0].message
    monkeypatch.setenv("BPR_MAX_FILE_BYTES", str(path.stat().st_size))
    assert _found(load_inventory([path], use_cache=False)[0].problems) == []


def test_the_size_limit_falls_back_to_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPR_MAX_FILE_BYTES", "twenty")
    assert sources.max_file_bytes() == sources.DEFAULT_MAX_FILE_BYTES == 20 * 1024 * 1024
    monkeypatch.delenv("BPR_MAX_FILE_BYTES")
    assert sources.max_file_bytes() == sources.DEFAULT_MAX_FILE_BYTES


def _inventory_with_subfolder(tmp_path: Path) -> tuple[Path, Path]:
    inventory = tmp_path / "inv"
    hidden = inventory / "sub"
    hidden.mkdir(parents=True)
    (inventory / "a.yml").write_bytes(MINIMAL.read_bytes())
    (hidden / "b.yml").write_bytes(MINIMAL.read_bytes().replace(b"minimal", b"other"))
    return inventory, hidden


def test_an_unreadable_subfolder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory, hidden = _inventory_with_subfolder(tmp_path)
    listing = os.scandir

    def refuse(path: str | os.PathLike[str] = ".") -> object:
        if Path(path) == hidden:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(sources.os, "scandir", refuse)
    loaded, path_problems = load_inventory([inventory], use_cache=False)
    assert path_problems == []
    assert _found(loaded.problems) == [("sub", "file-unreadable", 1, 1)]
    (problem,) = [p for p in loaded.problems if p.code == "file-unreadable"]
    assert problem.file == str(hidden)
    assert "Permission denied" in problem.message
    assert [Path(f.path).name for f in loaded.files] == ["a.yml", "sub"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads unreadable folders")
def test_a_folder_without_permissions_is_reported(tmp_path: Path) -> None:
    inventory, hidden = _inventory_with_subfolder(tmp_path)
    hidden.chmod(0)
    try:
        loaded, _ = load_inventory([inventory], use_cache=False)
    finally:
        hidden.chmod(0o700)
    assert _found(loaded.problems) == [("sub", "file-unreadable", 1, 1)]


def test_a_folder_given_twice_is_loaded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory, _ = _inventory_with_subfolder(tmp_path)
    monkeypatch.chdir(tmp_path)
    once, _ = load_inventory([Path("inv")], use_cache=False)
    for spellings in (["inv", "inv"], ["inv", "./inv"], ["inv", str(inventory)], ["inv", "inv/sub/b.yml"]):
        twice, _ = load_inventory([Path(p) for p in spellings], use_cache=False)
        assert [f.path for f in twice.files] == [f.path for f in once.files], spellings
        assert twice.problems == once.problems


def test_one_file_reached_by_two_names_is_no_duplicate(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_bytes(MINIMAL.read_bytes())
    os.symlink(tmp_path / "a.yml", tmp_path / "b.yml")
    loaded, _ = load_inventory([tmp_path, tmp_path / "b.yml"], use_cache=False)
    assert [Path(f.path).name for f in loaded.files] == ["a.yml"]
    assert _found(loaded.problems) == []


@pytest.mark.parametrize(
    ("encoding", "label"), [("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32-le", "UTF-32")]
)
def test_utf16_with_a_bom_is_named(tmp_path: Path, encoding: str, label: str) -> None:
    path = tmp_path / "excel.yaml"
    path.write_bytes(("\ufeff" + MINIMAL.read_text(encoding="utf-8")).encode(encoding))
    (problem,) = load_file(path, str(path)).problems
    assert (problem.code, problem.line, problem.column) == ("file-encoding", 1, 1)
    assert f"is {label}" in problem.message
    assert "UTF-8" in problem.message
    assert "binary" not in problem.message
