"""The pre-commit hook this repository ships: the whole inventory on any change of it, never other YAML.

The last tests commit through pre-commit itself, offline, from a repository of their own. The hook checks
what the commit records (`bpr validate --staged`): an untracked file neither blocks a valid commit nor
stands in for a file the commit lacks (issue 25, item 6), and the changed files' problems come first."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory.yamlfile import parse_yaml

from conftest import ROOT
from packaging_support import linux_wheelhouse, load_script, offline_env

wheelhouse_script = load_script("wheelhouse")


def hook() -> dict:
    (entry,) = parse_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")).data
    return entry


def test_the_hook_validates_the_folder_not_the_changed_files() -> None:
    entry = hook()
    assert entry["entry"] == "bpr validate --staged"  # the folder as git's index holds it (tests/test_gitindex.py)
    assert entry["pass_filenames"] is False and entry["args"] == ["inventories/"]
    files = re.compile(entry["files"])
    assert files.search("inventories/zeimu.yaml") and files.search("inventories/sub/a.yml")
    for other in (".pre-commit-config.yaml", ".github/workflows/inventory.yml", "bpr.yaml", "docs/x.yaml"):
        assert not files.search(other), other


def test_a_change_to_one_file_passes_with_its_references_to_the_others(runner: CliRunner, tmp_path: Path) -> None:
    # zeimu.yaml refers to koseki-tohon in koseki.yaml: alone it would fail, as the folder it passes.
    folder = tmp_path / "inventories"
    shutil.copytree(ROOT / "inventories", folder)
    alone = runner.invoke(app, ["validate", str(folder / "zeimu.yaml")])
    assert alone.exit_code == 1 and "unknown-reference" in alone.output
    whole = runner.invoke(app, ["validate", str(folder)])
    assert whole.exit_code == 0, whole.output


# With pre-commit itself --------------------------------------------------------------------------------------
#
# A repository of the city's inventory names this repository in its .pre-commit-config.yaml, as the README
# says (a path and a commit here, a URL and a tag there), and commits through the hook `pre-commit install`
# writes. The hook's language is python: pre-commit builds bpr from this repository into a virtualenv of its
# own with pip. pip gets every wheel from a wheelhouse and nothing from an index (PIP_NO_INDEX): the run is
# offline, as inside LGWAN, and shows that docs/offline.md's way of running pre-commit there works.

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "DX検討班",
    "GIT_AUTHOR_EMAIL": "dx@example.lg.jp",
    "GIT_COMMITTER_NAME": "DX検討班",
    "GIT_COMMITTER_EMAIL": "dx@example.lg.jp",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a commit: git's identity, pre-commit's cache, pip offline on a wheelhouse."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = linux_wheelhouse(tmp_path_factory)
    home = tmp_path_factory.mktemp("pre-commit-home")
    return offline_env(folder, PRE_COMMIT_HOME=str(home), BPR_LANG="en", **GIT_IDENTITY)


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory, hook_env: dict[str, str]) -> tuple[Path, str]:
    """This repository as pre-commit clones it: the hook and what pip builds bpr from, committed; and its commit."""
    repo = tmp_path_factory.mktemp("bpr-repo")
    wheelhouse_script.copy_wheel_sources(repo)
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", repo)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bpr"]):
        assert git(repo, *args, env=hook_env).returncode == 0
    return repo, git(repo, "rev-parse", "HEAD", env=hook_env).stdout.strip()


@pytest.fixture
def inventory_repository(tmp_path: Path, hook_repository: tuple[Path, str], hook_env: dict[str, str]) -> Path:
    """A city's inventory repository with the sample inventory committed and the hook installed."""
    hook_repo, rev = hook_repository
    repo = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventories", repo / "inventories")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: bpr-validate\n", encoding="utf-8"
    )
    assert git(repo, "init", "-q", env=hook_env).returncode == 0
    assert git(repo, "add", "-A", env=hook_env).returncode == 0
    assert git(repo, "commit", "-q", "-m", "inventory", env=hook_env).returncode == 0
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=hook_env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


def commit(repo: Path, path: str, text: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Write one file, stage it alone and commit it through the hook."""
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text, encoding="utf-8")
    assert git(repo, "add", path, env=env).returncode == 0
    return git(repo, "commit", "-m", f"edit {path}", env=env)


def test_pre_commit_passes_a_commit_of_one_file_that_refers_to_another(
    inventory_repository: Path, hook_env: dict[str, str]
) -> None:
    repo = inventory_repository
    zeimu = (repo / "inventories" / "zeimu.yaml").read_text(encoding="utf-8")
    assert "procedure: koseki-tohon}" in zeimu  # the reference to koseki.yaml, which this commit leaves alone
    edited = zeimu.replace("annual_volume: 9800", "annual_volume: 9900", 1)
    assert edited != zeimu
    done = commit(repo, "inventories/zeimu.yaml", edited, hook_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"bpr validate\.+Passed", done.stdout + done.stderr)
    assert git(repo, "show", "--name-only", "--format=", "HEAD", env=hook_env).stdout.split() == [
        "inventories/zeimu.yaml"
    ]


def test_pre_commit_refuses_a_commit_that_breaks_a_reference_and_shows_it_first(
    inventory_repository: Path, hook_env: dict[str, str]
) -> None:
    repo = inventory_repository
    before = git(repo, "rev-parse", "HEAD", env=hook_env).stdout
    zeimu = (repo / "inventories" / "zeimu.yaml").read_text(encoding="utf-8")
    refused = commit(repo, "inventories/zeimu.yaml", zeimu.replace("koseki-tohon}", "koseki-tohonn}"), hook_env)
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert re.search(r"bpr validate\.+Failed", output)
    assert re.search(r"inventories/zeimu\.yaml:\d+:\d+: error unknown-reference .*'koseki-tohonn'", output)
    assert git(repo, "rev-parse", "HEAD", env=hook_env).stdout == before
    # The changed file's problems before the others' (bosai.yaml's warnings, which sort first on their own).
    problems = re.findall(r"^(inventories/\w+\.yaml):\d+:\d+: ", output, flags=re.MULTILINE)
    assert problems[:2] == ["inventories/zeimu.yaml"] * 2, output
    assert "inventories/bosai.yaml" in problems[2:]


# What the commit records, not the working tree ------------------------------------------------------------

UNTRACKED_COUNTER = (ROOT / "tests" / "data" / "valid" / "minimal.yml").read_text(encoding="utf-8")  # gikai-bocho


def test_pre_commit_passes_a_valid_commit_beside_an_untracked_broken_file(
    inventory_repository: Path, hook_env: dict[str, str]
) -> None:
    repo = inventory_repository
    draft = repo / "inventories" / "draft.yaml"
    draft.write_text("version: 1\ncounter: [\n", encoding="utf-8")  # half written, not added
    zeimu = (repo / "inventories" / "zeimu.yaml").read_text(encoding="utf-8")
    done = commit(repo, "inventories/zeimu.yaml", zeimu.replace("annual_volume: 9800", "annual_volume: 9900"), hook_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"bpr validate\.+Passed", done.stdout + done.stderr)
    assert draft.read_text(encoding="utf-8") == "version: 1\ncounter: [\n"  # left as it was, untracked
    status = git(repo, "status", "--porcelain", "--untracked-files=all", env=hook_env).stdout
    assert status.splitlines() == ["?? inventories/draft.yaml"]


def test_pre_commit_refuses_a_reference_to_a_procedure_only_an_untracked_file_defines(
    inventory_repository: Path, hook_env: dict[str, str], runner: CliRunner
) -> None:
    repo = inventory_repository
    (repo / "inventories" / "gikai.yml").write_text(UNTRACKED_COUNTER, encoding="utf-8")  # not added
    before = git(repo, "rev-parse", "HEAD", env=hook_env).stdout
    zeimu = (repo / "inventories" / "zeimu.yaml").read_text(encoding="utf-8")
    edited = zeimu.replace("procedure: koseki-tohon}", "procedure: gikai-bocho}", 1)
    (repo / "inventories" / "zeimu.yaml").write_text(edited, encoding="utf-8")
    on_disk = runner.invoke(app, ["validate", "-q", "--no-warnings", str(repo / "inventories")])
    assert on_disk.exit_code == 0, on_disk.output  # the working tree is valid: the untracked file defines it
    refused = commit(repo, "inventories/zeimu.yaml", edited, hook_env)
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert re.search(r"inventories/zeimu\.yaml:44:\d+: error unknown-reference .*'gikai-bocho'", output)
    assert git(repo, "rev-parse", "HEAD", env=hook_env).stdout == before


def test_pre_commit_skips_the_hook_for_yaml_outside_the_inventory(
    inventory_repository: Path, hook_env: dict[str, str]
) -> None:
    done = commit(inventory_repository, "docs/notes.yaml", "not: [an, inventory\n", hook_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"bpr validate\.+\(no files to check\)Skipped", done.stdout + done.stderr)
