"""The README's commands, run in order in a copy of the repository, as a reader runs them (issue 25, item 3).

Each part of the README a reader follows is one run: the Japanese part (はじめに, then 使い方) and the
English one (Set-up, then Using it), each in a fresh copy. Every command must exit as the README says (0,
or 1 where it shows an error or asks for --strict), the transcript of "Using it" must be what bpr prints,
and no command may leave a file in the repository's root outside out/ and what .gitignore lists, nor change
a tracked file outside inventories/.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_import_survey import ROWS, write_csv

from bpr.export.fonts import japanese_fonts

from conftest import ROOT

README = ROOT / "README.md"
BPR = Path(sys.executable).parent / "bpr"

# The blocks each reader runs, in order: (the heading the block follows, the block's language).
FLOWS = {
    "ja": [("### はじめに", "sh"), ("### 使い方", "sh")],
    "en": [("## Set-up on a fresh machine", "sh"), ("## Using it", "console")],
}
# `bash scripts/dev test` runs ruff, mypy and this very test suite: the one command not run here.
NOT_RUN = {"bash scripts/dev test": "runs the test suite that runs this test"}
# Exit codes other than 0 that the README documents for a command (`--strict` counts the warnings).
EXIT_CODES = {".venv/bin/bpr validate inventories/shimin.yaml --strict": 1}
# What "Using it" says of its inventory: the sample with a typo in shimin.yaml (planted before that block).
TYPO = ("inventories/shimin.yaml", "{to: print,", "{to: prnt,")
ELLIPSIS = "…"

# What running the README takes: the set-up of scripts/dev (Graphviz, a Japanese font, .venv/bin/bpr), git, a shell.
MISSING = next(
    (
        reason
        for missing, reason in (
            (os.name == "nt", "the README's commands are POSIX shell lines"),
            (shutil.which("dot") is None, "Graphviz dot is not installed (scripts/dev installs it)"),
            (shutil.which("git") is None, "git is not installed (bpr diff reads revisions)"),
            (not BPR.is_file(), "no bpr command beside this Python (not the .venv of scripts/dev)"),
            (not (ROOT / ".gitignore").is_file(), "not a checkout (an unpacked sdist)"),
        )
        if missing
    ),
    None,
)


@dataclass(frozen=True)
class Command:
    """One line of a README block, and for a console block the output it shows."""

    line: str
    shown: tuple[str, ...] | None = None  # None: a shell block, which shows no output

    @property
    def key(self) -> str:
        """The command without its comment and quoting, as EXIT_CODES and NOT_RUN name it."""
        return " ".join(shlex.split(self.line, comments=True))


def block_after(text: str, heading: str, language: str) -> list[str]:
    """Return the lines of the first ```language block under the heading (before the next heading of its level)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
    assert start is not None, f"the README has no heading {heading!r}"
    same_or_higher = re.compile(rf"#{{1,{len(heading.split()[0])}}} ")
    for i in range(start + 1, len(lines)):
        if same_or_higher.match(lines[i]):
            break
        if lines[i] == f"```{language}":
            end = lines.index("```", i + 1)
            return lines[i + 1 : end]
    raise AssertionError(f"no ```{language} block under {heading!r} in the README")


def commands(lines: list[str], language: str) -> list[Command]:
    """Return the commands of a block: every line of a shell block but comments, or the `$ ` lines of a console."""
    if language == "sh":
        return [Command(line.strip()) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    found: list[Command] = []
    for line in lines:
        if line.startswith("$ "):
            found.append(Command(line[2:], ()))
        else:
            assert found, f"output before any command in a console block: {line!r}"
            previous = found[-1]
            found[-1] = Command(previous.line, (*(previous.shown or ()), line))
    return found


def dev_build_command() -> str:
    """Return what `bash scripts/dev build` runs once .venv is installed: the README calls it the main job."""
    lines = (ROOT / "scripts" / "dev").read_text(encoding="utf-8").splitlines()
    command = lines[lines.index("build)") + 1].strip()
    assert command.startswith(".venv/bin/bpr build "), command
    return command


def ignored_in_root() -> list[str]:
    """Return the patterns of .gitignore that apply to names in the repository's root."""
    patterns = []
    for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines():
        pattern = line.strip().rstrip("/")
        if pattern and not pattern.startswith("#") and "/" not in pattern:
            patterns.append(pattern)
    return patterns


def git(repo: Path, *args: str) -> str:
    """Run git in the copy, with an identity and no signing whatever the user's configuration."""
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.quotepath=false",
            *args,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def copy_of_the_repository(destination: Path) -> Path:
    """Copy the repository as a clone has it (no .git, nothing .gitignore lists), with the files the README assumes.

    Those are the national survey's file of `bpr import national 調査.csv` and the tag v2022, the city's
    inventory of an earlier year that `bpr diff v2022 HEAD` compares with; the copy is committed with them.
    """
    ignored = [*ignored_in_root(), ".git"]
    shutil.copytree(ROOT, destination, ignore=lambda folder, names: [n for n in names if _matches(n, ignored)])
    write_csv(destination / "調査.csv", [ROWS[0], ROWS[3]])
    # The README runs `.venv/bin/bpr`: this Python's, the bpr under test.
    (destination / ".venv" / "bin").mkdir(parents=True)
    (destination / ".venv" / "bin" / "bpr").symlink_to(BPR)
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "the inventory of 2022")
    git(destination, "tag", "v2022")
    return destination


def _matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def fake_opener(folder: Path) -> Path:
    """Put `xdg-open` and `open` on PATH that note what they were asked to open, instead of opening a window."""
    folder.mkdir()
    for name in ("xdg-open", "open"):
        script = folder / name
        script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{folder / "opened.txt"}"\n', encoding="utf-8")
        script.chmod(0o755)
    return folder / "opened.txt"


def shows(shown: tuple[str, ...], printed: str) -> bool:
    """Tell whether the output is what a transcript shows, each `…` standing for any number of lines."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == ELLIPSIS else re.escape(line) + "\n" for line in shown)
    return re.fullmatch(pattern, printed) is not None


def readme_blocks(flow: str) -> list[tuple[str, list[Command]]]:
    """Return the blocks a reader of one part of the README runs, in order, each under its heading."""
    text = README.read_text(encoding="utf-8")
    return [(heading, commands(block_after(text, heading, language), language)) for heading, language in FLOWS[flow]]


def test_the_commands_this_test_names_are_in_the_readme() -> None:
    keys = {command.key for flow in FLOWS for _, block in readme_blocks(flow) for command in block}
    assert set(EXIT_CODES) | set(NOT_RUN) | {"bash scripts/dev build"} <= keys


def plant_typo(repo: Path) -> None:
    """Make the inventory the one "Using it" shows: the sample with a typo."""
    path, old, new = TYPO
    source = (repo / path).read_text(encoding="utf-8")
    assert old in source
    (repo / path).write_text(source.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("flow", sorted(FLOWS))
@pytest.mark.skipif(MISSING is not None, reason=str(MISSING))
def test_the_readme_commands_run_in_order_exit_as_documented_and_write_under_out(flow: str, tmp_path: Path) -> None:
    if not japanese_fonts():
        pytest.skip("no Japanese font (scripts/dev installs one): `bpr doctor` would exit 2, as it says")
    blocks = readme_blocks(flow)
    repo = copy_of_the_repository(tmp_path / "repo")
    opened = fake_opener(tmp_path / "bin")
    env = {key: value for key, value in os.environ.items() if key != "BPR_LANG"}  # the README's default: Japanese
    env["PATH"] = os.pathsep.join([str(repo / ".venv" / "bin"), str(opened.parent), env.get("PATH", "")])
    before = set(os.listdir(repo))
    allowed = ["out", *ignored_in_root()]
    for heading, block in blocks:
        if heading == "## Using it":
            plant_typo(repo)
        for command in block:
            if command.key in NOT_RUN:
                continue
            line = dev_build_command() if command.key == "bash scripts/dev build" else command.line
            done = subprocess.run(
                ["bash", "-c", line], cwd=repo, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300
            )
            said = f"{command.line}\nexit {done.returncode}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            if command.shown is None:
                expected = EXIT_CODES.get(command.key, 0)
            else:
                expected = 1 if any(" error " in shown for shown in command.shown) else 0
                assert shows(command.shown, done.stdout), said
            assert done.returncode == expected, said
            stray = sorted(name for name in set(os.listdir(repo)) - before if not _matches(name, allowed))
            assert stray == [], f"{command.line} left {stray} in the repository's root"
    # Tracked files change under inventories/ only (bpr new, bpr import national); the rest is ignored output.
    changed = [line[3:] for line in git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()]
    assert [path for path in changed if not path.startswith("inventories/")] == [], changed
    if flow == "ja":
        assert opened.read_text(encoding="utf-8").splitlines() == [str(ROOT / "docs" / "offline.md")]
        assert (repo / "out" / ".bpr-build").is_file() and (repo / "out" / "report" / ".bpr-report").is_file()
        assert (repo / "inventories" / "kankyo.yaml").is_file()
