"""Download every wheel bpr needs into one folder, to install it on a PC without internet (LGWAN).

    python scripts/wheelhouse.py                       Windows and Linux, Python 3.11 to 3.14, into wheelhouse/
    python scripts/wheelhouse.py --platform windows --python 3.13 -o D:/wheelhouse
    python scripts/wheelhouse.py --dev                 also the dev group of `scripts/dev.py test` (ruff, mypy, pytest …)

Run it where the package registry can be reached; carry the folder in; there, check that the sanitising gateway
left every file as it was, then install with no index at all:

    py D:\\wheelhouse\\verify.py
    py -m pip install --no-index --find-links D:\\wheelhouse bpr-madoguchi

bpr's distribution is bpr-madoguchi: `bpr` on the package index is an unrelated project. The script builds
bpr's own wheel from this checkout, then asks pip for the wheels of every dependency at the versions of
constraints.txt, for each platform and Python (`pip download --only-binary=:all: --platform …`), and
setuptools and pip, which scripts/dev.py's hashed install from requirements.lock needs (setuptools builds bpr
from a checkout; pip 25.1 or later knows dependency groups). With --dev it adds the dependency group `dev` of
pyproject.toml (PEP 735), whose markers it evaluates for each platform itself. Last it writes SHA256SUMS, the
checksum of every wheel (the format of `sha256sum -c`), and verify.py (scripts/verify_wheelhouse.py), which
checks the folder against it. Standard library and pip only, so it runs on the Windows PC that has internet as
well as on Linux. Its messages are Japanese, English with BPR_LANG=en. See docs/offline.md.
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# bpr's distribution name (bpr-madoguchi) and the start of its wheel's file name (bpr_madoguchi-0.1.0-…).
DISTRIBUTION = PYPROJECT["project"]["name"]
WHEEL_PREFIX = re.sub(r"[-_.]+", "_", DISTRIBUTION).lower() + "-"
# The checksum list the LGWAN side verifies after the sanitising gateway, and the script that verifies it.
CHECKSUMS = "SHA256SUMS"
VERIFIER = ROOT / "scripts" / "verify_wheelhouse.py"
# `pip install -e .` builds bpr with setuptools (pyproject.toml's build-system); a wheelhouse without it could
# install the wheel of bpr but not a checkout. pip itself: scripts/dev.py's install from requirements.lock
# brings .venv's pip to the locked version (25.1 or later: `pip install --group dev`), offline as online.
SETUP_REQUIREMENTS = (*PYPROJECT["build-system"]["requires"], "pip>=25.1")
# Windows inside LGWAN runs 3.11 or 3.12 today, and python.org offers Windows installers for 3.13 and later
# only: every version from bpr's floor (requires-python) to the newest it is tested on.
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
PIP = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet")
# glibc 2.28 (RHEL 8, Debian 10, Ubuntu 20.04) and newer: a wheel tagged for any older manylinux also runs there.
# pip matches the tags as written, so every accepted tag is named.
LINUX_TAGS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)


@dataclass(frozen=True)
class Target:
    """A platform and a Python version to download wheels for, with the marker values pip would see there."""

    platform: str
    python: str

    @property
    def name(self) -> str:
        return f"{self.platform}-cp{self.python.replace('.', '')}"

    @property
    def tags(self) -> tuple[str, ...]:
        return ("win_amd64",) if self.platform == "windows" else LINUX_TAGS

    def markers(self, extra: str = "") -> dict[str, str]:
        """Return the environment markers of this target (PEP 508), to evaluate requirements as pip would there."""
        windows = self.platform == "windows"
        return {
            "os_name": "nt" if windows else "posix",
            "sys_platform": "win32" if windows else "linux",
            "platform_system": "Windows" if windows else "Linux",
            "platform_machine": "AMD64" if windows else "x86_64",
            "platform_release": "",
            "platform_version": "",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "implementation_version": f"{self.python}.0",
            "python_version": self.python,
            "python_full_version": f"{self.python}.0",
            "extra": extra,
        }


def english() -> bool:
    """Return whether to speak English: BPR_LANG=en (as bpr reads it); Japanese otherwise."""
    value = os.environ.get("BPR_LANG", "").strip().replace("-", "_").split(".")[0].split("_")[0]
    return value.lower() == "en"


def tr(ja: str, en: str) -> str:
    """Return a message in the language in force: Japanese, or English with BPR_LANG=en."""
    return en if english() else ja


def dependency_group(name: str, project: dict[str, Any] | None = None) -> list[str]:
    """Return the requirements of a dependency group of pyproject.toml (PEP 735), included groups expanded."""
    groups = {canonical(key): value for key, value in (project or PYPROJECT).get("dependency-groups", {}).items()}

    def expand(group: str, seen: tuple[str, ...]) -> Iterator[str]:
        key = canonical(group)
        if key in seen:
            raise ValueError(f"dependency group {group!r} includes itself: {' -> '.join((*seen, key))}")
        if key not in groups:
            raise ValueError(f"pyproject.toml has no dependency group {group!r}")
        for entry in groups[key]:
            if isinstance(entry, str):
                yield entry
            else:
                yield from expand(entry["include-group"], (*seen, key))

    return list(expand(name, ()))


def canonical(name: str) -> str:
    """Return a distribution or group name as the package index compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def holding_on(target: Target, requirements: Iterable[str]) -> list[str]:
    """Return the requirements whose environment marker holds on target, without their markers.

    pip evaluates the markers of the requirements it is given on the machine it runs on, not on the --platform
    asked for: they are evaluated here, for the target, and pip gets the requirements without them.
    """
    from pip._vendor.packaging.requirements import Requirement

    held = []
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(target.markers()):
            requirement.marker = None
            held.append(str(requirement))
    return held


def download_command(target: Target, dest: Path, requirements: list[str]) -> list[str]:
    """Return the `pip download` command line that fetches the wheels of requirements for target."""
    command = [*PIP, "download", "--only-binary=:all:", "--implementation", "cp", "--python-version", target.python]
    for tag in target.tags:
        command += ["--platform", tag]
    return [*command, "-c", str(CONSTRAINTS), "-d", str(dest), *requirements]


def wheel_metadata(wheel: Path) -> tuple[str, list[str]]:
    """Return a wheel's distribution name and its Requires-Dist lines."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        message = email.parser.BytesParser().parsebytes(archive.read(name))
    return message["Name"], message.get_all("Requires-Dist") or []


def missed_requirements(folder: Path, target: Target, extras: dict[str, tuple[str, ...]]) -> list[str]:
    """Return the requirements of the wheels in folder that hold on target but have no wheel there yet.

    pip evaluates environment markers on the machine it runs on, not on the --platform asked for, so on Linux
    it leaves out `colorama; platform_system == "Windows"` (Typer, pytest) and the like: they are found here.
    """
    wheels = [wheel_metadata(wheel) for wheel in sorted(folder.glob("*.whl"))]
    return unmet_requirements([(name, requires, extras.get(canonical(name), ())) for name, requires in wheels], target)


def unmet_requirements(dists: list[tuple[str, list[str], tuple[str, ...]]], target: Target) -> list[str]:
    """Return what distributions require on target and is not among them, without markers.

    Each distribution is its name, its Requires-Dist lines and the extras asked of it; a requirement counts
    when its marker holds on target for one of those extras (or for none).
    """
    # pip's own copy of packaging reads the markers: it is there wherever pip is, which this script runs anyway.
    from pip._vendor.packaging.requirements import Requirement

    present = {canonical(name) for name, _, _ in dists}
    missed: dict[str, str] = {}
    for _, requires, extras in dists:
        for line in requires:
            requirement = Requirement(line)
            key = canonical(requirement.name)
            if key in present:
                continue
            if requirement.marker is None or any(
                requirement.marker.evaluate(target.markers(extra)) for extra in (extras or ("",))
            ):
                requirement.marker = None
                missed[key] = str(requirement)
    return sorted(missed.values())


def fetch(target: Target, bpr_wheel: Path, dev: bool, dest: Path) -> list[Path]:
    """Download the wheels bpr needs on target into dest; return them."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        requirements = [str(bpr_wheel), *SETUP_REQUIREMENTS]
        if dev:
            requirements += holding_on(target, dependency_group("dev"))
        asked: set[str] = set()
        while requirements:
            print(f"{target.name}: {' '.join(Path(r).name for r in requirements)}", file=sys.stderr, flush=True)
            run(download_command(target, folder, requirements))
            asked.update(requirements)
            requirements = missed_requirements(folder, target, {})
            again = asked.intersection(requirements)
            if again:
                raise SystemExit(
                    tr(
                        f"wheelhouse: {target.name} 用の {', '.join(sorted(again))} の wheel を pip が取得できません",
                        f"wheelhouse: pip fetched no wheel named {', '.join(sorted(again))} for {target.name}",
                    )
                )
        wheels = []
        for wheel in sorted(folder.glob("*.whl")):
            if not (dest / wheel.name).exists():
                shutil.copy2(wheel, dest / wheel.name)
            wheels.append(dest / wheel.name)
        return wheels


# What setuptools needs to build bpr's wheel: the package, its metadata and the files the metadata names.
# build_docs.py copies README.md and docs/ into the wheel (pyproject.toml's [tool.setuptools.cmdclass]).
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "build_docs.py", "docs", "bpr")


def copy_wheel_sources(dest: Path) -> None:
    """Copy what bpr's wheel is built from into dest, without caches.

    Built in the checkout, the wheel would take whatever an earlier build left in build/lib, even a module
    deleted since; a copy holds only today's files.
    """
    for name in WHEEL_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
        else:
            shutil.copy2(source, dest / name)


def build_bpr_wheel(dest: Path) -> Path:
    """Build bpr's wheel from this checkout's files into dest (replacing an earlier one); return it."""
    for old in dest.glob(f"{WHEEL_PREFIX}*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as scratch:
        copy_wheel_sources(Path(scratch))
        run([*PIP, "wheel", "--no-deps", "-w", str(dest), scratch])
    (wheel,) = dest.glob(f"{WHEEL_PREFIX}*.whl")
    return wheel


def sha256(path: Path) -> str:
    """Return the SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path) -> Path:
    """Write SHA256SUMS (every wheel of folder, as `sha256sum` writes it) and verify.py beside it; return the list."""
    lines = [f"{sha256(wheel)}  {wheel.name}\n" for wheel in sorted(folder.glob("*.whl"))]
    listed = folder / CHECKSUMS
    listed.write_text("".join(lines), encoding="utf-8", newline="\n")
    shutil.copyfile(VERIFIER, folder / "verify.py")
    return listed


def run(command: list[str]) -> None:
    subprocess.run(command, check=True)


def targets(platforms: list[str], pythons: list[str]) -> Iterator[Target]:
    for platform in platforms:
        for python in pythons:
            yield Target(platform, python)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="wheelhouse.py",
        description=tr(
            "bpr の wheel と、それに必要なすべての wheel を Windows 用・Linux 用に 1 つのフォルダに集め、"
            "チェックサムの一覧を付けます（インターネットのない PC で: "
            f"pip install --no-index --find-links フォルダ {DISTRIBUTION}）。",
            "Download bpr's wheel and every wheel it needs, for Windows and Linux, into one folder, with "
            f"a checksum list (install it offline with: pip install --no-index --find-links FOLDER {DISTRIBUTION}).",
        ),
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=ROOT / "wheelhouse",
        help=tr("集めるフォルダ（既定: wheelhouse/）", "the folder (default: wheelhouse/)"),
    )
    parser.add_argument(
        "--platform",
        action="append",
        choices=("windows", "linux"),
        help=tr(
            "windows（win_amd64）か linux（x86_64、glibc 2.28 以上）。両方なら 2 回指定（既定: 両方）",
            "windows (win_amd64) or linux (x86_64, glibc 2.28+); repeat for both (default: both)",
        ),
    )
    parser.add_argument(
        "--python",
        action="append",
        choices=PYTHONS,
        help=tr(
            f"Python のバージョン。複数なら繰り返し指定（既定: {', '.join(PYTHONS)} のすべて）",
            f"a Python version; repeat for several (default: all of {', '.join(PYTHONS)})",
        ),
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help=tr(
            "開発用のツール（pyproject.toml の dependency group dev）も。scripts/dev.py test 用",
            "also the development tools (pyproject.toml's dependency group dev), for `scripts/dev.py test`",
        ),
    )
    args = parser.parse_args(argv)
    dest: Path = args.output.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    try:
        bpr_wheel = build_bpr_wheel(dest)
        by_target = {
            t.name: fetch(t, bpr_wheel, args.dev, dest)
            for t in targets(args.platform or ["windows", "linux"], args.python or list(PYTHONS))
        }
    except subprocess.CalledProcessError as error:
        command = " ".join(map(str, error.cmd))
        print(
            tr(
                f"wheelhouse: 失敗（{error.returncode}）: {command}",
                f"wheelhouse: failed ({error.returncode}): {command}",
            ),
            file=sys.stderr,
        )
        return 1
    listed = write_checksums(dest)
    size = sum(wheel.stat().st_size for wheel in dest.glob("*.whl"))
    count = len(list(dest.glob("*.whl")))
    for name, wheels in by_target.items():
        print(tr(f"{name}: wheel {len(wheels)} ファイル", f"{name}: {len(wheels)} wheels"))
    print(
        tr(
            f"{dest}: wheel {count} ファイル、{size / 1e6:.1f} MB。チェックサムの一覧は {listed.name}",
            f"{dest}: {count} wheels, {size / 1e6:.1f} MB; checksums in {listed.name}",
        )
    )
    print(
        tr(
            f"持ち込んだ後に確かめる: python {dest.name}/verify.py",
            f"after carrying it in, check it: python {dest.name}/verify.py",
        )
    )
    print(
        tr(
            f"インターネットなしで入れる: pip install --no-index --find-links {dest.name} {DISTRIBUTION}",
            f"install without internet: pip install --no-index --find-links {dest.name} {DISTRIBUTION}",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
