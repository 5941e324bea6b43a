"""Output folders: what a command may write into, and how its outputs replace the last run's without losing the user's files.

The rules, for `bpr build -o DIR` and `bpr report -o DIR` alike (docs/output.md), each command
described by an :class:`OutputFolder`:

- DIR is new, empty, or a folder the same command wrote: its marker, a manifest, lists the files that
  run wrote (:func:`check_output_folder`). A file in DIR's place (:class:`NotAFolder`), the working
  folder (:class:`WorkingFolder`) and a folder of other files without the marker (:class:`ForeignFiles`)
  are refused before anything is written. A link given as DIR is written through (:func:`through_link`).
- bpr's other outputs are not foreign: the files a marker of another bpr command lists, in a subfolder of
  DIR (`out/diagrams/` of `bpr diagram`, `out/report/` of `bpr report`) or in DIR's parent for DIR
  (`out/report/` of `bpr build`), may be overwritten where this run writes the same file; the others
  are kept (:class:`PreviousOutputs`). Without a marker of its own, a folder that holds nothing else, or
  that is a part of another command's folder (the report of a build), is accepted.
- The outputs are written into a staging folder beside DIR, the marker added, and the files of the old
  folder its manifest does not list (the user's) hard-linked in, so they are never copied and never lost;
  a new output where the user has a file is refused (:class:`OutputConflict`). The staging folder then
  takes DIR's place in one rename, and the old folder is removed once the new one is in
  (:func:`write_output_folder`).
- `bpr diagram` writes file by file into any folder; it lists what it wrote in a marker of its own
  (:func:`add_to_manifest`), so that a build or report finds those files to be bpr's.
- The staging folders of killed runs are removed by the next run (:func:`remove_abandoned_staging`).

Nothing here prints or exits: the refusals are exceptions, which the command line words.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bpr.export.atomic import atomic_write, folder_in_use, held_open

STAGING_SUFFIX = ".tmp"
RETIRED_SUFFIX = ".old"
# Who made a staging folder: the host name, so that a pid is only checked on the host it belongs to.
OWNER_FILE = ".bpr-staging"
# A staging folder whose owner cannot be checked (made by an older bpr, on another host or on
# Windows) is taken as abandoned only once this old: no build runs for a day.
STALE_AFTER_SECONDS = 24 * 3600
_RANDOM = "[a-z0-9_]{8}"  # what tempfile.mkdtemp puts between prefix and suffix
T = TypeVar("T")

# The markers of bpr's output folders: each a manifest of the files one command wrote into its folder.
BUILD_MARKER = ".bpr-build"
REPORT_MARKER = ".bpr-report"
DIAGRAM_MARKER = ".bpr-diagram"
MARKERS = (BUILD_MARKER, REPORT_MARKER, DIAGRAM_MARKER)
DIAGRAM_NOTE = (
    "written by `bpr diagram`: the files listed here are bpr's diagrams, which `bpr build` and `bpr report` "
    "may overwrite; every other file in this folder is kept"
)


@dataclass(frozen=True)
class OutputFolder:
    """A folder of outputs that one command owns: its marker (a manifest), and how messages name it."""

    marker: str
    command: str  # `bpr build`
    example: str  # a folder to suggest
    note: str  # written into the manifest
    conflict: str  # the message (N_) for a file of the user's at a place this run writes: {output}, {path}
    legacy: tuple[str, ...] = ()  # where a marker from before manifests says the outputs are


class OutputFolderRefused(Exception):
    """The output folder is not one a command may write into; nothing was written."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder


class NotAFolder(OutputFolderRefused):
    """The output folder's place holds a file."""


class WorkingFolder(OutputFolderRefused):
    """The output folder is the working folder, which holds the inventory and everything else."""


class ForeignFiles(OutputFolderRefused):
    """The output folder holds files and no marker: files the command did not write, which it never replaces."""

    def __init__(self, folder: Path, files: list[str]) -> None:
        super().__init__(folder)
        self.files = files  # sorted, relative paths


@dataclass(frozen=True)
class PreviousOutputs:
    """What bpr wrote into an output folder before this run, as paths relative to the folder.

    `own`: what the last run of the same command listed, replaced by this run (a file it no longer writes
    goes). `others`: what other bpr commands listed (`bpr diagram` in `diagrams/`, `bpr report` in
    `report/`, or `bpr build` around a report's folder), overwritten where this run writes the same file
    and kept otherwise.
    """

    own: frozenset[str] = frozenset()
    others: frozenset[str] = frozenset()

    def replaced(self, marker: str, written: frozenset[str]) -> frozenset[str]:
        """Return the files of the old folder that the new one does not keep: this run's outputs take their place."""
        return self.own | {marker} | (self.others & written)


class OutputConflict(Exception):
    """A new output would replace a file that the last run did not write."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def through_link(output: Path) -> Path:
    """Return the folder a link given as -o leads to, so that the outputs are written through it.

    The staging folder is made beside the real folder and takes its place there; the link stays as it was
    and leads to the new outputs. Renaming the link itself replaced it with a folder and left a `.NAME.old`
    link behind for good (issue 24, item 11).
    """
    return Path(os.path.realpath(output)) if output.is_symlink() else output


def check_output_folder(output: Path, kind: OutputFolder) -> PreviousOutputs:
    """Return the files bpr wrote into the output folder before; raise OutputFolderRefused when it may not be written.

    A folder without this command's marker is accepted when empty, when it is a part of another bpr
    command's folder (the `out/report` of a build: :func:`outputs_around`), or when every file in it is
    one that another bpr command's marker in a subfolder lists (:func:`outputs_within`). The staging
    folders of killed runs are removed first. An OSError says the folder cannot be read.
    """
    remove_abandoned_staging(output)
    if output.exists() and not output.is_dir():
        raise NotAFolder(output)
    if output.resolve() == Path.cwd().resolve():
        raise WorkingFolder(output)
    if not output.is_dir():
        return PreviousOutputs()
    own = previous_outputs(output, kind)
    around = outputs_around(output)
    others = outputs_within(output) | around
    if own is None and not around and any(output.iterdir()):
        files = listed_files(output)
        foreign = sorted(files - others)
        if foreign or not files:
            raise ForeignFiles(output, foreign or sorted(p.name for p in output.iterdir()))
    return PreviousOutputs(own or frozenset(), others - (own or frozenset()))


def outputs_within(output: Path) -> frozenset[str]:
    """Return the files that the markers of bpr in the folder's subfolders list, with those markers.

    Such as `out/diagrams/.bpr-diagram` of a `bpr diagram -o out/diagrams`, or `out/report/.bpr-report`,
    before `bpr build -o out`. A marker at the top of the folder is not looked at: this command's own is
    :func:`previous_outputs`'s, and another command's lists nothing this one may touch (a report is not
    written over a build's folder).
    """
    found: set[str] = set()
    for root, folders, files in os.walk(output):
        folders[:] = [name for name in folders if not (Path(root) / name).is_symlink()]
        base = Path(root).relative_to(output)
        if base == Path():
            continue
        for name in files:
            listed = _manifest_of(Path(root) / name) if name in MARKERS else None
            if listed is not None:
                found |= {(base / file).as_posix() for file in listed} | {(base / name).as_posix()}
    return frozenset(found)


def outputs_around(output: Path) -> frozenset[str]:
    """Return the files under the folder that a marker of bpr in its parent lists (the `out/report` of a build)."""
    parent = output.absolute().parent
    prefix = f"{output.absolute().name}/"
    found: set[str] = set()
    for name in MARKERS:
        listed = _manifest_of(parent / name)
        if listed is not None:
            found |= {file.removeprefix(prefix) for file in listed if file.startswith(prefix)}
    return frozenset(found)


def _manifest_of(marker: Path) -> frozenset[str] | None:
    """Return what a marker file lists, or None when there is none (missing, a link, not a manifest)."""
    if marker.is_symlink() or not marker.is_file():
        return None
    return read_manifest(marker)


def previous_outputs(output: Path, kind: OutputFolder) -> frozenset[str] | None:
    """Return the files the last run listed in its marker, or None when the folder has no marker.

    The marker of a build before manifests says nothing of what it wrote: its outputs are the files at
    the places a build writes them, and anything else in the folder is taken as the user's.
    """
    marker = output / kind.marker
    if not marker.is_file() or marker.is_symlink():
        return None
    manifest = read_manifest(marker)
    if manifest is not None:
        return manifest
    return frozenset(
        p.relative_to(output).as_posix() for pattern in kind.legacy for p in output.glob(pattern) if p.is_file()
    )


def write_output_folder(output: Path, previous: PreviousOutputs, kind: OutputFolder, write: Callable[[Path], T]) -> T:
    """Run `write` on a staging folder, add the marker, keep the user's files, and swap it in for the output folder.

    `previous` is what :func:`check_output_folder` returned. A file of the user's at a place `write` wrote
    raises OutputConflict; any failure leaves the output folder as it was and removes the staging folder.
    """
    staging: Path | None = None
    try:
        staging = make_staging_folder(output)
        outputs = write(staging)
        written = (listed_files(staging) - {OWNER_FILE}) | {kind.marker}
        (staging / kind.marker).write_text(manifest_text(written, kind.note), encoding="utf-8")
        replaced = previous.replaced(kind.marker, written)
        if output.is_dir():
            carry_over(output, staging, replaced)
        swap_folder(staging, output, replaced)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return outputs


def add_to_manifest(folder: Path, files: list[Path], marker: str = DIAGRAM_MARKER, note: str = DIAGRAM_NOTE) -> None:
    """List files just written into a folder in its marker, with those the marker listed that are still there.

    For a command that writes file by file into a folder it does not own (`bpr diagram`): the marker says
    which files there are bpr's. A marker's place held by something that is not a manifest (a folder, a
    link, a file of another format) is left alone, and nothing is listed.
    """
    path = folder / marker
    listed: frozenset[str] = frozenset()
    if os.path.lexists(path):
        manifest = _manifest_of(path)
        if manifest is None:
            return
        listed = frozenset(name for name in manifest if os.path.lexists(folder / name))
    names = listed | {file.relative_to(folder).as_posix() for file in files} | {marker}
    atomic_write(path, lambda temporary: temporary.write_text(manifest_text(names, note), encoding="utf-8"))


def listed_files(folder: Path) -> frozenset[str]:
    """Return every entry under a folder that is not a folder (files, links), as relative POSIX paths."""
    found = []
    for root, folders, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        # os.walk lists a link to a folder among the folders but does not enter it: it is an entry like a file.
        found += [(base / name).as_posix() for name in files]
        found += [(base / name).as_posix() for name in folders if (Path(root) / name).is_symlink()]
    return frozenset(found)


def read_manifest(path: Path) -> frozenset[str] | None:
    """Return the files a manifest lists, or None when the file is not a manifest (unreadable, another format)."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        return None
    return frozenset(files)


def manifest_text(files: frozenset[str], note: str) -> str:
    """Return a manifest: a JSON object listing files relative to their folder, sorted."""
    import json

    return json.dumps({"note": note, "files": sorted(files)}, ensure_ascii=False, indent=1) + "\n"


def make_staging_folder(output: Path) -> Path:
    """Create an empty staging folder beside `output`, named after it and after this process."""
    parent = output.absolute().parent
    if parent.exists() and not parent.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{output.parent} is a file, not a folder", str(parent))
    parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # imported here: not at the start-up of every command

    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}-", suffix=STAGING_SUFFIX, dir=parent))
    (staging / OWNER_FILE).write_text(host_name() + "\n", encoding="utf-8")
    # mkdtemp makes the folder private; the outputs are meant to be shared like the folder they replace.
    try:
        mode = stat.S_IMODE(output.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o777 & ~umask
    staging.chmod(mode)
    return staging


def carry_over(old: Path, new: Path, replaced: frozenset[str]) -> None:
    """Link every entry of `old` that `replaced` does not list into `new`; raise OutputConflict on a clash."""
    _carry_folder(old, new, Path(), replaced)


def _carry_folder(old: Path, new: Path, relative: Path, replaced: frozenset[str]) -> None:
    with os.scandir(old / relative) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = relative / entry.name
            name = path.as_posix()
            target = new / path
            if entry.is_dir(follow_symlinks=False):  # a manifest lists files: a folder may hold the user's too
                if target.is_symlink() or (target.exists() and not target.is_dir()):
                    raise OutputConflict(name)
                target.mkdir(exist_ok=True)
                _carry_folder(old, new, path, replaced)
                shutil.copystat(entry.path, target)
            elif name in replaced:
                continue
            elif os.path.lexists(target):
                raise OutputConflict(name)
            else:
                _link(Path(entry.path), target)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # a file system without hard links: copy what can be copied
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


def swap_folder(staging: Path, output: Path, replaced: frozenset[str] = frozenset()) -> None:
    """Put the staging folder in place of the output folder; the old one is removed only once the new one is in.

    What the user wrote into the old folder while the outputs were written (after `carry_over` linked its
    files) is moved into the new one before the old is removed: a file bpr does not replace (`replaced`
    lists those it does) that the new folder lacks, or holds as an older copy, is the user's and is kept.
    """
    (staging / OWNER_FILE).unlink(missing_ok=True)
    if not output.exists():
        os.replace(staging, output)
        return
    import tempfile

    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}-", suffix=RETIRED_SUFFIX, dir=staging.parent))
    retired.rmdir()
    try:
        os.replace(output, retired)
    except PermissionError as error:
        if not held_open(error, output):
            raise
        raise folder_in_use(output) from error
    try:
        os.replace(staging, output)
    except OSError:
        with contextlib.suppress(OSError):
            os.replace(retired, output)
        raise
    _keep_late_files(retired, output, Path(), replaced)
    shutil.rmtree(retired, ignore_errors=True)


def _keep_late_files(old: Path, new: Path, relative: Path, replaced: frozenset[str]) -> None:
    """Move into `new` the user's entries of `old` that `new` lacks or holds as another file (written late)."""
    try:
        entries = sorted(os.scandir(old / relative), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = relative / entry.name
        name = path.as_posix()
        target = new / path
        if entry.is_dir(follow_symlinks=False):
            if target.is_dir() and not target.is_symlink():
                _keep_late_files(old, new, path, replaced)
            elif not os.path.lexists(target):
                with contextlib.suppress(OSError):
                    os.replace(entry.path, target)
            continue
        if name in replaced or name == OWNER_FILE:
            continue
        if os.path.lexists(target):
            try:
                if os.path.samestat(os.lstat(entry.path), os.lstat(target)):
                    continue  # the link carry_over made: the same file
            except OSError:
                continue
        with contextlib.suppress(OSError):
            os.replace(entry.path, target)


def remove_abandoned_staging(output: Path) -> list[Path]:
    """Remove the staging folders of `output` left by builds that were killed; put back an output a kill left retired.

    Only folders named as :func:`make_staging_folder` and :func:`swap_folder` name them for this
    output are touched, and only once their build is known to be over: its process is gone, or, when
    that cannot be checked, the folder is older than a day.
    """
    parent = output.absolute().parent
    pattern = re.compile(
        rf"\.{re.escape(output.name)}\.(?:(?P<pid>\d+)-)?{_RANDOM}(?P<suffix>{re.escape(STAGING_SUFFIX)}|{re.escape(RETIRED_SUFFIX)})"
    )
    try:
        candidates = [(pattern.fullmatch(entry.name), Path(entry.path)) for entry in os.scandir(parent)]
    except OSError:
        return []
    abandoned = [
        (match, path)
        for match, path in candidates
        if match is not None and path.is_dir() and not path.is_symlink() and _is_abandoned(path, match["pid"])
    ]
    retired = sorted((path for match, path in abandoned if match["suffix"] == RETIRED_SUFFIX), key=_mtime, reverse=True)
    if retired and not os.path.lexists(output):
        # Killed between its two renames: the previous output is the retired folder, and it may hold the user's files.
        with contextlib.suppress(OSError):
            os.replace(retired[0], output)
    removed = []
    for _match, path in abandoned:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _is_abandoned(folder: Path, pid: str | None) -> bool:
    if pid is not None and os.name == "posix" and _owner_host(folder) in (None, host_name()):
        return not process_running(int(pid))
    return time.time() - _mtime(folder) > STALE_AFTER_SECONDS


def process_running(pid: int) -> bool:
    """Tell whether a process of this host is running (POSIX): the owner of a staging folder or a lock."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except (OverflowError, ValueError):  # not a pid any process can have
        return False
    return True


def _owner_host(folder: Path) -> str | None:
    try:
        return (folder / OWNER_FILE).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None


def host_name() -> str:
    """Return this host's name, as staging folders and locks record it."""
    import socket

    return socket.gethostname()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()
