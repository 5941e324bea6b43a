"""`bpr doctor`: check the environment: Graphviz `dot`, Japanese fonts, Python, packages and the YAML parser."""

from __future__ import annotations

import enum
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import typer

from bpr.cli import EXIT_OK, EXIT_USAGE, ConfigOption
from bpr.export.fonts import INSTALL_COMMAND, japanese_fonts

# The dependencies in pyproject.toml, for when bpr runs from a source tree without being installed.
PACKAGES = ("typer", "pydantic", "ruamel.yaml", "ruamel.yaml.clib", "networkx", "openpyxl", "rich")
RENDER_CHECK = 'digraph doctor { a [label="申請書"] }'


class Status(enum.Enum):
    """How a check came out: a failure (something needed is missing or broken) makes `bpr doctor` exit 2."""

    OK = "ok"
    WARNING = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    status: Status
    detail: str


def doctor(config: ConfigOption = None) -> None:
    """Check the environment: Graphviz dot, Japanese fonts, Python and package versions, the YAML C parser."""
    from bpr.config import resolve_config_path

    config_check, font = check_config(resolve_config_path(config))
    checks = [check_dot(), check_fonts(font), config_check, check_python(), *check_packages(), check_yaml_parser()]
    width = max(len(check.name) for check in checks)
    for check in checks:
        typer.echo(f"{check.status.value:<4}  {check.name:<{width}}  {check.detail}")
    failed = [check.name for check in checks if check.status is Status.FAIL]
    if failed:
        typer.echo(f"bpr: not ready: {', '.join(failed)} (Graphviz and fonts: {INSTALL_COMMAND})", err=True)
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_OK)


def check_dot() -> Check:
    """Return whether Graphviz `dot` is on PATH, its version, and which of svg, png and pdf it can write."""
    dot = shutil.which("dot")
    if dot is None:
        return Check("graphviz dot", Status.FAIL, f"not on PATH (needed for svg, png, pdf): {INSTALL_COMMAND}")
    try:
        version = subprocess.run([dot, "-V"], capture_output=True, text=True, errors="replace", timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Check("graphviz dot", Status.FAIL, f"{dot} does not run: {error}")
    text = (version.stderr or version.stdout).strip()
    formats = [fmt for fmt in ("svg", "png", "pdf") if _renders(dot, fmt)]
    lacking = [fmt for fmt in ("svg", "png", "pdf") if fmt not in formats]
    detail = f"{dot} ({text}); renders {', '.join(formats) or 'nothing'}"
    if "svg" not in formats:
        return Check("graphviz dot", Status.FAIL, detail)
    if lacking:
        return Check(
            "graphviz dot", Status.WARNING, f"{detail}; cannot write {', '.join(lacking)} (install the cairo plugin)"
        )
    return Check("graphviz dot", Status.OK, detail)


def _renders(dot: str, fmt: str) -> bool:
    try:
        result = subprocess.run([dot, f"-T{fmt}"], input=RENDER_CHECK.encode(), capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and bool(result.stdout)


def check_fonts(configured: str) -> Check:
    """Return the Japanese fonts fontconfig knows, and whether the configured diagram font is among them."""
    fonts = japanese_fonts()
    if fonts is None:
        return Check("japanese fonts", Status.FAIL, f"fontconfig (fc-list) is not available: {INSTALL_COMMAND}")
    if not fonts:
        return Check("japanese fonts", Status.FAIL, f"fontconfig knows no Japanese font: {INSTALL_COMMAND}")
    listed = ", ".join(fonts)
    if configured not in fonts:
        return Check(
            "japanese fonts",
            Status.WARNING,
            f"configured font '{configured}' is not installed (PNG/PDF use another Japanese font); known: {listed}",
        )
    return Check("japanese fonts", Status.OK, f"configured '{configured}' is installed; known: {listed}")


def check_python() -> Check:
    """Return the Python version and executable."""
    return Check("python", Status.OK, f"{platform.python_version()} ({sys.executable})")


def check_packages() -> list[Check]:
    """Return bpr's version and that of each package it needs."""
    checks = [Check("bpr", Status.OK, _version("bpr") or "not installed as a package (running from source)")]
    for package in _dependencies():
        version = _version(package)
        status = Status.OK if version else Status.FAIL
        checks.append(Check(package, status, version or "not installed: pip install -e ."))
    return checks


def check_yaml_parser() -> Check:
    """Return which YAML parser bpr uses: the C extension, or the slower pure-Python fallback."""
    from bpr.inventory.yamlfile import parser_class_name

    name = parser_class_name()
    if name == "CParser":
        return Check("yaml parser", Status.OK, "CParser (ruamel.yaml C extension)")
    return Check(
        "yaml parser", Status.WARNING, f"{name}: pure Python, several times slower; pip install ruamel.yaml.clib"
    )


def _dependencies() -> list[str]:
    try:
        requirements = metadata.requires("bpr") or []
    except metadata.PackageNotFoundError:
        return list(PACKAGES)
    names = []
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if match and "extra ==" not in requirement:
            names.append(match.group(0))
    return names or list(PACKAGES)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def check_config(path: Path | None) -> tuple[Check, str]:
    """Return whether the configuration loads, and the diagram font it sets."""
    from bpr.config import Config, ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as error:
        return Check("config", Status.FAIL, f"{path} has errors:\n{error}"), Config().diagram.font
    return Check(
        "config", Status.OK, str(path) if path else "built-in defaults (no bpr.yaml here)"
    ), config.diagram.font
