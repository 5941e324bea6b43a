"""What every analysing command shares: the inventory and the config, loaded or the command ends."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bpr.cli import EXIT_PROBLEMS, fail, inventory_paths, load_config_or_exit
from bpr.i18n import _, ngettext
from bpr.inventory.problem import Problem

if TYPE_CHECKING:
    # Imported where used: command modules import this one at start-up, `bpr --help` included.
    from bpr.config import Config
    from bpr.inventory.loader import Inventory


@dataclass
class Loaded:
    """An inventory without errors, its warnings and the config to analyse it with."""

    inventory: Inventory
    problems: list[Problem]
    config: Config


def load_or_exit(paths: Sequence[Path] | None, config_path: Path | None) -> Loaded:
    """Load config and inventory; exit 2 for missing paths or a bad config, 1 when the inventory has errors."""
    from bpr.export.edition import created_on
    from bpr.inventory.loader import load_inventory
    from bpr.inventory.problem import Severity

    chosen = inventory_paths(list(paths) if paths else None)
    try:
        created_on()  # 作成日 of every output: a SOURCE_DATE_EPOCH that is no date is a usage problem, said first
    except ValueError as exc:
        fail(str(exc))
    config = load_config_or_exit(config_path, chosen)
    inventory, path_problems = load_inventory(chosen)
    inventory.apply_severities(config.validate_.severity)
    if not inventory.files:
        fail(
            _("no-inventory: no YAML file (*.yaml, *.yml) found under {paths}").format(
                paths=", ".join(map(str, chosen))
            )
        )
    problems = sorted(path_problems + inventory.problems)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        sys.stderr.write("".join(f"{p}\n" for p in errors))
        count = len(errors)
        sys.stderr.write(
            ngettext(
                "the inventory has {count} error: run `bpr validate` and fix it",
                "the inventory has {count} errors: run `bpr validate` and fix them",
                count,
            ).format(count=count)
            + "\n"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    return Loaded(inventory, problems, config)
