"""`bpr doctor`: check the environment: Graphviz `dot`, Japanese fonts, Python, packages and the YAML parser.

It knows Linux (fontconfig, apt) and Windows (the font registry and folders, `dot.exe` in Graphviz's
install folder when the installer did not put it on PATH). Platform checks go through
`bpr.export.fonts.on_windows()`, so that tests can play Windows on any system.
"""

from __future__ import annotations

import enum
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import typer

from bpr import DISTRIBUTION
from bpr.cli import EXIT_OK, EXIT_USAGE, ConfigOption
from bpr.cli.session import is_quiet
from bpr.export import fonts
from bpr.i18n import N_, _

# The dependencies in pyproject.toml, for when bpr runs from a source tree without being installed.
PACKAGES = ("typer", "pydantic", "ruamel.yaml", "ruamel.yaml.clib", "networkx", "openpyxl", "rich")
# The name `bpr` on the package index is another project's (bpr itself is installed as DISTRIBUTION).
OTHER_BPR = "bpr"
RENDER_CHECK = 'digraph doctor { a [label="申請書"] }'

DOT = N_("graphviz dot")
FONTS = N_("japanese fonts")
CONFIG = N_("config")
YAML_PARSER = N_("yaml parser")


class Status(enum.Enum):
    """How a check came out: a failure (something needed is missing or broken) makes `bpr doctor` exit 2.

    The words stay as they are in every language, like a problem's severity: scripts look for FAIL.
    """

    OK = "ok"
    WARNING = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    """One line of the report: its name is a message id (or a package name), said in the run's language."""

    name: str
    status: Status
    detail: str


def doctor(config: ConfigOption = None) -> None:
    """Check the environment: Graphviz dot, Japanese fonts, Python and package versions, the YAML C parser."""
    from bpr.configfile import resolve_config_path

    config_check, font = check_config(resolve_config_path(config))
    checks = [check_dot(), check_fonts(font), config_check, check_python(), *check_packages(), check_yaml_parser()]
    typer.echo(report_lines(checks, quiet=is_quiet()), nl=False)
    failed = [_(check.name) for check in checks if check.status is Status.FAIL]
    if failed:
        # Windows has Japanese fonts of its own; Linux installs them with Graphviz (fonts.INSTALL_COMMAND).
        if fonts.on_windows():
            message = _("bpr: not ready: {checks} (Graphviz: {install})")
        else:
            message = _("bpr: not ready: {checks} (Graphviz and fonts: {install})")
        typer.echo(message.format(checks=", ".join(failed), install=install_hint()), err=True)
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_OK)


def report_lines(checks: list[Check], quiet: bool = False) -> str:
    """Return one aligned line per check (under quiet, only those that are not ok)."""
    from rich.cells import cell_len

    names = [_(check.name) for check in checks]
    # Japanese names take two columns a character: pad by the cells a terminal shows, not by characters.
    width = max(cell_len(name) for name in names)
    return "".join(
        f"{check.status.value:<4}  {name}{' ' * (width - cell_len(name))}  {check.detail}\n"
        for check, name in zip(checks, names, strict=True)
        if not (quiet and check.status is Status.OK)
    )


def install_hint() -> str:
    """Return how to install Graphviz (and, on Linux, a Japanese font) on this system."""
    if fonts.on_windows():
        return _("`{command}` or the installer from graphviz.org, then add its bin folder to PATH").format(
            command=fonts.WINDOWS_INSTALL_COMMAND
        )
    return fonts.INSTALL_COMMAND


def check_dot() -> Check:
    """Return whether Graphviz `dot` is on PATH, its version, and which of svg, png and pdf it can write."""
    dot = shutil.which("dot")
    if dot is None:
        installed = installed_dot() if fonts.on_windows() else None
        if installed is not None:
            return Check(
                DOT,
                Status.FAIL,
                _("not on PATH, but installed at {path}: add {folder} to PATH, then open a new terminal").format(
                    path=installed, folder=installed.parent
                ),
            )
        return Check(
            DOT, Status.FAIL, _("not on PATH (needed for svg, png, pdf): {install}").format(install=install_hint())
        )
    try:
        version = subprocess.run([dot, "-V"], capture_output=True, text=True, errors="replace", timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Check(DOT, Status.FAIL, _("{dot} does not run: {error}").format(dot=dot, error=error))
    text = (version.stderr or version.stdout).strip()
    formats = [fmt for fmt in ("svg", "png", "pdf") if _renders(dot, fmt)]
    lacking = [fmt for fmt in ("svg", "png", "pdf") if fmt not in formats]
    if formats:
        detail = _("{dot} ({version}); renders {formats}").format(dot=dot, version=text, formats=", ".join(formats))
    else:
        detail = _("{dot} ({version}); renders nothing").format(dot=dot, version=text)
    if "svg" not in formats:
        return Check(DOT, Status.FAIL, detail)
    if lacking:
        return Check(
            DOT,
            Status.WARNING,
            _("{detail}; cannot write {formats} (install the cairo plugin)").format(
                detail=detail, formats=", ".join(lacking)
            ),
        )
    return Check(DOT, Status.OK, detail)


def graphviz_folders(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Return the folders Graphviz's Windows installers put `dot.exe` in: Program Files (both), the user's programs.

    Releases before 2.40 installed into a versioned folder (Graphviz2.38), hence the pattern.
    """
    env = os.environ if environ is None else environ
    roots = [env.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    local = env.get("LOCALAPPDATA")
    if local:
        roots.append(str(Path(local) / "Programs"))
    folders: list[Path] = []
    for root in dict.fromkeys(root for root in roots if root):
        base = Path(root)
        for folder in [base / "Graphviz" / "bin", *sorted(base.glob("Graphviz*/bin"))]:
            if folder not in folders:
                folders.append(folder)
    return folders


def installed_dot(environ: Mapping[str, str] | None = None) -> Path | None:
    """Return the `dot.exe` of a Graphviz installed in its usual folder on Windows, or None."""
    return next((folder / "dot.exe" for folder in graphviz_folders(environ) if (folder / "dot.exe").is_file()), None)


def _renders(dot: str, fmt: str) -> bool:
    try:
        result = subprocess.run([dot, f"-T{fmt}"], input=RENDER_CHECK.encode(), capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and bool(result.stdout)


def check_fonts(configured: str) -> Check:
    """Return the Japanese fonts the system knows, and whether the configured diagram font is among them."""
    found = fonts.japanese_fonts()
    if fonts.on_windows():
        folders = ", ".join(map(str, fonts.windows_font_folders()))
        if found is None:
            return Check(FONTS, Status.FAIL, _("cannot read the font registry nor {folders}").format(folders=folders))
        if not found:
            return Check(
                FONTS,
                Status.FAIL,
                _(
                    "Windows knows no Japanese font (registry, {folders}): "
                    "add the optional feature 'Japanese Supplemental Fonts' in Settings"
                ).format(folders=folders),
            )
    elif found is None:
        return Check(
            FONTS,
            Status.FAIL,
            _("fontconfig (fc-list) is not available: {install}").format(install=fonts.INSTALL_COMMAND),
        )
    elif not found:
        return Check(
            FONTS, Status.FAIL, _("fontconfig knows no Japanese font: {install}").format(install=fonts.INSTALL_COMMAND)
        )
    listed = ", ".join(f"'{name}'" for name in found)
    if configured not in found:
        return Check(
            FONTS,
            Status.WARNING,
            _("configured font '{font}' is not installed (PNG/PDF are drawn with '{fallback}'); known: {fonts}").format(
                font=configured, fallback=fonts.resolve_font(configured, found), fonts=listed
            ),
        )
    return Check(
        FONTS, Status.OK, _("configured '{font}' is installed; known: {fonts}").format(font=configured, fonts=listed)
    )


def check_python() -> Check:
    """Return the Python version and executable."""
    return Check("python", Status.OK, f"{platform.python_version()} ({sys.executable})")


def check_packages() -> list[Check]:
    """Return bpr's version and that of each package it needs, and warn of another project named bpr."""
    checks = [
        Check(DISTRIBUTION, Status.OK, _version(DISTRIBUTION) or _("not installed as a package (running from source)"))
    ]
    other = _version(OTHER_BPR)
    if other is not None:
        # `pip install bpr` installs "BPR - Base Program Language", whose own bpr/ package replaces this one's.
        message = _(
            "another project's distribution '{name}' {version} is installed; its bpr/ package may replace"
            " this one's files: pip uninstall {name}, then install {distribution} again"
        )
        checks.append(
            Check(OTHER_BPR, Status.WARNING, message.format(name=OTHER_BPR, version=other, distribution=DISTRIBUTION))
        )
    for package in _dependencies():
        version = _version(package)
        status = Status.OK if version else Status.FAIL
        checks.append(Check(package, status, version or _("not installed: pip install -e .")))
    return checks


def check_yaml_parser() -> Check:
    """Return which YAML parser bpr uses: the C extension, or the slower pure-Python fallback."""
    from bpr.inventory.yamlfile import parser_class_name

    name = parser_class_name()
    if name == "CParser":
        return Check(YAML_PARSER, Status.OK, _("CParser (ruamel.yaml C extension)"))
    return Check(
        YAML_PARSER,
        Status.WARNING,
        _("{parser}: pure Python, several times slower; pip install ruamel.yaml.clib").format(parser=name),
    )


def _dependencies() -> list[str]:
    from importlib import metadata  # imported here: its import costs every command's start-up 10 %

    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return list(PACKAGES)
    names = []
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if match and "extra ==" not in requirement:
            names.append(match.group(0))
    return names or list(PACKAGES)


def _version(distribution: str) -> str | None:
    from importlib import metadata

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
        return Check(CONFIG, Status.FAIL, _("{path} has errors:\n{problems}").format(path=path, problems=error)), (
            Config().diagram.font
        )
    return Check(
        CONFIG, Status.OK, str(path) if path else _("built-in defaults (no bpr.yaml here)")
    ), config.diagram.font
