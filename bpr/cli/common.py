"""What every analysing command shares: the inventory and the config, loaded or the command ends."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from bpr.cli import EXIT_PROBLEMS, fail, inventory_paths, load_config_or_exit
from bpr.i18n import _, ngettext
from bpr.inventory.problem import Problem

if TYPE_CHECKING:
    # Imported where used: command modules import this one at start-up, `bpr --help` included.
    from bpr.analysis.pipeline import ScoredFiles
    from bpr.config import Config
    from bpr.export.score_lines import RankedLines
    from bpr.inventory.loader import Inventory
    from bpr.inventory.records import LoadedFile


@dataclass
class Loaded:
    """An inventory without errors, its warnings and the config to analyse it with."""

    inventory: Inventory
    problems: list[Problem]
    config: Config
    scored: ScoredFiles | None = None  # the procedures scored while loading, for analyse_inventory


def load_or_exit(paths: Sequence[Path] | None, config_path: Path | None) -> Loaded:
    """Load config and inventory; exit 2 for missing paths or a bad config, 1 when the inventory has errors."""
    from bpr.analysis.pipeline import ScoredFiles
    from bpr.inventory.loader import load_inventory

    chosen, config = _paths_and_config(paths, config_path)
    scored = ScoredFiles(config)
    inventory, path_problems = load_inventory(chosen, on_file=scored)
    inventory.apply_severities(config.validate_.severity)
    if not inventory.files:
        fail_without_files(chosen)
    problems = sorted(path_problems + inventory.problems)
    exit_on_errors(problems)
    return Loaded(inventory, problems, config, scored)


def _paths_and_config(paths: Sequence[Path] | None, config_path: Path | None) -> tuple[list[Path], Config]:
    """Return the inventory paths and the config in force, or exit 2 (a path missing, a bad config or date)."""
    from bpr.export.edition import created_on

    chosen = inventory_paths(list(paths) if paths else None)
    try:
        created_on()  # 作成日 of every output: a SOURCE_DATE_EPOCH that is no date is a usage problem, said first
    except ValueError as exc:
        fail(str(exc))
    return chosen, load_config_or_exit(config_path, chosen)


def exit_on_errors(problems: Sequence[Problem]) -> None:
    """Print the errors among problems and exit 1, when there is any."""
    from bpr.inventory.problem import Severity

    errors = sorted(p for p in problems if p.severity is Severity.ERROR)
    if not errors:
        return
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


def fail_without_files(paths: Sequence[Path]) -> NoReturn:
    """Exit 2: no inventory file under the paths given."""
    fail(_("no-inventory: no YAML file (*.yaml, *.yml) found under {paths}").format(paths=", ".join(map(str, paths))))


def score_lines_or_exit(paths: Sequence[Path] | None, config_path: Path | None) -> RankedLines:
    """Load and score an inventory, each file as it comes, keeping only each procedure's line and sort key.

    The same checks and exits as `load_or_exit` (the cross-file rules too, on what each file declares), without
    holding the inventory: memory grows with the number of procedures by a sort key each, not by their models.
    """
    from bpr.export.score_lines import RankedLines
    from bpr.inventory import loader
    from bpr.inventory.codes import apply_severities
    from bpr.inventory.problem import Severity

    chosen, config = _paths_and_config(paths, config_path)
    severity = config.validate_.severity
    lines = RankedLines(config)
    errors: list[Problem] = []

    def take(loaded: LoadedFile) -> None:
        # Each file as soon as it is loaded, while the workers parse the next; then the stream keeps its facts only.
        errors.extend(p for p in apply_severities(loaded.problems, severity) if p.severity is Severity.ERROR)
        if not errors:  # after the first error nothing is scored: the rest is only checked
            lines.add(loaded)

    # One batch (one pool, no core idle between batches): no model outlives `take`, so memory does not grow with it.
    stream = loader.InventoryStream(chosen, batch_bytes=None, on_file=take, then_facts=True)
    try:
        facts = list(stream)
        if not facts:
            fail_without_files(chosen)
        loader.run_inventory_rules(facts)
        errors += [p for loaded in facts for p in apply_severities(loaded.problems, severity)]
        exit_on_errors(stream.path_problems + errors)
    except BaseException:
        lines.close()
        raise
    return lines
