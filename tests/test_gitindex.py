"""`bpr validate --staged`: the inventory as git's index holds it, what a commit records (issue 25, item 6).

The index reader against git itself: names with spaces and Japanese, a staged deletion, a file staged then
edited, untracked and intent-to-add files, submodules, links, conflicts; the same results as loading from
disk for a committed folder (workers, cache); the files a commit changes first; and a plain git hook, with
`git commit -a` and `git commit PATH`, which stage into a temporary index of their own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bpr.cli.main import app
from bpr.inventory import loader, parallel
from bpr.inventory.cache import FileCache, default_cache_dir
from bpr.inventory.gitindex import IndexReadError, read_staged
from bpr.inventory.loader import FileBytes, Inventory, load_contents, load_inventory

from conftest import DATA, INVENTORIES, generate

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

IDENTITY = ("-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false")
MINIMAL = (DATA / "valid" / "minimal.yml").read_text(encoding="utf-8")
BROKEN = "version: 1\ncounter: [\n"  # a file half written


def git(repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run git in a test repository, with an identity and no signing whatever the user's configuration."""
    result = subprocess.run(
        ["git", *IDENTITY, *args], cwd=repo, input=stdin, capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def blob(repo: Path, text: str) -> str:
    """Write an object of this text into the repository and return its id."""
    return git(repo, "hash-object", "-w", "--stdin", stdin=text).strip()


def snapshot(inventory: Inventory) -> list[tuple[Any, ...]]:
    return [(f.path, f.counter, f.procedures, f.problems, f.positions, f.declared_ids) for f in inventory.files]


def load_staged(*paths: Path, **options: Any) -> Inventory:
    staged = read_staged(list(paths))
    assert staged.path_problems == []
    return load_contents(staged.items, **options)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the sample inventory committed, as the working folder."""
    root = tmp_path / "repo"
    shutil.copytree(INVENTORIES, root / "inventories")
    git(tmp_path, "init", "-q", str(root))
    git(root, "add", "inventories")
    git(root, "commit", "-q", "-m", "inventory")
    monkeypatch.chdir(root)
    return root


def validate(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["validate", *args])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# What is read ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated"), 150, 6)


@pytest.fixture
def corpus_repo(tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test file (valid, invalid: binary, UTF-16, empty, cp932...) and a generated inventory, committed."""
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "valid", root / "inv" / "valid")
    shutil.copytree(DATA / "invalid", root / "inv" / "invalid")
    shutil.copytree(generated, root / "inv" / "generated")
    git(tmp_path, "init", "-q", str(root))
    git(root, "add", "inv")
    git(root, "commit", "-q", "-m", "corpus")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(("workers", "use_cache"), [(1, False), (2, False), (2, True)])
def test_a_committed_folder_loads_from_the_index_as_from_disk(
    corpus_repo: Path, monkeypatch: pytest.MonkeyPatch, workers: int, use_cache: bool
) -> None:
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_BYTES", dict.fromkeys(parallel.MIN_BYTES, 0))
    monkeypatch.delenv("BPR_NO_CACHE", raising=False)
    disk, path_problems = load_inventory([Path("inv")], use_cache=False, workers=1)
    assert path_problems == [] and len(disk.files) > 60
    staged = read_staged([Path("inv")])
    assert staged.changed == set() and staged.path_problems == []
    from_index = load_contents(staged.items, use_cache=use_cache, workers=workers)
    assert snapshot(from_index) == snapshot(disk)
    if use_cache:  # the second load comes from the entries the first one wrote
        assert snapshot(load_contents(staged.items, workers=workers)) == snapshot(disk)


def test_the_cache_is_keyed_by_the_bytes_not_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BPR_NO_CACHE", raising=False)
    first = load_contents([FileBytes("inv/a.yml", MINIMAL.encode())])
    assert [p.code for p in first.problems] == ["no-effort"]
    assert FileCache(default_cache_dir()).get(FileCache(default_cache_dir()).key(MINIMAL.encode())) is not None
    # Other bytes under the same name are parsed, never the entry of the name's earlier content.
    other = load_contents([FileBytes("inv/a.yml", BROKEN.encode())])
    assert [p.code for p in other.problems] == ["yaml-syntax"]
    # A file on disk with the same bytes takes the entry (nothing is parsed), shown under its own name.
    (tmp_path / "b.yml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setattr(loader, "load_text", None)
    again, _ = load_inventory([tmp_path / "b.yml"])
    assert [(p.file, p.code) for p in again.problems] == [(str(tmp_path / "b.yml"), "no-effort")]


def test_names_with_spaces_and_japanese(repo: Path, runner: CliRunner) -> None:
    folder = repo / "inventories" / "議会 事務局"
    folder.mkdir()
    (folder / "本会議 傍聴.yml").write_text(MINIMAL.replace("annual_volume: 40", "annual_volume: many"), "utf-8")
    git(repo, "add", "inventories")
    staged = read_staged([Path("inventories")])
    shown = os.path.join("inventories", "議会 事務局", "本会議 傍聴.yml")
    assert shown in [item.display for item in staged.items if isinstance(item, FileBytes)]
    assert staged.changed == {shown}
    result = validate(runner, "--staged")
    assert result.exit_code == 1
    assert f"{shown}:10:20: error invalid-value" in result.stdout
    alone = validate(runner, "--staged", "-q", shown)
    assert alone.exit_code == 1 and alone.stdout.startswith(f"{shown}:10:20: error invalid-value")


def test_an_untracked_file_is_left_out(repo: Path, runner: CliRunner) -> None:
    (repo / "inventories" / "draft.yaml").write_text(BROKEN, encoding="utf-8")
    assert validate(runner, "-q").exit_code == 1  # on disk, the half-written file
    result = validate(runner, "--staged")
    assert result.exit_code == 0, result.output
    assert "draft.yaml" not in result.output
    assert result.stdout.endswith("10 files, 69 procedures: 0 errors, 23 warnings\n")


def test_an_untracked_file_given_by_name_is_a_usage_error(repo: Path, runner: CliRunner) -> None:
    (repo / "inventories" / "draft.yaml").write_text(MINIMAL, encoding="utf-8")
    result = validate(runner, "--staged", "inventories/draft.yaml")
    assert result.exit_code == 2
    assert "inventories/draft.yaml:1:1: error file-unreadable not in git's index (an untracked file)" in result.stderr


def test_a_staged_deletion_takes_the_file_out(repo: Path, runner: CliRunner) -> None:
    git(repo, "rm", "-q", "--cached", "inventories/koseki.yaml")  # still on disk, untracked
    assert validate(runner, "-q", "--no-warnings").exit_code == 0
    result = validate(runner, "--staged", "-q", "--no-warnings")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert all(" error unknown-reference " in line and "'koseki-tohon'" in line for line in lines)
    assert {line.split(":")[0] for line in lines} == {"inventories/kosodate.yaml", "inventories/zeimu.yaml"}


def test_a_file_staged_then_edited_is_read_as_staged(repo: Path, runner: CliRunner) -> None:
    zeimu = repo / "inventories" / "zeimu.yaml"
    edit(zeimu, "annual_volume: 9800", "annual_volume: many")
    git(repo, "add", "inventories/zeimu.yaml")
    edit(zeimu, "annual_volume: many", "annual_volume: 9900")  # fixed on disk, not staged
    assert validate(runner, "-q").exit_code == 0
    staged = validate(runner, "--staged", "-q", "--no-warnings")
    assert staged.exit_code == 1
    assert staged.stdout.startswith("inventories/zeimu.yaml:15:20: error invalid-value")
    # The other way round: a valid change staged, then a broken edit not staged.
    git(repo, "add", "inventories/zeimu.yaml")
    edit(zeimu, "annual_volume: 9900", "annual_volume: many")
    assert validate(runner, "-q").exit_code == 1
    assert validate(runner, "--staged", "-q").exit_code == 0


def test_the_files_the_commit_changes_come_first(repo: Path, runner: CliRunner) -> None:
    edit(repo / "inventories" / "zeimu.yaml", "koseki-tohon}", "koseki-tohonn}")
    git(repo, "add", "inventories/zeimu.yaml")
    on_disk = validate(runner, "-q").stdout.splitlines()
    assert on_disk[0].startswith("inventories/bosai.yaml:")  # sorted: the unchanged files' warnings first
    staged = validate(runner, "--staged", "-q").stdout.splitlines()
    assert sorted(staged) == sorted(on_disk)
    zeimu = [line for line in staged if line.startswith("inventories/zeimu.yaml:")]
    assert len(zeimu) == 2 and staged[:2] == zeimu
    assert "error unknown-reference" in zeimu[1] and "'koseki-tohonn'" in zeimu[1]
    problems = json.loads(validate(runner, "--staged", "--format", "json").stdout)["problems"]
    assert [p["file"] for p in problems[:2]] == ["inventories/zeimu.yaml"] * 2
    assert problems[2]["file"] == "inventories/bosai.yaml"


def test_an_intent_to_add_file_is_left_out(repo: Path, runner: CliRunner) -> None:
    (repo / "inventories" / "draft.yaml").write_text(BROKEN, encoding="utf-8")
    git(repo, "add", "-N", "inventories/draft.yaml")  # listed in the index with no content: not committed
    assert validate(runner, "--staged", "-q").exit_code == 0


def test_submodules_links_and_conflicts(repo: Path, runner: CliRunner) -> None:
    commit = git(repo, "rev-parse", "HEAD").strip()
    inside = blob(repo, "zeimu.yaml")
    outside = blob(repo, "../secret.yaml")
    ours, theirs = blob(repo, MINIMAL), blob(repo, MINIMAL.replace("40", "41"))
    git(
        repo,
        "update-index",
        "--index-info",
        stdin=f"160000 {commit}\tinventories/vendor\n"
        f"120000 {inside}\tinventories/alias.yaml\n"
        f"120000 {outside}\tinventories/secret.yaml\n"
        f"100644 {ours} 1\tinventories/gikai.yml\n"
        f"100644 {ours} 2\tinventories/gikai.yml\n"
        f"100644 {theirs} 3\tinventories/gikai.yml\n",
    )
    result = validate(runner, "--staged", "-q", "--no-warnings")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": error ")[0] for line in lines] == [
        "inventories/gikai.yml:1:1",
        "inventories/secret.yaml:1:1",
        "inventories/vendor:1:1",
    ]
    assert "has conflicts in git's index (a merge not finished)" in lines[0]
    assert "is a symbolic link to ../secret.yaml, which is not a YAML file of git's index" in lines[1]
    assert "it is a git submodule or another repository" in lines[2]
    assert "alias.yaml" not in result.stdout  # a link to a file of the folder: that file, read once


def test_a_file_over_the_size_limit(repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPR_MAX_FILE_BYTES", "1000")
    on_disk = validate(runner, "-q", "--no-warnings", "inventories/shimin.yaml")
    staged = validate(runner, "--staged", "-q", "--no-warnings", "inventories/shimin.yaml")
    assert staged.exit_code == 1
    assert staged.stdout == on_disk.stdout
    assert "more than the limit of 1,000 bytes for one inventory file" in staged.stdout


def test_outside_a_git_working_tree_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(INVENTORIES, tmp_path / "inventories")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = validate(runner, "--staged")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "bpr: --staged checks the files as git's index holds them, and inventories is not in a git working tree"
    )
    assert validate(runner, "-q").exit_code == 0  # without --staged, the folder on disk


def test_without_git_it_is_a_usage_error(repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-bin"))
    result = validate(runner, "--staged")
    assert result.exit_code == 2
    assert "bpr: git is not installed (or not on PATH): --staged reads git's index with it" in result.stderr
    with pytest.raises(IndexReadError):
        read_staged([Path("inventories")])


def test_an_index_named_by_git_relative_to_the_top_is_read_from_a_folder_below(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git names the index to a hook relative to the top of the working tree (`.git/index`), and a commit with
    # -a or with paths names a temporary one: git reads it so from any folder, and bpr leaves it as it is.
    environment = dict(os.environ, GIT_INDEX_FILE=".git/other-index")
    git(repo, "read-tree", "HEAD", env=environment)
    (repo / "inventories" / "gikai.yml").write_text(MINIMAL, encoding="utf-8")
    git(repo, "add", "inventories/gikai.yml", env=environment)
    monkeypatch.chdir(repo / "inventories")
    monkeypatch.setenv("GIT_INDEX_FILE", ".git/other-index")
    assert "gikai.yml" in [item.display for item in read_staged([Path()]).items if isinstance(item, FileBytes)]
    monkeypatch.delenv("GIT_INDEX_FILE")
    assert "gikai.yml" not in [item.display for item in read_staged([Path()]).items if isinstance(item, FileBytes)]


# A plain git hook ---------------------------------------------------------------------------------------


@pytest.fixture
def hooked(repo: Path) -> Path:
    """The repository with a pre-commit hook of git's own that runs `bpr validate --staged` (no pre-commit)."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bpr validate --staged -q --no-warnings\n', "utf-8")
    hook.chmod(0o755)
    (repo / "inventories" / "draft.yaml").write_text(BROKEN, encoding="utf-8")  # untracked, half written
    return repo


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script hook")
def test_git_commit_all_and_commit_of_a_path_check_what_they_record(hooked: Path) -> None:
    repo = hooked
    env = dict(os.environ, BPR_LANG="en")
    zeimu, koseki = repo / "inventories" / "zeimu.yaml", repo / "inventories" / "koseki.yaml"

    def commit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *IDENTITY, "commit", "-q", *args], cwd=repo, env=env, capture_output=True, text=True
        )

    edit(zeimu, "annual_volume: 9800", "annual_volume: 9900")
    done = commit("-a", "-m", "a valid edit, with a broken untracked file beside it")
    assert done.returncode == 0, done.stdout + done.stderr
    edit(zeimu, "koseki-tohon}", "koseki-tohonn}")
    refused = commit("-a", "-m", "a broken reference, not staged before the commit")
    assert refused.returncode == 1
    assert "inventories/zeimu.yaml:44:69: error unknown-reference" in refused.stderr  # git shows a hook's output there
    # A broken file staged, and a commit of another path alone: git records HEAD and that path, which pass.
    edit(zeimu, "koseki-tohonn}", "koseki-tohon}")
    edit(koseki, "annual_volume: ", "annual_volume: many #")
    git(repo, "add", "inventories/koseki.yaml")
    edit(zeimu, "annual_volume: 9900", "annual_volume: 10000")
    done = commit("-m", "zeimu alone", "inventories/zeimu.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["inventories/zeimu.yaml"]
    refused = commit("-m", "what is staged")
    assert refused.returncode == 1 and "inventories/koseki.yaml:" in refused.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script hook")
def test_a_commit_in_a_linked_worktree(hooked: Path, tmp_path: Path) -> None:
    # git gives the hook of a linked worktree GIT_DIR alone, which makes any folder git runs in the top of
    # the working tree: bpr tells git the top it has.
    worktree = tmp_path / "second"
    git(hooked, "worktree", "add", "-q", str(worktree))
    (worktree / "inventories" / "draft.yaml").write_text(BROKEN, encoding="utf-8")
    env = dict(os.environ, BPR_LANG="en")
    zeimu = worktree / "inventories" / "zeimu.yaml"
    edit(zeimu, "annual_volume: 9800", "annual_volume: 9900")
    done = subprocess.run(
        ["git", *IDENTITY, "commit", "-q", "-am", "valid"], cwd=worktree, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    edit(zeimu, "koseki-tohon}", "koseki-tohonn}")
    refused = subprocess.run(
        ["git", *IDENTITY, "commit", "-q", "-am", "broken"], cwd=worktree, env=env, capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert refused.stderr.startswith("inventories/zeimu.yaml:44:69: error unknown-reference"), refused.stderr
