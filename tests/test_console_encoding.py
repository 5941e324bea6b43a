"""Output never crashes on the console's encoding (issue 10, item 14).

On a Japanese Windows console or pipe (cp932), a character outside cp932 such as 𠮷 (U+20BB7) once made
`validate` and `score` crash with exit 1, which means "the inventory has errors". Machine formats go out as
UTF-8 bytes whatever the console's encoding; text goes out in the console's encoding, with a replacement
for what it cannot show.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bpr.cli import CONSOLE_ERRORS

from conftest import ROOT, VALID

YOSHI = "\U00020bb7"  # 𠮷: not in cp932
MACHINE = [("validate", "json"), ("validate", "github"), ("score", "json"), ("score", "csv")]
TEXT = [("validate", "text"), ("score", "table")]


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """Return an inventory file whose name, counter, procedure and step names hold 𠮷 (and a no-effort warning)."""
    text = (VALID / "minimal.yml").read_text(encoding="utf-8")
    for old, new in (
        ("name: 議会事務局", f"name: {YOSHI}議会"),
        ("name: 本会議の傍聴受付", f"name: {YOSHI}田の傍聴受付"),
        ("name: 傍聴受付", f"name: {YOSHI}の受付"),
    ):
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path / f"{YOSHI}田.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_bpr(
    args: list[str], cwd: Path, stdout: int | object = subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m bpr ARGS` with a cp932 console encoding; return the raw bytes."""
    environment = {
        **os.environ,
        "PYTHONIOENCODING": "cp932",
        "XDG_CACHE_HOME": str(cwd / "cache-home"),
        **env,
    }
    environment.pop("BPR_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "bpr", *args], cwd=cwd, env=environment, stdout=stdout, stderr=subprocess.PIPE
    )


def _run_into(command: str, output_format: str, into: str, inventory: Path, tmp_path: Path) -> bytes:
    """Run a command on a cp932 console, its output into a pipe or a file; return the output after a clean exit."""
    captured = tmp_path / "out.txt" if into == "file" else None
    with open(captured, "wb") if captured is not None else open(os.devnull, "wb") as sink:
        result = run_bpr(
            [command, "--format", output_format, inventory.name],
            tmp_path,
            stdout=sink if captured is not None else subprocess.PIPE,
        )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr
    return captured.read_bytes() if captured is not None else result.stdout


@pytest.mark.parametrize("into", ["pipe", "file"])
@pytest.mark.parametrize(("command", "output_format"), MACHINE)
def test_machine_formats_are_utf8_on_a_cp932_console(
    command: str, output_format: str, into: str, inventory: Path, tmp_path: Path
) -> None:
    output = _run_into(command, output_format, into, inventory, tmp_path)
    text = output.decode("utf-8")  # strict: the whole output is UTF-8
    assert YOSHI in text
    if output_format == "json":
        json.loads(text)


@pytest.mark.parametrize("into", ["pipe", "file"])
@pytest.mark.parametrize(("command", "output_format"), TEXT)
def test_text_formats_replace_what_cp932_cannot_show(
    command: str, output_format: str, into: str, inventory: Path, tmp_path: Path
) -> None:
    output = _run_into(command, output_format, into, inventory, tmp_path)
    text = output.decode("cp932")  # strict: the console can show every character
    shown = "田.yaml" if command == "validate" else "田の傍聴受付"  # the file name, the procedure name
    assert f"?{shown}" in text


def test_errors_on_stderr_replace_what_cp932_cannot_show(inventory: Path, tmp_path: Path) -> None:
    inventory.write_text(inventory.read_text(encoding="utf-8") + "unknown_key: 1\n", encoding="utf-8")
    result = run_bpr(["score", inventory.name], tmp_path)
    assert result.returncode == 1  # the inventory has errors, and nothing else went wrong
    stderr = result.stderr.decode("cp932")
    assert "Traceback" not in stderr
    assert "unknown-field" in stderr


# Every message of the catalog on a Japanese Windows console (issue 25, item 11) ------------------------------


def catalog_messages() -> list[tuple[str, str, str]]:
    """Return (source file, msgid or msgstr, text) for every message of the catalog's sources."""
    from babel.messages.pofile import read_po

    found = []
    for po in sorted((ROOT / "bpr" / "locale" / "ja").glob("*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            for kind, texts in (("msgid", message.id), ("msgstr", message.string)):
                for text in texts if isinstance(texts, tuple) else (texts,):
                    found.append((po.name, kind, text))
    return found


def test_every_japanese_message_is_written_in_cp932() -> None:
    # A Japanese run is the default on a Japanese Windows PC, whose console and pipes speak cp932: a character
    # outside it (an em dash, ≤) came out as "?" in the KPI warnings.
    outside = []
    for source, kind, text in catalog_messages():
        if kind == "msgstr":
            try:
                text.encode("cp932")
            except UnicodeEncodeError as error:
                outside.append(f"{source}: {text[error.start : error.end]!r} in {text!r}")
    assert outside == []


def test_no_message_loses_a_character_on_a_cp932_console() -> None:
    # English messages too: what cp932 lacks is written as the nearest it has (— as ―), never as "?".
    for source, kind, text in catalog_messages():
        shown = text.encode("cp932", CONSOLE_ERRORS).decode("cp932")
        assert shown.count("?") == text.count("?"), f"{source} {kind}: {text!r} shows as {shown!r}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("4件不足 — 枠", "4件不足 ― 枠"),
        ("0 < x ≤ 1 ≥", "0 < x ≦ 1 ≧"),
        ("Café", "Cafe"),
        (YOSHI, "?"),
        ("4〜6月", "4～6月"),
    ],
)
def test_the_console_writes_the_nearest_character_cp932_has(text: str, shown: str) -> None:
    assert text.encode("cp932", CONSOLE_ERRORS).decode("cp932") == shown


def test_a_dash_in_the_inventory_shows_as_the_nearest_on_a_cp932_pipe(tmp_path: Path) -> None:
    text = (
        (VALID / "minimal.yml").read_text(encoding="utf-8").replace("name: 本会議の傍聴受付", "name: 傍聴受付 — 本会議")
    )
    (tmp_path / "gikai.yaml").write_text(text, encoding="utf-8")
    result = run_bpr(["score", "gikai.yaml"], tmp_path, BPR_LANG="en")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "傍聴受付 ― 本会議" in result.stdout.decode("cp932")
