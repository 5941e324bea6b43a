"""Check a wheelhouse against its checksum list, after it came through the sanitising gateway into LGWAN.

    py D:\\wheelhouse\\verify.py                     (scripts/wheelhouse.py puts this file there as verify.py)
    python scripts/verify_wheelhouse.py FOLDER

Every wheel named in SHA256SUMS must be in the folder with the same SHA-256, and every wheel in the folder must
be named there: a file the gateway changed, dropped or renamed, or a wheel left over from another download,
is reported, and the exit code is 1 (2 when there is no list to check against). `sha256sum -c SHA256SUMS`
checks the same on Linux. Standard library only: it runs wherever the wheelhouse is installed. Its messages
are Japanese, English with BPR_LANG=en (as bpr's).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path

CHECKSUMS = "SHA256SUMS"
_LINE = re.compile(r"(?P<digest>[0-9a-fA-F]{64}) [ *](?P<name>.+)")


def tr(ja: str, en: str) -> str:
    """Return a message in the language in force: Japanese, or English with BPR_LANG=en (as bpr reads it)."""
    value = os.environ.get("BPR_LANG", "").strip().replace("-", "_").split(".")[0].split("_")[0]
    return en if value.lower() == "en" else ja


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
            raise ValueError(
                tr(
                    f"{listed.name}:{number}: チェックサムの行ではありません: {line!r}",
                    f"{listed.name}:{number}: not a checksum line: {line!r}",
                )
            )
        checksums[match["name"]] = match["digest"].lower()
    return checksums


def problems(folder: Path) -> list[str]:
    """Return what differs between a wheelhouse and its checksum list; empty when every file is as it was made."""
    listed = read_checksums(folder / CHECKSUMS)
    found = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            found.append(tr(f"{name}: ありません", f"{name}: missing"))
        elif sha256(path) != digest:
            found.append(
                tr(
                    f"{name}: 変わっています（SHA-256 が {CHECKSUMS} のものと違う）",
                    f"{name}: changed (its SHA-256 is not the one in {CHECKSUMS})",
                )
            )
    found += [
        tr(
            f"{wheel.name}: {CHECKSUMS} にありません（別のところから来た wheel: 取り除いてください）",
            f"{wheel.name}: not in {CHECKSUMS} (a wheel from elsewhere: remove it)",
        )
        for wheel in sorted(folder.glob("*.whl"))
        if wheel.name not in listed
    ]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify.py",
        description=tr(
            f"wheelhouse をチェックサムの一覧（{CHECKSUMS}）で確かめます。",
            f"Check a wheelhouse against its checksum list ({CHECKSUMS}).",
        ),
    )
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parent,
        help=tr(
            "wheelhouse（既定: このファイルのあるフォルダ）", "the wheelhouse (default: the folder this file is in)"
        ),
    )
    folder: Path = parser.parse_args(argv).folder
    if not (folder / CHECKSUMS).is_file():
        print(
            tr(
                f"verify: {folder} に {CHECKSUMS} がないため、wheel を確かめられません",
                f"verify: no {CHECKSUMS} in {folder}: nothing to check the wheels against",
            ),
            file=sys.stderr,
        )
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
            tr(
                f"verify: {folder}: 問題 {len(found)} 件。wheelhouse を作り直すか、持ち込み直してください",
                f"verify: {folder}: {len(found)} problems: make the wheelhouse again or bring it in again",
            ),
            file=sys.stderr,
        )
        return 1
    count = len(read_checksums(folder / CHECKSUMS))
    print(
        tr(
            f"verify: {folder}: すべての wheel が作ったときのままです（{count} ファイル）",
            f"verify: {folder}: every wheel is as it was made ({count} files)",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
