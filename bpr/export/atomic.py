"""Atomic file writes: a file is replaced whole or not at all, and a file another program holds open is named.

Every export writes through :func:`atomic_write`: the content goes to a temporary file in the target's
folder, which is renamed over the target only once complete, so a failure never leaves a partial file
and never touches an existing one. Where Windows refuses to replace a file or a folder because another
program (Excel) holds it open, :class:`FileInUse` names it, or the files held open in the folder
(:func:`folder_in_use`), and says to close them.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from bpr.i18n import _, ngettext

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
        if not held_open(error, Path(target)):
            raise
        message = _("{name} is open in another program, such as Excel: close it there, then run again")
        raise FileInUse(message.format(name=Path(target).name), Path(target)) from error


def held_open(error: PermissionError, path: Path) -> bool:
    """Tell whether Windows refused to rename a file or folder because another program holds it (or a file in it) open."""
    # ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33) say so; ERROR_ACCESS_DENIED (5) says so
    # too, of a folder with an open file in it or of a file open without delete sharing, unless the file
    # is read-only. POSIX has no such refusal: there a PermissionError means what it says.
    code = getattr(error, "winerror", None)
    return code in (32, 33) or (code == 5 and path.exists() and (path.is_dir() or os.access(path, os.W_OK)))


def folder_in_use(folder: Path) -> FileInUse:
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
