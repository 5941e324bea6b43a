"""The inventory as git's index holds it, that is as `git commit` would record it (`bpr validate --staged`).

pre-commit runs a hook on the working tree once it has put unstaged changes to tracked files aside, but
untracked files stay: validating the folder on disk, a half-written untracked file blocked a valid commit,
and a commit that refers to a procedure defined only in an untracked file passed (issue 25, item 6). Here
the files come from the index instead: `git ls-files --stage` lists the tracked files under each path
given, `git cat-file --batch` reads what is staged of them, and `git diff --cached` says which ones the
commit changes (the files pre-commit would pass to a hook), so that their problems can come first.

Git runs in the folder given (`git -C`), so a path outside the working folder works, and names come back
relative to it: a file is shown as `inventories/zeimu.yaml` when `inventories/` was given, as on disk.
Nothing is written: not the index, not the object store, not the working tree. A commit with `-a` or with
paths stages into a temporary index named by GIT_INDEX_FILE, which git then reads here.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bpr.i18n import _
from bpr.inventory.checker import unreadable
from bpr.inventory.codes import severity_of
from bpr.inventory.loader import FileBytes, unreadable_folder
from bpr.inventory.problem import Problem, YamlInputError
from bpr.inventory.records import LoadedFile
from bpr.inventory.sources import SUBMODULE, _check_size, is_inventory_name, max_file_bytes

_REGULAR_MODES = ("100644", "100755")
_SYMLINK_MODE = "120000"
_GITLINK_MODE = "160000"
# Where git finds the repository and its objects: git reads these relative to the folder it runs in, and it
# runs here in the folder given (`git -C`), so a relative one is made absolute. GIT_INDEX_FILE is not: git
# reads it relative to the top of the working tree (`.git/index` in a hook), wherever it runs.
_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


class IndexReadError(Exception):
    """Git's index cannot be read at all: git missing, or a path that is not in a git working tree."""


@dataclass
class StagedFiles:
    """What the index holds under the paths given: the files to load, in path order, and problems of the paths.

    `items` are the files' bytes, and results already known (a submodule, a link, a conflict, too big);
    `changed` the names (as shown) of the files the commit changes, whose problems come first.
    """

    items: list[FileBytes | LoadedFile] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    path_problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One entry of `git ls-files --stage`: mode, object id, stage (0 unless in conflict) and name ('/'-separated)."""

    mode: str
    object_id: str
    stage: str
    name: str


def read_staged(paths: Sequence[Path]) -> StagedFiles:
    """Return the files git's index holds under each path (a folder, searched recursively, or a file).

    Raise IndexReadError when git cannot be run or a path is not in a git working tree.
    """
    staged = StagedFiles()
    seen: set[str] = set()
    git = Git()
    for path in paths:
        try:
            _read_path(git, path, staged, seen)
        except IndexReadError:
            _check_work_tree(git, path)  # says so when the path is not in a git working tree
            raise
    return staged


def _read_path(git: Git, path: Path, staged: StagedFiles, seen: set[str]) -> None:
    folder = path.is_dir()
    base = path if folder else path.parent
    target = "." if folder else path.name
    entries = list_index(git, base, target)
    if not entries and not folder:
        message = _("not in git's index (an untracked file): git add it, or validate it without --staged")
        staged.path_problems += _problem(str(path), message).problems
        return
    fresh = [entry for entry in entries if _first_time(seen, base, entry.name)]
    shown = _FolderView(path, folder)
    staged.items += _load_entries(git, base, fresh, shown, intent_to_add(git, base, target))
    staged.changed |= {shown.display(name) for name in changed_names(git, base, target)}


@dataclass(frozen=True, slots=True)
class _FolderView:
    """How a name relative to a path given is shown: under the path as the user typed it, or the file itself."""

    path: Path
    folder: bool

    def display(self, name: str) -> str:
        return str(self.path.joinpath(*name.split("/"))) if self.folder else str(self.path)

    def wanted(self, name: str) -> bool:
        # In a folder, YAML files only; a file given is read whatever its name, as on disk.
        return not self.folder or is_inventory_name(name)


def _first_time(seen: set[str], base: Path, name: str) -> bool:
    # A file reached twice (`inventories` and `inventories/zeimu.yaml`) is loaded once, under the first name.
    key = os.path.normcase(os.path.realpath(base.joinpath(*name.split("/"))))
    if key in seen:
        return False
    seen.add(key)
    return True


def _load_entries(
    git: Git, base: Path, entries: list[IndexEntry], shown: _FolderView, hidden: set[str]
) -> list[FileBytes | LoadedFile]:
    """Return the entries' files in path order: their bytes to load, or why they cannot be read."""
    results: list[tuple[tuple[str, ...], FileBytes | LoadedFile]] = []
    regular = {
        e.name
        for e in entries
        if e.mode in _REGULAR_MODES and e.stage == "0" and e.name not in hidden and shown.wanted(e.name)
    }
    to_read: list[IndexEntry] = []
    links: list[IndexEntry] = []
    conflicts: set[str] = set()
    for entry in entries:
        key = tuple(entry.name.split("/"))
        display = shown.display(entry.name)
        if entry.mode == _GITLINK_MODE:
            results.append((key, unreadable_folder(display, _(SUBMODULE))))
        elif entry.name in hidden or not shown.wanted(entry.name):
            continue  # `git add -N` (intent to add): git commits nothing of it yet
        elif entry.stage != "0":
            if entry.name not in conflicts:
                conflicts.add(entry.name)
                message = _("has conflicts in git's index (a merge not finished): resolve them, then git add it")
                results.append((key, _problem(display, message)))
        elif entry.mode == _SYMLINK_MODE:
            links.append(entry)
        else:
            to_read.append(entry)
    for entry, raw in zip(links, read_blobs(git, base, links), strict=True):
        # A link to a YAML file listed here is that file, read once under its own name, as on disk.
        display = shown.display(entry.name)
        if not isinstance(raw, bytes):
            results.append((tuple(entry.name.split("/")), unreadable(display, raw)))
            continue
        link_target = raw.decode("utf-8", errors="replace")
        if posixpath.normpath(posixpath.join(posixpath.dirname(entry.name), link_target)) not in regular:
            message = _(
                "is a symbolic link to {target}, which is not a YAML file of git's index under {path}: --staged"
                " does not follow it"
            ).format(target=link_target, path=shown.path)
            results.append((tuple(entry.name.split("/")), _problem(display, message)))
    for entry, raw in zip(to_read, read_blobs(git, base, to_read), strict=True):
        display = shown.display(entry.name)
        item = FileBytes(display, raw) if isinstance(raw, bytes) else unreadable(display, raw)
        results.append((tuple(entry.name.split("/")), item))
    return [item for _key, item in sorted(results, key=lambda pair: pair[0])]


def _problem(display: str, message: str) -> LoadedFile:
    code = "file-unreadable"
    return LoadedFile(path=display, problems=[Problem(display, 1, 1, severity_of(code), code, message)])


def list_index(git: Git, base: Path, target: str) -> list[IndexEntry]:
    """Return the index's entries under `target` (relative to the folder `base`), names relative to `base`."""
    output = git.output(base, ["ls-files", "--stage", "-z", "--", target])
    entries = []
    for record in _records(output):
        meta, _tab, name = record.partition(b"\t")
        fields = meta.decode("ascii", errors="replace").split()
        if len(fields) == 3:
            entries.append(IndexEntry(fields[0], fields[1], fields[2], _name(name)))
    return entries


def changed_names(git: Git, base: Path, target: str) -> set[str]:
    """Return the names (relative to `base`) of the files under `target` whose staged content differs from HEAD's."""
    # What pre-commit passes a hook as the commit's files. On a branch with no commit yet, every staged file.
    output = git.output(base, ["diff", "--cached", "--name-only", "--no-renames", "--relative", "-z", "--", target])
    return {_name(record) for record in _records(output)}


def intent_to_add(git: Git, base: Path, target: str) -> set[str]:
    """Return the names of the files under `target` only announced by `git add -N`: nothing of them is staged."""
    # They are in the index with no content, and the working tree shows them as added; pre-commit takes them
    # out for its run. A commit records nothing of them.
    output = git.output(
        base, ["diff", "--name-only", "--no-renames", "--relative", "--diff-filter=A", "-z", "--", target]
    )
    return {_name(record) for record in _records(output)}


def read_blobs(git: Git, base: Path, entries: Iterable[IndexEntry]) -> list[bytes | YamlInputError]:
    """Return the content of each entry's object (or why it cannot be read): sizes first, then one `cat-file`."""
    wanted = list(entries)
    if not wanted:
        return []
    request = "".join(f"{entry.object_id}\n" for entry in wanted).encode("ascii")
    limit = max_file_bytes()
    results: list[bytes | YamlInputError] = []
    readable: list[int] = []
    for index, header in enumerate(_headers(git.output(base, ["cat-file", "--batch-check"], request), len(wanted))):
        fields = header.split()
        if len(fields) != 3 or not fields[2].isdigit():  # '<oid> missing'
            reason = header.decode("utf-8", errors="replace")
            results.append(
                YamlInputError("file-unreadable", _("cannot be read from git's index: {reason}").format(reason=reason))
            )
            continue
        try:
            _check_size(int(fields[2]), limit)  # the message of a file on disk over the limit
        except YamlInputError as exc:
            results.append(exc)
            continue
        results.append(b"")
        readable.append(index)
    if readable:
        request = "".join(f"{wanted[index].object_id}\n" for index in readable).encode("ascii")
        for index, content in zip(readable, _contents(git.output(base, ["cat-file", "--batch"], request)), strict=True):
            results[index] = content
    return results


def _headers(output: bytes, count: int) -> list[bytes]:
    lines = output.split(b"\n")[:count]
    return lines + [b"missing"] * (count - len(lines))


def _contents(output: bytes) -> Iterable[bytes]:
    """Yield the objects of `git cat-file --batch` output ('<oid> <type> <size>', the bytes, a newline)."""
    position = 0
    while position < len(output):
        end = output.index(b"\n", position)
        size = int(output[position:end].split()[2])
        yield output[end + 1 : end + 1 + size]
        position = end + 1 + size + 1


def _records(output: bytes) -> list[bytes]:
    return [record for record in output.split(b"\0") if record]


def _name(raw: bytes) -> str:
    # Git writes names as they are stored: UTF-8 (a Japanese name), whatever the platform.
    return raw.decode("utf-8", errors="surrogateescape")


def _check_work_tree(git: Git, path: Path) -> None:
    result = git.run(path if path.is_dir() else path.parent, ["rev-parse", "--is-inside-work-tree"])
    if result.returncode != 0 or result.stdout.strip() != b"true":
        raise IndexReadError(
            _(
                "--staged checks the files as git's index holds them, and {path} is not in a git working tree ({error})"
            ).format(
                path=path,
                error=_git_message(result) if result.returncode else "git rev-parse --is-inside-work-tree: false",
            )
        )


class Git:
    """Runs git in a folder with the environment it was started in, the repository's locations kept right."""

    def __init__(self) -> None:
        self.environment = dict(os.environ)
        for variable in _LOCATION_VARIABLES:
            value = self.environment.get(variable, "")
            if value and not os.path.isabs(value):
                self.environment[variable] = os.path.abspath(value)
        if self.environment.get("GIT_DIR") and not self.environment.get("GIT_WORK_TREE"):
            # Git then takes the folder it runs in for the top of the working tree (a hook in a linked worktree
            # is given GIT_DIR alone); run in another folder, it is told the top it takes here.
            top = self.run(Path(), ["rev-parse", "--show-toplevel"])
            if top.returncode == 0 and top.stdout.strip():
                self.environment["GIT_WORK_TREE"] = os.fsdecode(top.stdout.rstrip(b"\n"))

    def output(self, base: Path, args: list[str], stdin: bytes | None = None) -> bytes:
        """Return the output of git run in `base`; raise IndexReadError when it fails."""
        result = self.run(base, args, stdin)
        if result.returncode != 0:
            raise IndexReadError(
                _("cannot read git's index in {folder}: {error}").format(folder=base, error=_git_message(result))
            )
        return result.stdout

    def run(self, base: Path, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        """Run git in `base` (names taken literally, never as patterns); raise IndexReadError without git."""
        try:
            return subprocess.run(
                ["git", "--literal-pathspecs", "-C", str(base), *args],
                input=stdin,
                capture_output=True,
                check=False,
                env=self.environment,
            )
        except FileNotFoundError:
            raise IndexReadError(
                _("git is not installed (or not on PATH): --staged reads git's index with it")
            ) from None
        except OSError as exc:
            raise IndexReadError(_("git cannot be run: {error}").format(error=exc.strerror or exc)) from None


def _git_message(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0] if lines else _("git exited with {code}").format(code=result.returncode)
