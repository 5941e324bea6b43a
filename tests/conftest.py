"""Shared fixtures: the test corpus found by glob, its expectations, and a CLI runner."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"
INVENTORIES = ROOT / "inventories"

_EXPECT = re.compile(rb"^# expect:(?P<items>.*)$")
_ITEM = re.compile(r"^(?P<code>[a-z]+(?:-[a-z]+)*) (?P<line>\d+):(?P<column>\d+)$")

Expected = tuple[tuple[str, int, int], ...]


def load_script(path: Path, name: str) -> ModuleType:
    """Return a script of the repository (scripts/, benchmarks/) imported as a module."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def yaml_files(folder: Path) -> list[Path]:
    """Return the *.yaml and *.yml files under a folder, recursively, sorted."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def expected_problems(path: Path) -> Expected:
    """Return the (code, line, column) tuples written in a case's first line: `# expect: CODE L:C, ...` or `none`."""
    first_line = path.read_bytes().split(b"\n", 1)[0].rstrip(b"\r")
    match = _EXPECT.match(first_line)
    if match is None:
        raise AssertionError(f"{path}: the first line must be '# expect: CODE LINE:COL, ...' or '# expect: none'")
    text = match["items"].decode("ascii").strip()
    if text == "none":
        return ()
    found = []
    for item in text.split(","):
        parsed = _ITEM.match(item.strip())
        if parsed is None:
            raise AssertionError(f"{path}: cannot read the expectation {item.strip()!r}")
        found.append((parsed["code"], int(parsed["line"]), int(parsed["column"])))
    return tuple(found)


def generate(folder: Path, procedures: int, files: int) -> Path:
    """Write a generated inventory (benchmarks/generate.py, seed 0) into folder and return it."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            str(folder),
            "--procedures",
            str(procedures),
            "--files",
            str(files),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def invalid_cases() -> list[Path]:
    """Return each case under tests/data/invalid/<code>/: a file, or a folder loaded as one set."""
    return sorted(case for folder in INVALID.iterdir() if folder.is_dir() for case in folder.iterdir())


@pytest.fixture
def runner() -> CliRunner:
    """Return a CLI runner (stdout and stderr kept apart)."""
    return CliRunner()


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the parse cache of every test, and the key that signs it, in temporary folders, never in ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


# The day every test's outputs say they were made (2023-11-14 UTC): the workbook's 作成日 is today's date
# unless SOURCE_DATE_EPOCH is set, and tests that compare two builds must not see midnight pass between them.
SOURCE_DATE_EPOCH = "1700000000"


@pytest.fixture(autouse=True, scope="session")
def _reproducible() -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH (the reproducible-builds convention) for the whole run; tests of the clock remove it.

    For the session, so that a module's fixture that builds once (before any test's own fixtures) sees it too.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        yield


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in English (BPR_LANG=en), the message ids, outside GitHub Actions; tests of Japanese ask for it.

    Most tests were written against the English messages; the Japanese catalog is checked whole by
    tests/test_messages.py and a run's language by tests/test_language.py.
    """
    from bpr.i18n import set_language

    monkeypatch.setenv("BPR_LANG", "en")
    set_language("en")
    # Text output is laid out for COLUMNS when piped (80 if unset); most tests read whole lines at 160.
    # The tests of the default width remove it (tests/test_terminal_width.py).
    monkeypatch.setenv("COLUMNS", "160")
    # Under GitHub Actions, validate would choose its github format and write a step summary.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
