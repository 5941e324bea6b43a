"""Finding inventory files and reading them as UTF-8 text, with a clear reason when that fails."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from bpr.inventory.yamlfile import YamlInputError

_BOM = "\ufeff"


def read_text(path: Path) -> str:
    """Read a file as UTF-8 (a BOM is dropped), or raise YamlInputError saying why not."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise YamlInputError("file-unreadable", "is a folder, not a file") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise YamlInputError("file-unreadable", f"cannot be read: {reason}") from None
    if b"\x00" in raw[:8192]:
        raise YamlInputError("file-encoding", "is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_byte(raw, exc.start)
        guess = _guess_encoding(raw)
        hint = f" (it looks like {guess})" if guess else ""
        raise YamlInputError(
            "file-encoding",
            f"is not UTF-8{hint}: save it as UTF-8 (in Excel or Notepad: 'UTF-8' encoding)",
            line,
            column,
        ) from None
    if text.startswith(_BOM):
        text = text[1:]
    return text


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, column


def _guess_encoding(raw: bytes) -> str | None:
    for name, label in (("cp932", "Shift_JIS/CP932"), ("euc_jp", "EUC-JP")):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return label
    return None


def iter_yaml_files(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    """Yield (file, exists) for each YAML file under the given paths, sorted, folders searched recursively."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir())
            yield from ((p, True) for p in found)
        else:
            yield path, path.exists()
