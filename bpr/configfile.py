"""Which bpr.yaml applies to an inventory: found upward from it, as ruff and yamllint find theirs.

Standard library only: a command that finds no config file (a quick `bpr validate`) imports none of the
config's models (bpr/config.py), a third of its start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

CONFIG_NAME = "bpr.yaml"


def find_config(paths: Sequence[Path] = (), cwd: Path | None = None) -> Path | None:
    """Return the bpr.yaml that applies to an inventory: the nearest one upward from its first path, as ruff does.

    The search goes from the first path's folder up to the root of its git repository (the folder that holds
    `.git`) or of the file system; with no inventory path, or none found above it, bpr.yaml in the working
    folder. A path under the working folder is returned relative to it, as the user would type it.
    """
    here = (cwd or Path.cwd()).absolute()
    starts = [(here / paths[0]).absolute()] if paths else []
    for start in starts:
        folder = start if start.is_dir() else start.parent
        for candidate_folder in (folder, *folder.parents):
            candidate = candidate_folder / CONFIG_NAME
            if candidate.is_file():
                return _shown(candidate, here)
            if (candidate_folder / ".git").exists():
                break
    fallback = here / CONFIG_NAME
    return _shown(fallback, here) if fallback.is_file() else None


def _shown(path: Path, cwd: Path) -> Path:
    try:
        return path.relative_to(cwd)
    except ValueError:
        return path


def resolve_config_path(option: Path | None, cwd: Path | None = None, paths: Sequence[Path] = ()) -> Path | None:
    """Return the config file to use: the option, else the nearest bpr.yaml (find_config)."""
    if option is not None:
        return option
    return find_config(paths, cwd)
