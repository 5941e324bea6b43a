"""A wheelhouse for this machine's Linux and Python, made once per test session by scripts/wheelhouse.py.

Making it is the one step of the packaging tests that reaches the package registry (pip download); every
install from it runs with no index and no pip configuration, as inside LGWAN. Set BPR_SKIP_REGISTRY=1 on a
machine without the registry to skip the tests that need it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT

_made: dict[str, Path] = {}


def linux_wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder of the wheels bpr needs on this Linux and Python (bpr's own included), made once."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return made_wheelhouse(tmp_path_factory, ["linux"], [python])


def made_wheelhouse(tmp_path_factory: pytest.TempPathFactory, platforms: list[str], pythons: list[str]) -> Path:
    """Return a wheelhouse scripts/wheelhouse.py made for these platforms and Pythons, once per session."""
    if os.environ.get("BPR_SKIP_REGISTRY") == "1":
        pytest.skip("making a wheelhouse needs the package registry, and BPR_SKIP_REGISTRY=1")
    key = " ".join([*platforms, *pythons])
    if key not in _made:
        folder = tmp_path_factory.mktemp("wheelhouse")
        command = [sys.executable, str(ROOT / "scripts" / "wheelhouse.py"), "-o", str(folder)]
        for platform in platforms:
            command += ["--platform", platform]
        for python in pythons:
            command += ["--python", python]
        made = subprocess.run(command, capture_output=True, text=True, check=False)
        assert made.returncode == 0, made.stdout + made.stderr
        _made[key] = folder
    return _made[key]


def offline_env(wheelhouse: Path, **extra: str) -> dict[str, str]:
    """Return this process's environment with pip told to use the wheelhouse alone: no index, no config files."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse), **extra)
    return env


@cache
def load_script(name: str) -> ModuleType:
    """Import scripts/NAME.py as a module (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location(f"bpr_script_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up while the class is made
    spec.loader.exec_module(module)
    return module
