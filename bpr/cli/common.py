"""What every analysing command shares: loading the inventory and the config, and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from bpr.cli import DEFAULT_PATHS, EXIT_PROBLEMS, EXIT_USAGE
from bpr.inventory.problem import Problem, Severity

if TYPE_CHECKING:
    # Imported where used: command modules import this one at start-up, `bpr --help` included.
    from bpr.config import Config
    from bpr.inventory.loader import Inventory


class CommandError(Exception):
    """A problem that ends a command with an exit code and a message for stderr."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass
class Loaded:
    """An inventory with its problems and the config to analyse it with."""

    inventory: Inventory
    problems: list[Problem]
    config: Config

    @property
    def errors(self) -> list[Problem]:
        """Return the error problems."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


def load_for_analysis(paths: Sequence[Path] | None, config_path: Path | None) -> Loaded:
    """Load config and inventory; raise CommandError (exit 2) for missing paths or a bad config, (exit 1) for errors."""
    from bpr.config import ConfigError, load_config, resolve_config_path
    from bpr.inventory.loader import load_inventory

    chosen = list(paths) if paths else list(DEFAULT_PATHS)
    missing = [p for p in chosen if not p.exists()]
    if missing:
        raise CommandError("\n".join(f"{p}: no such file or folder" for p in missing), EXIT_USAGE)
    if config_path is not None and not config_path.is_file():
        raise CommandError(f"bpr: no such configuration file: {config_path}", EXIT_USAGE)
    try:
        config = load_config(resolve_config_path(config_path))
    except ConfigError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    inventory, path_problems = load_inventory(chosen)
    if not inventory.files:
        raise CommandError(f"no inventory files (*.yaml, *.yml) under {' '.join(map(str, chosen))}", EXIT_USAGE)
    problems = sorted(path_problems + inventory.problems)
    loaded = Loaded(inventory, problems, config)
    if loaded.errors:
        text = "\n".join(str(p) for p in loaded.errors)
        raise CommandError(
            f"{text}\nthe inventory has {len(loaded.errors)} errors: run `bpr validate` and fix them", EXIT_PROBLEMS
        )
    return loaded


def exit_with(error: CommandError) -> NoReturn:
    """Print a command error on stderr and exit with its code."""
    sys.stderr.write(error.message.rstrip("\n") + "\n")
    raise SystemExit(error.exit_code)


def load_or_exit(paths: Sequence[Path] | None, config_path: Path | None) -> Loaded:
    """Return what `load_for_analysis` loads, or print its error and exit with its code."""
    try:
        return load_for_analysis(paths, config_path)
    except CommandError as error:
        exit_with(error)
