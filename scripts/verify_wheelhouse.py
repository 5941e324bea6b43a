"""Check a wheelhouse against its checksum list, after it came through the sanitising gateway into LGWAN.

    py D:\\wheelhouse\\verify.py                     (scripts/wheelhouse.py puts this file there as verify.py)
    python scripts/verify_wheelhouse.py FOLDER

Every wheel named in SHA256SUMS must be in the folder with the same SHA-256, and every wheel in the folder must
be named there: a file the gateway changed, dropped or renamed, or a wheel left over from another download,
is reported, and the exit code is 1 (2 when there is no list to check against). `sha256sum -c SHA256SUMS`
checks the same on Linux. Standard library only: it runs wherever the wheelhouse is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

CHECKSUMS = "SHA256SUMS"
_LINE = re.compile(r"(?P<digest>[0-9a-fA-F]{64}) [ *](?P<name>.+)")


def sha256(path: Path) -> str:
    """Return the SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_checksums(listed: Path) -> dict[str, str]:
    """Return the checksum of each file a list names (`sha256sum`'s format), by file name."""
    checksums = {}
    for number, line in enumerate(listed.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.fullmatch(line.strip())
        if match is None:
            raise ValueError(f"{listed.name}:{number}: not a checksum line: {line!r}")
        checksums[match["name"]] = match["digest"].lower()
    return checksums


def problems(folder: Path) -> list[str]:
    """Return what differs between a wheelhouse and its checksum list; empty when every file is as it was made."""
    listed = read_checksums(folder / CHECKSUMS)
    found = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            found.append(f"{name}: missing")
        elif sha256(path) != digest:
            found.append(f"{name}: changed (its SHA-256 is not the one in {CHECKSUMS})")
    found += [
        f"{wheel.name}: not in {CHECKSUMS} (a wheel from elsewhere: remove it)"
        for wheel in sorted(folder.glob("*.whl"))
        if wheel.name not in listed
    ]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify.py", description=f"Check a wheelhouse against its checksum list ({CHECKSUMS})."
    )
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="the wheelhouse (default: the folder this file is in)",
    )
    folder: Path = parser.parse_args(argv).folder
    if not (folder / CHECKSUMS).is_file():
        print(f"verify: no {CHECKSUMS} in {folder}: nothing to check the wheels against", file=sys.stderr)
        return 2
    try:
        found = problems(folder)
    except (OSError, ValueError) as error:
        print(f"verify: {error}", file=sys.stderr)
        return 2
    for problem in found:
        print(f"verify: {problem}", file=sys.stderr)
    if found:
        print(
            f"verify: {folder}: {len(found)} problems: make the wheelhouse again or bring it in again", file=sys.stderr
        )
        return 1
    print(f"verify: {folder}: every wheel is as it was made ({len(read_checksums(folder / CHECKSUMS))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
