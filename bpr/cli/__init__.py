"""The command line: the only part of bpr that prints or exits.

Each command lives in its own module, ``bpr/cli/<name>.py``, and is registered in one line of
``bpr/cli/main.py``. This module holds what every command shares: the inventory paths argument, the
``--config`` option and the exit for usage or environment problems (exit code 2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer

if TYPE_CHECKING:
    from bpr.config import Config

DEFAULT_PATHS = (Path("inventories"),)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATHS",
        help="Inventory files or folders, searched recursively for *.yaml and *.yml. Default: inventories/",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Configuration file. Default: bpr.yaml in the working folder when present, else the built-in defaults.",
        show_default=False,
    ),
]


def fail(message: str) -> NoReturn:
    """Report a usage or environment problem on stderr and exit with code 2."""
    sys.stderr.write(f"bpr: {message}\n")
    raise typer.Exit(EXIT_USAGE)


def inventory_paths(paths: list[Path] | None) -> list[Path]:
    """Return the paths to read (default inventories/), exiting with code 2 when one does not exist."""
    chosen = list(paths) if paths else list(DEFAULT_PATHS)
    missing = [str(path) for path in chosen if not path.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    return chosen


def _config_file(option: Path | None) -> Path | None:
    """Return the config file in force (--config, else bpr.yaml when present), exiting 2 when --config is missing."""
    if option is not None and not option.is_file():
        fail(f"no such configuration file: {option}")
    path = option if option is not None else Path("bpr.yaml")
    return path if path.is_file() else None


def load_config_or_exit(option: Path | None) -> Config:
    """Return the configuration in force (the built-in defaults without a file), or exit 2 on its errors."""
    from bpr.config import Config, ConfigError, load_config

    path = _config_file(option)
    if path is None:
        return Config()
    try:
        return load_config(path)
    except ConfigError as exc:
        sys.stderr.write("".join(f"{problem}\n" for problem in exc.problems))
        fail("the configuration has errors")


def check_config_or_exit(option: Path | None) -> None:
    """Exit 2 when the configuration in force has errors; without a file, import nothing (quick `bpr validate`)."""
    if _config_file(option) is not None:
        load_config_or_exit(option)


def emit(write: Callable[[TextIO], object]) -> None:
    """Run a writer on stdout, turning an output failure (closed pipe, full disk) into exit code 2."""
    try:
        write(sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`bpr validate | head`): silence the flush Python tries again at exit.
        _silence_stdout()
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as exc:
        fail(f"cannot write the output: {exc.strerror or exc}")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
