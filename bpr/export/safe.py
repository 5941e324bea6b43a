"""Writing output files safely: atomic replacement, output folders that keep the user's files, and inventory text that never becomes a formula.

Every export writes through :func:`atomic_write`: the content goes to a temporary file in the target's
folder, which is renamed over the target only once complete, so a failure never leaves a partial file
and never touches an existing one. Text cells go through :func:`spreadsheet_text`, and the workbook
writer stores them as string cells, so that ``=HYPERLINK(...)`` typed in an inventory is shown as
typed and never evaluated. A folder of outputs is staged beside its target and swapped in whole
(:func:`make_staging_folder`, :func:`carry_over`, :func:`swap_folder`), and the staging folders of
killed runs are removed by the next one (:func:`remove_abandoned_staging`). Where Windows refuses to
replace a file or a folder because another program (Excel) holds it open, :class:`FileInUse` names it
and says to close it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bpr.i18n import _, ngettext

# The characters that make a spreadsheet read a cell as a formula (or, for tab and CR, that CSV
# importers strip before reading one); see OWASP "CSV Injection".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_CELL_CHARS = 32_767
TRUNCATION_MARK = "…(以下省略)"
REPLACEMENT_CHARACTER = "\ufffd"
# C0 controls other than tab, LF and CR, lone surrogates and the two non-characters XML 1.0 forbids.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# OOXML writes characters it cannot hold as _xHHHH_, and Excel decodes any such sequence it reads:
# a literal one is escaped by writing its underscore as _x005F_.
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_TEMP_NAME_CHARS = 40
HELD_FILES_SHOWN = 3


def atomic_write(path: Path, writer: Callable[[Path], object]) -> None:
    """Write a file by running `writer` on a temporary file beside it, then renaming it over `path`."""
    target = Path(path)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name[:_TEMP_NAME_CHARS]}.", suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        os.close(descriptor)
        writer(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _permissions_for(target))
        replace_file(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class FileInUse(PermissionError):
    """A file or folder bpr replaces is held open by another program (on Windows: Excel, a PDF viewer, Explorer).

    Its `strerror` is the whole explanation, naming the file and saying to close it, and its errno is
    None: it is bpr's account of the failure, which a caller shows as the reason (as `bpr.cli.os_reason`
    does for an error without an errno it knows), not the system's. The system's error is its cause.
    """

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(None, message, str(path))

    def __str__(self) -> str:
        return str(self.strerror)


def replace_file(source: Path, target: Path) -> None:
    """Rename `source` over `target`; raise FileInUse when another program holds `target` open (Windows)."""
    try:
        os.replace(source, target)
    except PermissionError as error:
        if not _held_open(error, Path(target)):
            raise
        message = _("{name} is open in another program, such as Excel: close it there, then run again")
        raise FileInUse(message.format(name=Path(target).name), Path(target)) from error


def _held_open(error: PermissionError, path: Path) -> bool:
    """Tell whether Windows refused to rename a file or folder because another program holds it (or a file in it) open."""
    # ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33) say so; ERROR_ACCESS_DENIED (5) says so
    # too, of a folder with an open file in it or of a file open without delete sharing, unless the file
    # is read-only. POSIX has no such refusal: there a PermissionError means what it says.
    code = getattr(error, "winerror", None)
    return code in (32, 33) or (code == 5 and path.exists() and (path.is_dir() or os.access(path, os.W_OK)))


def _permissions_for(target: Path) -> int:
    """Return the mode a new file would get: the existing file's mode, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    # mkstemp creates files readable by their owner only; a workbook sent to others should not be.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet would read this text as a formula if it were typed in a cell."""
    return text.startswith(FORMULA_TRIGGERS)


@functools.lru_cache(maxsize=131_072)  # section names, labels and marks repeat on every row
def spreadsheet_text(text: str) -> str:
    """Return text an xlsx string cell shows as typed: line ends as LF, characters XML forbids replaced, length capped."""
    # XML parsers turn CR into LF anyway; doing it here makes what is written what is read back.
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _OOXML_ESCAPE.sub(r"_x005F_\1", _ILLEGAL_XML.sub(REPLACEMENT_CHARACTER, cleaned))
    if len(cleaned) > EXCEL_MAX_CELL_CHARS:
        cleaned = cleaned[: EXCEL_MAX_CELL_CHARS - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return cleaned


def csv_text(text: str) -> str:
    """Return text for a CSV field that no spreadsheet evaluates: a leading formula character is quoted with '."""
    return "'" + text if looks_like_formula(text) else text


# Output folders. A folder of outputs is written into a staging folder beside it, which then takes
# its place in one rename; the files of the old folder that its manifest does not list (the user's)
# are hard-linked into the staging folder first, so they are never copied and never lost.

STAGING_SUFFIX = ".tmp"
RETIRED_SUFFIX = ".old"
# Who made a staging folder: the host name, so that a pid is only checked on the host it belongs to.
OWNER_FILE = ".bpr-staging"
# A staging folder whose owner cannot be checked (made by an older bpr, on another host or on
# Windows) is taken as abandoned only once this old: no build runs for a day.
STALE_AFTER_SECONDS = 24 * 3600
_RANDOM = "[a-z0-9_]{8}"  # what tempfile.mkdtemp puts between prefix and suffix


class OutputConflict(Exception):
    """A new output would replace a file that the last build did not write."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


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
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}-", suffix=STAGING_SUFFIX, dir=parent))
    (staging / OWNER_FILE).write_text(_host() + "\n", encoding="utf-8")
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
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}-", suffix=RETIRED_SUFFIX, dir=staging.parent))
    retired.rmdir()
    try:
        os.replace(output, retired)
    except PermissionError as error:
        if not _held_open(error, output):
            raise
        raise _folder_in_use(output) from error
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


def _folder_in_use(folder: Path) -> FileInUse:
    """Return the error of an output folder Windows would not rename, naming the files held open in it."""
    held = files_held_open(folder)
    if not held:
        message = _(
            "{folder} is in use by another program (a file in it open in Excel, or the folder open in Explorer "
            "or in a command window): close it there, then run again"
        )
        return FileInUse(message.format(folder=folder), folder)
    message = ngettext(
        "{files} in {folder} is open in another program, such as Excel: close it there, then run again",
        "{files} in {folder} are open in other programs, such as Excel: close them there, then run again",
        len(held),
    )
    shown = ", ".join(held[:HELD_FILES_SHOWN]) + (", …" if len(held) > HELD_FILES_SHOWN else "")
    return FileInUse(message.format(files=shown, folder=folder), folder)


def files_held_open(folder: Path) -> list[str]:
    """Return the files under a folder that another program holds open, as relative POSIX paths, sorted.

    A file Excel has open cannot be opened for writing on Windows, although it is not read-only;
    opening it so, and closing it at once, changes nothing. Office's owner files (~$roadmap.xlsx) go
    with the file they stand for and are left out. On POSIX no file is held so: the list is empty.
    """
    held = []
    for root, _folders, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            if name.startswith("~$") or path.is_symlink():
                continue
            try:
                with open(path, "r+b"):
                    pass
            except PermissionError:
                if os.access(path, os.W_OK):  # writable, and yet refused: another program has it
                    held.append(path.relative_to(folder).as_posix())
            except OSError:
                continue
    return sorted(held)


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
    if pid is not None and os.name == "posix" and _owner_host(folder) in (None, _host()):
        return not _is_running(int(pid))
    return time.time() - _mtime(folder) > STALE_AFTER_SECONDS


def _is_running(pid: int) -> bool:
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


def process_running(pid: int) -> bool:
    """Tell whether a process of this host is running (POSIX): the owner of a staging folder or a lock."""
    return _is_running(pid)


def host_name() -> str:
    """Return this host's name, as staging folders and locks record it."""
    return _host()


def _owner_host(folder: Path) -> str | None:
    try:
        return (folder / OWNER_FILE).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None


def _host() -> str:
    import socket

    return socket.gethostname()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()
