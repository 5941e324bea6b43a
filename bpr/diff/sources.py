"""Reading and loading one side of a diff: a folder (or file) on disk, or the inventory folder of a git revision.

A revision is read with git itself (`git ls-tree`, then `git cat-file --batch` for every file at once),
never by a checkout: the working tree is left as it is. A folder is loaded as `bpr validate` loads it
(the cache, worker processes); the files of a revision are checked in memory by the same checker. An argument that exists on disk is a path;
anything else is tried as a revision (`git rev-parse --verify REV^{commit}`). `REV^0` names the revision
even where a folder of the same name exists.
"""

from __future__ import annotations

import posixpath
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bpr.i18n import N_, _
from bpr.inventory.codes import severity_of
from bpr.inventory.problem import Problem, Severity, YamlInputError
from bpr.inventory.sources import SUBMODULE, _check_size, decode_text, is_inventory_name, max_file_bytes

if TYPE_CHECKING:
    from bpr.inventory.records import Inventory

DEFAULT_REVISION_PATH = "inventories"
_SYMLINK_MODE = "120000"
_HISTORY_HINT = N_("in CI, fetch the whole history: actions/checkout with fetch-depth: 0")


class SourceError(Exception):
    """One side of a diff cannot be read at all: neither a path nor a revision, git missing, no YAML file."""


@dataclass(frozen=True, slots=True)
class FileText:
    """One inventory file of a side: its name as shown in messages and its text, or why it cannot be read."""

    display: str
    text: str | None
    problem: Problem | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One side of a diff as the user named it: a path on disk, or a revision and its files in path order."""

    label: str  # as typed: 'v2022', 'HEAD~1', 'inventories/'
    kind: str  # 'folder' or 'revision'
    files: tuple[FileText, ...] = ()  # of a revision; a folder is read by the loader
    commit: str | None = None  # the full commit id of a revision
    path: Path | None = None  # of a folder (or file)


def read_source(argument: str, revision_path: str = DEFAULT_REVISION_PATH) -> Source:
    """Return the files of a folder or file on disk, else of `revision_path` in the git revision `argument`."""
    if not argument:
        raise SourceError(_("an empty name is neither a folder nor a git revision"))
    path = Path(argument)
    if path.exists():
        return Source(argument, "folder", path=path)
    commit = _resolve_revision(argument)
    return _read_revision(argument, commit, revision_path)


def _git(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run git with literal paths (no pathspec magic) in the working folder; raise SourceError when there is no git."""
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", "-c", "core.quotepath=false", *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError(_("git is not installed (or not on PATH): a revision cannot be read without it")) from None
    except OSError as exc:
        raise SourceError(_("git cannot be run: {error}").format(error=exc.strerror or exc)) from None


def _git_message(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0] if lines else _("git exited with {code}").format(code=result.returncode)


def _resolve_revision(argument: str) -> str:
    try:
        result = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{argument}^{{commit}}"])
    except SourceError as exc:
        raise SourceError(
            _("'{name}' is not a file or folder, and {reason}").format(name=argument, reason=exc)
        ) from None
    if result.returncode == 0:
        return result.stdout.decode("ascii").strip()
    inside = _git(["rev-parse", "--git-dir"])
    if inside.returncode != 0:
        raise SourceError(
            _(
                "'{name}' is not a file or folder, and this folder is not in a git repository "
                "where it could be a revision ({error})"
            ).format(name=argument, error=_git_message(inside))
        )
    raise SourceError(
        _(
            "'{name}' is neither a file or folder nor a revision (tag, branch, commit) of this git repository; {hint}"
        ).format(name=argument, hint=_(_HISTORY_HINT))
    )


def _read_revision(label: str, commit: str, revision_path: str) -> Source:
    listing = _git(["ls-tree", "-r", "-l", "-z", "--full-name", commit, "--", revision_path])
    if listing.returncode != 0:
        raise SourceError(
            _("cannot list '{path}' in revision '{revision}': {error}").format(
                path=revision_path, revision=label, error=_git_message(listing)
            )
        )
    limit = max_file_bytes()
    files: list[FileText] = []
    wanted: list[tuple[str, str]] = []  # (display, object id) of the files to read
    links: list[tuple[str, str]] = []  # (name, object id) of symbolic links
    regular: set[str] = set()
    for name in _submodules(listing.stdout):
        display = f"{label}:{name}"
        message = _("the folder cannot be read ({reason}): the YAML files in it were not checked").format(
            reason=_(SUBMODULE)
        )
        files.append(FileText(display, None, _unreadable(display, message)))
    for mode, object_id, size, name in _yaml_entries(listing.stdout):
        display = f"{label}:{name}"
        if mode == _SYMLINK_MODE:
            links.append((name, object_id))
            continue
        regular.add(name)
        try:
            _check_size(size, limit)  # the message of a file on disk over the limit
        except YamlInputError as exc:
            files.append(FileText(display, None, _input_problem(display, exc)))
            continue
        wanted.append((display, object_id))
    for (name, _link), raw in zip(links, _read_blobs([object_id for _name, object_id in links]), strict=True):
        # On disk a link to a file of the folder is read once, under the first name; here too. A link
        # out of the folder cannot be followed in a revision.
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), raw.decode("utf-8", errors="replace")))
        if target not in regular:
            message = _(
                "the file is a symbolic link to {target}, outside '{path}': bpr cannot follow it in a revision"
            ).format(target=target, path=revision_path)
            files.append(FileText(f"{label}:{name}", None, _unreadable(f"{label}:{name}", message)))
    for (display, _wanted), raw in zip(wanted, _read_blobs([object_id for _name, object_id in wanted]), strict=True):
        try:
            files.append(FileText(display, decode_text(raw)))
        except YamlInputError as exc:
            files.append(FileText(display, None, _input_problem(display, exc)))
    if not files:
        raise SourceError(
            _(
                "no-inventory: no YAML file (*.yaml, *.yml) under '{path}' in revision '{revision}' "
                "(choose the folder with --path)"
            ).format(path=revision_path, revision=label)
        )
    return Source(label, "revision", tuple(sorted(files, key=lambda f: f.display)), commit=commit)


def _submodules(listing: bytes) -> Iterator[str]:
    """Yield the paths of the submodules (gitlinks, type commit) in `git ls-tree -r -l -z` output."""
    for entry in listing.split(b"\0"):
        meta, _tab, raw_name = entry.partition(b"\t")
        fields = meta.decode("ascii", errors="replace").split()
        if len(fields) >= 2 and fields[1] == "commit":
            yield raw_name.decode("utf-8", errors="replace")


def _yaml_entries(listing: bytes) -> Iterator[tuple[str, str, int, str]]:
    """Yield (mode, object id, size, path) of the YAML files in `git ls-tree -r -l -z` output."""
    for entry in listing.split(b"\0"):
        meta, _tab, raw_name = entry.partition(b"\t")
        fields = meta.decode("ascii", errors="replace").split()
        name = raw_name.decode("utf-8", errors="replace")
        if len(fields) == 4 and fields[1] == "blob" and is_inventory_name(name):
            yield fields[0], fields[2], int(fields[3]) if fields[3].isascii() and fields[3].isdigit() else 0, name


def _read_blobs(object_ids: list[str]) -> list[bytes]:
    """Return the contents of git objects, read by one `git cat-file --batch`."""
    if not object_ids:
        return []
    result = _git(["cat-file", "--batch"], stdin="".join(f"{oid}\n" for oid in object_ids).encode("ascii"))
    if result.returncode != 0:
        raise SourceError(_("cannot read the files of the revision: {error}").format(error=_git_message(result)))
    out: list[bytes] = []
    data = result.stdout
    position = 0
    for _object_id in object_ids:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        if len(header) != 3:  # '<oid> missing'
            raise SourceError(
                _("cannot read the files of the revision: {error}").format(
                    error=data[position:end].decode(errors="replace")
                )
            )
        size = int(header[2])
        out.append(data[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return out


def _input_problem(display: str, exc: YamlInputError) -> Problem:
    from bpr.inventory.checker import unreadable

    return unreadable(display, exc).problems[0]


def _unreadable(display: str, message: str) -> Problem:
    return Problem(display, 1, 1, severity_of("file-unreadable"), "file-unreadable", message)


def load_side(source: Source) -> Inventory:
    """Load and validate one side, with the cross-file rules, as `bpr validate` would; raise SourceError without files."""
    from bpr.inventory.checker import load_text, run_inventory_rules
    from bpr.inventory.loader import load_inventory
    from bpr.inventory.records import Inventory, LoadedFile

    if source.path is not None:
        inventory, path_problems = load_inventory([source.path])
        if path_problems:
            raise SourceError("; ".join(problem.message for problem in path_problems))
        if not inventory.files:
            raise SourceError(
                _("no-inventory: no YAML file (*.yaml, *.yml) found under {paths}").format(paths=source.label)
            )
        return inventory
    files = [
        load_text(item.text, item.display)
        if item.text is not None
        else LoadedFile(path=item.display, problems=[item.problem] if item.problem is not None else [])
        for item in source.files
    ]
    run_inventory_rules(files)
    return Inventory(files)


def errors_of(inventory: Inventory) -> list[Problem]:
    """Return the errors of an inventory, sorted (warnings do not stop a diff)."""
    return [problem for problem in inventory.problems if problem.severity is Severity.ERROR]
