"""Writing a new counter file's text directly, in the layout people write: one line per step and attachment.

ruamel's emitter takes about 5 ms per procedure; an import of the whole national survey writes 3,000
of them. A new file has no comments to keep, so it is written here instead, with scalars plain where
that cannot change their meaning and double-quoted (JSON escapes are YAML escapes) everywhere else.
A test reads every emitted file back and compares the data.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

# A plain scalar is kept only when it starts with no indicator, holds none of the flow and comment
# characters, and cannot read as another type (true, null, 12, 1.5, 2022-07-15, 0x1f, .inf …).
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`~=+.0-9][^?:#,\[\]{}'\"\t\n\r]*(?<!\s)")
_NOT_PLAIN_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_FLOW_KEYS = frozenset({"life_events", "online", "fee"})
_ITEM_KEYS = frozenset({"steps", "attachments"})


def scalar(value: Any) -> str:
    """Return a scalar as YAML text that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("a finite number is needed")
        return repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.isprintable() and text.lower() not in _NOT_PLAIN_WORDS:
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in json.dumps(text, ensure_ascii=False))


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def flow(value: Any) -> str:
    """Return a value in flow style on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value)


def _block(key: str, value: Any, indent: str) -> Iterable[str]:
    if key in _ITEM_KEYS and isinstance(value, list) and value and isinstance(value[0], dict):
        yield f"{indent}{key}:\n"
        for item in value:
            yield f"{indent}  - {flow(item)}\n"
    elif key in _FLOW_KEYS or not isinstance(value, dict | list) or _flat_list(value):
        yield f"{indent}{key}: {flow(value)}\n"
    elif isinstance(value, list):
        yield f"{indent}{key}:\n"
        for item in value:
            yield f"{indent}  - {flow(item)}\n"
    else:
        if not value:
            yield f"{indent}{key}: {{}}\n"
            return
        yield f"{indent}{key}:\n"
        for inner, item in value.items():
            yield from _block(inner, item, indent + "  ")


def _flat_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(item, dict | list) for item in value)


def counter_file_text(header: str, counter: dict[str, Any], procedures: list[dict[str, Any]]) -> str:
    """Return the text of a new counter file."""
    lines = [header, "version: 1\n", "counter:\n"]
    for key, value in counter.items():
        lines.append(f"  {key}: {flow(value)}\n")
    lines.append("procedures:\n")
    for number, procedure in enumerate(procedures):
        if number:
            lines.append("\n")
        first = True
        for key, value in procedure.items():
            for line in _block(key, value, "    "):
                lines.append("  - " + line[4:] if first else line)
                first = False
    return "".join(lines)
