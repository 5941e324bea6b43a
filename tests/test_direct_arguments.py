"""`bpr validate` read without click (`direct_arguments`): the same arguments click gives, or click reads the line.

A one-file `bpr validate` whose file is in the cache imports neither pydantic nor the models: click's parser
(Typer 0.29 builds a pydantic adapter per parameter) and the models were two thirds of its start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from bpr.cli.main import make_app
from bpr.cli.validate import direct_arguments

from conftest import INVENTORIES, ROOT

SAMPLE = INVENTORIES / "shimin.yaml"


def click_arguments(args: list[str]) -> dict[str, Any]:
    """Return the arguments click gives `validate` for a command line (after `bpr validate`)."""
    group = typer.main.get_command(make_app("validate"))
    with group.make_context("bpr", ["validate", *args]) as root:
        command = group.get_command(root, "validate")
        assert command is not None
        with command.make_context("validate", list(args), parent=root) as context:
            return dict(context.params)


# Command lines of paths, flags and --format: both readers must give the same arguments.
READ_ALIKE = [
    [],
    [str(SAMPLE)],
    [str(SAMPLE), str(INVENTORIES)],
    ["--staged"],
    ["--strict", "--no-warnings", "--no-cache", str(SAMPLE)],
    [str(SAMPLE), "--strict", str(INVENTORIES), "--strict"],
    ["--format", "json", str(SAMPLE)],
    ["-f", "github", str(SAMPLE)],
    ["--format=gitlab", "--format", "text"],
    ["no-such-folder", "住民課 窓口.yaml"],
    ["validate"],  # a folder named like the command
]
# Command lines that only click reads: other options, help, `--`, a value click refuses, a dash, an empty path.
CLICK_ONLY = [
    ["--config", "bpr.yaml"],
    ["--help"],
    ["-h"],
    ["--", str(SAMPLE)],
    ["--format", "xml"],
    ["--format"],
    ["--format", "--strict"],
    ["-fjson"],
    ["-"],
    [""],
    ["--strct"],
    ["--lang", "en"],  # taken out before, by the run's options: never seen here
]


@pytest.mark.parametrize("args", READ_ALIKE, ids=" ".join)
def test_a_line_of_paths_and_flags_reads_as_click_reads_it(args: list[str]) -> None:
    assert direct_arguments(args) == click_arguments(args)


@pytest.mark.parametrize("args", CLICK_ONLY, ids=repr)
def test_any_other_line_is_left_to_click(args: list[str]) -> None:
    assert direct_arguments(args) is None


def test_a_path_that_cannot_be_read_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    # Click refuses an existing path it cannot read (a usage error, exit 2): the direct reader must not take it.
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != SAMPLE)
    assert direct_arguments([str(SAMPLE)]) is None
    assert direct_arguments([str(INVENTORIES)]) is not None


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `bpr` in a fresh process; it prints at exit which of pydantic, the models and the parser it imported."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('pydantic', 'bpr.inventory.models', 'ruamel.yaml')"
        " if m in sys.modules), file=sys.stderr))\n"
        "from bpr.cli.main import main\n"
        f"sys.argv = ['bpr', *{args!r}]\n"
        "main()\n"
    )
    environment = {**os.environ, "BPR_LANG": "en", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=environment, check=False
    )


def test_a_warm_validate_imports_no_pydantic_and_says_what_a_cold_one_says(tmp_path: Path) -> None:
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "a.yaml").write_bytes(SAMPLE.read_bytes())
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    cold = _run(["validate", "--no-cache", "inv"], tmp_path, **env)
    _run(["validate", "inv"], tmp_path, **env)  # fills the cache
    warm = _run(["validate", "inv"], tmp_path, **env)
    assert cold.stderr.splitlines()[-1] == "['bpr.inventory.models', 'pydantic', 'ruamel.yaml']"  # parsed
    assert warm.stderr.splitlines()[-1] == "[]"  # every file from the cache: facts only, no parser
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    assert "warning" in warm.stdout


@pytest.mark.parametrize(
    ("args", "code", "where"),
    [
        (["validate", "tests/data/invalid"], 1, "stdout"),
        (["validate", "no-such-folder"], 2, "stderr"),
        (["validate", "--format", "json", "inventories"], 0, "stdout"),
    ],
)
def test_the_direct_run_exits_and_writes_as_the_click_run(args: list[str], code: int, where: str) -> None:
    direct = _run(args, ROOT)
    # `--debug` before the command sends the same line through click (a root option: never read directly).
    through_click = _run(["--debug", *args], ROOT)
    assert direct.returncode == through_click.returncode == code
    assert direct.stdout == through_click.stdout
    assert direct.stderr.splitlines()[:-1] == through_click.stderr.splitlines()[:-1]
    assert getattr(direct, where).strip()
