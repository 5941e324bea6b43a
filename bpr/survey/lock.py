"""One writer at a time in an inventory folder: the lock of the two import commands.

Two imports into one folder at once each read the files, merge, and write: the second write loses the
first one's update, and both exit 0 (issue 24, item 13). A writer holds `DIR/.bpr-lock` (made with
O_EXCL, so exactly one process gets it) from before it reads the folder until it has written; the file
says who holds it. A lock whose process is gone (checked on its own host) or that is older than a day
is taken over: a killed import never blocks the folder for good.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from bpr.export.output_folder import STALE_AFTER_SECONDS, host_name, process_running
from bpr.i18n import _

LOCK_NAME = ".bpr-lock"


class FolderLocked(Exception):
    """Another bpr is writing the folder; the message says who."""


@contextlib.contextmanager
def writer_lock(folder: Path, command: str) -> Iterator[None]:
    """Hold the folder's writer lock for the block; raise FolderLocked when another live writer holds it."""
    if folder.exists() and not folder.is_dir():
        raise FolderLocked(_("{path}: is not a folder").format(path=folder))
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    for _attempt in range(3):
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if not _regular(path):
                # A FIFO, a device, a folder or a link there: reading it could wait forever; bpr never wrote it.
                raise FolderLocked(
                    _("{lock}: is not a lock bpr wrote (not a regular file): remove it and try again").format(lock=path)
                ) from None
            holder = _holder(path)
            if holder is not None:
                raise FolderLocked(
                    _("{folder} is being written by another bpr ({holder}): try again when it has finished").format(
                        folder=folder, holder=holder
                    )
                ) from None
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # a lock left by a process that is gone
            continue
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(f"{host_name()} {os.getpid()} {stamp} {command}\n")
        break
    else:
        raise FolderLocked(_("{folder}: its lock {lock} cannot be taken").format(folder=folder, lock=path))
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when the run wrote nothing into the folder it made


def _regular(path: Path) -> bool:
    """Tell whether a path is a regular file itself (not through a link): the only kind of lock bpr writes."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True  # gone since: the next attempt creates it
    except OSError:
        return False


def _holder(path: Path) -> str | None:
    """Return who holds a lock, or None when the lock is stale (its process gone, or older than a day)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError):
        return None
    host, _space, rest = text.partition(" ")
    pid_text = rest.split(" ", 1)[0]
    if age > STALE_AFTER_SECONDS:
        return None
    if (
        host == host_name()
        and pid_text.isascii()
        and pid_text.isdigit()
        and os.name == "posix"
        and not process_running(int(pid_text))
    ):
        return None
    return text
