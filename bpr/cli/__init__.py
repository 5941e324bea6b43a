"""The command line: the only part of bpr that prints or exits.

Each command lives in its own module, ``bpr/cli/<name>.py``, and is registered in one line of
``bpr/cli/main.py``. This module holds what every command shares: the inventory paths argument, the
``--config`` option, the exit for usage or environment problems (exit code 2), the exit for internal
errors (exit code 3) and output that never fails on the console's encoding.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import errno
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer

from bpr.i18n import N_, _

if TYPE_CHECKING:
    from bpr.config import Config
    from bpr.inventory.problem import Problem

DEFAULT_PATHS = (Path("inventories"),)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
# When the reader of stdout goes away (`bpr score | head -1`), bpr stops quietly and exits 0, as ruff, ty,
# ripgrep and fd do: the output was cut on purpose, the run did not fail, and 1 or 2 would say that the
# inventory has errors or that bpr was misused. 141 (killed by SIGPIPE, as git and coreutils end) would fail
# every `set -o pipefail` step (GitHub Actions' bash runs with it) and means nothing on Windows.
EXIT_READER_GONE = EXIT_OK

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATHS",
        help=N_("Inventory files or folders, searched recursively for *.yaml and *.yml. Default: inventories/"),
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help=N_(
            "Configuration file. Default: the nearest bpr.yaml in the inventory's folder or above it (up to the"
            " repository's root), else in the working folder, else the built-in defaults."
        ),
        show_default=False,
    ),
]


def fail(message: str) -> NoReturn:
    """Report a usage or environment problem (a message already in the language of the run) on stderr; exit 2."""
    sys.stderr.write(f"bpr: {message}\n")
    raise typer.Exit(EXIT_USAGE)


# What the system says of a failed file operation, in the language of the run: the system's own words
# (strerror) are English on Linux and the Windows language elsewhere, whatever --lang says.
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENAMETOOLONG: N_("File name too long"),
}


def os_reason(error: OSError) -> str:
    """Return why a file operation failed, in the language of the run (the system's words when bpr has none)."""
    known = _OS_REASONS.get(error.errno) if error.errno is not None else None
    return _(known) if known is not None else str(error.strerror or error)


def not_one_of(value: str, choices: Sequence[str]) -> typer.BadParameter:
    """Return the usage error for a value that is none of an option's choices."""
    return typer.BadParameter(_("'{value}' is not one of {choices}").format(value=value, choices=", ".join(choices)))


def make_output_folder(folder: Path) -> None:
    """Create a folder to write into, or exit 2 saying why it cannot be."""
    if folder.exists() and not folder.is_dir():
        fail(_("cannot write into {folder}: it is a file, not a folder").format(folder=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(_("cannot create the folder {folder}: {reason}").format(folder=folder, reason=os_reason(exc)))


def inventory_paths(paths: list[Path] | None) -> list[Path]:
    """Return the paths to read (default inventories/), exiting with code 2 when one does not exist."""
    chosen = list(paths) if paths else list(DEFAULT_PATHS)
    missing = [str(path) for path in chosen if not path.exists()]
    if missing:
        fail(_("no such file or folder: {paths}").format(paths=", ".join(missing)))
    return chosen


def _config_file(option: Path | None, paths: Sequence[Path] = ()) -> Path | None:
    """Return the config file in force (--config, else the nearest bpr.yaml), exiting 2 when --config is missing."""
    from bpr.configfile import find_config

    if option is not None and not option.is_file():
        if option.exists():
            fail(_("{path}: is not a regular file: bpr reads the configuration from a file").format(path=option))
        fail(_("no such configuration file: {path}").format(path=option))
    return option if option is not None else find_config(paths)


def load_config_or_exit(option: Path | None, paths: Sequence[Path] = ()) -> Config:
    """Return the configuration in force (the built-in defaults without a file), or exit 2 on its errors."""
    path = _config_file(option, paths)
    if path is None:
        from bpr.config import Config

        return Config()
    return _load_config_file_or_exit(path)


def _load_config_file_or_exit(path: Path) -> Config:
    """Return the configuration a file sets, or exit 2 on its errors."""
    from bpr.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        sys.stderr.write("".join(f"{_as_config_problem(problem)}\n" for problem in exc.problems))
        fail(_("the configuration has errors"))


EMPTY_CONFIG_MESSAGE = N_(
    "is empty: a configuration file sets at least one of 'scoring', 'roadmap' or 'diagram'"
    " (`bpr config --defaults` prints them all, commented), or delete it to use the built-in defaults"
)


def _as_config_problem(problem: Problem) -> Problem:
    # The YAML reader is shared with the inventory, and its "empty" message speaks of an inventory file.
    if problem.code != "empty-file":
        return problem
    return dataclasses.replace(problem, message=_(EMPTY_CONFIG_MESSAGE))


def check_config_or_exit(option: Path | None, paths: Sequence[Path] = ()) -> dict[str, str]:
    """Exit 2 when the configuration in force has errors; without a file, import nothing (quick `bpr validate`).

    Return the config's severities of warnings (`validate.severity`), empty without a file.
    """
    path = _config_file(option, paths)
    if path is not None:
        return dict(_load_config_file_or_exit(path).validate_.severity)
    return {}


def terminal_width() -> int:
    """Return the width text output is laid out for: COLUMNS when set, else the terminal's, else 80."""
    import shutil

    return max(shutil.get_terminal_size((80, 24)).columns, 40)


def wrapped(text: str, width: int, indent: str = "", hanging: int = 0) -> str:
    """Return text broken into lines of a width (Japanese by phrase), the lines after the first indented more."""
    from bpr.linebreak import wrap

    lines = wrap(text, max(width - len(indent) - hanging, 20), max_lines=1_000_000, hang=False)
    return "\n".join(indent + (" " * hanging if index else "") + line for index, line in enumerate(lines)) + "\n"


def emit(write: Callable[[TextIO], object], *, utf8: bool = False) -> None:
    """Run a writer on stdout (UTF-8 bytes with utf8): a reader gone stops quietly (exit 0), a full disk exits 2."""
    with _writing_stdout():
        if utf8:
            _write_utf8(write)
        else:
            write(sys.stdout)
            sys.stdout.flush()


def emit_blocks(blocks: Iterable[bytes]) -> None:
    """Write UTF-8 blocks to stdout as they come (a stream too large to hold), with `emit`'s exits."""
    with _writing_stdout():
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a stream with no bytes below it (an embedding program's): text, as `emit` writes
            for block in blocks:
                sys.stdout.write(block.decode("utf-8"))
            sys.stdout.flush()
            return
        for block in blocks:
            buffer.write(block)
        buffer.flush()


@contextlib.contextmanager
def _writing_stdout() -> Iterator[None]:
    """Turn a failed write to stdout into an exit: a reader gone stops quietly (exit 0), a full disk exits 2."""
    try:
        yield
    except OSError as exc:
        if reader_gone(exc):
            stop_for_gone_reader()
        fail(_("cannot write the output: {reason}").format(reason=os_reason(exc)))


def reader_gone(error: BaseException) -> bool:
    """Tell whether an error of writing to stdout means that its reader went away (`| head`, a closed pager)."""
    if isinstance(error, BrokenPipeError) or (isinstance(error, OSError) and error.errno == errno.EPIPE):
        return True
    # A Windows pipe whose reader closed fails a write with EINVAL as often as with EPIPE (CPython bpo-35754);
    # an invalid file name fails with EINVAL too, but names the file.
    return os.name == "nt" and isinstance(error, OSError) and error.errno == errno.EINVAL and error.filename is None


def stdout_reader_gone() -> bool:
    """Tell whether stdout is a pipe that nobody reads any more: on POSIX it polls as an error; elsewhere, assume so."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    import select

    if not hasattr(select, "poll"):
        return True  # Windows: a broken pipe there is the reader's only way to fail a write
    poll = select.poll()
    poll.register(descriptor, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poll.poll(0))


def stop_for_gone_reader() -> NoReturn:
    """Stop quietly because the reader of stdout went away: nothing on stderr, exit EXIT_READER_GONE (0)."""
    # Python would flush what is left at exit into the closed pipe, and complain: stdout goes to the null device.
    silence_stdout()
    raise typer.Exit(EXIT_READER_GONE)


def _write_utf8(write: Callable[[TextIO], object]) -> None:
    # Machine formats (JSON, CSV, workflow commands) are UTF-8 whatever the console's encoding (cp932 on a
    # Japanese Windows), so that a consumer decodes them one way and no character is lost.
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a stream with no bytes below it (an embedding program's): text is all it takes
        write(sys.stdout)
        sys.stdout.flush()
        return
    text = io.StringIO()
    write(text)
    sys.stdout.flush()
    buffer.write(text.getvalue().encode("utf-8", errors="replace"))
    buffer.flush()


def silence_stdout() -> None:
    """Point stdout at the null device, so that a closed pipe raises nothing more at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# What a console's encoding lacks, written as the nearest character it has: cp932 (a Japanese Windows console)
# has no em dash, en dash, ≤ or ≥, but has ―, ≦ and ≧. Any other character it lacks becomes its letter without
# accents when that fits (é → e), else "?" (𠮷).
CONSOLE_ERRORS = "bpr-console"
_NEAREST = {
    "\u2014": "\u2015",  # — em dash → ― horizontal bar
    "\u2013": "-",  # – en dash
    "\u2011": "-",  # non-breaking hyphen
    "\u2264": "\u2266",  # ≤ → ≦
    "\u2265": "\u2267",  # ≥ → ≧
    "\u00a0": " ",  # no-break space
}


def _nearest(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    import unicodedata

    shown = []
    for character in error.object[error.start : error.end]:
        candidates = [_NEAREST.get(character, ""), unicodedata.normalize("NFKD", character)[:1]]
        fits = [c for c in candidates if c and _encodes(c, error.encoding)]
        shown.append(fits[0] if fits else "?")
    return "".join(shown), error.end


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


codecs.register_error(CONSOLE_ERRORS, _nearest)


def use_safe_streams() -> None:
    """Make stdout and stderr write what their encoding lacks as the nearest it has (— as ― on cp932), or "?"."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors in ("strict", "replace"):
            # A closed stream, or one that forbids it, is left as it is.
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors=CONSOLE_ERRORS)


def debug_requested(option: bool) -> bool:
    """Tell whether tracebacks are wanted: --debug, or BPR_DEBUG set to anything but 0."""
    return option or os.environ.get("BPR_DEBUG", "").strip() not in ("", "0")


def report_internal_error(exc: BaseException, debug: bool) -> NoReturn:
    """Report a bug in one line on stderr (after the traceback under debug) and exit with code 3."""
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    detail = " ".join(str(exc).split())
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    if debug:
        message = _(
            "internal error (a bug in bpr, not a problem of your inventory): {error}; "
            "please report it to the bpr maintainers with the command you ran"
        )
    else:
        message = _(
            "internal error (a bug in bpr, not a problem of your inventory): {error}; "
            "please report it to the bpr maintainers with the command you ran "
            "and the traceback that `bpr --debug ...` (or BPR_DEBUG=1) prints"
        )
    sys.stderr.write(f"bpr: {message.format(error=what)}\n")
    raise typer.Exit(EXIT_INTERNAL)


def _plain_help_types() -> None:
    """Make --help name what a parameter takes in words (PATHS, --output OUTPUT), never a Python type.

    Typer prints an argument's annotation beside it (`PATHS <list[Path]>`) and an option's type without
    a metavar (`--output <path>`); a city's staff read `--help`, not Python. An option given a metavar
    keeps it; a flag shows nothing; any other option shows its name in capitals, as click does.
    """
    from typer import core

    def argument_type(self: core.TyperArgument, ctx: object) -> str | None:  # noqa: ARG001 (click's signature)
        return None

    def option_type(self: core.TyperOption, ctx: object) -> str | None:  # noqa: ARG001 (click's signature)
        if self.metavar is not None:
            return self.metavar
        if self.is_flag or self.count:
            return None
        name = (self.name or "value").upper()
        return f"{name}..." if self.multiple else name

    core.TyperArgument.display_type_rich = argument_type  # type: ignore[method-assign,assignment]
    core.TyperOption.display_type_rich = option_type  # type: ignore[method-assign]


_plain_help_types()
