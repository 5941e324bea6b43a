"""The set-up commands of the README for Windows (and any system with Python): `scripts/dev` without bash.

    py scripts\\dev.py build      the main job: bpr build inventories/ -o out/
    py scripts\\dev.py test       ruff, mypy, the test suite, and bpr validate inventories/
    py scripts\\dev.py min-deps   bpr at the lowest versions pyproject.toml allows (constraints-min.txt), smoke-tested
    py scripts\\dev.py smoke      bpr at the locked versions (constraints.txt) in a scratch venv, smoke-tested
    py scripts\\dev.py build --dry-run    say what would be done, do nothing

Each creates the virtual environment `.venv` when it is missing, installs bpr into it (editable, at the
versions of constraints.txt) when pyproject.toml or constraints.txt changed, checks Graphviz and a Japanese
font and says how to install what is missing, then runs. A `.venv` whose last install did not finish is made
again. Without internet (LGWAN), a folder `wheelhouse/` made by scripts/wheelhouse.py is used instead of the
package registry (docs/offline.md): it is checked against its checksum list first, and a wheelhouse made for
other Python versions than the one of `.venv` is named as such before pip is asked anything.

CI runs `min-deps` with the oldest Python bpr supports and `smoke` with the newest it has (.ci/run): the
min and max runs.

Standard library only, so that a fresh Python runs it. It needs no administrator rights: it installs no
system software (scripts/dev does, through apt, on Linux); it tells what to install and how.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath

ROOT = Path(__file__).resolve().parents[1]
# The Python versions bpr supports: its floor (requires-python) to the newest it is tested on, as
# scripts/wheelhouse.py's PYTHONS.
MIN_PYTHON = (3, 11)
MAX_PYTHON = (3, 14)
STAMP = ".bpr-installed"  # the same file, holding the same hash, as scripts/dev's
# `bpr` on the package index is an unrelated project whose bpr/ package would replace this one's files: a
# venv that has it (installed by that name, or this project before it was renamed) loses it before the install.
OTHER_BPR = "bpr"
EXIT_USAGE = 2
# Font files of the Japanese fonts that Windows ships (MS ゴシック, メイリオ, 游ゴシック, BIZ UDゴシック …).
WINDOWS_JAPANESE_FONTS = (
    "msgothic.ttc",
    "meiryo.ttc",
    "YuGothR.ttc",
    "YuGothM.ttc",
    "BIZ-UDGothicR.ttc",
    "msmincho.ttc",
    "UDDigiKyokashoN-R.ttc",
)
GRAPHVIZ_WINDOWS = """\
Graphviz `dot` is missing: bpr build still writes the workbooks and the report, and the diagrams as DOT files.
  With administrator rights: winget install Graphviz.Graphviz   (or the .msi installer from graphviz.org)
  Without: download the Windows .zip from graphviz.org (Download > Windows > ZIP archive), unpack it into
    %LOCALAPPDATA%\\Programs\\Graphviz (so that %LOCALAPPDATA%\\Programs\\Graphviz\\bin\\dot.exe exists),
    and this script finds it there; for bpr itself, add that bin folder to your own PATH (Settings > System >
    About > Advanced system settings > Environment Variables > User variables > Path), which needs no admin.
  Inside LGWAN: bring the .msi or .zip in the way the network's rules allow (docs/offline.md)."""
GRAPHVIZ_LINUX = "Graphviz `dot` is missing: sudo apt-get install graphviz (or run bash scripts/dev, which does)"
FONT_WINDOWS = (
    "no Japanese font found in {folders}: add the optional feature 'Japanese Supplemental Fonts' "
    "(Settings > Apps > Optional features), or set diagram.font in bpr.yaml to a font you have"
)
LIBREOFFICE = (
    "LibreOffice (soffice) is missing: the tests that print the workbooks through it are skipped "
    "(install LibreOffice to run them; on Linux, bash scripts/dev test does)"
)
FONT_LINUX = "no Japanese font (fc-list :lang=ja is empty): sudo apt-get install fonts-noto-cjk fontconfig"


@dataclass(frozen=True)
class Venv:
    """Where a virtual environment keeps its programs: Scripts\\NAME.exe on Windows, bin/NAME elsewhere."""

    root: PurePath
    windows: bool = os.name == "nt"

    def program(self, name: str) -> PurePath:
        """Return the path of a program installed into this environment (python, pip, bpr, pytest …)."""
        if self.windows:
            return self.root / "Scripts" / f"{name}.exe"
        return self.root / "bin" / name

    @property
    def python(self) -> PurePath:
        return self.program("python")


@dataclass
class Step:
    """One thing to do: a command to run (in ROOT), or only a note to show."""

    say: str
    command: list[str] = field(default_factory=list)
    env: Mapping[str, str] | None = None
    # Done in this process instead of a command (writing the install stamp, removing a broken venv).
    action: Callable[[], None] | None = None
    # Said when the command fails: what to make of it.
    on_failure: str = ""
    # A problem found before anything was run: say it and stop with this exit code.
    stop: int | None = None


def installed_hash(root: Path) -> str:
    """Return the hash scripts/dev keeps of what the install depends on: pyproject.toml, then constraints.txt."""
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def install_step(venv: Venv, extras: str, wheelhouse: Path | None, python: tuple[int, int]) -> Step:
    """Return the pip command that installs bpr (editable) with its locked dependencies into venv."""
    command = pip_install(venv)
    if wheelhouse is not None:
        command += ["--no-index", "--find-links", str(wheelhouse)]
        where = f"from {wheelhouse} (no index)"
    else:
        where = "from the package registry"
    command += ["-c", "constraints.txt", "-e", f".{extras}"]
    version = ".".join(map(str, python))
    hint = (
        f"the install into .venv (Python {version}) did not finish: the next run makes .venv afresh. When pip "
        f"says ResolutionImpossible or 'No matching distribution', a locked dependency has no wheel for Python "
        f"{version} on this system: bpr supports Python {show(MIN_PYTHON)} to {show(MAX_PYTHON)}"
    )
    if wheelhouse is not None:
        hint += f"; a wheelhouse for it: python scripts/wheelhouse.py --python {version} (docs/offline.md)"
    return Step(f"installing bpr{extras} and its locked dependencies into .venv {where}", command, on_failure=hint)


def show(version: tuple[int, ...]) -> str:
    """Return a version as people write it: 3.11."""
    return ".".join(map(str, version))


def venv_python(root: PurePath) -> tuple[int, int] | None:
    """Return the Python version a virtual environment was made with (its pyvenv.cfg), or None when unknown."""
    try:
        config = (Path(root) / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in config.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            parts = value.strip().split(".")
            if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
                return int(parts[0]), int(parts[1])
    return None


# A wheel's file name: NAME-VERSION(-BUILD)-PYTHON-ABI-PLATFORM.whl; each tag may be several, joined by dots.
_WHEEL = re.compile(r"[^-]+-[^-]+(?:-\d[^-]*)?-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<platform>[^-]+)\.whl")


def wheelhouse_targets(folder: Path) -> tuple[set[tuple[int, int]], set[str]]:
    """Return the Python versions and the systems (windows, linux) the compiled wheels of a wheelhouse are for."""
    pythons: set[tuple[int, int]] = set()
    systems: set[str] = set()
    for wheel in folder.glob("*.whl"):
        match = _WHEEL.fullmatch(wheel.name)
        if match is None or match["platform"] == "any":
            continue
        for tag in match["python"].split("."):
            if re.fullmatch(r"cp3\d+", tag) and match["abi"] != "abi3":
                pythons.add((3, int(tag[3:])))
        for platform in match["platform"].split("."):
            systems.add("windows" if platform.startswith("win") else "linux" if "linux" in platform else platform)
    return pythons, systems


def wheelhouse_problem(folder: Path, python: tuple[int, int], windows: bool) -> str | None:
    """Return why a wheelhouse cannot install bpr for a Python on this system, or None when it can."""
    pythons, systems = wheelhouse_targets(folder)
    system = "windows" if windows else "linux"
    if not pythons:
        return None  # no compiled wheel at all: pip will say what it misses
    if python in pythons and system in systems:
        return None
    made_for = ", ".join(show(version) for version in sorted(pythons))
    newest = show(max(pythons))
    rerun = f"py -{newest} scripts\\dev.py build" if windows else f"python{newest} scripts/dev.py build"
    platforms = ", ".join(sorted(systems))
    return (
        f"the wheelhouse {folder} holds wheels for Python {made_for} ({platforms}), not for Python {show(python)} "
        f"on {system.capitalize()}, which .venv uses. Make one for it outside: python scripts/wheelhouse.py "
        f"--platform {system} --python {show(python)} (bpr supports {show(MIN_PYTHON)} to {show(MAX_PYTHON)}), "
        f"or run this script with a Python the wheelhouse has ({rerun})"
    )


def remove_other_bpr(venv: Venv) -> None:
    """Uninstall the distribution named `bpr` from venv when it is there (another project's, or bpr's old name)."""
    shown = subprocess.run([str(venv.python), "-m", "pip", "show", "-q", OTHER_BPR], capture_output=True, check=False)
    if shown.returncode == 0:
        say(f"removing the distribution '{OTHER_BPR}' from .venv: it is not this project (bpr is bpr-madoguchi)")
        subprocess.run([*pip_uninstall(venv), OTHER_BPR], check=False)


def pip_uninstall(venv: Venv) -> list[str]:
    return [str(venv.python), "-m", "pip", "uninstall", "--disable-pip-version-check", "--quiet", "--yes"]


def pip_install(venv: Venv) -> list[str]:
    """Return the start of a quiet `pip install` into venv."""
    return [str(venv.python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]


def find_program(
    name: str, folder: str, environ: Mapping[str, str], windows: bool, which: Callable[[str], str | None]
) -> tuple[str | None, bool]:
    """Return a program to use and whether it is on PATH; on Windows, else from its usual install folder.

    Graphviz's and LibreOffice's installers may leave PATH alone, and a zip unpacked without admin rights
    is on no PATH: Program Files (both) and the user's own %LOCALAPPDATA%\\Programs are looked in.
    """
    on_path = which(name)
    if on_path is not None or not windows:
        return on_path, on_path is not None
    roots = [environ.get(key) for key in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    if environ.get("LOCALAPPDATA"):
        roots.append(str(Path(environ["LOCALAPPDATA"]) / "Programs"))
    for root in dict.fromkeys(r for r in roots if r):
        candidate = Path(root) / folder / f"{name}.exe"
        if candidate.is_file():
            return str(candidate), False
    return None, False


def windows_font_folders(environ: Mapping[str, str]) -> list[Path]:
    """Return the folders Windows keeps fonts in: the system's, and the user's own (installed without admin)."""
    folders = [Path(environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if environ.get("LOCALAPPDATA"):
        folders.append(Path(environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    return folders


def has_japanese_font(environ: Mapping[str, str], windows: bool, which: Callable[[str], str | None]) -> bool:
    """Return whether the system has a Japanese font for the diagrams."""
    if windows:
        names = {name.lower() for name in WINDOWS_JAPANESE_FONTS}
        return any(
            path.name.lower() in names
            for folder in windows_font_folders(environ)
            if folder.is_dir()
            for path in folder.iterdir()
        )
    fc_list = which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run([fc_list, ":lang=ja"], capture_output=True, text=True, errors="replace", check=False)
    return bool(listed.stdout.strip())


def system_notes(
    mode: str, environ: Mapping[str, str], windows: bool, which: Callable[[str], str | None] = shutil.which
) -> tuple[list[str], dict[str, str]]:
    """Return what is missing, each with how to install it, and the environment to run the job in.

    A program found in its install folder but not on PATH is put on PATH for the run. Without LibreOffice
    the tests that print the workbooks through it are skipped (BPR_SKIP_LIBREOFFICE=1), and this says so.
    """
    notes: list[str] = []
    env = dict(environ)
    wanted = [("dot", str(Path("Graphviz") / "bin"), GRAPHVIZ_WINDOWS if windows else GRAPHVIZ_LINUX)]
    if mode == "test":
        wanted.append(("soffice", str(Path("LibreOffice") / "program"), LIBREOFFICE))
    for name, folder, missing in wanted:
        found, on_path = find_program(name, folder, environ, windows, which)
        if found is None:
            notes.append(missing)
            if name == "soffice":
                env["BPR_SKIP_LIBREOFFICE"] = "1"
        elif not on_path:
            where = str(Path(found).parent)
            notes.append(f"{name} is installed in {where}, which is not on PATH: used for this run; add it to PATH")
            env["PATH"] = where + os.pathsep + env.get("PATH", "")
    if not has_japanese_font(environ, windows, which):
        folders = ", ".join(map(str, windows_font_folders(environ)))
        notes.append(FONT_WINDOWS.format(folders=folders) if windows else FONT_LINUX)
    return notes, env


def default_wheelhouse(root: Path) -> Path | None:
    """Return root/wheelhouse when it holds wheels (an offline set-up, docs/offline.md), else None."""
    folder = root / "wheelhouse"
    return folder if folder.is_dir() and any(folder.glob("*.whl")) else None


def plan(
    mode: str,
    root: Path,
    windows: bool,
    wheelhouse: Path | None,
    environ: Mapping[str, str],
    which: Callable[[str], str | None] = shutil.which,
    running: tuple[int, int] = (sys.version_info[0], sys.version_info[1]),
) -> list[Step]:
    """Return the steps of `build` or `test`: the venv, the install when needed, the system checks, the job.

    `running` is the version of the Python running this script, which makes a new .venv.
    """
    venv = Venv(root / ".venv", windows)
    steps: list[Step] = []
    if running > MAX_PYTHON:
        steps.append(
            Step(
                f"note: Python {show(running)} is newer than bpr is tested on ({show(MIN_PYTHON)} to "
                f"{show(MAX_PYTHON)}): some locked dependency may have no wheel for it yet"
            )
        )
    stamp = Path(venv.root) / STAMP
    exists = Path(venv.python).exists()
    python = venv_python(venv.root) if exists else None
    remove = partial(shutil.rmtree, venv.root, ignore_errors=True)
    if exists and not stamp.is_file():
        # A venv whose install failed (a wheelhouse for another Python, a lost connection) is not reused.
        steps.append(Step("removing .venv: its last install did not finish, so it is made afresh", action=remove))
        exists = False
    elif (
        exists
        and wheelhouse is not None
        and python is not None
        and wheelhouse_problem(wheelhouse, python, windows) is not None
        and wheelhouse_problem(wheelhouse, running, windows) is None
    ):
        steps.append(
            Step(
                f"removing .venv: its Python {show(python)} has no wheels in {wheelhouse}; made again with "
                f"Python {show(running)}",
                action=remove,
            )
        )
        exists = False
    if not exists:
        steps.append(Step("creating .venv", [sys.executable, "-m", "venv", str(venv.root)]))
        python = running
    # Offline, `build` needs only bpr's own dependencies, which every wheelhouse holds; `test` needs the
    # development tools too (scripts/wheelhouse.py --dev). Online both install them, as scripts/dev does.
    extras = "" if wheelhouse is not None and mode == "build" else "[dev]"
    wanted = installed_hash(root) + ("" if extras else " runtime")
    done = stamp.read_text(encoding="utf-8").strip() if exists and stamp.is_file() else ""
    enough = done == wanted or (extras == "" and done == installed_hash(root))
    if not exists or not Path(venv.program("bpr")).exists() or not enough:
        python = python or running
        if wheelhouse is not None:
            problem = wheelhouse_problem(wheelhouse, python, windows)
            if problem is not None:
                # Nothing is made or removed: the notes, then the problem.
                return [
                    *(step for step in steps if not step.command and step.action is None),
                    Step(problem, stop=EXIT_USAGE),
                ]
            steps.append(verify_step(wheelhouse))
        # The stamp goes first and comes back last: an install that stops half-way leaves a venv without it.
        steps.append(Step(f"clearing .venv/{STAMP} for the install", action=partial(stamp.unlink, missing_ok=True)))
        steps.append(Step(f"checking .venv for the distribution '{OTHER_BPR}'", action=partial(remove_other_bpr, venv)))
        steps.append(install_step(venv, extras, wheelhouse, python))
        steps.append(Step(f"recording the install in .venv/{STAMP}", action=lambda: stamp.write_text(wanted + "\n")))
    notes, env = system_notes(mode, environ, windows, which)
    steps += [Step(note) for note in notes]
    if mode == "build":
        steps.append(
            Step(
                "bpr build inventories/ -o out/", [str(venv.program("bpr")), "build", "inventories/", "-o", "out/"], env
            )
        )
    else:
        for say, command in (
            ("ruff", [str(venv.program("ruff")), "check", "."]),
            ("ruff format --check", [str(venv.program("ruff")), "format", "--check", "."]),
            ("mypy", [str(venv.program("mypy"))]),
            ("the test suite", [str(venv.program("pytest")), "-q", "--strict-config"]),
            ("bpr validate inventories/", [str(venv.program("bpr")), "validate", "inventories/"]),
        ):
            steps.append(Step(say, command, env))
    return steps


def verify_step(wheelhouse: Path) -> Step:
    """Return the check of a wheelhouse against its checksum list (SHA256SUMS), or a note that it has none."""
    if not (wheelhouse / "SHA256SUMS").is_file():
        return Step(
            f"note: {wheelhouse} has no checksum list (SHA256SUMS; scripts/wheelhouse.py writes one): its wheels "
            "are not checked"
        )
    return Step(
        f"checking {wheelhouse} against its checksum list (SHA256SUMS)",
        [sys.executable, str(ROOT / "scripts" / "verify_wheelhouse.py"), str(wheelhouse)],
        on_failure="the wheelhouse is not as scripts/wheelhouse.py made it: bring it in again (docs/offline.md)",
    )


def run_steps(steps: Sequence[Step], root: Path, dry_run: bool) -> int:
    """Run (or, dry, only show) each step in order; stop at the first that fails and return its exit code."""
    for step in steps:
        if step.stop is not None:
            say(f"error: {step.say}")
            return step.stop
        say(("would: " if dry_run else "") + step.say)
        if dry_run:
            if step.command:
                print("    " + " ".join(step.command), file=sys.stderr, flush=True)
            continue
        if step.action is not None:
            step.action()
        if not step.command:
            continue
        code = subprocess.run(step.command, cwd=root, env=step.env, check=False).returncode
        if code != 0:
            say(f"failed ({code}): {step.say}")
            if step.on_failure:
                say(step.on_failure)
            return code
    return 0


def say(text: str) -> None:
    print(f"==> {text}", file=sys.stderr, flush=True)


# The lowest versions: one scratch environment at constraints-min.txt, and bpr's main paths run in it.
SMOKE_PROBLEM = ("koseki-tohon}", "koseki-tohonn}")
SMOKE_CHANGE = ("annual_volume: 9800", "annual_volume: 9900")


@dataclass(frozen=True)
class Smoke:
    """A command of the smoke test: its arguments, exit code, text its output holds, files it writes."""

    args: list[str]
    code: int = 0
    holds: str = ""
    writes: tuple[Path, ...] = ()
    # The whole of stdout must parse as JSON: a library that prints (openpyxl 3.1.0 did) breaks it.
    json: bool = False


def min_deps(root: Path, dry_run: bool) -> int:
    """Install bpr at the floors of constraints-min.txt into a scratch venv and run its main commands there."""
    return scratch_smoke(root, dry_run, "constraints-min.txt", "min-deps", "with every dependency at its floor")


def locked_smoke(root: Path, dry_run: bool) -> int:
    """Install bpr at the locked versions of constraints.txt into a scratch venv and run its main commands there.

    CI runs it with the newest Python it has (the max run), as it runs min-deps with the oldest.
    """
    return scratch_smoke(root, dry_run, "constraints.txt", "smoke", "at the locked versions")


def scratch_smoke(root: Path, dry_run: bool, constraints: str, name: str, how: str) -> int:
    """Install bpr with a constraints file into a scratch venv of this Python, check its versions, smoke-test it."""
    say(f"{name}: Python {show(sys.version_info[:2])} ({sys.executable})")
    with tempfile.TemporaryDirectory(prefix=f"bpr-{name}-") as scratch:
        work = Path(scratch)
        venv = Venv(work / "venv")
        steps = [
            Step("creating a scratch venv", [sys.executable, "-m", "venv", str(venv.root)]),
            Step(f"installing bpr {how} ({constraints})", [*pip_install(venv), "-c", constraints, "."]),
        ]
        code = run_steps(steps, root, dry_run)
        if code != 0 or dry_run:
            if dry_run:
                say("would: run bpr's commands from that venv and check their exit codes and output")
            return code
        # The runtime dependencies are those constraints-min.txt pins; the file in use says at which versions.
        pinned = {canonical(key): version for key, version in floors(root / constraints).items()}
        wanted = {key: pinned[canonical(key)] for key in floors(root / "constraints-min.txt")}
        versions = installed_versions(venv, wanted)
        say("installed: " + ", ".join(f"{key} {version}" for key, version in versions.items()))
        failures = [
            f"{key} {version} installed, {want} wanted"
            for key, want in wanted.items()
            if (version := versions.get(key)) != want
        ]
        failures += smoke(Path(venv.program("bpr")), root, work)
        for failure in failures:
            say("FAILED: " + failure)
        say(f"{name}: " + ("ok" if not failures else f"{len(failures)} failed"))
        return 1 if failures else 0


def canonical(name: str) -> str:
    """Return a distribution name as the package index compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def floors(constraints: Path) -> dict[str, str]:
    """Return the pinned versions of a constraints file, by distribution name as written."""
    pins = {}
    for line in constraints.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip()] = version.strip()
    return pins


def installed_versions(venv: Venv, names: Mapping[str, str]) -> dict[str, str]:
    """Return the versions installed in venv of the given distributions."""
    probe = "import json, sys; from importlib import metadata; print(json.dumps({n: metadata.version(n) for n in sys.argv[1:]}))"
    result = subprocess.run([str(venv.python), "-c", probe, *names], capture_output=True, text=True, check=True)
    found: dict[str, str] = json.loads(result.stdout)
    return found


def smoke(bpr: Path, root: Path, work: Path) -> list[str]:
    """Run bpr's main commands on the sample inventory; return what did not come out as it should."""
    broken = work / "broken"
    shutil.copytree(root / "inventories", broken)
    zeimu = broken / "zeimu.yaml"
    zeimu.write_text(zeimu.read_text(encoding="utf-8").replace(*SMOKE_PROBLEM), encoding="utf-8")
    changed = work / "changed"
    shutil.copytree(root / "inventories", changed)
    zeimu = changed / "zeimu.yaml"
    zeimu.write_text(zeimu.read_text(encoding="utf-8").replace(*SMOKE_CHANGE), encoding="utf-8")
    env = {**os.environ, "BPR_LANG": "en", "XDG_CACHE_HOME": str(work / "cache"), "NO_COLOR": "1"}
    inventories = str(root / "inventories")
    out, survey, new = work / "out", work / "survey", work / "new"
    checks = [
        Smoke(["--help"], holds="validate"),
        Smoke(["--version"], holds="bpr "),
        Smoke(["validate", inventories], holds="10 files"),
        Smoke(["validate", str(broken)], 1, "unknown-reference"),
        Smoke(["validate", "--format", "json", str(broken)], 1, '"unknown-reference"', json=True),
        Smoke(["score", "--format", "json", "--top", "3", inventories], json=True),
        Smoke(["build", inventories, "-o", str(out)], writes=(out / "scores.json", out / "report" / "index.html")),
        Smoke(["survey", "export", inventories, "-o", str(survey)], writes=(survey / "zeimu.xlsx",)),
        Smoke(
            ["survey", "import", str(survey / "zeimu.xlsx"), "-o", str(changed), "--dry-run", "--format", "json"],
            json=True,
        ),
        Smoke(["new", "kankyo", "--dir", str(new)], writes=(new / "kankyo.yaml",)),
        Smoke(["validate", str(new)], holds="1 file"),
        Smoke(["diff", inventories, str(changed), "--format", "json"], json=True),
    ]
    failures = []
    for check in checks:
        result = subprocess.run(
            [str(bpr), *check.args], cwd=work, env=env, capture_output=True, text=True, errors="replace", check=False
        )
        output = result.stdout + result.stderr
        shown = " ".join(["bpr", *check.args])
        failed = [f"{shown}: did not write {path}" for path in check.writes if not path.exists()]
        if result.returncode != check.code:
            failed.insert(0, f"{shown}: exit {result.returncode}, {check.code} wanted\n{output[-2000:]}")
        elif check.holds not in output:
            failed.insert(0, f"{shown}: no {check.holds!r} in the output\n{output[-2000:]}")
        elif check.json and not parses_as_json(result.stdout):
            failed.insert(0, f"{shown}: stdout is not one JSON document\n{result.stdout[:2000]}")
        say(f"{'FAILED' if failed else 'ok'}: {shown}")
        failures += failed
    workbooks = list(out.glob("*.xlsx"))
    if not workbooks:
        failures.append(f"bpr build wrote no workbook into {out}")
    return failures


def parses_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dev.py",
        description="Set up .venv and run bpr's main job (build), its checks (test), or a smoke test of bpr in a "
        "scratch venv at the lowest dependency versions (min-deps) or the locked ones (smoke). Standard-library "
        "Python: works on Windows (py scripts\\dev.py build) and Linux alike.",
    )
    parser.add_argument(
        "mode",
        choices=("build", "test", "min-deps", "smoke"),
        help="build: bpr build inventories/ -o out/; test: ruff, mypy, pytest and bpr validate inventories/; "
        "min-deps: bpr at the floors of constraints-min.txt, in a scratch venv, smoke-tested; "
        "smoke: the same at the locked versions of constraints.txt",
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would be done, and do nothing")
    parser.add_argument(
        "--wheelhouse",
        type=Path,
        help="install from this folder of wheels, with no index (default: wheelhouse/ when it holds wheels)",
    )
    args = parser.parse_args(argv)
    if sys.version_info < MIN_PYTHON:
        say(
            f"bpr needs Python {show(MIN_PYTHON)} to {show(MAX_PYTHON)}; this is {sys.version.split()[0]} "
            f"(py -{show(MIN_PYTHON)}, or python.org's installer)"
        )
        return EXIT_USAGE
    if args.mode == "min-deps":
        return min_deps(ROOT, args.dry_run)
    if args.mode == "smoke":
        return locked_smoke(ROOT, args.dry_run)
    wheelhouse = args.wheelhouse.resolve() if args.wheelhouse else default_wheelhouse(ROOT)
    return run_steps(plan(args.mode, ROOT, os.name == "nt", wheelhouse, os.environ), ROOT, args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
