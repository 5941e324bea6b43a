"""The set-up commands of the README for Windows (and any system with Python): `scripts/dev` without bash.

    py scripts\\dev.py build      the main job: bpr build inventories/ -o out/
    py scripts\\dev.py test       ruff, mypy, the test suite, and bpr validate inventories/
    py scripts\\dev.py min-deps   bpr at the lowest versions pyproject.toml allows (constraints-min.txt), smoke-tested
    py scripts\\dev.py smoke      bpr at the locked versions (requirements.lock) in a scratch venv, smoke-tested
    py scripts\\dev.py build --dry-run    say what would be done, do nothing

Each creates the virtual environment `.venv` when it is missing, installs into it what the job needs when
that is not there yet or pyproject.toml, constraints.txt or a lock changed, checks Graphviz and a Japanese
font and says how to install what is missing, then runs. `build` needs bpr's own dependencies only
(requirements.lock: bpr's dependencies, setuptools and pip); `test` the dependency group dev too
(requirements-dev.lock: ruff, mypy, pytest …). Both locks carry the sha256 of every wheel, and pip installs
them in hash-checking mode (`--require-hashes`), then bpr itself editable with no dependency
(scripts/lock.py writes the locks from constraints.txt). The stamp .venv/.bpr-installed says what was
installed, from which files: `test` after `build` adds the dev tools, `build` after `test` installs nothing.
On a system the locks are not for (other than Windows x64 and Linux x86_64, or a Python other than 3.11 to
3.14), the install takes the versions of constraints.txt without hashes. A `.venv` whose last install did
not finish is made again. Without internet (LGWAN), a folder `wheelhouse/` made by scripts/wheelhouse.py is
used instead of the package registry (docs/offline.md): it is checked against its checksum list first, and a
wheelhouse made for other Python versions than the one of `.venv` is named as such before pip is asked
anything.

CI runs `min-deps` with the oldest Python bpr supports and `smoke` with the newest it has (.ci/run): the
min and max runs.

Standard library only, so that a fresh Python runs it. It needs no administrator rights: it installs no
system software (scripts/dev does, through apt, on Linux); it tells what to install and how. Its messages are
Japanese, for the city's staff, and English with BPR_LANG=en or --lang en (as bpr's); every one encodes in
cp932, the code page of a Japanese Windows console.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
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
STAMP = ".bpr-installed"  # the same file, holding the same hash and set, as scripts/dev's
# What the install depends on, in the order scripts/dev hashes them for the stamp.
INSTALLED_FROM = ("pyproject.toml", "constraints.txt", "requirements.lock", "requirements-dev.lock")
# What each job needs installed: bpr's dependencies (runtime), or those and the dependency group dev (dev).
NEEDS = {"build": "runtime", "test": "dev"}
LOCKS = {"runtime": ("requirements.lock",), "dev": ("requirements.lock", "requirements-dev.lock")}
# The machines the locks have hashes for (scripts/lock.py): Windows x64 and Linux x86_64 (platform.machine()).
LOCKED_MACHINES = ("x86_64", "amd64")
LANGUAGE_ENV = "BPR_LANG"
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
GRAPHVIZ_WINDOWS_JA = """\
Graphviz の `dot` がありません: bpr build は Excel とレポートを出力し、業務フロー図は DOT ファイルとして書きます。
  管理者権限があれば: winget install Graphviz.Graphviz   （または graphviz.org の .msi インストーラ）
  なければ: graphviz.org の Windows 用 .zip（Download > Windows > ZIP archive）を
    %LOCALAPPDATA%\\Programs\\Graphviz に展開すると（%LOCALAPPDATA%\\Programs\\Graphviz\\bin\\dot.exe ができる）、
    このスクリプトはそこで見つけます。bpr を直接使うには、その bin フォルダを自分のユーザーの PATH に加えます
    （設定 > システム > バージョン情報 > システムの詳細設定 > 環境変数 > ユーザー環境変数の Path。管理者権限は不要）。
  LGWAN 内へは: .msi か .zip を、ネットワークの規則が認める方法で持ち込みます（docs/offline.md）。"""
GRAPHVIZ_WINDOWS = """\
Graphviz `dot` is missing: bpr build still writes the workbooks and the report, and the diagrams as DOT files.
  With administrator rights: winget install Graphviz.Graphviz   (or the .msi installer from graphviz.org)
  Without: download the Windows .zip from graphviz.org (Download > Windows > ZIP archive), unpack it into
    %LOCALAPPDATA%\\Programs\\Graphviz (so that %LOCALAPPDATA%\\Programs\\Graphviz\\bin\\dot.exe exists),
    and this script finds it there; for bpr itself, add that bin folder to your own PATH (Settings > System >
    About > Advanced system settings > Environment Variables > User variables > Path), which needs no admin.
  Inside LGWAN: bring the .msi or .zip in the way the network's rules allow (docs/offline.md)."""
GRAPHVIZ_LINUX = (
    "Graphviz の `dot` がありません: sudo apt-get install graphviz（bash scripts/dev なら入れます）",
    "Graphviz `dot` is missing: sudo apt-get install graphviz (or run bash scripts/dev, which does)",
)
FONT_WINDOWS = (
    "{folders} に日本語フォントがありません: オプション機能「日本語の追加フォント」を追加するか"
    "（設定 > アプリ > オプション機能）、bpr.yaml の diagram.font に手元のフォントを書きます",
    "no Japanese font found in {folders}: add the optional feature 'Japanese Supplemental Fonts' "
    "(Settings > Apps > Optional features), or set diagram.font in bpr.yaml to a font you have",
)
LIBREOFFICE = (
    "LibreOffice（soffice）がありません: Excel を LibreOffice で印刷するテストは飛ばします"
    "（実行するには LibreOffice を入れます。Linux では bash scripts/dev test が入れます）",
    "LibreOffice (soffice) is missing: the tests that print the workbooks through it are skipped "
    "(install LibreOffice to run them; on Linux, bash scripts/dev test does)",
)
FONT_LINUX = (
    "日本語フォントがありません（fc-list :lang=ja が空）: sudo apt-get install fonts-noto-cjk fontconfig",
    "no Japanese font (fc-list :lang=ja is empty): sudo apt-get install fonts-noto-cjk fontconfig",
)


def english() -> bool:
    """Return whether to speak English: BPR_LANG=en (or --lang en, which sets it), as bpr; Japanese otherwise."""
    value = os.environ.get(LANGUAGE_ENV, "").strip().replace("-", "_").split(".")[0].split("_")[0]
    return value.lower() == "en"


def tr(ja: str, en: str) -> str:
    """Return a message in the language in force: Japanese, or English with BPR_LANG=en."""
    return en if english() else ja


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
    """Return the hash scripts/dev keeps of what the install depends on: pyproject.toml, constraints.txt, the locks."""
    digest = hashlib.sha256()
    for name in INSTALLED_FROM:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def read_stamp(stamp: Path) -> tuple[str, str]:
    """Return the hash and the set (runtime, dev) a stamp records; empty strings when there is none."""
    try:
        words = stamp.read_text(encoding="utf-8").split()
    except OSError:
        return "", ""
    return (words[0], words[1]) if len(words) == 2 else ("", "")


def lock_covers(windows: bool, machine: str, python: tuple[int, int]) -> bool:
    """Return whether the hashed locks hold wheels for this system and Python (scripts/lock.py's targets)."""
    system = windows or sys.platform.startswith("linux")
    return system and machine.lower() in LOCKED_MACHINES and MIN_PYTHON <= python <= MAX_PYTHON


def install_steps(
    venv: Venv,
    needs: str,
    wheelhouse: Path | None,
    python: tuple[int, int],
    locked: bool,
    environ: Mapping[str, str],
) -> list[Step]:
    """Return the pip commands that install what a job needs into venv, and bpr itself (editable).

    With the locks: every package pinned and hashed (--require-hashes), then bpr with no dependency and no
    build environment, so that nothing unhashed comes in. Without (a system the locks are not for): the
    versions of constraints.txt, pip first (25.1 or later knows --group).
    """
    source = ["--no-index", "--find-links", str(wheelhouse)] if wheelhouse is not None else []
    where = (
        tr(f"{wheelhouse} から（配布元を使わずに）", f"from {wheelhouse} (no index)")
        if wheelhouse is not None
        else tr("パッケージの配布元から", "from the package registry")
    )
    version = show(python)
    hint = tr(
        f".venv（Python {version}）へのインストールが終わりませんでした。次の実行で .venv を作り直します。pip が "
        f"ResolutionImpossible や 'No matching distribution' と言うときは、固定した依存パッケージに Python {version}"
        f" 用の wheel がこのシステムにありません（bpr が対応するのは Python {show(MIN_PYTHON)} から "
        f"{show(MAX_PYTHON)}）。'THESE PACKAGES DO NOT MATCH THE HASHES' は、ダウンロードしたファイルがロックの"
        "ハッシュと違うことを示します",
        f"the install into .venv (Python {version}) did not finish: the next run makes .venv afresh. When pip "
        f"says ResolutionImpossible or 'No matching distribution', a locked dependency has no wheel for Python "
        f"{version} on this system: bpr supports Python {show(MIN_PYTHON)} to {show(MAX_PYTHON)}; 'THESE PACKAGES "
        "DO NOT MATCH THE HASHES' means a downloaded file is not the one the lock names",
    )
    if wheelhouse is not None:
        hint += tr(
            f"。その Python 用の wheelhouse: python scripts/wheelhouse.py --python {version}"
            f"{' --dev' if needs == 'dev' else ''}（docs/offline.md）",
            f"; a wheelhouse for it: python scripts/wheelhouse.py --python {version}"
            f"{' --dev' if needs == 'dev' else ''} (docs/offline.md)",
        )
    if needs == "runtime":
        what = tr("bpr の依存パッケージ", "bpr's dependencies")
    else:
        what = tr("bpr の依存パッケージと開発用ツール（group dev）", "bpr's dependencies and the dev tools (group dev)")
    if locked:
        files = [word for name in LOCKS[needs] for word in ("-r", name)]
        command = [*pip_install(venv), "--require-hashes", "--only-binary=:all:", *source, *files]
        own = [*pip_install(venv), "--no-deps", "--no-build-isolation", *source, "-e", "."]
        return [
            Step(
                tr(
                    f"{what}を{where} .venv に入れます（{' と '.join(LOCKS[needs])}、ハッシュを確認）",
                    f"installing {what} into .venv ({' and '.join(LOCKS[needs])}, hashes checked) {where}",
                ),
                command,
                on_failure=hint,
            ),
            Step(
                tr(
                    "bpr（このフォルダ）を .venv に入れます（editable）",
                    "installing bpr (this folder, editable) into .venv",
                ),
                own,
                # setuptools warns at every editable install that a folder named as the package may shadow it
                # (that folder is this checkout): no news for the city's staff, so its warnings are off.
                env={**environ, "PYTHONWARNINGS": "ignore"},
                on_failure=hint,
            ),
        ]
    group = ["--group", "dev"] if needs == "dev" else []
    return [
        Step(
            tr(
                f"このシステム用のハッシュ付きロックはありません: constraints.txt のバージョンでハッシュなしに入れます"
                f"（ロックは Windows x64 と Linux x86_64、Python {show(MIN_PYTHON)} から {show(MAX_PYTHON)} 用）",
                f"note: the hashed locks are not for this system: installing at the versions of constraints.txt, "
                f"without hashes (the locks are for Windows x64 and Linux x86_64, Python {show(MIN_PYTHON)} to "
                f"{show(MAX_PYTHON)})",
            )
        ),
        Step(
            tr(f"固定したバージョンの pip を{where} .venv に入れます", f"installing the locked pip into .venv {where}"),
            [*pip_install(venv), *source, "-c", "constraints.txt", "pip"],
            on_failure=hint,
        ),
        Step(
            tr(
                f"bpr（editable）と{what}を{where} .venv に入れます",
                f"installing bpr (editable) and {what} into .venv {where}",
            ),
            [*pip_install(venv), *source, "-c", "constraints.txt", "-e", ".", *group],
            env={**environ, "PYTHONWARNINGS": "ignore"},
            on_failure=hint,
        ),
    ]


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
        for tag in match["platform"].split("."):
            systems.add("windows" if tag.startswith("win") else "linux" if "linux" in tag else tag)
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
    return tr(
        f"wheelhouse {folder} は Python {made_for}（{platforms}）用で、.venv が使う {system.capitalize()} の Python "
        f"{show(python)} 用ではありません。インターネット側でその Python 用を作るか（python scripts/wheelhouse.py "
        f"--platform {system} --python {show(python)}。bpr が対応するのは {show(MIN_PYTHON)} から "
        f"{show(MAX_PYTHON)}）、wheelhouse にある Python でこのスクリプトを実行します（{rerun}）",
        f"the wheelhouse {folder} holds wheels for Python {made_for} ({platforms}), not for Python {show(python)} "
        f"on {system.capitalize()}, which .venv uses. Make one for it outside: python scripts/wheelhouse.py "
        f"--platform {system} --python {show(python)} (bpr supports {show(MIN_PYTHON)} to {show(MAX_PYTHON)}), "
        f"or run this script with a Python the wheelhouse has ({rerun})",
    )


def remove_other_bpr(venv: Venv) -> None:
    """Uninstall the distribution named `bpr` from venv when it is there (another project's, or bpr's old name)."""
    shown = subprocess.run([str(venv.python), "-m", "pip", "show", "-q", OTHER_BPR], capture_output=True, check=False)
    if shown.returncode == 0:
        say(
            tr(
                f"配布物 '{OTHER_BPR}' を .venv から取り除きます: このプロジェクトではありません（bpr は bpr-madoguchi）",
                f"removing the distribution '{OTHER_BPR}' from .venv: it is not this project (bpr is bpr-madoguchi)",
            )
        )
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
    graphviz = tr(GRAPHVIZ_WINDOWS_JA, GRAPHVIZ_WINDOWS) if windows else tr(*GRAPHVIZ_LINUX)
    wanted = [("dot", str(Path("Graphviz") / "bin"), graphviz)]
    if mode == "test":
        wanted.append(("soffice", str(Path("LibreOffice") / "program"), tr(*LIBREOFFICE)))
    for name, folder, missing in wanted:
        found, on_path = find_program(name, folder, environ, windows, which)
        if found is None:
            notes.append(missing)
            if name == "soffice":
                env["BPR_SKIP_LIBREOFFICE"] = "1"
        elif not on_path:
            where = str(Path(found).parent)
            notes.append(
                tr(
                    f"{name} は PATH にない {where} にあります: この実行には使います。PATH に加えてください",
                    f"{name} is installed in {where}, which is not on PATH: used for this run; add it to PATH",
                )
            )
            env["PATH"] = where + os.pathsep + env.get("PATH", "")
    if not has_japanese_font(environ, windows, which):
        folders = ", ".join(map(str, windows_font_folders(environ)))
        notes.append(tr(*FONT_WINDOWS).format(folders=folders) if windows else tr(*FONT_LINUX))
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
    machine: str = platform.machine(),
) -> list[Step]:
    """Return the steps of `build` or `test`: the venv, the install when needed, the system checks, the job.

    `running` is the version of the Python running this script, which makes a new .venv; `machine` the
    processor (platform.machine()), which says whether the hashed locks are for this system.
    """
    venv = Venv(root / ".venv", windows)
    steps: list[Step] = []
    if running > MAX_PYTHON:
        steps.append(
            Step(
                tr(
                    f"注意: Python {show(running)} は bpr を確かめた版（{show(MIN_PYTHON)} から {show(MAX_PYTHON)}）"
                    "より新しく、固定した依存パッケージにまだその wheel がないことがあります",
                    f"note: Python {show(running)} is newer than bpr is tested on ({show(MIN_PYTHON)} to "
                    f"{show(MAX_PYTHON)}): some locked dependency may have no wheel for it yet",
                )
            )
        )
    stamp = Path(venv.root) / STAMP
    exists = Path(venv.python).exists()
    python = venv_python(venv.root) if exists else None
    remove = partial(shutil.rmtree, venv.root, ignore_errors=True)
    if exists and not stamp.is_file():
        # A venv whose install failed (a wheelhouse for another Python, a lost connection) is not reused.
        steps.append(
            Step(
                tr(
                    ".venv を消します: 前回のインストールが終わっていないので、作り直します",
                    "removing .venv: its last install did not finish, so it is made afresh",
                ),
                action=remove,
            )
        )
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
                tr(
                    f".venv を消します: その Python {show(python)} 用の wheel が {wheelhouse} にないので、Python "
                    f"{show(running)} で作り直します",
                    f"removing .venv: its Python {show(python)} has no wheels in {wheelhouse}; made again with "
                    f"Python {show(running)}",
                ),
                action=remove,
            )
        )
        exists = False
    if not exists:
        steps.append(Step(tr(".venv を作ります", "creating .venv"), [sys.executable, "-m", "venv", str(venv.root)]))
        python = running
    # `build` needs bpr's own dependencies, `test` the dev tools too. The stamp says which of the two sets was
    # installed from which files: a dev install serves `build` as well, a runtime one `test` only once the
    # dev tools are added (pip keeps what is there and installs the rest).
    needs = NEEDS[mode]
    wanted = installed_hash(root)
    done, done_set = read_stamp(stamp) if exists else ("", "")
    enough = done == wanted and (done_set == "dev" or needs == "runtime")
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
        steps.append(
            Step(
                tr(f".venv/{STAMP} をインストールの前に消します", f"clearing .venv/{STAMP} for the install"),
                action=partial(stamp.unlink, missing_ok=True),
            )
        )
        steps.append(
            Step(
                tr(
                    f".venv に配布物 '{OTHER_BPR}' がないか確かめます",
                    f"checking .venv for the distribution '{OTHER_BPR}'",
                ),
                action=partial(remove_other_bpr, venv),
            )
        )
        steps += install_steps(venv, needs, wheelhouse, python, lock_covers(windows, machine, python), environ)
        steps.append(
            Step(
                tr(
                    f"インストールを .venv/{STAMP} に記録します（{needs}）",
                    f"recording the install in .venv/{STAMP} ({needs})",
                ),
                action=partial(write_stamp, stamp, f"{wanted} {needs}"),
            )
        )
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
            (tr("テスト（pytest）", "the test suite"), [str(venv.program("pytest")), "-q", "--strict-config"]),
            ("bpr validate inventories/", [str(venv.program("bpr")), "validate", "inventories/"]),
        ):
            steps.append(Step(say, command, env))
    return steps


def write_stamp(stamp: Path, text: str) -> None:
    stamp.write_text(text + "\n", encoding="utf-8")


def verify_step(wheelhouse: Path) -> Step:
    """Return the check of a wheelhouse against its checksum list (SHA256SUMS), or a note that it has none."""
    if not (wheelhouse / "SHA256SUMS").is_file():
        return Step(
            tr(
                f"注意: {wheelhouse} にチェックサムの一覧（SHA256SUMS。scripts/wheelhouse.py が書く）がないため、"
                "wheel を確かめません",
                f"note: {wheelhouse} has no checksum list (SHA256SUMS; scripts/wheelhouse.py writes one): its wheels "
                "are not checked",
            )
        )
    return Step(
        tr(
            f"{wheelhouse} をチェックサムの一覧（SHA256SUMS）で確かめます",
            f"checking {wheelhouse} against its checksum list (SHA256SUMS)",
        ),
        [sys.executable, str(ROOT / "scripts" / "verify_wheelhouse.py"), str(wheelhouse)],
        on_failure=tr(
            "wheelhouse が scripts/wheelhouse.py で作ったときのままではありません: 持ち込み直してください"
            "（docs/offline.md）",
            "the wheelhouse is not as scripts/wheelhouse.py made it: bring it in again (docs/offline.md)",
        ),
    )


def run_steps(steps: Sequence[Step], root: Path, dry_run: bool) -> int:
    """Run (or, dry, only show) each step in order; stop at the first that fails and return its exit code."""
    for step in steps:
        if step.stop is not None:
            say(tr(f"エラー: {step.say}", f"error: {step.say}"))
            return step.stop
        say((tr("実行予定: ", "would: ") if dry_run else "") + step.say)
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
            say(tr(f"失敗（{code}）: {step.say}", f"failed ({code}): {step.say}"))
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
    how = tr("依存パッケージをすべて下限のバージョンで", "with every dependency at its floor")
    return scratch_smoke(root, dry_run, "constraints-min.txt", "min-deps", how, locked=False)


def locked_smoke(root: Path, dry_run: bool) -> int:
    """Install bpr at the locked versions into a scratch venv and run its main commands there.

    CI runs it with the newest Python it has (the max run), as it runs min-deps with the oldest. Where the
    hashed lock is for this system it installs from requirements.lock, in hash-checking mode, as `build` does.
    """
    how = tr("固定したバージョンで", "at the locked versions")
    locked = lock_covers(os.name == "nt", platform.machine(), (sys.version_info[0], sys.version_info[1]))
    return scratch_smoke(root, dry_run, "constraints.txt", "smoke", how, locked)


def scratch_smoke(root: Path, dry_run: bool, constraints: str, name: str, how: str, locked: bool) -> int:
    """Install bpr with a constraints file into a scratch venv of this Python, check its versions, smoke-test it.

    locked: install requirements.lock with its hashes, then bpr with no dependency (as `build` does), instead of
    the constraints file alone.
    """
    say(f"{name}: Python {show(sys.version_info[:2])} ({sys.executable})")
    with tempfile.TemporaryDirectory(prefix=f"bpr-{name}-") as scratch:
        work = Path(scratch)
        venv = Venv(work / "venv")
        steps = [
            Step(
                tr("作業用の venv を作ります", "creating a scratch venv"),
                [sys.executable, "-m", "venv", str(venv.root)],
            )
        ]
        if locked:
            steps += [
                Step(
                    tr(
                        f"bpr の依存パッケージを{how}入れます（requirements.lock、ハッシュを確認）",
                        f"installing bpr's dependencies {how} (requirements.lock, hashes checked)",
                    ),
                    [*pip_install(venv), "--require-hashes", "--only-binary=:all:", "-r", "requirements.lock"],
                ),
                Step(
                    tr("bpr（このフォルダ）を入れます", "installing bpr (this folder)"),
                    [*pip_install(venv), "--no-deps", "--no-build-isolation", "."],
                ),
            ]
        else:
            steps.append(
                Step(
                    tr(f"bpr を{how}入れます（{constraints}）", f"installing bpr {how} ({constraints})"),
                    [*pip_install(venv), "-c", constraints, "."],
                )
            )
        code = run_steps(steps, root, dry_run)
        if code != 0 or dry_run:
            if dry_run:
                say(
                    tr(
                        "実行予定: その venv で bpr のコマンドを実行し、終了コードと出力を確かめます",
                        "would: run bpr's commands from that venv and check their exit codes and output",
                    )
                )
            return code
        # The runtime dependencies are those constraints-min.txt pins; the file in use says at which versions.
        pinned = {canonical(key): version for key, version in floors(root / constraints).items()}
        wanted = {key: pinned[canonical(key)] for key in floors(root / "constraints-min.txt")}
        versions = installed_versions(venv, wanted)
        say(tr("入ったもの: ", "installed: ") + ", ".join(f"{key} {version}" for key, version in versions.items()))
        failures = [
            tr(f"{key} は {version} が入り、{want} が必要", f"{key} {version} installed, {want} wanted")
            for key, want in wanted.items()
            if (version := versions.get(key)) != want
        ]
        failures += smoke(Path(venv.program("bpr")), root, work)
        for failure in failures:
            say(tr("失敗: ", "FAILED: ") + failure)
        summary = tr(f"{len(failures)} 件失敗", f"{len(failures)} failed") if failures else "ok"
        say(f"{name}: {summary}")
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
        failed = [
            tr(f"{shown}: {path} を書いていません", f"{shown}: did not write {path}")
            for path in check.writes
            if not path.exists()
        ]
        if result.returncode != check.code:
            failed.insert(
                0,
                tr(
                    f"{shown}: 終了コード {result.returncode}（{check.code} のはず）",
                    f"{shown}: exit {result.returncode}, {check.code} wanted",
                )
                + f"\n{output[-2000:]}",
            )
        elif check.holds not in output:
            failed.insert(
                0,
                tr(f"{shown}: 出力に {check.holds!r} がありません", f"{shown}: no {check.holds!r} in the output")
                + f"\n{output[-2000:]}",
            )
        elif check.json and not parses_as_json(result.stdout):
            failed.insert(
                0,
                tr(f"{shown}: 標準出力が 1 つの JSON ではありません", f"{shown}: stdout is not one JSON document")
                + f"\n{result.stdout[:2000]}",
            )
        say(f"{tr('失敗', 'FAILED') if failed else 'ok'}: {shown}")
        failures += failed
    workbooks = list(out.glob("*.xlsx"))
    if not workbooks:
        failures.append(tr(f"bpr build が {out} に Excel を書いていません", f"bpr build wrote no workbook into {out}"))
    return failures


def parses_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def language_option(argv: Sequence[str]) -> str | None:
    """Return the value of --lang in argv (read before the parser is made, so that its help is in it too)."""
    for index, word in enumerate(argv):
        if word == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--lang="):
            return word.partition("=")[2]
    return None


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    language = language_option(words)
    if language in ("ja", "en"):
        # The programs this runs (bpr, verify_wheelhouse.py) read it too.
        os.environ[LANGUAGE_ENV] = language
    parser = argparse.ArgumentParser(
        prog="dev.py",
        description=tr(
            ".venv を用意して、bpr の本処理（build）、検査（test）、または作業用の venv で依存パッケージを下限の"
            "バージョン（min-deps）か固定したバージョン（smoke）にした bpr の動作確認を実行します。標準ライブラリ"
            "だけの Python なので、Windows（py scripts\\dev.py build）でも Linux でも動きます。",
            "Set up .venv and run bpr's main job (build), its checks (test), or a smoke test of bpr in a "
            "scratch venv at the lowest dependency versions (min-deps) or the locked ones (smoke). Standard-library "
            "Python: works on Windows (py scripts\\dev.py build) and Linux alike.",
        ),
    )
    parser.add_argument(
        "mode",
        choices=("build", "test", "min-deps", "smoke"),
        help=tr(
            "build: bpr build inventories/ -o out/（bpr の依存パッケージだけを入れる）。test: ruff、mypy、pytest、"
            "bpr validate inventories/（開発用ツールも入れる）。min-deps: constraints-min.txt の下限のバージョンで"
            "作業用の venv に入れた bpr の動作確認。smoke: 同じことを固定したバージョン（requirements.lock）で",
            "build: bpr build inventories/ -o out/ (installs bpr's dependencies only); test: ruff, mypy, pytest "
            "and bpr validate inventories/ (installs the dev tools too); min-deps: bpr at the floors of "
            "constraints-min.txt, in a scratch venv, smoke-tested; smoke: the same at the locked versions "
            "(requirements.lock)",
        ),
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=tr("何をするかを表示するだけで、何もしない", "say what would be done, and do nothing"),
    )
    parser.add_argument(
        "--wheelhouse",
        type=Path,
        help=tr(
            "この wheel のフォルダから配布元を使わずに入れる（既定: wheelhouse/ に wheel があればそこ）",
            "install from this folder of wheels, with no index (default: wheelhouse/ when it holds wheels)",
        ),
    )
    parser.add_argument(
        "--lang",
        choices=("ja", "en"),
        help=tr(
            "メッセージの言語: ja（既定）か en（BPR_LANG=en でも）",
            "the language of messages: ja (default) or en (or BPR_LANG=en)",
        ),
    )
    args = parser.parse_args(words)
    if sys.version_info < MIN_PYTHON:
        say(
            tr(
                f"bpr には Python {show(MIN_PYTHON)} から {show(MAX_PYTHON)} が必要です。これは "
                f"{sys.version.split()[0]} です（py -{show(MIN_PYTHON)}、または python.org のインストーラ）",
                f"bpr needs Python {show(MIN_PYTHON)} to {show(MAX_PYTHON)}; this is {sys.version.split()[0]} "
                f"(py -{show(MIN_PYTHON)}, or python.org's installer)",
            )
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
