"""Finding inventory files and reading them as UTF-8 text, with a clear reason when that fails."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from bpr.i18n import N_, _, ngettext
from bpr.inventory.problem import YamlInputError

_BOM = "\ufeff"
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
MAX_FILE_BYTES_ENV = "BPR_MAX_FILE_BYTES"
# An inventory file is tens of kilobytes; 20 MiB is a generous bound that still keeps memory in check.
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
_KINDS = (
    (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
    (stat.S_ISSOCK, N_("a socket")),
)
_NOT_A_FILE = N_("not a file")
_IS_A_FOLDER = N_("is a folder, not a file")
# Why the system refused a file, said in the language of the run: the message ids are the system's own
# words on Linux (strerror), as bpr/cli says them; another reason keeps the system's words.
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.ENAMETOOLONG: N_("File name too long"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.EIO: N_("Input/output error"),
}


class FoundPath(NamedTuple):
    """A path to load: a file (maybe missing), or a folder that could not be searched and why."""

    path: Path
    exists: bool
    error: str | None = None
    outside: str | None = None  # a file found in a folder that links out of it: where it leads (never read)


def max_file_bytes() -> int:
    """Return the size limit of one file: BPR_MAX_FILE_BYTES when it is a whole number, else 20 MiB."""
    value = os.environ.get(MAX_FILE_BYTES_ENV, "").strip()
    return int(value) if value.isascii() and value.isdigit() else DEFAULT_MAX_FILE_BYTES


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """Read a regular file of at most `limit` bytes (`max_file_bytes()`), or raise YamlInputError saying why not."""
    # Nothing is opened before it is known to be a regular file: opening a FIFO waits for a writer, and
    # a device such as /dev/zero never ends. The open does not wait either, and the open file is checked
    # again, in case the path changed in between.
    adjustable = limit is None  # only the inventory's own limit is BPR_MAX_FILE_BYTES
    limit = max_file_bytes() if limit is None else limit
    try:
        _check_regular(path, os.stat(path))
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise YamlInputError("file-unreadable", _(_IS_A_FOLDER)) from None
    except OSError as exc:
        raise _cannot_read(exc) from None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        _check_regular(path, info)
        _check_size(info.st_size, limit, adjustable)
        try:
            raw = stream.read(limit + 1)
        except OSError as exc:
            raise _cannot_read(exc) from None
    _check_size(len(raw), limit, adjustable)  # it grew since it was measured
    return raw


def os_reason(exc: OSError) -> str:
    """Return why the system refused a file or folder, in the language of the run when bpr knows the reason."""
    reason = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    return _(reason) if reason is not None and _(reason) != reason else exc.strerror or str(exc)


def _cannot_read(exc: OSError) -> YamlInputError:
    return YamlInputError("file-unreadable", _("cannot be read: {reason}").format(reason=os_reason(exc)))


def _check_regular(path: Path, info: os.stat_result) -> None:
    if stat.S_ISREG(info.st_mode):
        return
    if stat.S_ISDIR(info.st_mode):
        raise YamlInputError("file-unreadable", _(_IS_A_FOLDER))
    kind = _(next((name for test, name in _KINDS if test(info.st_mode)), _NOT_A_FILE))
    if path.is_symlink():
        message = _("links to {target}, which is {kind}, not a regular file: bpr reads regular files only").format(
            target=os.path.realpath(path), kind=kind
        )
    else:
        message = _("is {kind}, not a regular file: bpr reads regular files only").format(kind=kind)
    raise YamlInputError("file-unreadable", message)


def _check_size(size: int, limit: int, adjustable: bool = True) -> None:
    if size > limit and not adjustable:
        raise YamlInputError(
            "file-unreadable",
            _("is {size}, more than the limit of {limit} for this kind of file").format(
                size=_megabytes(size), limit=_megabytes(limit)
            ),
        )
    if size > limit:
        raise YamlInputError(
            "file-unreadable",
            _(
                "is {size}, more than the limit of {limit} for one inventory file "
                "(set {variable} to a number of bytes to raise it)"
            ).format(size=_megabytes(size), limit=_megabytes(limit), variable=MAX_FILE_BYTES_ENV),
        )


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return ngettext("{count} byte", "{count} bytes", size).format(count=f"{size:,}")


def read_text(path: Path) -> str:
    """Read a file as UTF-8 (a BOM is dropped), or raise YamlInputError saying why not."""
    return decode_text(read_bytes(path))


def decode_text(raw: bytes) -> str:
    """Return a file's bytes as text the way `bpr validate` reads a file (UTF-8, BOM dropped), or raise YamlInputError."""
    for mark, name in _WIDE_BOMS:
        if raw.startswith(mark):
            raise YamlInputError(
                "file-encoding",
                _(
                    "is {encoding}: save it as UTF-8 (in Excel or Notepad: 'UTF-8' encoding); bpr reads UTF-8 only"
                ).format(encoding=name),
            )
    if b"\x00" in raw[:8192]:
        raise YamlInputError("file-encoding", _("is a binary file, not YAML text"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_byte(raw, exc.start)
        guess = _guess_encoding(raw)
        hint = _(" (it looks like {encoding})").format(encoding=guess) if guess else ""
        raise YamlInputError(
            "file-encoding",
            _("is not UTF-8{hint}: save it as UTF-8 (in Excel or Notepad: 'UTF-8' encoding)").format(hint=hint),
            line,
            column,
        ) from None
    if text.startswith(_BOM):
        text = text[1:]
    return text


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, column


def _guess_encoding(raw: bytes) -> str | None:
    for name, label in (("cp932", "Shift_JIS/CP932"), ("euc_jp", "EUC-JP")):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return label
    return None


def is_inventory_name(name: str) -> bool:
    """Tell whether a file found in an inventory folder is one to read: YAML, and not the config file bpr.yaml.

    The one rule for the folder on disk, git's index (`--staged`) and a revision (`bpr diff`). A file named on
    the command line is read whatever its name.
    """
    from bpr.configfile import CONFIG_NAME

    base = name.rsplit("/", 1)[-1]
    return base.endswith((".yaml", ".yml")) and base != CONFIG_NAME


def iter_yaml_files(paths: Sequence[Path]) -> Iterator[FoundPath]:
    """Yield each YAML file under the given paths once, sorted, folders searched recursively."""
    # A file reached twice (a folder given twice, `inv` and `./inv`, a link) is yielded once, under the
    # first name it was reached by, so it is neither loaded twice nor a duplicate of itself.
    seen: set[str] = set()
    for path in paths:
        found = _walk(path, _root(path)) if path.is_dir() else iter([FoundPath(path, path.exists())])
        for item in found:
            if item.exists and item.error is None:
                resolved = os.path.realpath(item.path)
                if resolved in seen:
                    continue
                seen.add(resolved)
            yield item


FOLLOW_LINKS_ENV = "BPR_FOLLOW_LINKS"
SUBMODULE = N_(
    "it is a git submodule or another repository, whose files bpr does not read: move them into the inventory"
)


def _root(folder: Path) -> str | None:
    """Return the real path files found under `folder` must stay in, or None when links may lead anywhere.

    In CI a pull request could add `inventories/x.yaml -> /etc/...`: a link that leaves the folder given is
    not read (issue 24, item 17), as revisions already refuse it, unless `--follow-links` (BPR_FOLLOW_LINKS=1).
    """
    if os.environ.get(FOLLOW_LINKS_ENV, "").strip() == "1":
        return None
    return os.path.realpath(folder)


def _walk(folder: Path, root: str | None = None) -> Iterator[FoundPath]:
    """Yield the YAML files under a folder in sorted order, and each folder that cannot be listed."""
    # Links to folders are not followed (a link to a parent would never end), as with Path.rglob.
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield FoundPath(folder, True, os_reason(exc))
        return
    files: list[Path] = []
    folders: list[Path] = []
    for entry in entries:
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
            is_folder_link = not is_folder and entry.is_symlink() and entry.is_dir()
        except OSError:
            is_folder, is_folder_link = False, False
        if is_folder:
            folders.append(Path(entry.path))
        elif not is_folder_link and is_inventory_name(entry.name):
            files.append(Path(entry.path))
    # The same order as sorting every path found: a folder's files come where its name sorts.
    items: list[tuple[Path, bool]] = sorted([(p, False) for p in files] + [(p, True) for p in folders])
    for path, is_folder in items:
        if is_folder and os.path.lexists(path / ".git"):
            # A git submodule (or another repository): its files belong to another repository, and a revision
            # holds only its commit id, so neither is read (issue 24, item 14), and the folder says so.
            yield FoundPath(path, True, _(SUBMODULE))
        elif is_folder:
            yield from _walk(path, root)
        elif root is not None and path.is_symlink() and not _within(os.path.realpath(path), root):
            yield FoundPath(path, True, outside=os.path.realpath(path))
        else:
            yield FoundPath(path, True)


def _within(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)
