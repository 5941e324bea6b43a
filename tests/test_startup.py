"""Start-up: `bpr --help` and `bpr validate` import none of the heavy libraries (timings are in benchmarks/run.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "valid" / "minimal.yml"
HEAVY = ("networkx", "openpyxl", "graphviz")
# Needed only to load many files, or for analysis: a small `bpr validate` has no use for them.
NOT_FOR_A_SMALL_VALIDATE = (*HEAVY, "concurrent.futures.process", "multiprocessing", "bpr.analysis")
# A run of one command builds that command only; without a bpr.yaml, the config's models are not imported.
OTHER_COMMANDS = (
    "bpr.cli.build",
    "bpr.cli.report",
    "bpr.cli.diagram",
    "bpr.cli.survey",
    "bpr.cli.doctor",
    "bpr.config",
)

PROBE = """
import json, runpy, sys
sys.argv = ["bpr", *json.loads(sys.argv[1])]
try:
    runpy.run_module("bpr", run_name="__main__")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
sys.stdout.write("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def run_bpr(args: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    """Run `python -m bpr ARGS` in a fresh interpreter; return its exit code and the modules it imported."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache-home")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    report = json.loads(result.stdout.rsplit("\n", 1)[-1])
    return report["code"], set(report["modules"])


def unwanted(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Return the modules that are one of the names or inside one of them."""
    return sorted(m for m in modules if any(m == name or m.startswith(f"{name}.") for name in names))


@pytest.mark.parametrize(
    "args", [["--help"], ["validate", "--help"], ["--version"]], ids=["help", "validate-help", "version"]
)
def test_help_imports_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    code, modules = run_bpr(args, tmp_path)
    assert code == 0
    assert unwanted(modules, HEAVY) == []


@pytest.mark.parametrize("cache", ["cold", "warm", "no-cache"])
def test_validate_small_file_imports_only_what_it_needs(cache: str, tmp_path: Path) -> None:
    args = ["validate", str(SMALL)] + (["--no-cache"] if cache == "no-cache" else [])
    if cache == "warm":
        run_bpr(args, tmp_path)
    code, modules = run_bpr(args, tmp_path)
    assert code == 0
    assert unwanted(modules, NOT_FOR_A_SMALL_VALIDATE) == []


def test_validate_json_on_a_folder_imports_no_heavy_library(tmp_path: Path) -> None:
    code, modules = run_bpr(["validate", "--format", "json", str(ROOT / "tests" / "data" / "valid")], tmp_path)
    assert code == 0
    assert unwanted(modules, HEAVY) == []


def test_validate_builds_no_other_command_and_no_config_model(tmp_path: Path) -> None:
    code, modules = run_bpr(["validate", str(SMALL)], tmp_path)
    assert code == 0
    assert unwanted(modules, OTHER_COMMANDS) == []
    assert "bpr.cli.validate" in modules


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["validate", "x"], "validate"),
        (["--lang", "en", "-q", "score", "x"], "score"),
        (["--debug", "--follow-links", "survey", "export"], "survey"),
        (["--show-completion", "bash"], None),
        (["validat"], None),  # a typo: every command, so that the suggestion can name the close ones
        (["--help"], None),
        ([], None),
        (["--", "validate"], None),
    ],
)
def test_the_command_a_line_runs(argv: list[str], command: str | None) -> None:
    from bpr.cli.main import command_named

    assert command_named(argv) == command


def test_an_app_of_one_command_has_that_command_only() -> None:
    from typer.main import get_command

    from bpr.cli.main import COMMANDS, GROUPS, app, make_app

    assert sorted(get_command(make_app("diff")).commands) == ["diff"]  # type: ignore[attr-defined]
    assert list(get_command(app).commands) == [*COMMANDS, *GROUPS]  # type: ignore[attr-defined]


def test_a_typo_is_answered_in_the_run_language(tmp_path: Path) -> None:
    for language, expected in (
        ("ja", "コマンド 'validat' はない。 'validate' の誤りか。"),
        ("en", "Did you mean 'validate'?"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "bpr", "--lang", language, "validat"], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 2 and expected in result.stderr
