"""Write the hashed locks requirements.lock and requirements-dev.lock from constraints.txt and pyproject.toml.

    .venv/bin/python scripts/lock.py           after a change of constraints.txt or of pyproject.toml's dependencies
    .venv/bin/python scripts/lock.py --check   exit 1 when the locks differ from what it would write

constraints.txt says which version of every package is used (pip freeze, then what freeze leaves out), and
stays what scripts/wheelhouse.py, the smoke run and the documented workflows install with. A constraints file
cannot carry the hashes of hash-checking mode: pip only filters the candidates by a hash written there, and
`--require-hashes` still wants every requirement, and every dependency of each, pinned and hashed in a
requirements file (pip's "Secure installs"; pypa/pip#12956). So this writes two requirements files:

    requirements.lock       bpr's dependencies, setuptools (its build backend) and pip   (scripts/dev build)
    requirements-dev.lock   what the dependency group `dev` of pyproject.toml adds       (scripts/dev test)

with one line `name==version` per package, the sha256 of each wheel pip may install it from, and an
environment marker when only some systems need it (colorama: Windows). The locks are for the systems bpr's
development and the LGWAN wheelhouse run on: Windows (win_amd64) and Linux (x86_64, from glibc 2.17 to the
newest manylinux tags), Python 3.11 to 3.14 (scripts/wheelhouse.py's PYTHONS). For each, `pip install --dry-run
--report` resolves the requirements at the versions of constraints.txt, from the package registry's metadata
alone (no wheel is downloaded whole), and reports the sha256 of the wheel it chose; the dependencies pip leaves
out because their markers do not hold on the machine running it (the Windows-only ones, on Linux) are asked for
again, as scripts/wheelhouse.py does. Every package must be pinned in constraints.txt, at that version.

scripts/dev and scripts/dev.py install with them:

    pip install --require-hashes --only-binary=:all: -r requirements.lock [-r requirements-dev.lock]
    pip install --no-deps --no-build-isolation -e .

(hash-checking mode cannot hash a folder, so bpr itself comes second, with no dependency and no build
environment: nothing unhashed is installed). Needs pip 23.1 or later (.venv's, from requirements.lock).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# scripts/ is no package: wheelhouse.py is beside this file.
import wheelhouse
from wheelhouse import PYTHONS, ROOT, Target, canonical, tr

LOCKS = {"runtime": ROOT / "requirements.lock", "dev": ROOT / "requirements-dev.lock"}
# The manylinux tags pip accepts on the newest glibc (a package may ship a wheel for a newer glibc than the
# LGWAN floor of scripts/wheelhouse.py, 2.28, and pip on a new Linux prefers it): both are locked.
NEWEST_GLIBC = 45
NEWEST_LINUX_TAGS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(NEWEST_GLIBC, 16, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)
SYS_PLATFORM = {"windows": "win32", "linux": "linux"}
HEADER = """\
# {title}: written by scripts/lock.py from constraints.txt and pyproject.toml; do not edit.
# For Windows (win_amd64) and Linux (x86_64, manylinux), Python {pythons}: every line is a version of
# constraints.txt with the sha256 of each wheel pip may install it from there.
# Install: pip install --require-hashes --only-binary=:all: {files}
#          pip install --no-deps --no-build-isolation -e .
"""
TITLES = {
    "runtime": ("bpr's dependencies, setuptools and pip", "-r requirements.lock"),
    "dev": ("the dependency group dev", "-r requirements.lock -r requirements-dev.lock"),
}


@dataclass
class Dist:
    """One package as pip resolved it for one target."""

    name: str
    version: str
    sha256: str
    requires: list[str]
    extras: tuple[str, ...] = ()


@dataclass
class Entry:
    """One line of a lock: a pinned version, the hashes of its wheels, and the targets that need it."""

    version: str
    hashes: set[str] = field(default_factory=set)
    targets: set[tuple[str, str]] = field(default_factory=set)


def top_level(target: Target) -> dict[str, list[str]]:
    """Return the requirements of each lock that hold on target: bpr's own with setuptools and pip; the dev group."""
    runtime = [*wheelhouse.PYPROJECT["project"]["dependencies"], *wheelhouse.SETUP_REQUIREMENTS]
    return {
        "runtime": wheelhouse.holding_on(target, runtime),
        "dev": wheelhouse.holding_on(target, wheelhouse.dependency_group("dev")),
    }


def resolve_command(target: Target, tags: Iterable[str], scratch: Path, requirements: list[str]) -> list[str]:
    """Return the `pip install --dry-run --report` that resolves requirements for target at the locked versions."""
    command = [*wheelhouse.PIP, "install", "--dry-run", "--ignore-installed", "--only-binary=:all:"]
    command += ["--implementation", "cp", "--python-version", target.python]
    for tag in tags:
        command += ["--platform", tag]
    command += ["--target", str(scratch / "target"), "--report", str(scratch / "report.json")]
    return [*command, "-c", str(wheelhouse.CONSTRAINTS), *requirements]


def read_report(report: dict[str, object]) -> list[Dist]:
    """Return the packages of a pip installation report, each with the sha256 of the wheel pip chose."""
    dists = []
    for item in report["install"]:  # type: ignore[attr-defined]
        metadata, info = item["metadata"], item["download_info"]
        archive = info.get("archive_info", {})
        digest = archive.get("hashes", {}).get("sha256") or archive.get("hash", "").removeprefix("sha256=")
        if not digest:
            raise SystemExit(tr(f"lock: {info['url']} の sha256 がありません", f"lock: no sha256 for {info['url']}"))
        dists.append(
            Dist(
                canonical(metadata["name"]),
                metadata["version"],
                digest,
                metadata.get("requires_dist", []),
                tuple(item.get("requested_extras", ())),
            )
        )
    return dists


def resolve(target: Target, tags: Iterable[str], requirements: list[str]) -> list[Dist]:
    """Resolve requirements for target, with what pip leaves out for the markers of the machine it runs on."""
    asked = list(requirements)
    with tempfile.TemporaryDirectory(prefix="bpr-lock-") as scratch:
        while True:
            subprocess.run(resolve_command(target, tags, Path(scratch), asked), check=True)
            report = json.loads((Path(scratch) / "report.json").read_text(encoding="utf-8"))
            dists = read_report(report)
            missed = wheelhouse.unmet_requirements([(d.name, d.requires, d.extras) for d in dists], target)
            again = set(missed) & set(asked)
            if again:
                raise SystemExit(
                    tr(
                        f"lock: {target.name} で {', '.join(sorted(again))} が解決できません",
                        f"lock: pip resolved no {', '.join(sorted(again))} for {target.name}",
                    )
                )
            if not missed:
                return dists
            asked += missed


def closure(dists: list[Dist], roots: list[str], target: Target) -> set[str]:
    """Return the names of the packages roots need on target, themselves included."""
    from pip._vendor.packaging.requirements import Requirement

    by_name = {dist.name: dist for dist in dists}
    needed: set[str] = set()
    todo = [Requirement(root) for root in roots]
    while todo:
        requirement = todo.pop()
        name = canonical(requirement.name)
        if name in needed:
            continue
        needed.add(name)
        extras = tuple(requirement.extras) or ("",)
        for line in by_name[name].requires:
            child = Requirement(line)
            if child.marker is None or any(child.marker.evaluate(target.markers(extra)) for extra in extras):
                todo.append(child)
    return needed


def lock_targets() -> list[tuple[Target, tuple[str, ...]]]:
    """Return each system and Python the locks are for, with the wheel tags pip accepts there."""
    found = []
    for python in PYTHONS:
        windows, linux = Target("windows", python), Target("linux", python)
        found += [(windows, windows.tags), (linux, linux.tags), (linux, NEWEST_LINUX_TAGS)]
    return found


def collect(pins: dict[str, str]) -> dict[str, dict[str, Entry]]:
    """Resolve every target; return the entries of each lock by package name."""
    locks: dict[str, dict[str, Entry]] = {"runtime": {}, "dev": {}}
    for target, tags in lock_targets():
        wanted = top_level(target)
        print(tr(f"lock: {target.name}（{tags[0]} ほか）", f"lock: {target.name} ({tags[0]} …)"), file=sys.stderr)
        dists = resolve(target, tags, wanted["runtime"] + wanted["dev"])
        runtime = closure(dists, wanted["runtime"], target)
        for dist in dists:
            pinned = pins.get(dist.name)
            if pinned != dist.version:
                raise SystemExit(
                    tr(
                        f"lock: {dist.name} {dist.version} が constraints.txt で固定されていません"
                        f"（{pinned or 'なし'}）: constraints.txt に書いてから実行し直してください",
                        f"lock: {dist.name} {dist.version} is not pinned in constraints.txt ({pinned or 'absent'}): "
                        "pin it there, then run this again",
                    )
                )
            entry = locks["runtime" if dist.name in runtime else "dev"].setdefault(dist.name, Entry(dist.version))
            entry.hashes.add(dist.sha256)
            entry.targets.add((target.platform, target.python))
    return locks


def marker(targets: set[tuple[str, str]]) -> str:
    """Return the environment marker that holds on these targets among those of the locks (empty: on all)."""
    everywhere = {(platform, python) for platform in SYS_PLATFORM for python in PYTHONS}
    if targets == everywhere:
        return ""
    platforms = sorted({platform for platform, _ in targets})
    pythons = {platform: sorted(python for p, python in targets if p == platform) for platform in platforms}

    def any_python(versions: list[str]) -> str:
        return " or ".join(f'python_version == "{version}"' for version in versions)

    if len(platforms) == len(SYS_PLATFORM) and len({tuple(v) for v in pythons.values()}) == 1:
        return any_python(pythons[platforms[0]])
    parts = []
    for platform in platforms:
        on = f'sys_platform == "{SYS_PLATFORM[platform]}"'
        parts.append(on if pythons[platform] == list(PYTHONS) else f"({on} and ({any_python(pythons[platform])}))")
    return " or ".join(parts)


def render(kind: str, entries: dict[str, Entry]) -> str:
    """Return the text of one lock file."""
    title, files = TITLES[kind]
    lines = [HEADER.format(title=title, pythons=", ".join(PYTHONS), files=files)]
    for name in sorted(entries):
        entry = entries[name]
        condition = marker(entry.targets)
        head = f"{name}=={entry.version}" + (f" ; {condition}" if condition else "")
        hashes = [f"    --hash=sha256:{digest}" for digest in sorted(entry.hashes)]
        lines.append(" \\\n".join([head, *hashes]) + "\n")
    return "".join(lines)


def pinned_versions(constraints: Path) -> dict[str, str]:
    """Return the versions a constraints file pins, by canonical name."""
    pins = {}
    for line in constraints.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonical(name)] = version.strip()
    return pins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="lock.py",
        description=tr(
            "constraints.txt と pyproject.toml から、ハッシュ付きのロック requirements.lock と "
            "requirements-dev.lock を書きます（パッケージの配布元が必要）。",
            "Write the hashed locks requirements.lock and requirements-dev.lock from constraints.txt and "
            "pyproject.toml (needs the package registry).",
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=tr("書かずに比べ、違えば終了コード 1", "write nothing; exit 1 when the locks differ"),
    )
    args = parser.parse_args(argv)
    try:
        locks = collect(pinned_versions(wheelhouse.CONSTRAINTS))
    except subprocess.CalledProcessError as error:
        command = " ".join(map(str, error.cmd))
        print(tr(f"lock: 失敗（{error.returncode}）: {command}", f"lock: failed ({error.returncode}): {command}"))
        return 1
    stale = []
    for kind, path in LOCKS.items():
        text = render(kind, locks[kind])
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        path.write_text(text, encoding="utf-8", newline="\n")
        print(tr(f"{path.name}: {len(locks[kind])} パッケージ", f"{path.name}: {len(locks[kind])} packages"))
    if stale:
        print(
            tr(
                f"lock: {', '.join(stale)} が古くなっています: python scripts/lock.py で書き直してください",
                f"lock: {', '.join(stale)} out of date: rewrite with python scripts/lock.py",
            ),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
